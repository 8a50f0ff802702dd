"""What a booked order keeps, and its refunds as pending credit notes: exactly once per refund, linked both ways.

The orders are hand-written (tests/orders/mapping/payloads.py); the credit-note amounts are computed
here from the refund rule the mapping tests name (what the shopper paid for the units, pro rata).
"""
from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from orders.booking import credit_notes_book, sale_book
from orders.mapping import map_order
from orders.models import Customer, SalesTransaction, TransactionType
from tests.carts.factories import make_cart
from tests.orders.conftest import make_items
from tests.orders.mapping.payloads import applied, half_up, line, order
from tests.orders.mapping.test_discount_conventions import pre_tax_coupon_order
from tests.orders.mapping.test_refunds import A_PAID, B_PAID, SHIPPING_PAID, product, refund

pytestmark = pytest.mark.django_db

RATE = Decimal("0.10")


def book(cart, payload: dict, **mapping: object) -> SalesTransaction:
    """Map the payload and write it as the import does: items by SKU, the customer by e-mail address."""
    mapped = map_order(payload, **mapping)
    items = {item.sku: item for item in make_items(cart.company, sorted({entry.sku for entry in mapped.lines}))}
    customer, _ = Customer.objects.get_or_create(company=cart.company, email=mapped.customer.email,
                                                 defaults={"name": "Matched Earlier"})
    with transaction.atomic():
        return sale_book(cart=cart, order=mapped, customer=customer,
                         line_items={entry.cart_line_id: items[entry.sku] for entry in mapped.lines})


@pytest.fixture
def cart(company):
    return make_cart(company)


def one_unit_and_the_shipping_refunded(refund_id: int = 12) -> list[dict]:
    one_a = A_PAID / 2  # one of the two units of line 1, at what the shopper paid for it
    tax = half_up((one_a + SHIPPING_PAID) / (1 + RATE) * RATE)
    return [refund(refund_id, items=[product(1, 1), {"item_type": "SHIPPING", "item_id": 2011,
                                                     "requested_amount": "11.00"}],
                   total_amount=one_a + SHIPPING_PAID, total_tax=tax)]


def test_a_refund_becomes_a_pending_credit_note_numbered_in_its_own_sequence_and_linked_to_its_sale(cart) -> None:
    refunds = one_unit_and_the_shipping_refunded()
    sale = book(cart, pre_tax_coupon_order(), refunds=refunds)
    [note] = sale.credit_notes.all()
    one_a = A_PAID / 2
    tax = half_up((one_a + SHIPPING_PAID) / (1 + RATE) * RATE)
    assert (note.number, note.transaction_type, note.get_status_display()) == ("CN-000001", "credit-note", "Pending")
    assert (note.credited_transaction, note.cart_order_id, note.customer, note.currency) == (
        sale, sale.cart_order_id, sale.customer, "USD")
    assert (note.total, note.tax_total, note.refund_key, note.refund_reason) == (
        one_a + SHIPPING_PAID, tax, "v3-12", "Arrived damaged")
    assert note.transaction_date == datetime.datetime(2024, 3, 8, 16, 44, 15, tzinfo=datetime.UTC)
    [credited_line] = note.lines.all()
    assert (credited_line.sku, credited_line.quantity, credited_line.amount_inc_tax) == ("SKU-1", 1, one_a)
    assert credited_line.item == sale.lines.get(cart_line_id=1).item
    assert [(charge.kind, charge.amount_inc_tax) for charge in note.charges.all()] == [("shipping", SHIPPING_PAID)]
    assert note.subtotal + note.charges_total + note.adjustments_total == note.total
    assert sale.refunded_total == note.total and sale.number == "CS-000001"


def test_booking_the_same_refunds_again_writes_no_second_credit_note(cart) -> None:
    refunds = one_unit_and_the_shipping_refunded()
    sale = book(cart, pre_tax_coupon_order(), refunds=refunds)
    mapped = map_order(pre_tax_coupon_order(), refunds=refunds)
    assert credit_notes_book(sale=sale, order=mapped) == []
    later = one_unit_and_the_shipping_refunded(refund_id=13)
    [second] = credit_notes_book(sale=sale, order=map_order(pre_tax_coupon_order(), refunds=later))
    assert (second.number, second.refund_key) == ("CN-000002", "v3-13")
    assert sale.credit_notes.count() == 2


