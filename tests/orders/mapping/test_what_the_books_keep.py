"""What the books need from an order besides its money: currency, payment, customer, form fields, tax rates, type."""
from __future__ import annotations

import datetime
from decimal import Decimal

from orders.mapping import map_order, order_summary
from tests.orders.mapping.payloads import applied, half_up, line, order
from tests.orders.mapping.test_discount_conventions import assert_adds_up

YEN = Decimal("1")


def simple_order(order_id: int = 300, **extra) -> dict:
    """1 × 50.00 at 20 % (tax 10.00), shipping 5.00 at 20 %."""
    tax = half_up(Decimal("50.00") * Decimal("0.20"))
    shipping_tax = half_up(Decimal("5.00") * Decimal("0.20"))
    return order(order_id, lines=[line(1, quantity=1, price_ex="50.00", price_tax=tax, total_ex="50.00", total_tax=tax)],
                 shipping=("5.00", shipping_tax), total_ex="55.00", total_tax=tax + shipping_tax,
                 total_inc=Decimal("55.00") + tax + shipping_tax, **extra)


def test_a_yen_order_books_whole_yen_with_the_discount_tax_in_whole_yen() -> None:
    # 3 × ¥1,280 at 10 %, a ¥500 coupon before tax: tax on the discounted ¥3,340 is ¥334 (half up to the yen).
    value, coupon, rate = Decimal("3840"), Decimal("500"), Decimal("0.10")
    tax_before, tax_after = half_up(value * rate, YEN), half_up((value - coupon) * rate, YEN)
    payload = order(301, currency="JPY", coupon_discount=coupon,
                    lines=[line(1, quantity=3, price_ex="1280", price_tax=half_up(Decimal("1280") * rate, YEN),
                                total_ex=value, total_tax=tax_before, discounts=[applied(coupon, code="YEN500")],
                                discounted_total_inc=value - coupon + tax_after)],
                    total_ex=value - coupon, total_tax=tax_after, total_inc=value - coupon + tax_after)
    mapped = map_order(payload)
    assert mapped.total == Decimal("3674") and mapped.tax_total == Decimal("334")
    assert mapped.subtotal + mapped.charges_total - mapped.discounts_total == mapped.total
    assert [(d.amount_ex_tax, d.tax, d.amount_inc_tax) for d in mapped.discounts] == [
        (Decimal("500"), tax_before - tax_after, coupon + tax_before - tax_after)]
    amounts = [mapped.total, mapped.tax_total, *(d.tax for d in mapped.discounts), *(x.amount_inc_tax for x in mapped.lines)]
    assert all(amount.as_tuple().exponent == 0 for amount in amounts)
    assert mapped.lines[0].unit_price == Decimal("1280.0000")  # unit prices keep the store's 4 decimals


def test_a_foreign_currency_order_keeps_the_rate_to_the_stores_currency() -> None:
    payload = simple_order(currency="EUR", store_default_currency_code="USD",
                           store_default_to_transactional_exchange_rate="0.9200000000")
    mapped = map_order(payload)
    assert (mapped.currency, mapped.store_currency, mapped.exchange_rate) == ("EUR", "USD", Decimal("0.92"))
    same = map_order(simple_order())
    assert (same.store_currency, same.exchange_rate) == (None, None)


def test_the_transactional_currency_is_kept_not_the_display_one() -> None:
    payload = simple_order(currency="EUR")
    payload["currency_code"] = "GBP"  # display currency only (order_RespOnly)
    assert map_order(payload).currency == "EUR"


def test_payment_method_provider_reference_and_status_are_kept() -> None:
    mapped = map_order(simple_order(payment_method="Test Payment Gateway", payment_provider_id="txn_884",
                                    payment_status="captured", credit_card_type={}))
    assert (mapped.payment.method, mapped.payment.transaction_id, mapped.payment.status, mapped.payment.card_type) == (
        "Test Payment Gateway", "txn_884", "captured", "")


def test_a_guest_order_using_a_registered_email_stays_a_guest_with_its_billing_name() -> None:
    payload = simple_order(customer_id=0)
    payload["billing_address"].update(first_name="Siobhán", last_name="Doe", email=" Jane.Doe@Example.com ")
    mapped = map_order(payload)
    assert mapped.is_guest and mapped.customer.cart_customer_id == 0
    assert (mapped.customer.email, mapped.customer.name) == ("jane.doe@example.com", "Siobhán Doe")
    assert not map_order(simple_order(customer_id=11)).is_guest


