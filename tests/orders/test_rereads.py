"""An imported order read again (orders/rereads.py): what the sale learns, and what an out-of-date or failed read
must not do. The orders are hand-written (tests/orders/mapping/payloads.py); figures are computed here."""
from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from carts.platforms.base import OrderRecord
from orders.mapping import map_order
from orders.rereads import order_changed_since_read, sale_reread
from tests.orders.mapping.test_cumulative_refunds import refunded_so_far
from tests.orders.mapping.test_discount_conventions import pre_tax_coupon_order
from tests.orders.mapping.payloads import line, order
from tests.orders.mapping.test_refunds import A_PAID, B_PAID, SHIPPING_PAID, product, refund
from tests.carts.factories import make_cart
from tests.orders.test_booking import book, one_unit_and_the_shipping_refunded

pytestmark = pytest.mark.django_db

AWAITING_FULFILLMENT, CANCELLED, PARTIALLY_REFUNDED = 11, 5, 14  # orders.v2.oas2.yml's standard statuses
READ_AT = datetime.datetime(2024, 3, 9, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def cart(company):
    return make_cart(company)


def record_of(sale, status_id: int, modified: datetime.datetime | None, label: str = "") -> OrderRecord:
    return OrderRecord(order_id=sale.cart_order_id, status_id=status_id, status_label=label, date_modified=modified,
                       payload={})


def test_a_read_older_than_the_one_the_sale_has_changes_nothing(cart) -> None:
    """Two readers of one order (a pass's page, a webhook's task): the later read is booked first."""
    sale = book(cart, pre_tax_coupon_order())
    newer = sale_reread(cart=cart, sale_id=sale.pk, order=None,
                        record=record_of(sale, CANCELLED, READ_AT + datetime.timedelta(minutes=5), "Cancelled"))
    older = sale_reread(cart=cart, sale_id=sale.pk, order=None,
                        record=record_of(sale, AWAITING_FULFILLMENT, READ_AT, "Awaiting Fulfillment"))
    sale.refresh_from_db()
    assert newer.status_note and not older.text
    assert (sale.cart_status_id, sale.cart_date_modified) == (CANCELLED, READ_AT + datetime.timedelta(minutes=5))
    assert sale.cart_change_note.count("changed in cart") == 1 and "→ Cancelled" in sale.cart_change_note


def test_a_refund_that_could_not_be_booked_is_tried_again_on_the_next_read(cart) -> None:
    sale = book(cart, pre_tax_coupon_order())
    refunded = record_of(sale, PARTIALLY_REFUNDED, READ_AT, "Partially Refunded")
    refused = sale_reread(cart=cart, sale_id=sale.pk, record=refunded, order=None,
                          refund_refusal="its parts add up to 19.79 but the store refunded 19.80")
    sale.refresh_from_db()
    assert refused.refund_refusal and refused.status_note and not sale.credit_notes.exists()
    assert sale.cart_status_id == PARTIALLY_REFUNDED
    assert order_changed_since_read(sale=sale, record=refunded)  # so the next read comes back to it

    booked = sale_reread(cart=cart, sale_id=sale.pk, record=refunded, order=map_order(refunded_so_far(b_units=1)))
    sale.refresh_from_db()
    assert booked.credit_notes == ("CN-000001",) and not booked.status_note  # the status was noted once
    assert (sale.refunded_total, sale.cart_date_modified) == (B_PAID, READ_AT)
    assert not order_changed_since_read(sale=sale, record=refunded)


def test_a_later_refund_with_a_v3_record_adds_to_an_earlier_one_credited_from_the_v2_figures(cart) -> None:
    """The store kept no refund record of the first refund (B), so it was credited from the v2 figures; the second
    (one unit of A and the shipping) has its record. The sale's refunded total is both, as the store's own is."""
    from tests.orders.mapping.test_cumulative_refunds import refunded_so_far

    sale = book(cart, pre_tax_coupon_order())
    record = OrderRecord(order_id=sale.cart_order_id, status_id=11, status_label="Awaiting Fulfillment",
                         date_modified=None, payload={})
    first = sale_reread(cart=cart, sale_id=sale.pk, record=record, order=map_order(refunded_so_far(b_units=1)))
    one_a = A_PAID / 2
    later = refunded_so_far(a_units=1, b_units=1, extra=SHIPPING_PAID)  # v2: everything refunded so far
    second = sale_reread(cart=cart, sale_id=sale.pk, record=record,
                         order=map_order(later, refunds=one_unit_and_the_shipping_refunded()))

    sale.refresh_from_db()
    notes = {note.number: note.total for note in sale.credit_notes.all()}
    assert (first.credit_notes, second.credit_notes) == (("CN-000001",), ("CN-000002",))
    assert notes == {"CN-000001": B_PAID, "CN-000002": one_a + SHIPPING_PAID}
    assert sale.refunded_total == B_PAID + one_a + SHIPPING_PAID == Decimal(later["refunded_amount"])


def test_a_refund_credited_from_the_v2_figures_is_not_credited_again_when_its_v3_record_appears(cart) -> None:
    """The store listed no record of B's refund at first (credited from the figures, 19.80); a later read lists its
    record, then a second refund (one unit of A, 39.60, tax 3.60) with its own. Credited: what the store refunded."""
    sale = book(cart, pre_tax_coupon_order())
    record = record_of(sale, PARTIALLY_REFUNDED, None, "Partially Refunded")
    b_refunded = refunded_so_far(b_units=1)
    sale_reread(cart=cart, sale_id=sale.pk, record=record, order=map_order(b_refunded, refunds=[]))
    b_record = refund(12, items=[product(2, 1)], total_amount=B_PAID, total_tax=Decimal("1.80"))
    again = sale_reread(cart=cart, sale_id=sale.pk, record=record, order=map_order(b_refunded, refunds=[b_record]))
    sale.refresh_from_db()
    assert not again.credit_notes and sale.refunded_total == B_PAID == Decimal(b_refunded["refunded_amount"])

    both = refunded_so_far(a_units=1, b_units=1)
    a_record = refund(13, items=[product(1, 1)], total_amount=A_PAID / 2, total_tax=Decimal("3.60"))
    later = sale_reread(cart=cart, sale_id=sale.pk, record=record, order=map_order(both, refunds=[b_record, a_record]))
    sale.refresh_from_db()
    assert later.credit_notes == ("CN-000002",) and sale.credit_notes.get(number="CN-000002").refund_key == "v3-13"
    assert sale.refunded_total == B_PAID + A_PAID / 2 == Decimal(both["refunded_amount"])


def test_a_refund_of_a_line_added_to_the_order_after_the_import_is_refused_saying_what_to_do(cart) -> None:
    """Line 1 (20.00 + 10 % tax) was imported; the merchant then added line 2 (30.00 + 3.00) in the store and
    refunded it (33.00, tax 3.00). The sale has no line to credit: refused, nothing written, tried again later."""
    first = line(1, quantity=1, price_ex="20.00", price_tax="2.00", total_ex="20.00", total_tax="2.00")
    sale = book(cart, order(500, lines=[first], total_ex="20.00", total_tax="2.00", total_inc="22.00"))
    added = line(2, quantity=1, price_ex="30.00", price_tax="3.00", total_ex="30.00", total_tax="3.00")
    edited = order(500, lines=[first, added], total_ex="50.00", total_tax="5.00", total_inc="55.00")
    refunded = refund(40, order_id=500, items=[product(2, 1)], total_amount=Decimal("33.00"), total_tax=Decimal("3.00"))

    reread = sale_reread(cart=cart, sale_id=sale.pk, order=map_order(edited, refunds=[refunded]),
                         record=record_of(sale, PARTIALLY_REFUNDED, READ_AT, "Partially Refunded"))
    sale.refresh_from_db()
    assert reread.refund_refusal == (
        f"a refund of line 2 (SKU-2), which was added to the order in the store after it was imported as "
        f"{sale.number}: delete {sale.number} and import the order again to book it as it is now, with its refunds")
    assert not sale.credit_notes.exists() and sale.refunded_total == 0 and sale.cart_status_id == PARTIALLY_REFUNDED
    assert sale.cart_date_modified != READ_AT  # so the next read tries again
