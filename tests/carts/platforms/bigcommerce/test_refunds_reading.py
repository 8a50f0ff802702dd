"""Refunds read in batches (orders.v3.yml getOrdersRefunds) against faked HTTP: which orders show one, and the cost."""
from __future__ import annotations

import pytest
import responses
from responses import matchers

from carts.platforms.bigcommerce.adapter import BigCommerceSession, order_shows_refund
from carts.platforms.bigcommerce.errors import InvalidResponse
from tests.carts.platforms.bigcommerce.conftest import V3

REFUNDS = f"{V3}/orders/payment_actions/refunds"


def refunds_page(refunds: list[dict], *, page: int = 1, total_pages: int = 1) -> dict:
    return {"data": refunds, "meta": {"pagination": {"total": len(refunds), "count": len(refunds), "per_page": 250,
                                                     "current_page": page, "total_pages": total_pages}}}


def refund(refund_id: int, order_id: int) -> dict:
    """The spec's Refund example, trimmed to what identifies it."""
    return {"id": refund_id, "order_id": order_id, "user_id": 0, "created": "2022-05-30T15:44:13+00:00",
            "reason": "Arrived damaged", "total_amount": 10.0, "total_tax": 0, "uses_merchant_override_values": False,
            "items": [], "payments": []}


@pytest.mark.parametrize(("order", "shows"), [
    ({"status_id": 14}, True), ({"status_id": 4}, True),
    ({"status_id": 2, "payment_status": "partially refunded"}, True),
    ({"status_id": 2, "refunded_amount": "5.0000"}, True),
    ({"status_id": 2, "consignments": {"shipping": [{"line_items": [{"quantity_refunded": 1}]}]}}, True),
    ({"status_id": 2, "consignments": {"downloads": [{"line_items": {"is_refunded": True}}]}}, True),
    ({"status_id": 11, "payment_status": "captured", "refunded_amount": "0.0000"}, False),
    ({"status_id": 11, "refunded_amount": "not a number", "consignments": "a link"}, False),
])
def test_an_order_shows_a_refund_by_its_status_payment_status_refunded_amount_or_a_lines_refunded_units(
        order, shows) -> None:
    assert order_shows_refund(order) is shows


@responses.activate
def test_the_refunds_of_many_orders_are_one_request_per_250_orders_every_asked_id_answered(make_client) -> None:
    ids = list(range(100, 400))  # 300 orders: two batches
    responses.get(REFUNDS, json=refunds_page([refund(1, 100), refund(2, 100), refund(3, 349)]), match=[
        matchers.query_param_matcher({"order_id:in": ",".join(map(str, ids[:250])), "page": "1", "limit": "250"})])
    responses.get(REFUNDS, json=refunds_page([]), match=[
        matchers.query_param_matcher({"order_id:in": ",".join(map(str, ids[250:])), "page": "1", "limit": "250"})])
    session = BigCommerceSession(make_client())
    found = session.refunds_of(ids)
    assert [entry["id"] for entry in found[100]] == [1, 2] and [entry["id"] for entry in found[349]] == [3]
    assert set(found) == set(ids) and found[101] == ()
    assert session.stats.requests == 2


@pytest.mark.parametrize("entry", [{"id": 5}, {"id": 5, "order_id": "x"}, "a refund"])
@responses.activate
def test_a_refund_naming_no_order_is_an_invalid_answer_naming_the_field(make_client, entry) -> None:
    responses.get(REFUNDS, json=refunds_page([entry]))
    with pytest.raises(InvalidResponse, match="refund"):
        BigCommerceSession(make_client(max_attempts=1)).refunds_of([100])
