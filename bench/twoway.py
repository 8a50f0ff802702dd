"""Two-way: stock levels pushed to the store in batches, and four workers sharing one store's request budget.

`python -m bench.twoway [--levels 30000] [--orders 120] [--workers 4]`. Each sandbox store runs in a child
process on the Standard rate-limit plan (150 requests per 30 s); each run in a process of its own.

- push: `levels` stock-item variants of a large catalog are linked to items with a quantity on hand
  (set up directly, not measured), then one stock push (`cart_stock_push`, as Push stock now, an
  auto-sync pass and `manage.py cart push-stock` run it). Target: at most ceil(levels / 2,000) + 2
  absolute adjustment requests; the catalog reads that find each variant's tracking and level are
  counted and reported on their own.
- idle: the same push again with nothing changed. Target: 0 inventory requests (0 requests at all).
- workers: `workers` processes, one company and cart each on one store holding `orders` orders of 3
  lines, started at the same moment: each runs an auto-sync pass (imports the orders, then pushes
  stock), counts its stock and pushes again, ships one unit of the first stock line of every order whose id
  falls to it (`order_ship`, as the Ship button and `manage.py order ship`), and runs a last pass. Targets:
  0 responses 429 (the sandbox counts them), and each shipment created in the store exactly once
  (the sandbox records every shipment POST).
"""
from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import time
import urllib.request

from bench.harness import WORK_DIR, BASE_DIR, Figures, Sandbox, SandboxProcess, benchmark_main, django_setup, \
    measure_in_fresh_process, measured
from bench.orders_import import orders_sandbox

BENCHMARK = "twoway"
ADJUSTMENT_BATCH = 2_000  # inventory.v3.yml: "Limit of 2000 items for payload length"
ADJUSTMENTS = "PUT /v3/inventory/adjustments/absolute"
CATALOG_READS = "GET /v3/catalog/products"
SEED = 1
# A catalog of this many products has more than 30,000 variants whose level a push can set (seed 1).
PRODUCTS_PER_LEVEL = 0.35
# Serves a large catalog on the Standard plan until killed; prints 'API_PATH API_KEY'.
PUSH_SANDBOX = """
import sys
from sandbox.server import SandboxServer
server = SandboxServer(port=0, seed=int(sys.argv[1]), products=int(sys.argv[2]), orders=20, plan="standard").start()
print(server.api_path, server.api_key("full"), flush=True)
server.serve_until_interrupted()
"""


def catalog_products(levels: int) -> int:
    return max(40, math.ceil(levels * PRODUCTS_PER_LEVEL))


def adjustment_budget(levels: int) -> int:
    return math.ceil(levels / ADJUSTMENT_BATCH) + 2


def parent(options: argparse.Namespace) -> tuple[list[Figures], list[dict]]:
    """Start each store, then measure the push, the idle push and the workers, each in a process of its own."""
    arguments = ("--levels", str(options.levels), "--orders", str(options.orders), "--workers", str(options.workers))
    sandbox = SandboxProcess(PUSH_SANDBOX, str(SEED), str(catalog_products(options.levels)))
    try:
        push, idle = (measure_in_fresh_process(BENCHMARK, run, sandbox, *arguments) for run in ("push", "idle"))
    finally:
        sandbox.stop()
    sandbox = orders_sandbox(options.orders, plan="standard")
    try:
        workers = measure_in_fresh_process(BENCHMARK, "workers", sandbox, *arguments)
    finally:
        sandbox.stop()
    summary = [
        {"what": f"Stock push: {options.levels:,} changed variant levels, Standard plan",
         "target": f"≤ {adjustment_budget(options.levels)} adjustment requests (catalog reads reported apart)",
         "measured": f"{push.extra['levels set in the store']:,} set with {push.extra['adjustment requests']} adjustment "
                     f"requests, plus {push.extra['catalog reads']} catalog reads; {push.wall_seconds} s"},
        {"what": "Stock push: nothing changed since the last push", "target": "0 inventory requests",
         "measured": f"{idle.extra['inventory requests']} inventory requests ({idle.api_requests} in all)"},
        {"what": f"{options.workers} workers syncing, pushing stock and shipping on one store, Standard plan",
         "target": "0 responses 429, each shipment exactly once",
         "measured": f"{workers.rate_limited_429} 429s in {workers.api_requests} requests; "
                     f"{workers.extra['shipments created in the store']} shipments for "
                     f"{workers.extra['shipments recorded']} recorded, {workers.extra['orders shipped twice']} twice; "
                     f"{workers.wall_seconds} s"},
    ]
    return [push, idle, workers], summary


