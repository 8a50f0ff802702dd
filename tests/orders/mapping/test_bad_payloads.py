"""Any wrong shape, missing field, wrong type or absurd value is refused with a message, never another exception."""
from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from orders.mapping import OrderMappingError, OrderShapeUnforeseen, map_order, order_summary
from tests.mutations import mutated
from tests.orders.mapping.test_discount_conventions import pre_tax_coupon_order, tax_inclusive_coupon_order
from tests.orders.mapping.test_refunds import product, refund
from tests.orders.mapping.test_what_the_books_keep import simple_order


def first_line(payload: dict) -> dict:
    return payload["consignments"]["shipping"][0]["line_items"][0]


@pytest.mark.parametrize(("change", "message"), [
    (lambda p: first_line(p).update(quantity=-2), "line 1 quantity is -2"),
    (lambda p: first_line(p).update(quantity="--2"), "line 1 quantity is not a whole number"),
    (lambda p: first_line(p).update(quantity=True), "line 1 quantity is not a whole number"),
    (lambda p: first_line(p).update(total_tax="NaN"), "line 1 total_tax is not a believable amount"),
    (lambda p: p.update(total_inc_tax=1e30), "total_inc_tax is not a believable amount"),
    (lambda p: p.update(billing_address="Jane Doe, Austin"), "its billing address is not an object"),
    (lambda p: p["consignments"].update(shipping={"line_items": []}), "its shipping consignments is not a list"),
    (lambda p: p.update(consignments=[]), "did not include its lines"),
    (lambda p: first_line(p).update(applied_discounts={"amount": "1"}), "applied_discounts is not a list"),
    (lambda p: p.update(default_currency_code="US Dollar", currency_code=None), "3-letter currency code"),
    (lambda p: p.update(date_created="yesterday"), "date_created 'yesterday' is not an RFC-2822 date"),
    (lambda p: p.pop("total_tax"), "total_tax is missing"),
    (lambda p: first_line(p).update(quantity_refunded=9), "quantity_refunded is 9, outside 0–2"),
    (lambda p: p.update(status_id="shipped"), "status_id is not a whole number"),
])
def test_a_bad_field_is_refused_naming_it(change, message: str) -> None:
    payload = pre_tax_coupon_order()
    change(payload)
    with pytest.raises(OrderMappingError, match=message) as refused:
        map_order(payload)
    assert not isinstance(refused.value, OrderShapeUnforeseen)


@pytest.mark.parametrize("payload", [None, [], "order", 7, {"id": "x"}, {"id": 1}])
def test_something_that_is_not_an_order_is_refused(payload: Any) -> None:
    with pytest.raises(OrderMappingError):
        map_order(payload)


REFUNDS = [refund(12, items=[product(1, 1), {"item_type": "SHIPPING", "item_id": 2011, "requested_amount": "11.00"}],
                  total_amount=Decimal("50.60"), total_tax=Decimal("4.60"))]
BASES = [{"order": pre_tax_coupon_order(), "refunds": REFUNDS},
         {"order": tax_inclusive_coupon_order(), "refunds": []},
         {"order": simple_order(refunded_amount="12.0000"), "refunds": None}]


@settings(max_examples=4000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_payloads_only_ever_raise_order_mapping_errors(data) -> None:
    document = data.draw(mutated(data.draw(st.sampled_from(BASES))))
    payload, refunds = document.get("order"), document.get("refunds")
    for call in (lambda: map_order(payload, refunds=refunds), lambda: order_summary(payload)):
        try:
            result = call()
        except OrderShapeUnforeseen as error:  # the backstop: every shape should be caught by a check first
            pytest.fail(f"no check caught this shape: {error.__cause__!r}")
        except OrderMappingError as error:
            event("refused")
            assert str(error) and "Traceback" not in str(error)
        else:
            event("mapped")
            amounts = [getattr(result, "total", Decimal(0))]
            assert all(isinstance(amount, Decimal) and math.isfinite(amount) for amount in amounts)