def test_the_database_refuses_a_second_credit_note_for_one_refund(cart) -> None:
    sale = book(cart, pre_tax_coupon_order(), refunds=one_unit_and_the_shipping_refunded())
    note = sale.credit_notes.get()
    note.pk, note.number = None, "CN-000099"
    with pytest.raises(IntegrityError), transaction.atomic():
        note.save()


def test_the_sale_keeps_payment_exchange_rate_form_fields_guest_billing_name_tax_rates_and_coupon_codes(cart) -> None:
    # Two coupons taken off before tax in a tax-exclusive store: 2 × 25.00 at 10 %, SAVE5 5.00 and TEN 10.00.
    value, save5, ten = Decimal("50.00"), Decimal("5.00"), Decimal("10.00")
    tax_after = half_up((value - save5 - ten) * RATE)
    payload = order(
        401, currency="EUR", store_default_currency_code="USD",
        store_default_to_transactional_exchange_rate="0.9200000000", customer_id=0, coupon_discount=save5 + ten,
        payment_method="Test Payment Gateway", payment_provider_id="TPG-77", payment_status="captured",
        lines=[line(1, quantity=2, price_ex="25.00", price_tax=half_up(Decimal("25.00") * RATE), total_ex=value,
                    total_tax=half_up(value * RATE), discounts=[applied(save5, code="SAVE5"), applied(ten, code="TEN")],
                    discounted_total_inc=value - save5 - ten + tax_after)],
        total_ex=value - save5 - ten, total_tax=tax_after, total_inc=value - save5 - ten + tax_after)
    payload["billing_address"].update(first_name="Siobhán", last_name="Ó Briain", email="shared@example.com",
                                      form_fields=[{"name": "VAT number", "value": "IE6388047V"}])
    sale = book(cart, payload)
    assert sale.customer.name == "Matched Earlier"  # matched by e-mail address …
    assert (sale.billing_name, sale.guest, sale.cart_customer_id) == ("Siobhán Ó Briain", True, None)  # … still a guest
    assert (sale.currency, sale.store_currency, sale.exchange_rate) == ("EUR", "USD", Decimal("0.92"))
    assert (sale.payment_method, sale.payment_transaction_id, sale.payment_status) == (
        "Test Payment Gateway", "TPG-77", "captured")
    assert sale.billing_form_fields == {"VAT number": "IE6388047V"}
    assert [entry.tax_rate for entry in sale.lines.all()] == [RATE]
    assert [(entry.kind, entry.code, entry.amount_ex_tax) for entry in sale.discounts.order_by("code")] == [
        ("coupon", "SAVE5", save5), ("coupon", "TEN", ten)]
    assert sale.total == value - save5 - ten + tax_after and sale.tax_total == tax_after
    assert not sale.credit_notes.exists() and sale.refunded_total == 0


def test_a_registered_customers_order_keeps_the_stores_customer_id(cart) -> None:
    sale = book(cart, {**pre_tax_coupon_order(), "customer_id": 4242})
    assert (sale.cart_customer_id, sale.guest) == (4242, False)
    assert SalesTransaction.objects.sales().get() == sale and sale.transaction_type == TransactionType.CASH_SALE


def test_a_second_refund_read_from_the_v2_figures_is_credited_for_what_it_adds(cart) -> None:
    from tests.orders.mapping.test_cumulative_refunds import A_TAX, refunded_so_far

    sale = book(cart, refunded_so_far(b_units=1))  # no v3 refunds: the v2 figures, B refunded
    both = refunded_so_far(a_units=1, b_units=1)  # then one unit of A too: v2 says both, in all
    [second] = credit_notes_book(sale=sale, order=map_order(both))
    first = sale.credit_notes.exclude(pk=second.pk).get()

    assert (first.total, second.total, second.tax_total) == (B_PAID, A_PAID / 2, A_TAX / 2)
    assert [(line.cart_line_id, line.quantity) for line in second.lines.all()] == [(1, 1)]
    assert first.total + second.total == Decimal(both["refunded_amount"])  # never more than the store refunded
    assert credit_notes_book(sale=sale, order=map_order(both)) == []  # read again: nothing new