def _company_cart(sandbox: Sandbox, name: str, **settings: object):
    from carts.platforms.bigcommerce.credentials import AllowedHosts
    from companies.services import company_create
    from tests.carts.factories import make_cart

    company, _ = company_create(name=name, email=f"{name.lower().replace(' ', '-')}@example.com",
                                password="bench-password-9")
    return make_cart(company, name="Sandbox", api_path=sandbox.api_path, api_key=sandbox.api_key,
                     allowed_hosts=AllowedHosts.from_setting([sandbox.host_port]), **settings)


def _link_levels(cart, levels: int) -> int:
    """Items linked to `levels` variants whose level a push can set, each with a recorded quantity on hand (setup,
    written in bulk: the push is what is measured). The store's own levels are below 100, so every one changes."""
    from items.editing import item_new
    from items.models import Item, ItemCartLink, StockMovement, StockMovementKind
    from sandbox.catalog import Catalog

    catalog = Catalog(seed=SEED, product_count=catalog_products(levels))
    chosen: dict[str, tuple[int, int]] = {}
    for product_id in catalog.live_ids:
        product = catalog.product(product_id)
        if product.inventory_tracking == "none" or (product.inventory_tracking == "product" and len(product.variants) > 1):
            continue
        for variant in product.variants:
            if variant.sku.strip() and variant.sku.strip() not in chosen and len(chosen) < levels:
                chosen[variant.sku.strip()] = (product_id, variant.id)
    items = []
    for number, sku in enumerate(chosen):
        item = item_new(company=cart.company, sku=sku)
        item.on_hand = 1_000 + number % 500
        items.append(item)
    Item.objects.bulk_create(items, batch_size=2_000)
    items = list(Item.objects.filter(company=cart.company))
    StockMovement.objects.bulk_create(
        [StockMovement(company=cart.company, item=item, kind=StockMovementKind.ADJUSTMENT, quantity=item.on_hand,
                       on_hand_after=item.on_hand, reason="Benchmark count") for item in items], batch_size=2_000)
    ItemCartLink.objects.bulk_create(
        [ItemCartLink(company=cart.company, item=item, cart=cart, product_id=chosen[item.sku][0],
                      variant_id=chosen[item.sku][1], cart_sku=item.sku) for item in items], batch_size=2_000)
    return len(items)


def run_push(sandbox: Sandbox, options: argparse.Namespace) -> Figures:
    """One stock push of `levels` changed levels (or, for idle, the same push again)."""
    from carts.models import Cart
    from items.stock_push import cart_stock_push

    if options.run == "push":
        cart = _company_cart(sandbox, "Bench push")
        linked = _link_levels(cart, options.levels)
        name = f"push {options.levels:,} changed variant levels"
    else:
        cart = Cart.objects.get(company__name="Bench push")
        linked = options.levels
        name = "push again, nothing changed"
    with measured(name, sandbox) as figures:
        log = cart_stock_push(cart=cart, only_if_changed=options.run == "idle")
    endpoints = sandbox.stats()["endpoints"]
    adjustments = sum(endpoints.get(ADJUSTMENTS, {}).values())
    reads = sum(endpoints.get(CATALOG_READS, {}).values())
    inventory = sum(sum(statuses.values()) for endpoint, statuses in endpoints.items() if "/inventory/" in endpoint)
    figures.extra = {"variants linked": linked, "adjustment requests": adjustments, "catalog reads": reads,
                     "inventory requests": inventory}
    if options.run == "push":
        budget = adjustment_budget(options.levels)
        figures.extra.update({"levels set in the store": log.counts["pushed"], "summary": log.summary,
                              "adjustment request budget": budget,
                              "meets targets": log.counts["pushed"] == options.levels and adjustments <= budget
                              and figures.rate_limited_429 == 0})
    else:
        figures.extra.update({"log entry written": log is not None,
                              "meets targets": inventory == 0 and figures.api_requests == 0 and log is None})
    return figures


