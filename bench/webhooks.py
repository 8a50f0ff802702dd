"""Webhooks at scale: orders arriving by webhook, an idle cart's daily API cost, a burst across workers, the tick.

`python -m bench.webhooks [--arrival-carts 20] [--arrival-orders 200] [--arrival-seconds 60] [--burst-carts 200]
[--burst-deliveries 10000] [--burst-workers 4] [--tick-carts 10000]`. Needs PostgreSQL (DATABASE_URL) and
Redis (REDIS_URL): the web server, the workers and beat run as processes of their own, as in production.

- arrival: orders placed in sandbox stores (each its own store, with its own delivery threads) at an even
  pace, one Celery worker; from placing an order to its pending transaction (target p95 <= 5 s);
- idle: a day of beat ticks for a cart whose hooks stay healthy, with the requests of an idle pass and of a
  hook verification as measured against the sandbox (target <= 30 requests a day);
- burst: bench/webhook_burst.py (receiver p99 < 100 ms, every order once, a killed worker loses nothing);
- tick: `autosync_tick` over many Running carts, half with healthy hooks (target < 2 s on Redis).
"""
from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import statistics
import sys
import time
import urllib.request

from bench.harness import Figures, Sandbox, benchmark_main, measure_in_fresh_process, measured
from bench.orders_import import orders_sandbox
from bench.webhook_burst import (
    BACKGROUND_NICENESS,
    RECEIVER_P99_TARGET_MS,
    WEB_THREADS,
    WEB_WORKERS,
    percentile,
    run_burst,
)
from bench.webhook_processes import (
    QUEUE,
    free_port,
    process_group,
    product_environment,
    stores_start,
    web_start,
    workers_start,
)
from bench.webhook_setup import bulk_carts, running_carts

BENCHMARK = "webhooks"
ARRIVAL_P95_TARGET_SECONDS = 5.0
IDLE_REQUESTS_TARGET = 30
TICK_TARGET_SECONDS = 2.0
STORE_ORDERS = 250
ARRIVAL_TIMEOUT_SECONDS = 300


def parent(options: argparse.Namespace) -> tuple[list[Figures], list[dict]]:
    """The store with its orders (idle, burst, tick), then each run in a process of its own."""
    sandbox = orders_sandbox(STORE_ORDERS, plan="unlimited")
    arguments = [f"--{name.replace('_', '-')}={value}" for name, value in vars(options).items()
                 if name not in ("run", "sandbox")]
    try:
        runs = [measure_in_fresh_process(BENCHMARK, run, sandbox, *arguments)
                for run in ("arrival", "idle", "burst", "tick")]
    finally:
        sandbox.stop()
    arrival, idle, burst, tick = runs
    summary = [
        {"what": f"Webhooks: order placed → pending transaction, {options.arrival_orders} orders in "
                 f"{options.arrival_seconds} s across {options.arrival_carts} carts, one worker",
         "target": f"p95 ≤ {ARRIVAL_P95_TARGET_SECONDS:g} s",
         "measured": f"p95 {arrival.extra['seconds p50 / p95 / max'].split(' / ')[1]} s "
                     f"(p50 / p95 / max {arrival.extra['seconds p50 / p95 / max']} s)"},
        {"what": "Webhooks: API requests per idle cart per day with healthy hooks", "target": f"≤ {IDLE_REQUESTS_TARGET}",
         "measured": f"{idle.extra['API requests per day']} ({idle.extra['how']})"},
        {"what": f"Webhooks: burst of {burst.extra['deliveries sent']:,} deliveries across {options.burst_carts} carts, "
                 f"{options.burst_workers} worker processes at nice {BACKGROUND_NICENESS} (one killed mid-burst) beside "
                 f"gunicorn {WEB_WORKERS} × {WEB_THREADS} threads, Redis and PostgreSQL",
         "target": f"every order once, receiver p99 < {RECEIVER_P99_TARGET_MS} ms, nothing lost",
         "measured": f"{burst.extra['imported']:,} of {burst.extra['orders expected (cart, order)']:,} orders imported, "
                     f"{burst.extra['imported twice']} twice, {burst.extra['deliveries left unprocessed']} deliveries "
                     f"lost; receiver p99 {burst.extra['receiver p99 ms']} ms"},
        {"what": f"Webhooks: beat tick over {options.tick_carts:,} Running carts (half with healthy hooks)",
         "target": f"< {TICK_TARGET_SECONDS:g} s on Redis", "measured": f"{tick.wall_seconds} s ({tick.extra['broker']})"},
    ]
    return runs, summary


