"""The client's order methods against faked HTTP: filters, the lines include, paging and the count by status."""
from __future__ import annotations

import datetime

import pytest
import responses
from responses import matchers

from carts.platforms.base import OrderQuery
from carts.platforms.bigcommerce.queries import order_query_params
from carts.platforms.bigcommerce.errors import InvalidResponse
from tests.carts.platforms.bigcommerce.conftest import V2, fixture_json

WITH_LINES = {"include": "consignments.line_items,fees", "consignment_structure": "object"}


def test_order_filter_sends_only_what_is_set_with_an_iso_date() -> None:
    created_from = datetime.datetime(2026, 3, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=-6)))
    assert order_query_params(OrderQuery()) == {}
    assert order_query_params(OrderQuery(status_id=11, created_from=created_from, min_id=100, max_id=349)) == {
        "status_id": 11, "min_date_created": "2026-03-01T00:00:00-06:00", "min_id": 100, "max_id": 349}
    modified_from = datetime.datetime(2026, 3, 2, 12, 30, tzinfo=datetime.UTC)
    assert order_query_params(OrderQuery(modified_from=modified_from)) == {"min_date_modified": "2026-03-02T12:30:00+00:00"}


@responses.activate
def test_orders_page_with_lines_asks_for_consignments_line_items_and_fees(make_client) -> None:
    orders = fixture_json("orders_awkward_cases.json")
    responses.get(f"{V2}/orders", json=[orders["guest_order"], orders["coupon_order"]], match=[
        matchers.query_param_matcher({"status_id": "11", "sort": "id:desc", "page": "1", "limit": "50", **WITH_LINES})])
    client = make_client()
    page = client.get_orders_page(OrderQuery(status_id=11), page=1, limit=50, sort="id:desc", with_lines=True)
    assert [order["id"] for order in page] == [100, 113]
    assert page[0]["consignments"]["shipping"][0]["line_items"][0]["sku"]
    assert client.stats.requests == 1


@responses.activate
def test_orders_page_without_lines_asks_for_the_orders_only(make_client) -> None:
    responses.get(f"{V2}/orders", json=[{"id": 100}], match=[
        matchers.query_param_matcher({"min_id": "100", "max_id": "120", "sort": "id:asc", "page": "1", "limit": "250"})])
    assert make_client().get_orders_page(OrderQuery(min_id=100, max_id=120), page=1, limit=250) == [{"id": 100}]


@responses.activate
def test_iter_orders_reads_pages_of_250_each_from_after_the_last_id_until_a_short_one(make_client) -> None:
    first = [{"id": order_id} for order_id in range(100, 350)]
    responses.get(f"{V2}/orders", json=first, match=[
        matchers.query_param_matcher({"status_id": "11", "sort": "id:asc", "page": "1", "limit": "250", **WITH_LINES})])
    # From after the last id, not page 2: an order leaving status 11 meanwhile would have shifted page 2 by one.
    responses.get(f"{V2}/orders", json=[{"id": 351}], match=[matchers.query_param_matcher(
        {"status_id": "11", "min_id": "350", "sort": "id:asc", "page": "1", "limit": "250", **WITH_LINES})])
    client = make_client()
    ids = [order["id"] for order in client.iter_orders(OrderQuery(status_id=11), with_lines=True)]
    assert ids == [*range(100, 350), 351]
    assert client.stats.requests == 2


@responses.activate
def test_iter_orders_ends_on_204_after_a_full_last_page(make_client) -> None:
    responses.get(f"{V2}/orders", json=[{"id": 100}, {"id": 101}],
                  match=[matchers.query_param_matcher({"sort": "id:asc", "page": "1", "limit": "2"})])
    responses.get(f"{V2}/orders", status=204, body="",
                  match=[matchers.query_param_matcher({"sort": "id:asc", "min_id": "102", "page": "1", "limit": "2"})])
    assert [order["id"] for order in make_client().iter_orders(OrderQuery(), page_size=2)] == [100, 101]


