"""An order whose parts no reading reconciles is refused with the difference and a way forward, or posted by opt-in."""
from __future__ import annotations

from decimal import Decimal

import pytest

from orders.mapping import AdjustmentKind, MappingOptions, OrderTotalsMismatch, map_order
from tests.orders.mapping.payloads import figure, half_up, line, order
from tests.orders.mapping.test_discount_conventions import assert_adds_up, pre_tax_coupon_order

RATE = Decimal("0.10")


def order_with_fee(*, fees: object) -> dict:
    """BigCommerce's fee example (orderFees_Resp): 8.50 ex, 1.50 tax, 10.00 inc, on a 1 × 20.00 line at 10 %."""
    line_tax = half_up(Decimal("20.00") * RATE)
    total_inc = Decimal("20.00") + line_tax + Decimal("10.00")
    return order(230, lines=[line(1, quantity=1, price_ex="20.00", price_tax=line_tax, total_ex="20.00",
                                  total_tax=line_tax)],
                 total_ex=Decimal("28.50"), total_tax=line_tax + Decimal("1.50"), total_inc=total_inc, fees=fees)


FEE = {"id": 1, "type": "custom_fee", "display_name_customer": "Package Protection Insurance",
       "display_name_merchant": "Package Protection Fee", "source": "v2", "base_cost": 8.5, "cost_ex_tax": 8.5,
       "cost_inc_tax": 10.0, "cost_tax": 1.5, "tax_class_id": 0}


def test_a_fee_is_a_charge_line_with_its_tax() -> None:
    payload = order_with_fee(fees=[FEE])
    mapped = map_order(payload)
    assert_adds_up(mapped, payload)
    fee = next(charge for charge in mapped.charges if charge.kind == "fee")
    assert (fee.description, fee.amount_ex_tax, fee.tax, fee.amount_inc_tax) == (
        "Package Protection Fee", Decimal("8.50"), Decimal("1.50"), Decimal("10.00"))


def test_a_difference_is_refused_naming_it_and_the_setting_that_posts_it() -> None:
    payload = order_with_fee(fees={"url": "https://api.bigcommerce.com/stores/x/v2/orders/230/fees",
                                   "resource": "/orders/230/fees"})  # fetched without include=fees
    with pytest.raises(OrderTotalsMismatch) as refused:
        map_order(payload)
    assert (refused.value.difference, refused.value.tax_difference) == (Decimal("-10.00"), Decimal("-1.50"))
    message = str(refused.value)
    assert "add up to 22.00 USD but the store's total is 32.00 USD (a difference of -10.00)" in message
    assert "set 'Post differences up to' on the cart's Settings tab to at least 10.00 USD" in message
    assert "support" not in message


def test_a_difference_within_the_carts_limit_is_posted_as_an_explicit_adjustment() -> None:
    payload = order_with_fee(fees={"url": "https://example/fees", "resource": "/orders/230/fees"})
    mapped = map_order(payload, options=MappingOptions(post_differences_up_to=Decimal("10.00")))
    assert_adds_up(mapped, payload)
    assert mapped.adjustment is not None
    assert (mapped.adjustment.kind, mapped.adjustment.amount_inc_tax, mapped.adjustment.tax) == (
        AdjustmentKind.ORDER_DIFFERENCE, Decimal("10.00"), Decimal("1.50"))


def test_a_difference_beyond_the_carts_limit_is_refused_saying_how_far_to_raise_it() -> None:
    payload = order_with_fee(fees={"url": "https://example/fees", "resource": "/orders/230/fees"})
    with pytest.raises(OrderTotalsMismatch, match=r"\(now 5.00 USD\) to at least 10.00 USD"):
        map_order(payload, options=MappingOptions(post_differences_up_to=Decimal("5.00")))


def test_totals_off_by_one_cent_are_refused_and_sub_cent_figures_are_not() -> None:
    payload = pre_tax_coupon_order()
    payload["total_inc_tax"] = figure(Decimal(payload["total_inc_tax"]) + Decimal("0.01"))
    with pytest.raises(OrderTotalsMismatch, match="a difference of -0.01"):
        map_order(payload)
    payload = pre_tax_coupon_order()
    payload["total_inc_tax"] = figure(Decimal(payload["total_inc_tax"]) + Decimal("0.0004"))
    assert map_order(payload).total == Decimal("110.00")


def test_a_tax_the_lines_do_not_explain_is_refused_even_when_the_total_matches() -> None:
    payload = pre_tax_coupon_order()
    payload["coupon_discount"] = payload["discount_amount"] = "0.0000"
    for entry in payload["consignments"]["shipping"][0]["line_items"]:
        entry["applied_discounts"] = []
    payload["total_inc_tax"] = figure(Decimal("121.00"))  # no discount, yet total_tax stays 10.00, not 11.00
    with pytest.raises(OrderTotalsMismatch) as refused:
        map_order(payload)
    assert (refused.value.difference, refused.value.tax_difference) == (Decimal("0.00"), Decimal("1.00"))
    assert "their tax adds up to 11.00 USD but the store's tax is 10.00 USD" in str(refused.value)
