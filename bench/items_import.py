"""Items import on a large catalog: the Items tab's first page, a whole-catalog import, and the same import again.

`python -m bench.items_import [--products 10000]`. The sandbox store runs in its own process, so the
figures (peak memory above all) are the worker's alone, as a Celery worker importing would see them.
Targets (issue 4): at most ceil(products / 250) + 2 API requests, batched database statements,
peak memory under 300 MB, wall time under 30 s; the second import writes nothing.
"""
from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import urllib.request

from bench.harness import BASE_DIR, Figures, django_setup, measured, report

BENCHMARK = "items_import"
# Serves until killed; prints 'API_PATH API_KEY' once listening.
SANDBOX_PROCESS = (
    "import sys; from sandbox.server import SandboxServer; "
    "server = SandboxServer(port=0, seed=1, products=int(sys.argv[1]), orders=20, plan='standard').start(); "
    "print(server.api_path, server.api_key('full'), flush=True); server.serve_until_interrupted()"
)


class SandboxProcess:
    """A sandbox store in a child process, with the stats()/reset_stats() the harness reads."""

    def __init__(self, products: int) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", SANDBOX_PROCESS, str(products)], cwd=BASE_DIR,
                                        stdout=subprocess.PIPE, text=True)
        self.api_path, self.api_key = self.process.stdout.readline().split()
        self.base_url = self.api_path.split("/stores/")[0]
        self.host_port = self.base_url.removeprefix("http://")

    def stats(self) -> dict:
        with urllib.request.urlopen(f"{self.base_url}/_sandbox/stats") as response:
            return json.load(response)

    def reset_stats(self) -> None:
        urllib.request.urlopen(urllib.request.Request(f"{self.base_url}/_sandbox/stats/reset", data=b"{}", method="POST")).close()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=10_000)
    products = parser.parse_args().products
    django_setup(database_name=BENCHMARK)
    sandbox = SandboxProcess(products)
    try:
        runs = run(sandbox, products)
    finally:
        sandbox.stop()
    report(BENCHMARK, runs)
    return 0 if all(run.extra.get("meets targets", True) for run in runs) else 1


def run(sandbox: SandboxProcess, products: int) -> list[Figures]:
    from django.conf import settings
    from django.db import connection

    from carts.platforms.bigcommerce.credentials import AllowedHosts, parse_api_key, parse_api_path
    from carts.setup import CartSettings, cart_create
    from companies.services import company_create
    from items.models import Item
    from items.cart_import import CatalogSelection, cart_items_import
    from items.cart_tab import cart_items_page

    # A worker runs with DEBUG off: Django then keeps no copy of every statement it sent.
    settings.DEBUG = False
    settings.BIGCOMMERCE_EXTRA_API_HOSTS = [sandbox.host_port]
    company, _ = company_create(name="Bench Ltd", email="bench@example.com", password="bench-password-9")
    api_path = parse_api_path(sandbox.api_path, allowed_hosts=AllowedHosts.from_setting([sandbox.host_port]))
    cart = cart_create(company=company, values=CartSettings(name="Sandbox", api_path=api_path,
                                                            api_key=parse_api_key(sandbox.api_key)))
    request_budget = math.ceil(products / 250) + 2
    runs = []

    with measured("Items tab, first page", sandbox) as figures:
        page = cart_items_page(cart=cart)
    figures.extra = {"rows on the page": len(page.rows), "meets targets": figures.api_requests <= 2}
    runs.append(figures)

    for name in ("Import the whole catalog", "Import it again, unchanged"):
        writes = []

        def count_writes(execute, sql, params, many, context):
            if sql.startswith(("INSERT", "UPDATE", "DELETE")) and '"items_' in sql:
                writes.append(1)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count_writes), measured(name, sandbox) as figures:
            log = cart_items_import(cart=cart, selection=CatalogSelection())
        meets = (figures.api_requests <= request_budget and figures.peak_memory_mb < 300 and figures.wall_seconds < 30
                 and (name.startswith("Import the") or not writes))
        figures.extra = {"summary": log.summary, "items in Salesorder": Item.objects.filter(company=company).count(),
                         "item table writes": len(writes), "API request budget": request_budget, "meets targets": meets}
        runs.append(figures)
    return runs


if __name__ == "__main__":
    sys.exit(main())
