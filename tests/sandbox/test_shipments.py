"""Shipments as orders.v2 describes them: shipped quantities, the status they lead to, refusals, and every request recorded."""

import time
from email.utils import parsedate_to_datetime

import pytest
import requests

from sandbox.server import SandboxServer
from tests.sandbox.conftest import api_session, v2


def two_line_order(server: SandboxServer) -> tuple[int, list[dict], int]:
    """A paid order: 3 units of one variant and 1 of another, to one address."""
    product = server.store.catalog.product(server.store.examples()["product_30_variants"])
    order_id = server.store.place_order(lines=[(product.id, product.variants[0].id, 3), (product.id, product.variants[1].id, 1)])
    rendered = server.store.order(order_id)
    return order_id, rendered.lines, rendered.shipping_addresses[0]["id"]


def ship(server: SandboxServer, order_id: int, address_id: int, *items: tuple[int, int], **fields) -> requests.Response:
    return api_session(server).post(v2(server, f"/orders/{order_id}/shipments"), json={
        "order_address_id": address_id, "items": [{"order_product_id": line_id, "quantity": quantity} for line_id, quantity in items],
        **fields})


def test_a_partial_shipment_ships_those_units_and_the_order_is_partially_shipped(sandbox):
    order_id, lines, address_id = two_line_order(sandbox)
    before = api_session(sandbox).get(v2(sandbox, f"/orders/{order_id}")).json()
    answer = ship(sandbox, order_id, address_id, (lines[0]["id"], 2), tracking_number="1Z999AA10123456784",
                  shipping_provider="ups", comments="First box")
    assert answer.status_code == 201
    shipment = answer.json()
    assert (shipment["order_id"], shipment["order_address_id"], shipment["tracking_number"]) == (order_id, address_id, "1Z999AA10123456784")
    assert shipment["items"] == [{"order_product_id": lines[0]["id"], "product_id": lines[0]["product_id"], "quantity": 2}]
    assert shipment["shipping_provider_display_name"] == "UPS" and "1Z999AA10123456784" in shipment["generated_tracking_link"]
    session = api_session(sandbox)
    order = session.get(v2(sandbox, f"/orders/{order_id}")).json()
    assert (order["status_id"], order["items_shipped"], order["date_shipped"]) == (3, 2, "")
    assert parsedate_to_datetime(order["date_modified"]) >= parsedate_to_datetime(before["date_modified"])
    assert session.get(v2(sandbox, f"/orders/{order_id}/products/{lines[0]['id']}")).json()["quantity_shipped"] == 2
    assert session.get(v2(sandbox, f"/orders/{order_id}/shipping_addresses")).json()[0]["items_shipped"] == 2
    assert session.get(v2(sandbox, f"/orders/{order_id}/shipments")).json() == [shipment]
    assert session.get(v2(sandbox, f"/orders/{order_id}/shipments/{shipment['id']}")).json() == shipment
    assert session.get(v2(sandbox, f"/orders/{order_id}/shipments/count")).json() == {"count": 1}


def test_shipping_the_rest_makes_the_order_shipped(sandbox):
    order_id, lines, address_id = two_line_order(sandbox)
    ship(sandbox, order_id, address_id, (lines[0]["id"], 1))
    assert ship(sandbox, order_id, address_id, (lines[0]["id"], 2), (lines[1]["id"], 1)).status_code == 201
    order = api_session(sandbox).get(v2(sandbox, f"/orders/{order_id}")).json()
    assert (order["status_id"], order["items_shipped"]) == (2, 4) and order["date_shipped"]
    assert api_session(sandbox).get(v2(sandbox, f"/orders/{order_id}/shipments/count")).json() == {"count": 2}


def test_more_than_is_left_to_ship_is_refused_with_the_v2_error_and_changes_nothing(sandbox):
    order_id, lines, address_id = two_line_order(sandbox)
    ship(sandbox, order_id, address_id, (lines[0]["id"], 2))
    refused = ship(sandbox, order_id, address_id, (lines[0]["id"], 2))
    assert refused.status_code == 400
    [error] = refused.json()
    assert error["status"] == 400 and "greater than the quantity of the product that is available to ship" in error["message"]
    assert "has 1 left to ship, not 2" in error["message"]
    assert sandbox.store.order(order_id).lines[0]["quantity_shipped"] == 2
    assert api_session(sandbox).get(v2(sandbox, f"/orders/{order_id}/shipments/count")).json() == {"count": 1}


@pytest.mark.parametrize(("change", "message"), [
    ({"order_address_id": 1}, "must be one of the order's shipping address ids"),
    ({"items": []}, "'items' must be a non-empty list"),
    ({"items": [{"order_product_id": 5, "quantity": 1}]}, "one of the order's lines"),
    ({"shipping_provider": "pigeon"}, "'shipping_provider' must be one of"),
    ({"tracking_number": "X" * 51}, "longer than 50 characters"),
    ({"weight": 2}, "not a shipment field"),
])
def test_a_shipment_that_cannot_be_made_says_why(sandbox, change, message):
    order_id, lines, address_id = two_line_order(sandbox)
    body = {"order_address_id": address_id, "items": [{"order_product_id": lines[0]["id"], "quantity": 1}], **change}
    refused = api_session(sandbox).post(v2(sandbox, f"/orders/{order_id}/shipments"), json=body)
    assert refused.status_code == 400 and message in refused.json()[0]["message"]


