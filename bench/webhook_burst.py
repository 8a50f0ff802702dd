"""The webhooks benchmark's burst: deliveries across many carts at once, handled by several worker processes.

The receiver (gunicorn) takes every delivery while worker processes re-read the orders they name; one
worker is killed (SIGKILL) half-way. Measured: each delivery's answer time at the sender (p99 target
under 100 ms), that every order is imported exactly once per cart, and that nothing the killed worker
held is lost (its claim lapses and beat's sweep queues it again).
"""
from __future__ import annotations

import argparse
import random
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from bench.harness import Figures, Sandbox, measured
from bench.webhook_processes import (
    free_port,
    process_group,
    product_environment,
    web_start,
    workers_start,
)
from bench.webhook_setup import order_event, running_carts

RECEIVER_P99_TARGET_MS = 100
SENDERS = 8
# The deployment measured: as many web threads as senders, the background work below the web server's CPU priority.
WEB_WORKERS, WEB_THREADS = 2, 4
BACKGROUND_NICENESS = 10
SETTLE_TIMEOUT_SECONDS = 900
SECRET_HEADER = "X-Salesorder-Hook-Secret"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))] if ordered else 0.0


def deliveries_for(carts: list, order_ids: list[int], per_cart: int, store_hash: str) -> list[tuple]:
    """(cart, URL path, secret, event) for every delivery: each cart's orders, created and statusUpdated each."""
    from carts.credential_storage import secret_decrypt
    from django.urls import reverse
    from webhooks.registration import cart_hook_endpoint_get

    deliveries = []
    orders_per_cart = max(1, per_cart // 2)
    for index, cart in enumerate(carts):
        endpoint = cart_hook_endpoint_get(cart=cart)
        path, secret = reverse("webhooks:receive", args=[endpoint.token]), secret_decrypt(endpoint.secret_encrypted)
        mine = [order_ids[(index * orders_per_cart + offset) % len(order_ids)] for offset in range(orders_per_cart)]
        for order_id in mine:
            deliveries.append((cart.pk, path, secret, order_event("store/order/created", order_id, store_hash=store_hash)))
            deliveries.append((cart.pk, path, secret, order_event(
                "store/order/statusUpdated", order_id, store_hash=store_hash,
                status={"previous_status_id": 0, "new_status_id": 11})))
    random.Random(7).shuffle(deliveries)
    return deliveries


def run_burst(sandbox: Sandbox, options: argparse.Namespace) -> Figures:
    from django.db.models import Count
    from django.conf import settings

    from orders.models import SalesTransaction
    from webhooks.models import HookDelivery

    port = free_port()
    public = f"http://127.0.0.1:{port}"
    settings.PUBLIC_BASE_URL = public
    store_hash = sandbox.api_path.rstrip("/").split("/")[-2]
    stores = [(sandbox.api_path, sandbox.api_key, sandbox.host_port)]
    carts = running_carts(stores, options.burst_carts, prefix="Burst")
    order_ids = store_order_ids(sandbox)
    per_cart = max(2, options.burst_deliveries // options.burst_carts)
    deliveries = deliveries_for(carts, order_ids, per_cart, store_hash)
    # Unmeasured, first: a cart of its own whose deliveries open every web thread's database, cache and broker
    # connections, as a server that has been up a while has them.
    warm_up = deliveries_for(running_carts(stores, 1, prefix="Warm-up"), order_ids, 4 * SENDERS, store_hash)
    expected = {(cart_id, event["data"]["id"]) for cart_id, _, _, event in deliveries}
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    local = threading.local()

    def send(delivery: tuple) -> None:
        session = getattr(local, "session", None) or requests.Session()
        local.session = session
        _, path, secret, event = delivery
        started = time.perf_counter()
        answer = session.post(public + path, json=event, headers={SECRET_HEADER: secret}, timeout=30)
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            latencies.append(elapsed)
            statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1

    environment = product_environment(public_base_url=public, store_hosts=[sandbox.host_port])
    with process_group("webhooks-burst") as group, measured(
            f"burst: {len(deliveries):,} deliveries across {len(carts)} carts, {options.burst_workers} workers",
            sandbox) as figures:
        web_start(group, port, environment, workers=WEB_WORKERS, threads=WEB_THREADS)
        workers_start(group, options.burst_workers, environment, beat=True, niceness=BACKGROUND_NICENESS)
        time.sleep(3)  # the workers connect to the broker
        with ThreadPoolExecutor(SENDERS) as senders:
            list(senders.map(send, warm_up))
        latencies.clear()
        statuses.clear()
        started = time.perf_counter()
        half = len(deliveries) // 2
        with ThreadPoolExecutor(SENDERS) as senders:
            list(senders.map(send, deliveries[:half]))
            group.kill("worker0")  # mid-burst: whatever it held must not be lost
            list(senders.map(send, deliveries[half:]))
        sent_seconds = time.perf_counter() - started
        settled = wait_settled(expected, SETTLE_TIMEOUT_SECONDS)
        settle_seconds = time.perf_counter() - started
    imported = set(SalesTransaction.objects.filter(cart__in=carts).values_list("cart_id", "cart_order_id"))
    doubled = SalesTransaction.objects.filter(cart__in=carts).values("cart", "cart_order_id").annotate(
        n=Count("id")).filter(n__gt=1).count()
    waiting = HookDelivery.objects.filter(cart__in=carts, processed_at__isnull=True).count()
    p99 = round(percentile(latencies, 0.99), 1)
    figures.extra = {
        "set-up": f"gunicorn {WEB_WORKERS} workers × {WEB_THREADS} threads at nice 0, {options.burst_workers} Celery "
                  f"workers and beat at nice {BACKGROUND_NICENESS} (one session), {SENDERS} concurrent senders",
        "deliveries sent": len(deliveries), "answers by status": dict(sorted(statuses.items())),
        "receiver ms p50 / p95 / p99 / max": f"{round(statistics.median(latencies), 1)} / "
                                             f"{round(percentile(latencies, 0.95), 1)} / {p99} / {round(max(latencies), 1)}",
        "receiver p99 ms": p99, "seconds to send all": round(sent_seconds, 1),
        "seconds until every order was imported": round(settle_seconds, 1) if settled else f"not within {SETTLE_TIMEOUT_SECONDS}",
        "orders expected (cart, order)": len(expected), "imported": len(expected & imported),
        "imported twice": doubled, "deliveries left unprocessed": waiting,
        "worker killed": "worker0 (SIGKILL) after half the deliveries were sent",
        "meets targets": settled and expected <= imported and doubled == 0 and waiting == 0
        and p99 < RECEIVER_P99_TARGET_MS and set(statuses) == {200},
    }
    return figures


def wait_settled(expected: set[tuple[int, int]], timeout: float) -> bool:
    """Until every expected (cart, order) is imported and no delivery waits; False if the time ran out."""
    from orders.models import SalesTransaction
    from webhooks.models import HookDelivery

    carts = {cart_id for cart_id, _ in expected}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = SalesTransaction.objects.filter(cart_id__in=carts).count() >= len(expected)
        if done and not HookDelivery.objects.filter(cart_id__in=carts, processed_at__isnull=True).exists():
            return True
        time.sleep(1)
    return False


def store_order_ids(sandbox: Sandbox) -> list[int]:
    """The ids of the 250 newest orders awaiting fulfillment: the ones the benchmark placed, each importable (the
    store's seeded examples include an order with a line no item can match)."""
    session = requests.Session()
    client_id, token = sandbox.api_key.split(":")
    answer = session.get(sandbox.api_path.replace("/v3/", "/v2/") + "orders",
                         params={"status_id": 11, "limit": 250, "sort": "id:desc"}, headers={"X-Auth-Client": client_id,
                                                                          "X-Auth-Token": token,
                                                                          "Accept": "application/json"}, timeout=30)
    answer.raise_for_status()
    return [order["id"] for order in answer.json()]