def run_workers(sandbox: Sandbox, options: argparse.Namespace) -> Figures:
    """`workers` processes at once on one store, each with its own company and cart."""
    import datetime

    from orders.models import Shipment, ShipmentState

    carts = [_company_cart(sandbox, f"Bench worker {index}", import_status_ids=(11,),
                           import_orders_from=datetime.date.today() - datetime.timedelta(days=1),
                           create_missing_items=True, push_stock=True) for index in range(options.workers)]
    start_at = time.time() + 3  # every worker starts at this moment, once its process is up
    reset = urllib.request.Request(f"{sandbox.base_url}/_sandbox/shipments/requests/reset", data=b"{}", method="POST")
    urllib.request.urlopen(reset).close()
    with measured(f"{options.workers} workers: sync, push stock, ship, sync", sandbox) as figures:
        processes = [subprocess.Popen([sys.executable, "-m", f"bench.{BENCHMARK}", "--worker", str(index),
                                       str(options.workers), str(cart.pk), str(start_at)], cwd=BASE_DIR)
                     for index, cart in enumerate(carts)]
        failed = sum(process.wait() != 0 for process in processes)
    with urllib.request.urlopen(f"{sandbox.base_url}/_sandbox/shipments/requests") as response:
        posts = json.load(response)
    created = [post for post in posts if post["status"] == 201]
    per_order: dict[int, int] = {}
    for post in created:
        per_order[post["order_id"]] = per_order.get(post["order_id"], 0) + 1
    recorded = Shipment.objects.filter(transaction__company__name__startswith="Bench worker ")
    posted = recorded.filter(state=ShipmentState.POSTED).count()
    reports = [json.loads((WORK_DIR / f"{BENCHMARK}-worker-{index}.json").read_text()) for index in range(options.workers)]
    figures.extra = {
        "worker processes failed": failed,
        "shipments recorded": recorded.count(), "shipments in the store's state Posted": posted,
        "shipments created in the store": len(created), "shipment POSTs refused": len(posts) - len(created),
        "orders shipped twice": sum(1 for count in per_order.values() if count > 1),
        "levels set by the pushes": sum(report["levels pushed"] for report in reports),
        "client waits after a 429": sum(report["waits after a 429"] for report in reports),
        "database statements": "sent by the worker processes, not counted here",
        "meets targets": failed == 0 and figures.rate_limited_429 == 0 and len(created) == recorded.count() == posted
        > 0 and not any(count > 1 for count in per_order.values()),
    }
    return figures


def worker(index: int, workers: int, cart_id: int, start_at: float) -> None:
    """One worker process: a pass (import, push), a count and a push, its share of the shipments, a last pass."""
    django_setup(database_name=BENCHMARK, fresh=False)
    from carts.models import Cart, CartLog, CartLogKind
    from items.models import Item, ItemType
    from items.stock import stock_set
    from items.stock_push import cart_stock_push
    from orders.models import SalesTransaction
    from orders.shipping import order_ship
    from sync.passes import cart_sync_pass

    cart = Cart.objects.select_related("company").get(pk=cart_id)
    from django.conf import settings

    settings.BIGCOMMERCE_EXTRA_API_HOSTS = [cart.api_path.split("/")[2]]
    time.sleep(max(0.0, start_at - time.time()))
    cart_sync_pass(cart_id=cart.pk, scheduled=False)
    for item in Item.objects.filter(company=cart.company, item_type=ItemType.STOCK):
        stock_set(item=item, on_hand=500, reason="Benchmark count")
    cart_stock_push(cart=cart)
    for record in SalesTransaction.objects.sales().filter(cart=cart).order_by("cart_order_id"):
        line = record.lines.filter(item__item_type=ItemType.STOCK).order_by("position").first()
        if record.cart_order_id % workers == index and line is not None:  # downloads have nothing to ship
            order_ship(record=record, carrier="UPS", tracking_number=f"1Z{record.cart_order_id}", lines={line.sku: 1})
    cart_sync_pass(cart_id=cart.pk, scheduled=False)
    logs = CartLog.objects.filter(cart=cart)
    report = {"levels pushed": sum(log.counts.get("pushed", 0) for log in logs.filter(kind=CartLogKind.STOCK_PUSH)),
              "waits after a 429": sum(log.rate_limit_waits for log in logs)}
    (WORK_DIR / f"{BENCHMARK}-worker-{index}.json").write_text(json.dumps(report))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--levels", type=int, default=30_000)
    parser.add_argument("--orders", type=int, default=120, help="Orders the workers ship (one shipment each).")
    parser.add_argument("--workers", type=int, default=4)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]))
        sys.exit(0)
    sys.exit(benchmark_main(BENCHMARK, description=__doc__.splitlines()[0], add_arguments=add_arguments,
                            runs={"push": run_push, "idle": run_push, "workers": run_workers}, parent=parent))
