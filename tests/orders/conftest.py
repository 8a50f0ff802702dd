"""Order-test fixtures (auto-sync tests share them): a sandbox store over real HTTP, a cart on it, items to match lines."""
from __future__ import annotations

import datetime
import threading
from collections.abc import Callable, Iterator
from typing import TypeVar

import pytest
from django.db import connection

from carts.platforms.bigcommerce.constants import NOT_A_SALE_STATUSES, STANDARD_ORDER_STATUSES
from carts.models import AutoSync, Cart
from companies.models import Company
from items.models import Item
from items.editing import item_new
from sandbox.server import SandboxServer
from tests.carts.factories import make_sandbox_cart
from tests.items.conftest import api_requests, eager_celery  # noqa: F401 - shared with the item tests

Result = TypeVar("Result")
ALL_STATUSES = tuple(sorted(STANDARD_ORDER_STATUSES))
AWAITING_FULFILLMENT = 11
# 40 products: enough distinct variants for the store's 120-line order.
STORE_OPTIONS = {"seed": 7, "products": 40, "orders": 20}


@pytest.fixture(scope="module")
def shared_store() -> Iterator[SandboxServer]:
    """One sandbox store for a test module's read-only tests (tests that place orders use `fresh_store`).

    Its named example orders are all sales: the few the seed left Incomplete, Cancelled or Declined (never
    booked) are moved to Awaiting Fulfillment, which changes none of their figures.
    """
    with SandboxServer(**STORE_OPTIONS) as server:
        examples_as_sales(server)
        yield server


def examples_as_sales(server: SandboxServer) -> None:
    """Move the store's named example orders that were never a sale to Awaiting Fulfillment (no money moves)."""
    for kind, order_id in server.store.examples().items():
        rendered = server.store.order(order_id) if kind.endswith("order") or kind == "order_120_lines" else None
        if rendered is not None and rendered.order["status_id"] in NOT_A_SALE_STATUSES:
            server.store.set_order_status(order_id, AWAITING_FULFILLMENT)


@pytest.fixture
def store(settings, shared_store: SandboxServer) -> SandboxServer:
    """The module's sandbox store, reachable by the product, with its request counts at zero."""
    settings.BIGCOMMERCE_EXTRA_API_HOSTS = [shared_store.host_port]
    shared_store.store.reset_stats()
    return shared_store


@pytest.fixture
def fresh_store(settings) -> Iterator[SandboxServer]:
    """A store of this test's own, for tests that place orders or change statuses."""
    with SandboxServer(**STORE_OPTIONS) as server:
        settings.BIGCOMMERCE_EXTRA_API_HOSTS = [server.host_port]
        yield server


def sandbox_cart(company: Company, server: SandboxServer, **overrides: object) -> Cart:
    """A cart on the sandbox store importing every status unless told otherwise."""
    return make_sandbox_cart(company, server, **{"name": "Sandbox Store", "import_status_ids": ALL_STATUSES, **overrides})


def running_cart(company: Company, server: SandboxServer, **overrides: object) -> Cart:
    """A cart with Auto-sync Running, importing Awaiting Fulfillment since long ago, creating missing items."""
    values = {"import_status_ids": (AWAITING_FULFILLMENT,), "import_orders_from": datetime.date(2000, 1, 1),
              "create_missing_items": True, **overrides}
    cart = sandbox_cart(company, server, **values)
    Cart.objects.filter(pk=cart.pk).update(auto_sync=AutoSync.RUNNING, last_test_passed=True)
    cart.refresh_from_db()
    return cart


def place(server: SandboxServer, *, status_id: int = AWAITING_FULFILLMENT, email: str = "shopper@example.com") -> int:
    """Place an order, as a shopper would in the storefront, of a product that has a SKU."""
    catalog = server.store.catalog
    product = next(catalog.product(product_id) for product_id in catalog.live_ids
                   if catalog.product(product_id).variants[0].sku.strip())
    return server.store.place_order(lines=[(product.id, product.variants[0].id, 2)], email=email, status_id=status_id)


@pytest.fixture
def cart(company: Company, store: SandboxServer) -> Cart:
    return sandbox_cart(company, store)


def make_items(company: Company, skus: list[str]) -> list[Item]:
    """Items with the company's accounting defaults, made as the item screens make them (existing SKUs kept)."""
    items = []
    for sku in skus:
        item = Item.objects.filter(company=company, sku=sku).first() or item_new(company=company, sku=sku)
        if item.pk is None:
            item.description = f"Item {sku}"
            item.save()
        items.append(item)
    return items


def order_skus(server: SandboxServer, *order_ids: int) -> list[str]:
    """Every non-empty SKU on these orders' lines."""
    return sorted({line["sku"] for order_id in order_ids for line in server.store.order(order_id).lines if line["sku"]})


def run_together(calls: list[Callable[[], Result]]) -> list[Result]:
    """Run the calls in threads released at the same moment (each with its own database connection); their results.

    A thread's exception is raised here, since it would otherwise be lost.
    """
    start = threading.Barrier(len(calls))
    results: list[Result] = []
    errors: list[Exception] = []

    def run(call: Callable[[], Result]) -> None:
        try:
            start.wait()
            results.append(call())
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results
