"""Refunds and cancellations after an order was imported: the v2 figures, the v3 refund records, the admin page."""

from decimal import ROUND_HALF_UP, Decimal
from email.utils import parsedate_to_datetime

import pytest
import requests

from sandbox.server import SandboxServer
from tests.sandbox.conftest import api_session, v2, v3

CENT = Decimal("0.01")


def control(server: SandboxServer, path: str) -> str:
    return f"{server.base_url}/_sandbox{path}"


def paid_order(server: SandboxServer, quantity: int = 3) -> int:
    """An order placed in the storefront (paid by the test card): a 3-unit line with a coupon, a second line, shipping."""
    product = server.store.catalog.product(server.store.examples()["product_30_variants"])
    return server.store.place_order(lines=[(product.id, product.variants[0].id, quantity), (product.id, product.variants[1].id, 1)],
                                    coupon_codes=("SAVE10",))


def test_a_partial_refund_updates_the_order_and_creates_a_refund_record(sandbox):
    order_id = paid_order(sandbox)
    session = api_session(sandbox)
    before = session.get(v2(sandbox, f"/orders/{order_id}")).json()
    line, address = sandbox.store.order(order_id).lines[0], sandbox.store.order(order_id).shipping_addresses[0]
    answer = requests.post(control(sandbox, f"/orders/{order_id}/refunds"), json={
        "lines": [{"id": line["id"], "quantity": 1}], "shipping": [{"address_id": address["id"], "amount": "2.00"}],
        "reason": "One arrived broken"})
    assert answer.status_code == 201, answer.text
    # One of three units: a third of what the shopper paid for the line, in whole cents.
    unit = (Decimal(line["discounted_total_inc_tax"]) / 3).quantize(CENT, rounding=ROUND_HALF_UP)
    after = session.get(v2(sandbox, f"/orders/{order_id}")).json()
    assert Decimal(after["refunded_amount"]) == unit + Decimal("2.00")
    assert (after["status_id"], after["payment_status"]) == (14, "partially refunded")
    assert parsedate_to_datetime(after["date_modified"]) >= parsedate_to_datetime(before["date_modified"])
    refunded_line = session.get(v2(sandbox, f"/orders/{order_id}/products/{line['id']}")).json()
    assert (refunded_line["quantity_refunded"], refunded_line["is_refunded"]) == (1, False)
    [record] = session.get(v3(sandbox, f"/orders/{order_id}/payment_actions/refunds")).json()["data"]
    assert record["order_id"] == order_id and record["reason"] == "One arrived broken"
    assert Decimal(str(record["total_amount"])) == unit + Decimal("2.00")
    assert [(item["item_type"], item["item_id"], item.get("quantity")) for item in record["items"]] == [
        ("PRODUCT", line["id"], 1), ("SHIPPING", address["id"], None)]
    assert record["payments"][0]["provider_id"] == "testgateway" and record["payments"][0]["amount"] == record["total_amount"]


def test_refunding_a_line_unit_by_unit_gives_back_exactly_what_was_paid(sandbox):
    order_id = paid_order(sandbox)
    line = sandbox.store.order(order_id).lines[0]
    paid = Decimal(line["discounted_total_inc_tax"])
    amounts = []
    for _ in range(3):
        answer = requests.post(control(sandbox, f"/orders/{order_id}/refunds"), json={"lines": [{"id": line["id"], "quantity": 1}]})
        amounts.append(Decimal(str(answer.json()["refund"]["total_amount"])))
    # Cumulative rounding: unit k gives back round(paid * k / 3) - round(paid * (k - 1) / 3).
    expected = [(paid * k / 3).quantize(CENT, rounding=ROUND_HALF_UP) - (paid * (k - 1) / 3).quantize(CENT, rounding=ROUND_HALF_UP)
                for k in (1, 2, 3)]
    assert amounts == expected and sum(amounts) == paid
    assert sandbox.store.order(order_id).lines[0]["is_refunded"] is True


