"""Imports through injected faults: afterwards the store's data is here exactly once, and clicking again changes nothing.

First the issue's mix at scale: the whole catalog and 2,000 orders while the store answers 5% of
requests with server errors, 2% with 429s without headers, 1% too late, drops 1% of connections and
truncates 0.5% of JSON bodies. The client gives up after two attempts, so runs stop early (the store
also goes down once mid-import) and the merchant clicks again. Then each kind of fault alone, often
enough that every one of them is sure to occur, on a smaller store.
"""
from __future__ import annotations

import time

import pytest

from carts.models import Cart, CartLogStatus
from carts.platforms.bigcommerce.constants import NOT_A_SALE_STATUSES
from items.models import Item
from orders.models import SalesTransaction
from sandbox.server import SandboxServer
from tests.faults.conftest import (
    FAULT_KINDS,
    IMPORTERS,
    SLOW_SECONDS,
    Importer,
    assert_catalog_imported_exactly_once,
    assert_orders_imported_exactly_once,
    connected_cart,
    cut_off_for,
    expected_orders,
    faulty_store,
    store_goes_down_after_the_first_page,
    until_complete,
)

pytestmark = pytest.mark.django_db

ORDERS = 2_000
# Each kind alone, at a rate that makes it occur several times in a pass of about twenty requests.
ONE_KIND_RATE = 0.2


@pytest.fixture
def store(settings):
    # 550 products: three catalog pages of 250, so an outage after the first page stops the import midway.
    yield from faulty_store(settings, seed=11, products=550, orders=ORDERS + 100)


def import_everything_until_complete(importer: Importer, cart: Cart) -> None:
    """Import the catalog, then the orders, clicking again while a run stops early."""
    until_complete(importer.import_catalog, cart)
    until_complete(importer.import_orders, cart)


def assert_clicking_again_changes_nothing(importer: Importer, cart: Cart, store: SandboxServer) -> None:
    items, transactions = Item.objects.count(), SalesTransaction.objects.count()
    catalog = until_complete(importer.import_catalog, cart)[-1].log
    assert catalog.counts["created"] == catalog.counts["updated"] == 0
    assert until_complete(importer.import_orders, cart)[-1].log.counts["imported"] == 0
    assert (Item.objects.count(), SalesTransaction.objects.count()) == (items, transactions)
    assert_catalog_imported_exactly_once(cart, store)
    assert_orders_imported_exactly_once(cart, store)


@pytest.mark.parametrize("importer", IMPORTERS, ids=lambda importer: importer.name)
def test_the_whole_catalog_and_2000_orders_arrive_exactly_once_through_the_issue_s_faults(
    importer: Importer, company, store, fast_client, monkeypatch
) -> None:
    started = time.monotonic()
    cart = connected_cart(company, store)
    cart.import_orders_from = cut_off_for(store, ORDERS)
    cart.save()

    with store_goes_down_after_the_first_page(store, monkeypatch):
        first = importer.import_catalog(cart)
    assert first.stopped and first.log.status == CartLogStatus.FAILED
    assert first.log.summary.startswith("The import stopped: BigCommerce") and first.log.counts["created"] > 0
    catalog_runs = 1 + len(until_complete(importer.import_catalog, cart))
    expected = assert_catalog_imported_exactly_once(cart, store)

    with store_goes_down_after_the_first_page(store, monkeypatch):
        first = importer.import_orders(cart)
    assert first.stopped and "Stopped early: BigCommerce" in first.log.summary
    assert first.log.counts["imported"] > 0  # what the stopped run imported stays imported, and is not imported again
    order_runs = 1 + len(until_complete(importer.import_orders, cart))
    imported, refused = assert_orders_imported_exactly_once(cart, store)
    sales = [order for order in expected_orders(store, cart).values() if order.status_id not in NOT_A_SALE_STATUSES]
    assert imported + refused >= ORDERS and imported > 0.9 * len(sales) and refused > 0

    assert_clicking_again_changes_nothing(importer, cart, store)
    stats = store.store.stats()
    assert sum(stats["faults"].values()) >= 3
    print(f"\n{importer.name}: {len(expected.items)} items, {imported} orders imported, {refused} refused; "
          f"{catalog_runs} catalog runs, {order_runs} order runs; {stats['total_requests']} requests, "
          f"faults {stats['faults']}; {time.monotonic() - started:.1f} s")


@pytest.mark.parametrize("kind", FAULT_KINDS)
@pytest.mark.parametrize("importer", IMPORTERS, ids=lambda importer: importer.name)
def test_each_kind_of_fault_is_survived_and_nothing_doubles(importer: Importer, kind: str, company, settings,
                                                           fast_client) -> None:
    spec = f"{kind}={ONE_KIND_RATE},slow_seconds={SLOW_SECONDS}"
    for store in faulty_store(settings, seed=5, products=60, orders=300, faults=spec):
        cart = connected_cart(company, store)
        import_everything_until_complete(importer, cart)
        assert_catalog_imported_exactly_once(cart, store)
        imported, _ = assert_orders_imported_exactly_once(cart, store)
        assert imported > 200
        assert_clicking_again_changes_nothing(importer, cart, store)
        assert store.store.stats()["faults"].get(kind, 0) >= 3, store.store.stats()
