"""Mapping a BigCommerce v2 order to a transaction: pure functions over JSON fixtures, no database."""
from __future__ import annotations

import copy
import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest

from orders.mapping import OrderMappingError, OrderTotalsMismatch, map_order, money, order_summary

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "bigcommerce"
AWKWARD = json.loads((FIXTURES / "orders_awkward_cases.json").read_text())


def awkward(kind: str) -> dict:
    return copy.deepcopy(AWKWARD[kind])


def lines_of(payload: dict) -> list[dict]:
    return [line for consignment in payload["consignments"]["shipping"] for line in consignment["line_items"]]


@pytest.mark.parametrize("kind", sorted(AWKWARD))
def test_every_awkward_order_adds_up_to_the_store_total_to_the_cent(kind: str) -> None:
    payload = awkward(kind)
    order = map_order(payload)
    assert order.total == Decimal(payload["total_inc_tax"])
    assert order.subtotal + order.charges_total - order.discounts_total == order.total
    assert order.tax_total == Decimal(payload["total_tax"])
    assert len(order.lines) == len(lines_of(payload))
    assert all(isinstance(line.amount_inc_tax, Decimal) for line in order.lines)


def test_tax_of_lines_charges_and_discounts_adds_up_to_the_store_tax() -> None:
    order = map_order(awkward("coupon_order"))
    taxes = sum(line.tax for line in order.lines) + sum(charge.tax for charge in order.charges)
    assert taxes - sum(discount.tax for discount in order.discounts) == order.tax_total
    for discount in order.discounts:
        assert discount.amount_ex_tax + discount.tax == discount.amount_inc_tax


def test_coupon_becomes_a_discount_line_named_by_its_code() -> None:
    payload = awkward("coupon_order")
    order = map_order(payload)
    assert [(discount.kind, discount.description, discount.amount_inc_tax) for discount in order.discounts] == [
        ("coupon", "Coupon WELCOME5", Decimal(payload["coupon_discount"]))
    ]


def test_automatic_discount_becomes_a_discount_line_named_by_the_promotion() -> None:
    payload = awkward("automatic_discount_order")
    order = map_order(payload)
    assert [(discount.kind, discount.description, discount.amount_inc_tax) for discount in order.discounts] == [
        ("discount", "Store-wide sale: 5% off", Decimal("55.8400"))
    ]
    assert sum(line.discount for line in order.lines) == Decimal("55.8400")


def test_shipping_handling_and_wrapping_are_their_own_charge_lines() -> None:
    order = map_order(awkward("shipping_handling_order"))
    assert [(charge.kind, charge.description, charge.amount_inc_tax) for charge in order.charges] == [
        ("shipping", "Shipping: Flat Rate", Decimal("13.2000")),
        ("handling", "Handling", Decimal("3.8500")),
    ]
    wrapping = map_order(awkward("wrapping_order"))
    assert ("gift_wrapping", "Gift wrapping", Decimal("2.7500")) in [
        (charge.kind, charge.description, charge.amount_inc_tax) for charge in wrapping.charges
    ]


def test_gift_certificate_and_store_credit_are_payments_not_discounts() -> None:
    payload = awkward("gift_certificate_order")
    order = map_order(payload)
    assert [(payment.kind, payment.amount) for payment in order.payments] == [
        ("gift_certificate", Decimal("25.0000")),
        ("store_credit", Decimal("5.0000")),
    ]
    assert order.total == Decimal("222.1300")  # what the order cost; the payments settle part of it
    assert [discount.kind for discount in order.discounts] == ["coupon"]


def test_fees_are_charge_lines_with_their_tax() -> None:
    payload = json.loads((FIXTURES / "order_with_fee.json").read_text())
    order = map_order(payload)
    fee = next(charge for charge in order.charges if charge.kind == "fee")
    assert (fee.description, fee.amount_ex_tax, fee.tax, fee.amount_inc_tax) == (
        "Package Protection Fee", Decimal("8.5000"), Decimal("1.5000"), Decimal("10.0000"))
    assert order.total == Decimal("35.2100")


def test_a_fee_the_mapping_did_not_read_is_refused_with_the_difference() -> None:
    payload = json.loads((FIXTURES / "order_with_fee.json").read_text())
    payload["fees"] = {"url": "https://api.bigcommerce.com/stores/x/v2/orders/230/fees", "resource": "/orders/230/fees"}
    with pytest.raises(OrderTotalsMismatch) as refused:
        map_order(payload)
    assert refused.value.difference == Decimal("-10.00")
    assert "add up to 25.21 USD but the store's total is 35.21 USD (a difference of -10.00)" in str(refused.value)


def test_totals_off_by_one_cent_are_refused() -> None:
    payload = awkward("guest_order")
    payload["total_inc_tax"] = f"{Decimal(payload['total_inc_tax']) + Decimal('0.01'):.4f}"
    with pytest.raises(OrderTotalsMismatch, match="a difference of -0.01"):
        map_order(payload)