def run_arrival(sandbox: Sandbox, options: argparse.Namespace) -> Figures:
    """Orders placed in the stores at an even pace arrive through the receiver and one worker."""
    from django.conf import settings

    from orders.models import SalesTransaction
    from webhooks.registration import cart_hooks_apply

    port = free_port()
    public = f"http://127.0.0.1:{port}"
    with process_group("webhooks-arrival") as group:
        stores = [(path, key, path.split("/stores/")[0].removeprefix("http://"))
                  for path, key in stores_start(group, options.arrival_carts, 20)]
        settings.BIGCOMMERCE_EXTRA_API_HOSTS = [host for _, _, host in stores]
        settings.PUBLIC_BASE_URL = public
        carts = running_carts(stores, options.arrival_carts, prefix="Arrival")
        environment = product_environment(public_base_url=public, store_hosts=settings.BIGCOMMERCE_EXTRA_API_HOSTS)
        web_start(group, port, environment, workers=2)
        workers_start(group, 1, environment)
        registered = [cart_hooks_apply(cart=cart) for cart in carts]
        products = [simple_product(path.split("/stores/")[0]) for path, _, _ in stores]
        time.sleep(3)  # the worker connects to the broker
        placed: dict[tuple[int, int], float] = {}
        interval = options.arrival_seconds / options.arrival_orders
        with measured(f"arrival: {options.arrival_orders} orders in {options.arrival_seconds} s across "
                      f"{options.arrival_carts} carts, one worker", sandbox) as figures:
            started = time.time()
            for number in range(options.arrival_orders):
                time.sleep(max(0.0, started + number * interval - time.time()))
                index = number % len(stores)
                at = time.time()
                placed[(carts[index].pk, place_order(stores[index][0].split("/stores/")[0], products[index]))] = at
            deadline = time.monotonic() + ARRIVAL_TIMEOUT_SECONDS
            while time.monotonic() < deadline and SalesTransaction.objects.filter(cart__in=carts).count() < len(placed):
                time.sleep(0.5)
    arrived = {(cart_id, order_id): created.timestamp() for cart_id, order_id, created in
               SalesTransaction.objects.filter(cart__in=carts).values_list("cart_id", "cart_order_id", "created_at")}
    seconds = [arrived[key] - at for key, at in placed.items() if key in arrived]
    p50, p95 = round(statistics.median(seconds), 2), round(percentile(seconds, 0.95), 2)
    figures.extra = {
        "hooks registered": f"{sum(applied.ok for applied in registered)} of {len(carts)} carts",
        "orders placed": len(placed), "arrived": len(seconds),
        "seconds p50 / p95 / max": f"{p50} / {p95} / {round(max(seconds), 2)}",
        "note": "from just before the order is placed to the transaction's created_at (one clock, one machine)",
        "meets targets": len(seconds) == len(placed) and p95 <= ARRIVAL_P95_TARGET_SECONDS,
    }
    return figures


def simple_product(base_url: str) -> int:
    with urllib.request.urlopen(f"{base_url}/_sandbox/examples", timeout=10) as answer:
        return json.load(answer)["simple_product"]


def place_order(base_url: str, product_id: int) -> int:
    """Place an order as the storefront does (through the sandbox's control endpoint); its id."""
    body = json.dumps({"lines": [{"product_id": product_id, "quantity": 1}], "email": "shopper@example.com"}).encode()
    request = urllib.request.Request(f"{base_url}/_sandbox/orders", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)["id"]


def run_idle(sandbox: Sandbox, options: argparse.Namespace) -> Figures:
    """An idle cart with healthy hooks: a day of beat ticks, each pass and each verification as measured."""
    from django.conf import settings
    from django.utils import timezone

    from sync.models import AutoSyncState
    from sync.passes import cart_sync_pass
    from sync.tick import due_carts_schedule
    from webhooks.models import CartHookEndpoint
    from webhooks.registration import cart_hooks_apply

    settings.PUBLIC_BASE_URL = "http://127.0.0.1:9"  # loopback: the store sends nothing while the cart is idle
    with process_group("webhooks-idle") as group:
        # A store of its own whose orders are all older than the pass's overlap window, as an idle store's are.
        (api_path, api_key), = stores_start(group, 1, 20)
        store = Sandbox(api_path, api_key)
        settings.BIGCOMMERCE_EXTRA_API_HOSTS = [store.host_port]
        cart = running_carts([(api_path, api_key, store.host_port)], 1, prefix="Idle")[0]
        cart_hooks_apply(cart=cart)
        cart_sync_pass(cart_id=cart.pk)  # the first pass reads what the store has
        store.reset_stats()
        cart_sync_pass(cart_id=cart.pk)
        per_pass = int(store.stats()["total_requests"])
        store.reset_stats()
        cart_hooks_apply(cart=cart)
        per_verification = int(store.stats()["total_requests"])
    with measured("idle: a day of beat ticks for a cart with healthy hooks", sandbox) as figures:
        passes = verifications = 0
        start = timezone.now()
        AutoSyncState.objects.filter(cart=cart).update(next_pass_at=start)
        CartHookEndpoint.objects.filter(cart=cart).update(verified_at=start)
        verified = start
        for minute in range(24 * 60):
            now = start + datetime.timedelta(minutes=minute)
            if cart.pk in due_carts_schedule(now=now):
                passes += 1
                if now - verified >= datetime.timedelta(minutes=settings.WEBHOOKS_VERIFY_MINUTES):
                    verified, verifications = now, verifications + 1
                    CartHookEndpoint.objects.filter(cart=cart).update(verified_at=now)
    per_day = passes * per_pass + verifications * per_verification
    figures.extra = {
        "requests per idle pass": per_pass, "requests per hook verification": per_verification,
        "passes in a day of ticks": passes, "verifications in a day": verifications,
        "API requests per day": per_day,
        "how": f"{passes} passes × {per_pass} + {verifications} verifications × {per_verification}",
        "without webhooks (every 15 minutes)": math.ceil(24 * 60 / 15) * per_pass,
        "meets targets": per_day <= IDLE_REQUESTS_TARGET,
    }
    return figures


