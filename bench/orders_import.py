"""Orders import: 5,000 orders of 3 lines on the Standard plan, batched as the product does it and naively.

`python -m bench.orders_import [--orders 5000] [--skip-naive]`. The sandbox store runs in a child process
on the Standard rate-limit plan (150 requests per 30 s) with the orders placed in it at start. Both
runs call the same import service (`orders_import`, as Import All Listed Orders, the Celery task and
`manage.py cart import-orders --all` do); they differ only in how the orders are fetched:

- batched (the product): GET /v2/orders?include=consignments.line_items,fees&consignment_structure=object,
  250 orders a page, their lines and shipping consignments in the same answer;
- naive (as common connectors do): GET /v2/orders 250 a page, then GET /v2/orders/{id}/products per order.

Targets: at most ceil(orders / 250) + 5 API requests, no 429 surfacing as an error, every
transaction's total equal to the store's total_inc_tax.

A third run, refunds, imports a store where every tenth order was partly refunded (status Partially
Refunded, selected with Awaiting Fulfillment): the refunds are read with
GET /v3/orders/payment_actions/refunds?order_id:in=…, one request per batch of 250 orders that show one, so
the target is the batched one plus ceil(refunded / 250), and each refund must be one credit note.
"""
from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Iterator
from typing import Any

from bench.harness import Figures, Sandbox, SandboxProcess, benchmark_main, measure_in_fresh_process, measured

BENCHMARK = "orders_import"
LINES_PER_ORDER = 3
SHOPPERS = 1_000
# Places the orders (status Awaiting Fulfillment, today), then serves until killed; prints 'API_PATH API_KEY'.
# Refunds one unit of the first line of every `refund_every`th order placed (0: none).
SANDBOX_PROCESS = """
import sys
from sandbox.refunds import RefundRequest
from sandbox.server import SandboxServer
orders, lines_per_order, shoppers, refund_every = map(int, sys.argv[1:5])
server = SandboxServer(port=0, seed=1, products=40, orders=20, plan=sys.argv[5]).start()
catalog = server.store.catalog
variants = [(product_id, variant.id) for product_id in catalog.live_ids for variant in catalog.product(product_id).variants
            if variant.sku.strip()]  # the product without a SKU is refused with its reason; tests cover that
for number in range(orders):
    lines = [(*variants[(number * lines_per_order + offset) % len(variants)], 1 + offset) for offset in range(lines_per_order)]
    order_id = server.store.place_order(lines=lines, email=f"shopper{number % shoppers}@example.com",
                                        first_name="Shopper", last_name=str(number % shoppers), status_id=11)
    if refund_every and number % refund_every == 0:
        first_line = server.store.order(order_id).lines[0]
        server.store.refund_order(order_id, RefundRequest(lines={first_line["id"]: 1}, shipping={}))
print(server.api_path, server.api_key("full"), flush=True)
server.serve_until_interrupted()
"""
RUN_NAMES = {"batched": "batched: orders with their lines, 250 a page",
             "naive": "naive: one call per order for its products",
             "refunds": "refunds: every 10th order partly refunded"}
REFUND_EVERY = 10
AWAITING_FULFILLMENT, PARTIALLY_REFUNDED = 11, 14


def orders_sandbox(orders: int, *, plan: str = "standard", refund_every: int = 0) -> SandboxProcess:
    """A sandbox store in a child process with `orders` orders of three lines placed in it (some refunded)."""
    return SandboxProcess(SANDBOX_PROCESS, str(orders), str(LINES_PER_ORDER), str(SHOPPERS), str(refund_every), plan)


def refunded_orders(orders: int) -> int:
    return math.ceil(orders / REFUND_EVERY)


def request_budget(orders: int, *, refunded: int = 0) -> int:
    return math.ceil(orders / 250) + 5 + math.ceil(refunded / 250)


