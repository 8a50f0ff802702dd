"""Shapes of real answers: where lines, addresses, options and dates are read from.

orders_awkward_cases.json was captured from the project's own sandbox store, so it is used here for
shapes only (names, ids, addresses, options, dates) and never as an oracle for money.
"""
from __future__ import annotations

import copy
import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest

from orders.mapping import OrderMappingError, OrderShapeUnforeseen, map_order, order_summary
from tests.orders.mapping.payloads import figure, half_up
from tests.orders.mapping.test_discount_conventions import assert_adds_up, pre_tax_coupon_order

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "bigcommerce"
AWKWARD = json.loads((FIXTURES / "orders_awkward_cases.json").read_text())


def awkward(kind: str) -> dict:
    return copy.deepcopy(AWKWARD[kind])


def lines_of(payload: dict) -> list[dict]:
    return [line for consignment in payload["consignments"]["shipping"] for line in consignment["line_items"]]


@pytest.mark.parametrize("kind", sorted(AWKWARD))
def test_every_captured_shape_maps_or_is_refused_with_a_message(kind: str) -> None:
    payload = awkward(kind)
    try:
        order = map_order(payload)
    except OrderShapeUnforeseen:
        raise
    except OrderMappingError as error:
        assert str(error)
    else:
        assert [line.cart_line_id for line in order.lines] == sorted(line["id"] for line in lines_of(payload))


def test_handling_and_gift_wrapping_are_charge_lines_of_their_own() -> None:
    payload = pre_tax_coupon_order()
    handling_tax, wrapping_tax = half_up(Decimal("3.50") * Decimal("0.10")), half_up(Decimal("2.50") * Decimal("0.10"))
    payload.update(handling_cost_ex_tax="3.5000", handling_cost_tax=figure(handling_tax),
                   handling_cost_inc_tax=figure(Decimal("3.50") + handling_tax), wrapping_cost_ex_tax="2.5000",
                   wrapping_cost_tax=figure(wrapping_tax), wrapping_cost_inc_tax=figure(Decimal("2.50") + wrapping_tax))
    extra_tax = handling_tax + wrapping_tax
    payload["total_tax"] = figure(Decimal(payload["total_tax"]) + extra_tax)
    payload["total_inc_tax"] = figure(Decimal(payload["total_inc_tax"]) + Decimal("6.00") + extra_tax)
    order = map_order(payload)
    assert_adds_up(order, payload)
    assert [(charge.kind, charge.description, charge.amount_inc_tax) for charge in order.charges] == [
        ("shipping", "Shipping: Flat Rate", Decimal("11.00")), ("handling", "Handling", Decimal("3.85")),
        ("gift_wrapping", "Gift wrapping", Decimal("2.75"))]


def test_every_shipping_address_is_kept_with_its_method() -> None:
    order = map_order(awkward("multiple_addresses_order"))
    assert len(order.shipping_addresses) == 2
    assert all(address["street_1"] and address["shipping_method"] for address in order.shipping_addresses)


def test_lines_keep_cart_ids_sku_and_options() -> None:
    payload = awkward("guest_order")
    line = lines_of(payload)[0]
    mapped = map_order(payload).lines[0]
    assert (mapped.cart_line_id, mapped.product_id, mapped.variant_id, mapped.sku, mapped.quantity) == (
        line["id"], line["product_id"], line["variant_id"], line["sku"], line["quantity"])
    assert mapped.options == "Size: M, Colour: Blue"


def test_customer_comes_from_the_billing_address() -> None:
    payload = awkward("guest_order")
    order = map_order(payload)
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
    payload = pre_tax_coupon_order()
    payload["shipping_cost_inc_tax"] = "n/a"
    with pytest.raises(OrderMappingError, match="shipping_cost_inc_tax is not an amount"):
        map_order(payload)


def test_lines_from_pickup_consignments_are_read_too() -> None:
    payload = awkward("multiple_addresses_order")
    second = payload["consignments"]["shipping"].pop()
    payload["consignments"]["pickups"] = [{"id": 1, "line_items": second["line_items"]}]
    assert len(map_order(payload).lines) == 2


def test_summary_row_for_the_order_list() -> None:
    summary = order_summary(awkward("other_currency_order"))
    assert (summary.order_id, summary.currency, summary.status_id) == (111, "EUR", 10)
    assert summary.customer_name and summary.customer_email and summary.item_count > 0