def run_tick(sandbox: Sandbox, options: argparse.Namespace) -> Figures:
    """One beat tick with every cart due, half of them with healthy hooks."""
    from django.conf import settings

    from carts.models import Cart
    from salesorder.celery import app
    from sync.models import AutoSyncState
    from sync.tasks import autosync_tick

    settings.PUBLIC_BASE_URL = "http://127.0.0.1:9"
    queue = f"{QUEUE}-tick"
    settings.CELERY_TASK_DEFAULT_QUEUE = app.conf.task_default_queue = queue
    app.conf.task_always_eager = False
    template = running_carts([(sandbox.api_path, sandbox.api_key, sandbox.host_port)], 1, prefix="Template")[0]
    ids = bulk_carts(template, options.tick_carts)
    AutoSyncState.objects.filter(cart_id__in=ids).update(next_pass_at=None)
    with measured(f"tick: {options.tick_carts:,} Running carts, all due, half with healthy hooks", sandbox) as figures:
        enqueued = autosync_tick()
    with app.connection_for_write() as connection:
        purged = connection.default_channel.queue_purge(queue)
    longer = AutoSyncState.objects.filter(cart_id__in=ids[::2]).values_list("next_pass_at", flat=True).first()
    shorter = AutoSyncState.objects.filter(cart_id__in=ids[1::2]).values_list("next_pass_at", flat=True).first()
    Cart.objects.filter(pk__in=ids).delete()
    broker = app.conf.broker_url.split("://")[0]
    figures.extra = {
        "carts enqueued": enqueued, "messages purged afterwards": purged, "broker": broker,
        "next pass, healthy vs polled (minutes apart)": round((longer - shorter).total_seconds() / 60),
        "meets targets": enqueued >= options.tick_carts and figures.api_requests == 0
        and (figures.wall_seconds < TICK_TARGET_SECONDS or broker != "redis"),
    }
    return figures


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--arrival-carts", type=int, default=20)
    parser.add_argument("--arrival-orders", type=int, default=200)
    parser.add_argument("--arrival-seconds", type=int, default=60)
    parser.add_argument("--burst-carts", type=int, default=200)
    parser.add_argument("--burst-deliveries", type=int, default=10_000)
    parser.add_argument("--burst-workers", type=int, default=4)
    parser.add_argument("--tick-carts", type=int, default=10_000)


def fresh_postgres_database() -> None:
    """The parent starts on an empty database: PostgreSQL's is dropped and made again (SQLite's file is by the harness)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres") or "--run" in sys.argv:
        return
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def bench_queues_purge() -> None:
    """Start with the benchmark's queues empty: an interrupted run leaves its messages (and unacknowledged ones)."""
    if "--run" in sys.argv:
        return
    import redis

    broker = redis.Redis.from_url(os.environ["REDIS_URL"])
    broker.delete(QUEUE, f"{QUEUE}-tick", "unacked", "unacked_index")


if __name__ == "__main__":
    if not (os.environ.get("REDIS_URL") and os.environ.get("DATABASE_URL", "").startswith("postgres")):
        sys.exit("bench.webhooks needs PostgreSQL and Redis: set DATABASE_URL=postgres://… and REDIS_URL=redis://…")
    fresh_postgres_database()
    bench_queues_purge()
    sys.exit(benchmark_main(BENCHMARK, description=__doc__.splitlines()[0], add_arguments=add_arguments,
                            runs={"arrival": run_arrival, "idle": run_idle, "burst": run_burst, "tick": run_tick},
                            parent=parent))