def test_refunding_everything_left_makes_the_order_refunded_with_all_its_money_and_tax(sandbox):
    order_id = paid_order(sandbox)
    line = sandbox.store.order(order_id).lines[0]
    requests.post(control(sandbox, f"/orders/{order_id}/refunds"), json={"lines": [{"id": line["id"], "quantity": 2}]})
    answer = requests.post(control(sandbox, f"/orders/{order_id}/refunds"), json={"all": True})
    assert answer.status_code == 201
    order = answer.json()["order"]
    assert (order["status_id"], order["payment_status"], order["refunded_amount"]) == (4, "refunded", order["total_inc_tax"])
    records = api_session(sandbox).get(v3(sandbox, f"/orders/{order_id}/payment_actions/refunds")).json()["data"]
    assert sum(Decimal(str(record["total_amount"])) for record in records) == Decimal(order["total_inc_tax"])
    assert sum(Decimal(str(record["total_tax"])) for record in records) == Decimal(order["total_tax"])
    assert all(line["is_refunded"] for line in sandbox.store.order(order_id).lines)
    again = requests.post(control(sandbox, f"/orders/{order_id}/refunds"), json={"all": True})
    assert again.status_code == 400 and "already fully refunded" in again.json()["error"]


@pytest.mark.parametrize(("body", "message"), [
    ({"lines": [{"id": 1, "quantity": 1}]}, "has no line 1"),
    ({"shipping": [{"address_id": 1}]}, "has no shipping address 1"),
    ({}, "Say what to refund"),
])
def test_a_refund_that_cannot_be_made_says_why(sandbox, body, message):
    answer = requests.post(control(sandbox, f"/orders/{paid_order(sandbox)}/refunds"), json=body)
    assert answer.status_code == 400 and message in answer.json()["error"]


def test_more_units_than_are_left_and_unpaid_orders_are_refused(sandbox):
    order_id = paid_order(sandbox, quantity=2)
    line_id = sandbox.store.order(order_id).lines[0]["id"]
    too_many = requests.post(control(sandbox, f"/orders/{order_id}/refunds"), json={"lines": [{"id": line_id, "quantity": 3}]})
    assert too_many.status_code == 400 and "2 of 2 units left to refund, not 3" in too_many.json()["error"]
    unpaid = sandbox.store.place_order(lines=[(sandbox.store.examples()["simple_product"], None, 1)], status_id=7)
    refused = requests.post(control(sandbox, f"/orders/{unpaid}/refunds"), json={"all": True})
    assert refused.status_code == 400 and "never paid" in refused.json()["error"]
    assert sandbox.store.order(unpaid).order["refunded_amount"] == "0.0000"


def test_cancelling_changes_the_status_and_no_money(sandbox):
    order_id = paid_order(sandbox)
    before = sandbox.store.order(order_id).order
    cancelled = requests.post(control(sandbox, f"/orders/{order_id}/cancel"))
    assert cancelled.status_code == 200 and cancelled.json()["status_id"] == 5
    assert cancelled.json()["total_inc_tax"] == before["total_inc_tax"] and cancelled.json()["refunded_amount"] == "0.0000"
    assert requests.post(control(sandbox, f"/orders/{order_id}/cancel")).status_code == 400


def test_the_admin_page_refunds_and_cancels(sandbox):
    order_id = paid_order(sandbox)
    line = sandbox.store.order(order_id).lines[1]
    page = requests.get(f"{sandbox.base_url}/admin/orders/{order_id}")
    assert page.status_code == 200 and f"refund_line_{line['id']}" in page.text
    refunded = requests.post(f"{sandbox.base_url}/admin/orders/{order_id}/refund",
                             data={f"refund_line_{line['id']}": "1", "reason": "Wrong colour", "action": "selected"})
    assert refunded.status_code == 200 and f"Refund {sandbox.store.refunds_of(order_id)[0].id} of order {order_id}" in refunded.text
    assert "Wrong colour" in refunded.text
    bad = requests.post(f"{sandbox.base_url}/admin/orders/{order_id}/refund", data={f"refund_line_{line['id']}": "x"})
    assert bad.status_code == 400 and "must be a number" in bad.text
    everything = requests.post(f"{sandbox.base_url}/admin/orders/{order_id}/refund", data={"action": "everything"})
    assert everything.status_code == 200 and sandbox.store.order(order_id).order["status_id"] == 4
    cancelled = requests.post(f"{sandbox.base_url}/admin/orders/{order_id}/cancel")
    assert cancelled.status_code == 200 and f"Order {order_id} is cancelled." in cancelled.text