def test_billing_form_fields_are_kept_by_label_such_as_a_vat_number() -> None:
    payload = simple_order()
    payload["billing_address"]["form_fields"] = [
        {"name": "VAT number", "value": "GB123456789"}, {"name": "Acceptable Sizes", "value": ["Small", "Medium"]},
        {"name": "Borrowing Amount", "value": 12.2}]
    assert map_order(payload).customer.form_fields == {
        "VAT number": "GB123456789", "Acceptable Sizes": "Small, Medium", "Borrowing Amount": "12.2"}


def test_a_digital_product_is_marked_digital() -> None:
    payload = simple_order()
    payload["consignments"]["downloads"] = [{"recipient_email": "a@example.com", "line_items": [
        line(2, quantity=1, price_ex="0", price_tax="0", total_ex="0", total_tax="0", product_type="digital")]}]
    mapped = map_order(payload)
    assert [(entry.cart_line_id, entry.is_digital) for entry in mapped.lines] == [(1, False), (2, True)]


def test_a_tax_rate_is_kept_only_when_it_reproduces_the_stores_unit_and_line_tax() -> None:
    # 8.875 % (New York City) on 12 × 199.99: unit tax 17.75, line tax 212.99, both half up; amounts this
    # large leave no simpler rate that gives both back. The second line's taxes fit no single rate.
    rate = Decimal("0.08875")
    unit_price, value = Decimal("199.99"), Decimal("2399.88")
    payload = order(302, lines=[
        line(1, quantity=12, price_ex=unit_price, price_tax=half_up(unit_price * rate), total_ex=value,
             total_tax=half_up(value * rate)),
        line(2, quantity=1, price_ex="10.00", price_tax="0.33", total_ex="10.00", total_tax="0.70"),
    ], total_ex=value + Decimal("10.00"), total_tax=half_up(value * rate) + Decimal("0.70"),
        total_inc=value + Decimal("10.00") + half_up(value * rate) + Decimal("0.70"))
    assert [entry.tax_rate for entry in map_order(payload).lines] == [rate, None]


def test_a_kept_tax_rate_always_gives_back_the_unit_and_line_tax() -> None:
    # On 3 × 19.99 several rates give back 1.77 and 5.32 (8.875 % among them); the simplest is kept.
    payload = order(303, lines=[line(1, quantity=3, price_ex="19.99", price_tax="1.77", total_ex="59.97",
                                     total_tax="5.32")],
                    total_ex="59.97", total_tax="5.32", total_inc="65.29")
    rate = map_order(payload).lines[0].tax_rate
    assert rate is not None
    assert (half_up(Decimal("19.99") * rate), half_up(Decimal("59.97") * rate)) == (Decimal("1.77"), Decimal("5.32"))


def test_refund_figures_status_and_modification_date_are_kept() -> None:
    payload = simple_order(status_id=14, status="Partially Refunded", custom_status="Partially Refunded",
                           refunded_amount="12.0000")
    payload["consignments"]["shipping"][0]["line_items"][0].update(quantity_refunded=0, is_refunded=False)
    mapped = map_order(payload)
    assert (mapped.status_id, mapped.status_label, mapped.refunded_amount) == (14, "Partially Refunded", Decimal("12.00"))
    assert mapped.date_modified == datetime.datetime(2024, 3, 6, 9, 0, tzinfo=datetime.UTC)
    assert mapped.not_a_sale_reason == ""


def test_a_cancelled_order_maps_and_says_it_is_not_a_sale() -> None:
    payload = simple_order(status_id=5, status="Cancelled", custom_status="Cancelled")
    mapped = map_order(payload)
    assert_adds_up(mapped, payload)
    assert "cancelled" in mapped.not_a_sale_reason
    assert "declined" in map_order(simple_order(status_id=6, status="Declined")).not_a_sale_reason


def test_gift_certificates_and_store_credit_are_payments_not_discounts() -> None:
    mapped = map_order(simple_order(gift_certificate_amount="25.0000", store_credit_amount="5.0000"))
    assert [(payment.kind, payment.amount) for payment in mapped.payments] == [
        ("gift_certificate", Decimal("25.00")), ("store_credit", Decimal("5.00"))]
    assert mapped.discounts == ()


def test_the_summary_row_survives_missing_fields() -> None:
    summary = order_summary({"id": 9})
    assert (summary.order_id, summary.created_at, summary.total, summary.currency, summary.item_count) == (
        9, None, Decimal("0"), "", 0)
    full = order_summary(simple_order(order_id=310))
    assert (full.order_id, full.total, full.currency, full.customer_name, full.status_label) == (
        310, Decimal("66.0000"), "USD", "Jane Doe", "Awaiting Fulfillment")