def test_lines_ship_only_to_their_own_address_and_downloads_not_at_all():
    with SandboxServer(products=40, orders=30) as server:
        examples = server.store.examples()
        two = server.store.order(examples["multiple_addresses_order"])
        first, second = two.shipping_addresses[0]["id"], two.shipping_addresses[1]["id"]
        line = next(line for line in two.lines if line["order_address_id"] == second)
        server.store.set_order_status(examples["multiple_addresses_order"], 11)
        wrong = ship(server, examples["multiple_addresses_order"], first, (line["id"], 1))
        assert wrong.status_code == 400 and f"ships to address {second}, not to address {first}" in wrong.json()[0]["message"]
        digital = server.store.order(examples["digital_order"])
        download = next(line for line in digital.lines if line["type"] == "digital")
        server.store.set_order_status(examples["digital_order"], 11)
        refused = ship(server, examples["digital_order"], digital.shipping_addresses[0]["id"], (download["id"], 1))
        assert refused.status_code == 400 and "is a download" in refused.json()[0]["message"]


def test_a_cancelled_order_cannot_be_shipped(sandbox):
    order_id, lines, address_id = two_line_order(sandbox)
    sandbox.store.cancel_order(order_id)
    refused = ship(sandbox, order_id, address_id, (lines[0]["id"], 1))
    assert refused.status_code == 400 and "is Cancelled: it cannot be shipped" in refused.json()[0]["message"]


def test_generated_shipped_orders_carry_shipments_matching_their_shipped_quantities():
    with SandboxServer(products=40, orders=150) as server:
        session = api_session(server)
        for order_id in range(100, 250):
            lines = server.store.order(order_id).lines
            answer = session.get(v2(server, f"/orders/{order_id}/shipments"))
            shipped = {}
            for shipment in answer.json() if answer.status_code == 200 else []:
                for item in shipment["items"]:
                    shipped[item["order_product_id"]] = shipped.get(item["order_product_id"], 0) + item["quantity"]
            assert {line["id"]: line["quantity_shipped"] for line in lines if line["quantity_shipped"]} == shipped, order_id
            if server.store.orders.original_status(order_id) in (2, 10):
                assert all(line["quantity_shipped"] == line["quantity"] for line in lines if line["type"] == "physical")


def test_every_shipment_request_is_recorded_so_a_client_retry_shows(sandbox):
    order_id, lines, address_id = two_line_order(sandbox)
    sandbox.store.set_faults("slow=1,slow_seconds=0.5")
    with pytest.raises(requests.exceptions.Timeout):
        api_session(sandbox).post(v2(sandbox, f"/orders/{order_id}/shipments"), timeout=0.2, json={
            "order_address_id": address_id, "items": [{"order_product_id": lines[0]["id"], "quantity": 1}]})
    sandbox.store.set_faults("")
    # The request timed out for the client but the store processed it: a blind retry ships the unit twice.
    assert ship(sandbox, order_id, address_id, (lines[0]["id"], 1)).status_code == 201
    deadline = time.monotonic() + 10  # the slow request finishes after the retry
    while len(recorded := requests.get(f"{sandbox.base_url}/_sandbox/shipments/requests").json()) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [(entry["order_id"], entry["status"]) for entry in recorded] == [(order_id, 201), (order_id, 201)]
    assert api_session(sandbox).get(v2(sandbox, f"/orders/{order_id}/shipments/count")).json() == {"count": 2}
    assert requests.post(f"{sandbox.base_url}/_sandbox/shipments/requests/reset").json() == []


def test_the_admin_page_ships_and_shows_shipments(sandbox):
    order_id, lines, address_id = two_line_order(sandbox)
    shipped = requests.post(f"{sandbox.base_url}/admin/orders/{order_id}/shipments", data={
        "order_address_id": str(address_id), f"ship_line_{lines[1]['id']}": "1", "shipping_provider": "fedex",
        "tracking_number": "449044304137821"})
    assert shipped.status_code == 200 and "the order is now Partially Shipped" in shipped.text
    assert "449044304137821" in shipped.text
    too_many = requests.post(f"{sandbox.base_url}/admin/orders/{order_id}/shipments",
                             data={"order_address_id": str(address_id), f"ship_line_{lines[1]['id']}": "1"})
    assert too_many.status_code == 400 and "available to ship" in too_many.text
    assert [entry["source"] for entry in requests.get(f"{sandbox.base_url}/_sandbox/shipments/requests").json()] == ["admin", "admin"]


def test_creating_shipments_needs_the_orders_modify_scope(sandbox):
    order_id, lines, address_id = two_line_order(sandbox)
    url = v2(sandbox, f"/orders/{order_id}/shipments")
    body = {"order_address_id": address_id, "items": [{"order_product_id": lines[0]["id"], "quantity": 1}]}
    assert api_session(sandbox, "orders-read-only").post(url, json=body).status_code == 403
    assert api_session(sandbox, "orders-read-only").get(url).status_code == 204
    assert api_session(sandbox).put(url, json=body).status_code == 405


def test_shipments_survive_a_restart(tmp_path):
    state = tmp_path / "state.json"
    with SandboxServer(products=20, orders=20, state_file=state) as server:
        order_id, lines, address_id = two_line_order(server)
        ship(server, order_id, address_id, (lines[0]["id"], 3))
    with SandboxServer(products=20, orders=20, state_file=state) as server:
        assert server.store.order(order_id).lines[0]["quantity_shipped"] == 3
        assert server.store.order(order_id).order["status_id"] == 3