def test_generated_refunded_orders_carry_matching_refund_records():
    with SandboxServer(products=40, orders=150) as server:
        session = api_session(server)
        refunded = [order_id for order_id in range(100, 250) if server.store.orders.original_status(order_id) in (4, 14)]
        listed = session.get(v3(server, "/orders/payment_actions/refunds"), params={"limit": 250}).json()
        assert sorted(record["order_id"] for record in listed["data"]) == refunded
        for record in listed["data"]:
            order = session.get(v2(server, f"/orders/{record['order_id']}")).json()
            assert Decimal(str(record["total_amount"])) == Decimal(order["refunded_amount"]) > 0
            if order["status_id"] == 4:
                assert order["refunded_amount"] == order["total_inc_tax"]
                assert Decimal(str(record["total_tax"])) == Decimal(order["total_tax"])


def test_all_refunds_filter_by_order_id_refund_id_and_date(sandbox):
    first, second = paid_order(sandbox), paid_order(sandbox)
    for order_id in (first, second):
        requests.post(control(sandbox, f"/orders/{order_id}/refunds"), json={"all": True})
    session = api_session(sandbox)
    by_order = session.get(v3(sandbox, "/orders/payment_actions/refunds"), params={"order_id:in": f"{first},{second}"}).json()
    assert [record["order_id"] for record in by_order["data"]] == [first, second]
    refund_id = by_order["data"][1]["id"]
    assert [record["id"] for record in session.get(v3(sandbox, "/orders/payment_actions/refunds"),
                                                   params={"id:in": str(refund_id)}).json()["data"]] == [refund_id]
    recent = session.get(v3(sandbox, "/orders/payment_actions/refunds"), params={"created:min": "2026-07-01T00:00:00+00:00"}).json()
    assert [record["order_id"] for record in recent["data"]] == [first, second]
    one = session.get(v3(sandbox, f"/orders/payment_actions/refunds/{refund_id}")).json()["data"]
    assert one["order_id"] == second and one["id"] == refund_id
    assert session.get(v3(sandbox, "/orders/payment_actions/refunds/999999")).status_code == 404
    assert session.get(v3(sandbox, "/orders/payment_actions/refunds"), params={"transaction_id": "1"}).status_code == 400


def test_refunds_need_an_orders_or_transactions_scope(sandbox):
    url = v3(sandbox, "/orders/payment_actions/refunds")
    assert api_session(sandbox, "no-orders").get(url).status_code == 403
    assert api_session(sandbox, "orders-read-only").get(url).status_code == 200
    sandbox.store.set_scopes("no-orders", ["store_v2_transactions_read_only"])
    assert api_session(sandbox, "no-orders").get(url).status_code == 200


def test_refunds_survive_a_restart(tmp_path):
    state = tmp_path / "state.json"
    with SandboxServer(products=20, orders=20, state_file=state) as server:
        order_id = paid_order(server)
        line_id = server.store.order(order_id).lines[0]["id"]
        requests.post(control(server, f"/orders/{order_id}/refunds"), json={"lines": [{"id": line_id, "quantity": 1}]})
        before = server.store.order(order_id).order
    with SandboxServer(products=20, orders=20, state_file=state) as server:
        after = server.store.order(order_id).order
        assert (after["refunded_amount"], after["status_id"]) == (before["refunded_amount"], 14)
        assert [refund.order_id for refund in server.store.refunds_of(order_id)] == [order_id]
