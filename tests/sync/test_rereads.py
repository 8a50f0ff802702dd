"""After import: a later status change is flagged whatever the cart imports, a later refund is one credit note.

Against the sandbox store over real HTTP; the store's own refund records and dates are the evidence.
"""
from __future__ import annotations

import email.utils
import zoneinfo
from decimal import Decimal

import pytest

from carts.models import Cart
from carts.stores import cart_store_open
from orders.imports import orders_import
from orders.models import SalesTransaction
from orders.store_imports import orders_import_selected
from sandbox.refunds import RefundRequest
from sync.passes import PassOutcome, cart_sync_pass
from tests.orders.conftest import AWAITING_FULFILLMENT, place, run_together, running_cart, sandbox_cart

pytestmark = pytest.mark.django_db

SHIPPED = 2
PARTIALLY_REFUNDED = 14
REFUNDS_ENDPOINT = "GET /v3/orders/payment_actions/refunds"


def refunds_requested(server) -> int:
    return sum(server.store.stats()["endpoints"].get(REFUNDS_ENDPOINT, {}).values())


def refund_one_unit(server, order_id: int):
    first_line = server.store.order(order_id).lines[0]
    return server.store.refund_order(order_id, RefundRequest(lines={first_line["id"]: 1}, shipping={},
                                                             reason="Arrived damaged"))


def store_time(server, order_id: int, zone: str) -> str:
    modified = email.utils.parsedate_to_datetime(server.store.order(order_id).order["date_modified"])
    return f"{modified.astimezone(zoneinfo.ZoneInfo(zone)):%Y-%m-%d %H:%M} {zone}"


def test_a_refund_after_import_is_one_pending_credit_note_however_often_the_order_is_read_again(
        company, fresh_store) -> None:
    cart = running_cart(company, fresh_store)
    order_id = place(fresh_store)
    cart_sync_pass(cart_id=cart.pk)
    sale = SalesTransaction.objects.sales().get(cart_order_id=order_id)
    refund = refund_one_unit(fresh_store, order_id)

    first = cart_sync_pass(cart_id=cart.pk)
    fresh_store.store.reset_stats()
    again = cart_sync_pass(cart_id=cart.pk)
    by_hand = orders_import_selected(cart=cart, order_ids=[order_id])

    [note] = sale.credit_notes.all()
    assert (note.number, note.refund_key, note.total, note.status) == (
        "CN-000001", f"v3-{refund.id}", refund.total_amount, "pending")
    assert note.tax_total == refund.total_tax and note.refund_reason == "Arrived damaged"
    sale.refresh_from_db()
    assert sale.refunded_total == Decimal(fresh_store.store.order(order_id).order["refunded_amount"]) == note.total
    assert sale.cart_status_id == PARTIALLY_REFUNDED
    assert "status Awaiting Fulfillment → Partially Refunded on " in sale.cart_change_note
    assert first.outcome == PassOutcome.COMPLETED and "pending credit note CN-000001" in first.flagged[order_id]
    assert again.flagged == {} and refunds_requested(fresh_store) == 0  # unchanged since: read at no cost
    assert by_hand.outcomes[0].change == ""
    assert SalesTransaction.objects.credit_notes().count() == 1


def test_a_later_status_change_within_the_carts_statuses_is_flagged_with_the_store_time_named(
        company, fresh_store) -> None:
    cart = running_cart(company, fresh_store, import_status_ids=(AWAITING_FULFILLMENT, SHIPPED))
    Cart.objects.filter(pk=cart.pk).update(store_timezone="America/Chicago")
    order_id = place(fresh_store)
    cart_sync_pass(cart_id=cart.pk)

    fresh_store.store.set_order_status(order_id, SHIPPED)
    flagged = cart_sync_pass(cart_id=cart.pk).flagged

    sale = SalesTransaction.objects.sales().get(cart_order_id=order_id)
    expected = f"changed in cart: status Awaiting Fulfillment → Shipped on {store_time(fresh_store, order_id, 'America/Chicago')}"
    assert sale.cart_change_note == expected and flagged == {order_id: expected}
    assert (sale.cart_status_id, sale.cart_status_label) == (SHIPPED, "Shipped")
    assert not sale.credit_notes.exists()


def test_a_cancellation_after_import_is_flagged_and_books_nothing(company, fresh_store) -> None:
    cart = running_cart(company, fresh_store)
    order_id = place(fresh_store)
    cart_sync_pass(cart_id=cart.pk)
    sale = SalesTransaction.objects.sales().get(cart_order_id=order_id)
    total = sale.total

    fresh_store.store.cancel_order(order_id)
    cart_sync_pass(cart_id=cart.pk)

    sale.refresh_from_db()
    assert "status Awaiting Fulfillment → Cancelled on " in sale.cart_change_note
    assert sale.total == total and not sale.credit_notes.exists() and sale.refunded_total == 0


@pytest.mark.django_db(transaction=True)
def test_two_reads_of_a_refunded_order_at_once_book_its_credit_note_once(company, fresh_store) -> None:
    carts = [sandbox_cart(company, fresh_store, name=f"Cart {number}", create_missing_items=True) for number in (1, 2)]
    order_id = place(fresh_store)
    orders_import_selected(cart=carts[0], order_ids=[order_id])
    refund_one_unit(fresh_store, order_id)
    with cart_store_open(cart=carts[0]) as session:
        [record] = session.orders_by_id([order_id])

    def read_again(cart: Cart):
        with cart_store_open(cart=cart) as store:
            return orders_import(cart=cart, orders=[record], store=store)

    results = run_together([lambda cart=cart: read_again(cart) for cart in carts] * 2)
    assert SalesTransaction.objects.credit_notes().count() == 1
    assert sum(len(result.credit_note_numbers) for result in results) == 1


def test_a_re_read_of_one_order_by_id_books_its_refund_and_passes_over_orders_the_cart_does_not_import(
        company, fresh_store) -> None:
    cart = running_cart(company, fresh_store)  # imports Awaiting Fulfillment only
    order_id, elsewhere = place(fresh_store), place(fresh_store, status_id=SHIPPED)
    cart_sync_pass(cart_id=cart.pk)
    refund = refund_one_unit(fresh_store, order_id)
    with cart_store_open(cart=cart) as store:
        result = orders_import(cart=cart, orders=store.orders_by_id([order_id, elsewhere]), store=store,
                               skip_outside_statuses=True)
    assert [entry.order_id for entry in result.outcomes] == [order_id]  # the Shipped order: passed over, not refused
    [note] = SalesTransaction.objects.credit_notes()
    assert note.refund_key == f"v3-{refund.id}" and result.credit_note_numbers == [note.number]
