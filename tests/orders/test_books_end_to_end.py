"""Done when: in each pricing set-up, orders book exactly the store's figures, and what happens to them later is booked.

End to end against the sandbox store over real HTTP, in each of its pricing set-ups (prices entered without
tax, with tax, and a store that switched from one to the other). Every status a merchant would import is
selected and every SKU is imported first. The evidence is the store's own answers, read over HTTP here
without the product's client: each order's total_inc_tax and total_tax as served, its refunds as served.
"""
from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import requests

from carts.models import AutoSync, Cart
from items.cart_import import CatalogSelection, cart_items_import
from orders.models import SalesTransaction
from orders.store_imports import orders_import_listed
from sandbox.refunds import RefundNotPossible, RefundRequest
from sandbox.server import SandboxServer
from sync.passes import PassOutcome, cart_sync_pass
from tests.orders.conftest import sandbox_cart

pytestmark = pytest.mark.django_db

AWAITING_FULFILLMENT, AWAITING_SHIPMENT, COMPLETED, SHIPPED, REFUNDED, PARTIALLY_REFUNDED = 11, 9, 10, 2, 4, 14
MERCHANT_STATUSES = (AWAITING_FULFILLMENT, AWAITING_SHIPMENT, COMPLETED, SHIPPED, REFUNDED, PARTIALLY_REFUNDED)
TOTALS_REFUSAL = "add up to"  # the words of a refusal for totals (orders/mapping/totals.py)


def served(server: SandboxServer, path: str, **params: object) -> list[dict]:
    """A v2 collection as the store serves it over HTTP, every page (a 204 ends it)."""
    base = server.api_path.replace("/v3/", "/v2")
    headers = {"X-Auth-Token": server.accounts["full"].access_token, "Accept": "application/json"}
    found, page = [], 1
    while True:
        response = requests.get(f"{base}{path}", params={**params, "page": page, "limit": 250}, headers=headers,
                                timeout=30)
        response.raise_for_status()
        if response.status_code == 204 or not response.json():
            return found
        found += response.json()
        page += 1


def served_refunds(server: SandboxServer, order_id: int) -> list[dict]:
    base = server.api_path.rstrip("/")
    response = requests.get(f"{base}/orders/{order_id}/payment_actions/refunds",
                            headers={"X-Auth-Token": server.accounts["full"].access_token}, timeout=30)
    response.raise_for_status()
    return response.json()["data"]


def refund_a_unit_of_one(server: SandboxServer, candidates: list[int]) -> int:
    """Refund one unit of the first line of the first candidate the store can refund (a paid order)."""
    for order_id in candidates:
        line = server.store.order(order_id).lines[0]
        try:
            server.store.refund_order(order_id, RefundRequest(lines={line["id"]: 1}, shipping={}, reason="Too small"))
        except RefundNotPossible:
            continue
        return order_id
    raise AssertionError("no imported order could be refunded")


@pytest.mark.parametrize("pricing", ["exclusive", "inclusive", "switched"])
def test_orders_book_the_stores_figures_and_a_later_refund_and_cancellation_are_booked_by_the_next_pass(
        company, settings, pricing: str) -> None:
    with SandboxServer(seed=13, products=60, orders=160, pricing=pricing) as server:
        settings.BIGCOMMERCE_EXTRA_API_HOSTS = [server.host_port]
        cart = sandbox_cart(company, server, import_status_ids=MERCHANT_STATUSES,
                            import_orders_from=datetime.date(2000, 1, 1))
        cart_items_import(cart=cart, selection=CatalogSelection())  # every SKU first

        result = orders_import_listed(cart=cart)
        assert not result.stopped_reason
        totals_refusals = [entry for entry in result.refused if TOTALS_REFUSAL in entry.reason]
        assert totals_refusals == [], [entry.reason for entry in totals_refusals]
        store_orders = {order["id"]: order for status_id in MERCHANT_STATUSES
                        for order in served(server, "/orders", status_id=status_id)}
        sales = {sale.cart_order_id: sale for sale in SalesTransaction.objects.sales().filter(company=company)}
        assert len(sales) > 0.8 * len(store_orders) and set(sales) <= set(store_orders)
        for order_id, sale in sales.items():
            order = store_orders[order_id]
            assert (sale.total, sale.tax_total) == (Decimal(order["total_inc_tax"]), Decimal(order["total_tax"])), (
                f"{pricing} order {order_id}")
            refunds = served_refunds(server, order_id)
            assert sum((Decimal(str(refund["total_amount"])) for refund in refunds), Decimal(0)) == sum(
                (note.total for note in sale.credit_notes.all()), Decimal(0)), f"{pricing} order {order_id}"
        if pricing != "exclusive":
            assert any(sale.prices_include_tax for sale in sales.values())
        if pricing != "inclusive":
            assert any(not sale.prices_include_tax for sale in sales.values())

        Cart.objects.filter(pk=cart.pk).update(auto_sync=AutoSync.RUNNING)
        assert cart_sync_pass(cart_id=cart.pk).outcome == PassOutcome.COMPLETED  # reads the store once, from here on
        unrefunded = sorted(order_id for order_id, sale in sales.items() if sale.cart_status_id in (
            AWAITING_FULFILLMENT, AWAITING_SHIPMENT, COMPLETED, SHIPPED))
        refunded = refund_a_unit_of_one(server, unrefunded)
        cancelled = next(order_id for order_id in unrefunded if order_id != refunded)
        server.store.cancel_order(cancelled)
        notes_before = SalesTransaction.objects.credit_notes().count()

        first = cart_sync_pass(cart_id=cart.pk)
        second = cart_sync_pass(cart_id=cart.pk)

    assert first.outcome == second.outcome == PassOutcome.COMPLETED
    assert " → Cancelled on " in first.flagged[cancelled]
    assert " → Partially Refunded on " in first.flagged[refunded] and "pending credit note CN-" in first.flagged[refunded]
    [refund] = server.store.refunds_of(refunded)[-1:]
    [note] = SalesTransaction.objects.credit_notes().filter(refund_key=f"v3-{refund.id}")
    assert (note.total, note.status, note.credited_transaction) == (refund.total_amount, "pending", sales[refunded])
    assert SalesTransaction.objects.credit_notes().count() == notes_before + 1  # the second pass made none
    assert second.flagged == {}
    assert "Cancelled" in SalesTransaction.objects.get(pk=sales[cancelled].pk).cart_change_note