def test_sub_cent_differences_are_not_refused() -> None:
    payload = awkward("guest_order")
    payload["total_inc_tax"] = f"{Decimal(payload['total_inc_tax']) + Decimal('0.0004'):.4f}"
    assert map_order(payload).total == Decimal(payload["total_inc_tax"])


def test_tax_inclusive_orders_price_lines_including_tax() -> None:
    payload = awkward("tax_inclusive_order")
    order = map_order(payload)
    line = lines_of(payload)[0]
    assert order.prices_include_tax is True
    assert order.lines[0].unit_price == Decimal(line["price_inc_tax"])
    exclusive = map_order(awkward("tax_exclusive_order"))
    assert exclusive.prices_include_tax is False
    assert exclusive.lines[0].unit_price == Decimal(lines_of(awkward("tax_exclusive_order"))[0]["price_ex_tax"])


def test_other_currency_orders_keep_their_transactional_currency() -> None:
    assert map_order(awkward("other_currency_order")).currency == "EUR"
    payload = awkward("guest_order")
    payload["currency_code"], payload["default_currency_code"] = "GBP", "EUR"  # display vs transactional
    assert map_order(payload).currency == "EUR"


def test_every_shipping_address_is_kept_with_its_method() -> None:
    order = map_order(awkward("multiple_addresses_order"))
    assert len(order.shipping_addresses) == 2
    assert all(address["street_1"] and address["shipping_method"] for address in order.shipping_addresses)


def test_lines_keep_cart_ids_sku_options_and_amounts() -> None:
    payload = awkward("guest_order")
    line = lines_of(payload)[0]
    mapped = map_order(payload).lines[0]
    assert (mapped.cart_line_id, mapped.product_id, mapped.variant_id, mapped.sku) == (
        line["id"], line["product_id"], line["variant_id"], line["sku"])
    assert mapped.options == "Size: M, Colour: Blue"
    assert (mapped.quantity, mapped.amount_ex_tax, mapped.tax, mapped.amount_inc_tax) == (
        line["quantity"], Decimal(line["total_ex_tax"]), Decimal(line["total_tax"]), Decimal(line["total_inc_tax"]))


def test_customer_comes_from_the_billing_address_with_the_email_lower_cased() -> None:
    payload = awkward("guest_order")
    payload["billing_address"]["email"] = "  Siobhan.Doe100@Mail.Example.com "
    order = map_order(payload)
    assert order.customer.email == "siobhan.doe100@mail.example.com"
    assert order.customer.name == "Siobhán Doe"
    assert order.customer.is_guest
    assert order.customer.billing_address["city"] == "Montréal"
    assert order.customer_message == payload["customer_message"]


def test_order_date_is_the_store_creation_time_in_utc() -> None:
    order = map_order(awkward("guest_order"))
    assert order.created_at == datetime.datetime(2025, 11, 4, 2, 57, 42, tzinfo=datetime.UTC)


def test_an_order_fetched_without_its_lines_is_refused() -> None:
    payload = awkward("guest_order")
    payload["consignments"] = {"url": "https://api.bigcommerce.com/x", "resource": "/orders/100/consignments"}
    with pytest.raises(OrderMappingError, match="include=consignments.line_items"):
        map_order(payload)
    payload = awkward("guest_order")
    payload["consignments"]["shipping"][0]["line_items"] = [{"url": "https://x", "resource": "/orders/100/products/1"}]
    with pytest.raises(OrderMappingError, match="links instead of its lines"):
        map_order(payload)


def test_a_money_field_that_is_not_an_amount_is_refused_naming_it() -> None:
    payload = awkward("guest_order")
    payload["shipping_cost_inc_tax"] = "n/a"
    with pytest.raises(OrderMappingError, match="shipping_cost_inc_tax is not an amount"):
        map_order(payload)


def test_money_reads_strings_and_json_numbers_exactly() -> None:
    assert money("12.5000", what="x") == Decimal("12.5000")
    assert money(26.4, what="x") == Decimal("26.4000")
    assert money(0.1, what="x") + money(0.2, what="x") == Decimal("0.3000")
    for bad in (None, "", True, "NaN", "Infinity"):
        with pytest.raises(OrderMappingError):
            money(bad, what="x")


def test_lines_from_pickup_and_digital_consignments_are_read_too() -> None:
    payload = awkward("multiple_addresses_order")
    second = payload["consignments"]["shipping"].pop()
    payload["consignments"]["pickups"] = [{"id": 1, "line_items": second["line_items"]}]
    assert len(map_order(payload).lines) == 2


def test_summary_row_for_the_order_list() -> None:
    summary = order_summary(awkward("other_currency_order"))
    assert (summary.order_id, summary.currency, summary.total, summary.status_id) == (111, "EUR", Decimal("630.3400"), 10)
    assert summary.customer_name and summary.customer_email and summary.item_count > 0
