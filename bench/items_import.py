"""Items import on a large catalog: the Items tab's first page, a whole-catalog import, and the same import again.

`python -m bench.items_import [--products 10000]`. The sandbox store runs in its own process and each
run in a fresh process of its own, so the figures (peak memory above all) are the importing
process's alone, as a Celery worker importing would see them. The runs call the same service the
Items (Cart) tab, its background task and `manage.py cart import-items --all` call.
Targets: at most ceil(products / 250) + 2 API requests, batched database statements, peak memory
under 300 MB, wall time under 30 s; the second import writes nothing.
"""
from __future__ import annotations

import argparse
import math
import sys

from bench.harness import Figures, Sandbox, SandboxProcess, benchmark_main, measure_in_fresh_process, measured

BENCHMARK = "items_import"
MEMORY_TARGET_MB = 300
WALL_TARGET_SECONDS = 30
# Serves until killed; prints 'API_PATH API_KEY' once listening.
SANDBOX_PROCESS = (
    "import sys; from sandbox.server import SandboxServer; "
    "server = SandboxServer(port=0, seed=1, products=int(sys.argv[1]), orders=20, plan='standard').start(); "
    "print(server.api_path, server.api_key('full'), flush=True); server.serve_until_interrupted()"
)
IMPORT_RUNS = {"catalog": "Import the whole catalog", "again": "Import it again, unchanged"}


def request_budget(products: int) -> int:
    return math.ceil(products / 250) + 2


def parent(options: argparse.Namespace) -> tuple[list[Figures], list[dict]]:
    """Start the store and the cart, then measure each run in a process of its own."""
    from carts.platforms.bigcommerce.credentials import AllowedHosts, parse_api_key, parse_api_path
    from carts.setup import CartSettings, cart_create
    from companies.services import company_create

    sandbox = SandboxProcess(SANDBOX_PROCESS, str(options.products))
    try:
        sandbox.allow()
        company, _ = company_create(name="Bench Ltd", email="bench@example.com", password="bench-password-9")
        api_path = parse_api_path(sandbox.api_path, allowed_hosts=AllowedHosts.from_setting([sandbox.host_port]))
        cart = cart_create(company=company, values=CartSettings(name="Sandbox", api_path=api_path,
                                                                api_key=parse_api_key(sandbox.api_key)))
        arguments = ("--products", str(options.products), "--cart", str(cart.pk))
        runs = [measure_in_fresh_process(BENCHMARK, run, sandbox, *arguments) for run in ("tab", "catalog", "again")]
    finally:
        sandbox.stop()
    tab, catalog, again = runs
    summary = [
        {"what": f"Items: import a {options.products:,}-product catalog ({catalog.extra['items in Salesorder']:,} items)",
         "target": f"≤ {request_budget(options.products)} requests, batched writes, < {MEMORY_TARGET_MB} MB, "
                   f"< {WALL_TARGET_SECONDS} s",
         "measured": f"{catalog.api_requests} requests, {catalog.extra['item table writes']:,} item-table writes, "
                     f"{catalog.peak_memory_mb} MB, {catalog.wall_seconds} s"},
        {"what": "Items: import it again, unchanged", "target": 'writes nothing, says "unchanged"',
         "measured": f"{again.extra['item table writes']} writes, \"{again.extra['summary']}\""},
        {"what": "Items tab: first page of that catalog", "target": "1–2 requests",
         "measured": f"{tab.api_requests} request{'s' if tab.api_requests != 1 else ''}, {tab.wall_seconds} s"},
    ]
    return runs, summary


def run_tab(sandbox: Sandbox, options: argparse.Namespace) -> Figures:
    """The Items tab's first page of the catalog."""
    from carts.models import Cart
    from items.cart_tab import cart_items_page

    cart = Cart.objects.select_related("company").get(pk=options.cart)
    with measured("Items tab, first page", sandbox) as figures:
        page = cart_items_page(cart=cart)
    figures.extra = {"rows on the page": len(page.rows), "meets targets": figures.api_requests <= 2}
    return figures


def run_import(sandbox: Sandbox, options: argparse.Namespace) -> Figures:
    """Import every product; the second time, the catalog is unchanged."""
    from django.db import connection

    from carts.models import Cart
    from items.cart_import import CatalogSelection, cart_items_import
    from items.models import Item

    cart = Cart.objects.select_related("company").get(pk=options.cart)
    writes = []

    def count_writes(execute, sql, params, many, context):
        if sql.startswith(("INSERT", "UPDATE", "DELETE")) and '"items_' in sql:
            writes.append(1)
        return execute(sql, params, many, context)

    name = IMPORT_RUNS[options.run]
    with connection.execute_wrapper(count_writes), measured(name, sandbox) as figures:
        log = cart_items_import(cart=cart, selection=CatalogSelection())
    budget = request_budget(options.products)
    meets = (figures.api_requests <= budget and figures.peak_memory_mb < MEMORY_TARGET_MB
             and figures.wall_seconds < WALL_TARGET_SECONDS and (options.run == "catalog" or not writes))
    figures.extra = {"summary": log.summary, "items in Salesorder": Item.objects.filter(company=cart.company).count(),
                     "item table writes": len(writes), "API request budget": budget, "meets targets": meets}
    return figures


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--cart", type=int, help=argparse.SUPPRESS)


if __name__ == "__main__":
    sys.exit(benchmark_main(BENCHMARK, description=__doc__.splitlines()[0], add_arguments=add_arguments,
                            runs={"tab": run_tab, "catalog": run_import, "again": run_import}, parent=parent))