def parent(options: argparse.Namespace) -> tuple[list[Figures], list[dict]]:
    """Start the store with its orders, then measure each way of fetching them in a process of its own."""
    sandbox = orders_sandbox(options.orders)
    try:
        runs = [measure_in_fresh_process(BENCHMARK, run, sandbox, "--orders", str(options.orders))
                for run in ("batched", *(() if options.skip_naive else ("naive",)))]
    finally:
        sandbox.stop()
    if not options.skip_refunds:
        sandbox = orders_sandbox(options.orders, refund_every=REFUND_EVERY)
        try:
            runs.append(measure_in_fresh_process(BENCHMARK, "refunds", sandbox, "--orders", str(options.orders)))
        finally:
            sandbox.stop()
    batched = runs[0]
    summary = [{"what": f"Orders: import {options.orders:,} orders of {LINES_PER_ORDER} lines, Standard plan",
                "target": f"≤ {request_budget(options.orders)} requests, no 429 error",
                "measured": f"{batched.api_requests} requests, {batched.rate_limited_429} 429s, {batched.wall_seconds} s"}]
    if not options.skip_refunds:
        refunds, refunded = runs[-1], refunded_orders(options.orders)
        summary.append({"what": f"Orders with refunds: {options.orders:,} orders, {refunded:,} partly refunded",
                        "target": f"≤ {request_budget(options.orders, refunded=refunded)} requests, a credit note "
                                  "per refund",
                        "measured": f"{refunds.api_requests} requests ({refunds.extra['refund requests']} for "
                                    f"refunds), {refunds.extra['credit notes']:,} credit notes, "
                                    f"{refunds.wall_seconds} s"})
    if not options.skip_naive:
        naive = runs[1]
        naive.extra["requests ratio naive / batched"] = round(naive.api_requests / max(batched.api_requests, 1), 1)
        naive.extra["wall time ratio naive / batched"] = round(naive.wall_seconds / max(batched.wall_seconds, 0.01), 1)
        summary.append({"what": "Orders: the naive way (a call per order)", "target": "for the ratio",
                        "measured": f"{naive.api_requests:,} requests ({naive.extra['requests ratio naive / batched']}×), "
                                    f"{naive.wall_seconds} s ({naive.extra['wall time ratio naive / batched']}×)"})
    return runs, summary


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


def run_import(sandbox: Sandbox, options: argparse.Namespace) -> Figures:
    """Import every listed order for a cart of its own: as the product fetches them, or naively."""
    from django.utils import timezone

    from carts.platforms.bigcommerce.credentials import AllowedHosts
    from carts.stores import cart_store_open
    from companies.services import company_create
    from orders.imports import orders_import
    from orders.models import SalesTransaction
    from orders.store_imports import orders_import_listed
    from tests.carts.factories import make_cart

    company, _ = company_create(name=f"Bench {options.run}", email=f"bench-{options.run}@example.com",
                                password="bench-password-9")
    statuses = (AWAITING_FULFILLMENT, PARTIALLY_REFUNDED) if options.run == "refunds" else (AWAITING_FULFILLMENT,)
    cart = make_cart(company, name="Sandbox", api_path=sandbox.api_path, api_key=sandbox.api_key,
                     allowed_hosts=AllowedHosts.from_setting([sandbox.host_port]), import_status_ids=statuses,
                     import_orders_from=timezone.now().date(), create_missing_items=True)
    with measured(RUN_NAMES[options.run], sandbox) as figures:
        if options.run == "naive":
            with cart_store_open(cart=cart) as session:
                result = orders_import(cart=cart, orders=naive_orders(session, cart))
                result.stats = session.stats
        else:
            result = orders_import_listed(cart=cart)
    stats = result.stats
    transactions = SalesTransaction.objects.filter(company=company).sales()
    exact = all(record.total == record.subtotal + record.charges_total - record.discounts_total
                for record in transactions.only("total", "subtotal", "charges_total", "discounts_total"))
    figures.extra = {
        "summary": result.summary,
        "transactions": transactions.count(),
        "client waits for the quota (throttle / 429)": f"{stats.throttle_waits} / {stats.rate_limit_waits}",
        "seconds waited for the quota": round(stats.seconds_waited, 1),
        "totals exact": exact,
    }
    if options.run == "batched":
        budget = request_budget(options.orders)
        figures.extra["API request budget"] = budget
        figures.extra["meets targets"] = (figures.api_requests <= budget and len(result.imported) == options.orders
                                          and not result.stopped_reason and exact)
    if options.run == "refunds":
        refunded = refunded_orders(options.orders)
        credit_notes = SalesTransaction.objects.filter(company=company).credit_notes().count()
        budget = request_budget(options.orders, refunded=refunded)
        figures.extra.update({"refund requests": stats.by_endpoint.get("GET /v3/orders/payment_actions/refunds", 0),
                              "credit notes": credit_notes, "API request budget": budget})
        figures.extra["meets targets"] = (figures.api_requests <= budget and len(result.imported) == options.orders
                                          and credit_notes == refunded and not result.stopped_reason and exact)
    return figures


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--orders", type=int, default=5_000)
    parser.add_argument("--skip-naive", action="store_true", help="No naive run (it takes ~17 min).")
    parser.add_argument("--skip-refunds", action="store_true", help="No refunds run.")


if __name__ == "__main__":
    sys.exit(benchmark_main(BENCHMARK, description=__doc__.splitlines()[0], add_arguments=add_arguments,
                            runs={"batched": run_import, "naive": run_import, "refunds": run_import}, parent=parent))
