"""Orders import: 5,000 orders of 3 lines on the Standard plan, batched as the product does it and naively.

`python -m bench.orders_import [--orders 5000] [--skip-naive]`. The sandbox store runs in a child process
on the Standard rate-limit plan (150 requests per 30 s) with the orders placed in it at start. Both
runs call the same import service (`orders_import`, as Import All Listed Orders, the Celery task and
`manage.py cart import-orders --all` do); they differ only in how the orders are fetched:

- batched (the product): GET /v2/orders?include=consignments.line_items,fees&consignment_structure=object,
  250 orders a page, their lines and shipping consignments in the same answer;
- naive (as common connectors do): GET /v2/orders 250 a page, then GET /v2/orders/{id}/products per order.

Targets (issue 5): at most ceil(orders / 250) + 5 API requests, no 429 surfacing as an error, every
transaction's total equal to the store's total_inc_tax.
"""
from __future__ import annotations

import argparse
import math
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

from bench.harness import BASE_DIR, Figures, django_setup, measured, report
from bench.items_import import SandboxProcess

BENCHMARK = "orders_import"
LINES_PER_ORDER = 3
SHOPPERS = 1_000
# Places the orders (status Awaiting Fulfillment, today), then serves until killed; prints 'API_PATH API_KEY'.
SANDBOX_PROCESS = """
import sys
from sandbox.server import SandboxServer
orders, lines_per_order, shoppers = map(int, sys.argv[1:4])
server = SandboxServer(port=0, seed=1, products=40, orders=20, plan=sys.argv[4]).start()
catalog = server.store.catalog
variants = [(product_id, variant.id) for product_id in catalog.live_ids for variant in catalog.product(product_id).variants
            if variant.sku.strip()]  # the product without a SKU is refused with its reason; tests cover that
for number in range(orders):
    lines = [(*variants[(number * lines_per_order + offset) % len(variants)], 1 + offset) for offset in range(lines_per_order)]
    server.store.place_order(lines=lines, email=f"shopper{number % shoppers}@example.com", first_name="Shopper",
                             last_name=str(number % shoppers), status_id=11)
print(server.api_path, server.api_key("full"), flush=True)
server.serve_until_interrupted()
"""


class OrdersSandboxProcess(SandboxProcess):
    """The items benchmark's sandbox child process, started with orders placed in it."""

    def __init__(self, orders: int, *, plan: str = "standard") -> None:
        # Not super().__init__(): that starts the catalog-only store.
        self.process = subprocess.Popen(
            [sys.executable, "-c", SANDBOX_PROCESS, str(orders), str(LINES_PER_ORDER), str(SHOPPERS), plan],
            cwd=BASE_DIR, stdout=subprocess.PIPE, text=True,
        )
        self.api_path, self.api_key = self.process.stdout.readline().split()
        self.base_url = self.api_path.split("/stores/")[0]
        self.host_port = self.base_url.removeprefix("http://")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=5_000)
    parser.add_argument("--skip-naive", action="store_true", help="Only the batched run (the naive one takes ~17 min).")
    arguments = parser.parse_args()
    django_setup(database_name=BENCHMARK)
    sandbox = OrdersSandboxProcess(arguments.orders)
    try:
        runs = run(sandbox, arguments.orders, naive=not arguments.skip_naive)
    finally:
        sandbox.stop()
    report(BENCHMARK, runs)
    return 0 if all(run.extra.get("meets targets", True) for run in runs) else 1


def naive_orders(session: Any, cart: Any) -> Iterator[Any]:
    """Orders without their lines, then one GET /v2/orders/{id}/products per order, shaped as the include gives them.

    The per-order call is BigCommerce's own endpoint, so this reaches past the store protocol to the
    BigCommerce session's client: it measures a BigCommerce fetching strategy the product does not use.
    """
    from carts.platforms.base import OrderQuery
    from orders.window import cart_orders_window

    status_ids, created_from = cart_orders_window(cart=cart)
    for record in session.orders(OrderQuery(status_id=status_ids[0], created_from=created_from)):
        lines = session.client.get_v2_page(f"/orders/{record.order_id}/products", None, page=1, limit=250)
        record.payload["consignments"] = {"shipping": [{"line_items": lines}]}
        yield record


def run(sandbox: OrdersSandboxProcess, orders: int, *, naive: bool) -> list[Figures]:
    from django.conf import settings
    from django.utils import timezone

    from carts.platforms.bigcommerce.credentials import AllowedHosts
    from carts.stores import cart_store
    from companies.services import company_create
    from orders.models import SalesTransaction
    from orders.imports import orders_import
    from orders.store_imports import orders_import_listed
    from tests.carts.factories import make_cart

    settings.DEBUG = False  # a worker keeps no copy of every statement
    settings.BIGCOMMERCE_EXTRA_API_HOSTS = [sandbox.host_port]
    budget = math.ceil(orders / 250) + 5
    runs = []
    approaches = [("batched: orders with their lines, 250 a page", None)]
    if naive:
        approaches.append(("naive: one call per order for its products", naive_orders))
    for number, (name, fetch) in enumerate(approaches, start=1):
        company, _ = company_create(name=f"Bench {number}", email=f"bench{number}@example.com", password="bench-password-9")
        cart = make_cart(company, name="Sandbox", api_path=sandbox.api_path, api_key=sandbox.api_key,
                         allowed_hosts=AllowedHosts.from_setting([sandbox.host_port]), import_status_ids=(11,),
                         import_orders_from=timezone.now().date(), create_missing_items=True)
        with measured(name, sandbox) as figures:
            if fetch is None:
                result = orders_import_listed(cart=cart)
            else:
                with cart_store(cart=cart) as session:
                    result = orders_import(cart=cart, orders=fetch(session, cart))
                    result.stats = session.stats
        stats = result.stats
        exact = all(record.total == record.subtotal + record.charges_total - record.discounts_total
                    for record in SalesTransaction.objects.filter(company=company).only(
                        "total", "subtotal", "charges_total", "discounts_total"))
        figures.extra = {
            "summary": result.summary,
            "transactions": SalesTransaction.objects.filter(company=company).count(),
            "client waits for the quota (throttle / 429)": f"{stats.throttle_waits} / {stats.rate_limit_waits}",
            "seconds waited for the quota": round(stats.seconds_waited, 1),
            "totals exact": exact,
        }
        if fetch is None:
            figures.extra["API request budget"] = budget
            figures.extra["meets targets"] = (figures.api_requests <= budget and len(result.imported) == orders
                                              and not result.stopped_reason and exact)
        runs.append(figures)
    if naive:
        runs[1].extra["requests ratio naive / batched"] = round(runs[1].api_requests / max(runs[0].api_requests, 1), 1)
        runs[1].extra["wall time ratio naive / batched"] = round(runs[1].wall_seconds / max(runs[0].wall_seconds, 0.01), 1)
    return runs


if __name__ == "__main__":
    sys.exit(main())
