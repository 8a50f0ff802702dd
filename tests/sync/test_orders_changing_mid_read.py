"""Orders that change while a pass reads the store's pages are not missed: a pass reads from the last order read,
not by page number (carts/platforms/bigcommerce/order_paging.py).

With the date sort, an order completed while page 1 is processed moves to the end: under page numbers every later
order would shift back one place and the first order of page 2 would never be read, in this pass or the next (the
cursor moves past it).
"""
from __future__ import annotations

import datetime

import pytest

from orders.imports import OrdersImport
from orders.models import OrderRefusal, SalesTransaction
from sandbox.orders import FIRST_ORDER_ID
from sandbox.server import SandboxServer
from sync.models import AutoSyncState
from sync.passes import PassOutcome, cart_sync_pass
from tests.orders.conftest import running_cart

pytestmark = pytest.mark.django_db
AWAITING_FULFILLMENT, COMPLETED = 11, 10  # orders.v2.oas2.yml's standard statuses
PAGE = 250


@pytest.fixture
def big_store(settings):
    with SandboxServer(seed=7, products=40, orders=600) as server:
        settings.BIGCOMMERCE_EXTRA_API_HOSTS = [server.host_port]
        yield server


def test_an_order_just_past_the_first_page_is_read_though_earlier_ones_change_during_the_pass(
        company, big_store, monkeypatch) -> None:
    book = big_store.store.orders
    live = [position for position in range(len(book.status_ids)) if not book.archived[position]]
    by_date = sorted(live, key=lambda position: (book.date_modified[position], position))
    # The first Awaiting Fulfillment order past the first page, and as many orders of page 1 as it is places past.
    at = next(index for index in range(PAGE, len(by_date)) if book.status_ids[by_date[index]] == AWAITING_FULFILLMENT)
    completed_meanwhile = [FIRST_ORDER_ID + by_date[index] for index in range(at - PAGE + 1)]
    wanted = FIRST_ORDER_ID + by_date[at]

    cart = running_cart(company, big_store)
    oldest = datetime.datetime.fromtimestamp(min(book.date_modified), datetime.UTC) - datetime.timedelta(days=1)
    AutoSyncState.objects.update_or_create(cart=cart, defaults={"company_id": cart.company_id, "cursor": oldest})
    first_batch = OrdersImport._import_batch

    def the_merchant_completes_orders_while_page_1_is_imported(self, records):
        first_batch(self, records)
        monkeypatch.setattr(OrdersImport, "_import_batch", first_batch)
        for order_id in completed_meanwhile:
            big_store.store.set_order_status(order_id, COMPLETED)

    monkeypatch.setattr(OrdersImport, "_import_batch", the_merchant_completes_orders_while_page_1_is_imported)
    assert cart_sync_pass(cart_id=cart.pk).outcome == PassOutcome.COMPLETED

    assert book.status_ids[by_date[at]] == AWAITING_FULFILLMENT
    assert (SalesTransaction.objects.filter(cart=cart, cart_order_id=wanted).exists()
            or OrderRefusal.objects.filter(cart=cart, cart_order_id=wanted).exists()), f"order {wanted} was not read"