def _modified(order_id: int, second: int) -> dict:
    return {"id": order_id, "date_modified": f"Wed, 06 Mar 2024 09:00:{second:02d} +0000"}


@responses.activate
def test_orders_by_date_modified_are_read_on_from_the_last_date_so_one_changed_meanwhile_is_not_missed(
        make_client) -> None:
    """Order 1 changes while page 1 is read: under page numbers order 4 would slip onto page 1 and be missed."""
    responses.get(f"{V2}/orders", json=[_modified(1, 1), _modified(2, 2), _modified(3, 3)], match=[
        matchers.query_param_matcher({"sort": "date_modified:asc", "page": "1", "limit": "3"})])
    # The next page from the last order's date: order 3 again (passed over), 4 and 5, then 1 with its new date.
    responses.get(f"{V2}/orders", json=[_modified(3, 3), _modified(4, 4), _modified(5, 5)], match=[
        matchers.query_param_matcher({"sort": "date_modified:asc", "min_date_modified": "Wed, 06 Mar 2024 09:00:03 +0000",
                                      "page": "1", "limit": "3"})])
    responses.get(f"{V2}/orders", json=[_modified(5, 5), _modified(1, 9)], match=[
        matchers.query_param_matcher({"sort": "date_modified:asc", "min_date_modified": "Wed, 06 Mar 2024 09:00:05 +0000",
                                      "page": "1", "limit": "3"})])
    read = [(order["id"], order["date_modified"][-8:-6]) for order in make_client().iter_orders(
        OrderQuery(), sort="date_modified:asc", page_size=3)]
    assert read == [(1, "01"), (2, "02"), (3, "03"), (4, "04"), (5, "05"), (1, "09")]


@responses.activate
def test_more_orders_in_one_second_than_a_page_are_read_on_by_page_number(make_client) -> None:
    same = "Wed, 06 Mar 2024 09:00:00 +0000"
    responses.get(f"{V2}/orders", json=[{"id": 1, "date_modified": same}, {"id": 2, "date_modified": same}], match=[
        matchers.query_param_matcher({"sort": "date_modified:asc", "page": "1", "limit": "2"})])
    responses.get(f"{V2}/orders", json=[{"id": 1, "date_modified": same}, {"id": 2, "date_modified": same}], match=[
        matchers.query_param_matcher({"sort": "date_modified:asc", "min_date_modified": same, "page": "1", "limit": "2"})])
    responses.get(f"{V2}/orders", json=[{"id": 3, "date_modified": same}], match=[
        matchers.query_param_matcher({"sort": "date_modified:asc", "min_date_modified": same, "page": "2", "limit": "2"})])
    read = [order["id"] for order in make_client().iter_orders(OrderQuery(), sort="date_modified:asc", page_size=2)]
    assert read == [1, 2, 3]


@responses.activate
def test_orders_count_by_status_reads_every_status_in_one_call(make_client) -> None:
    responses.get(f"{V2}/orders/count", json={"statuses": [
        {"id": 11, "name": "Awaiting Fulfillment", "count": 4}, {"id": 10, "name": "Completed", "count": 7},
        {"id": 0, "name": "Incomplete", "count": 0}], "count": 11},
        match=[matchers.query_param_matcher({"min_date_created": "2026-01-01T00:00:00+00:00"})])
    created_from = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    assert make_client().orders_count_by_status(OrderQuery(created_from=created_from)) == {11: 4, 10: 7, 0: 0}


@pytest.mark.parametrize("body", [{"count": 3}, {"statuses": [{"id": "x", "count": 1}]}, []])
@responses.activate
def test_orders_count_of_the_wrong_shape_is_an_invalid_response(make_client, body) -> None:
    responses.get(f"{V2}/orders/count", json=body)
    with pytest.raises(InvalidResponse):
        make_client(max_attempts=1).orders_count_by_status(OrderQuery())
