"""The guide's test order, locally: pick products, pay with a test card, see the order; state survives a restart."""

import json

import pytest
import requests

from sandbox.server import SandboxServer
from tests.sandbox.conftest import api_session, v2, without_links

APPROVED = "4111 1111 1111 1111"


def checkout(server: SandboxServer, card: str, lines: dict[int, tuple[int, int]]) -> requests.Response:
    form = {"name": "Zoë O'Brien", "email": "zoe@example.com", "card_number": card, "expiry": "01/99", "cvv": "1", "card_name": "Z"}
    for product_id, (variant_id, quantity) in lines.items():
        form[f"quantity_{product_id}"] = str(quantity)
        form[f"variant_{product_id}"] = str(variant_id)
    return requests.post(f"{server.base_url}/storefront/pay", data=form)


def test_the_storefront_lists_visible_products_only(sandbox):
    page = requests.get(f"{sandbox.base_url}/storefront/", params={"q": ""}).text
    hidden = sandbox.store.catalog.product(sandbox.store.examples()["hidden_product"])
    shown = sandbox.store.catalog.product(sandbox.store.examples()["simple_product"])
    assert shown.name in page and hidden.name not in page


def test_the_checkout_page_shows_the_cart(sandbox):
    product = sandbox.store.catalog.product(sandbox.store.examples()["simple_product"])
    page = requests.post(f"{sandbox.base_url}/storefront/checkout",
                         data={f"quantity_{product.id}": "2", f"variant_{product.id}": str(product.variants[0].id)})
    assert page.status_code == 200 and f"2 × {product.name}" in page.text and "4111 1111 1111 1111" in page.text


def test_the_approved_test_card_places_an_order_awaiting_fulfillment(sandbox):
    product = sandbox.store.catalog.product(sandbox.store.examples()["product_30_variants"])
    answer = checkout(sandbox, APPROVED, {product.id: (product.variants[4].id, 2)})
    assert answer.status_code == 200 and "Payment approved" in answer.text and "<strong>130</strong>" in answer.text
    order = api_session(sandbox).get(v2(sandbox, "/orders/130")).json()
    assert order["status_id"] == 11 and order["status"] == "Awaiting Fulfillment"
    assert order["billing_address"]["email"] == "zoe@example.com" and order["customer_id"] == 0
    lines = api_session(sandbox).get(v2(sandbox, "/orders/130/products")).json()
    assert [(line["variant_id"], line["quantity"]) for line in lines] == [(product.variants[4].id, 2)]
    newest = api_session(sandbox).get(v2(sandbox, "/orders"), params={"status_id": 11, "sort": "id:desc", "limit": 1}).json()
    assert newest[0]["id"] == 130


def test_a_card_ending_0002_is_declined_with_a_clear_message_and_no_order(sandbox):
    product_id = sandbox.store.examples()["simple_product"]
    answer = checkout(sandbox, "4000 0000 0000 0002", {product_id: (sandbox.store.catalog.product(product_id).variants[0].id, 1)})
    assert answer.status_code == 402 and "declined" in answer.text
    assert sandbox.store.orders.max_order_id == 129


def test_the_admin_changes_an_order_status_and_renames_labels(sandbox):
    answer = requests.post(f"{sandbox.base_url}/admin/orders/105/status", data={"status_id": "2"})
    assert answer.status_code == 200 and "Order 105 is now Shipped" in answer.text  # after the 303 redirect
    requests.post(f"{sandbox.base_url}/admin/statuses/2", data={"label": "Sent"})
    order = api_session(sandbox).get(v2(sandbox, "/orders/105")).json()
    assert order["status_id"] == 2 and order["status"] == "Sent"
    assert "Sent" in requests.get(f"{sandbox.base_url}/admin/").text


def test_control_endpoints_place_orders_and_change_statuses(sandbox):
    product_id = sandbox.store.examples()["simple_product"]
    placed = requests.post(f"{sandbox.base_url}/_sandbox/orders",
                           json={"lines": [{"product_id": product_id, "variant_id": None, "quantity": 3}],
                                 "email": "bench@example.com", "customer_id": 0})
    assert placed.status_code == 201 and placed.json()["id"] == 130
    changed = requests.post(f"{sandbox.base_url}/_sandbox/orders/130/status", json={"status_id": 5})
    assert changed.json()["status_id"] == 5
    assert requests.post(f"{sandbox.base_url}/_sandbox/orders/999/status", json={"status_id": 5}).status_code == 404
    assert requests.post(f"{sandbox.base_url}/_sandbox/accounts/no-orders/revoke").json()["revoked"] is True
    credentials = requests.get(f"{sandbox.base_url}/_sandbox/credentials").json()
    assert credentials["accounts"]["full"]["api_key"] == sandbox.api_key()
    stats = requests.get(f"{sandbox.base_url}/_sandbox/stats").json()
    assert stats["total_requests"] == 0  # control calls are not API requests
    api_session(sandbox).get(v2(sandbox, "/orders/130"))
    assert requests.post(f"{sandbox.base_url}/_sandbox/stats/reset").json()["total_requests"] == 0


def test_state_survives_a_restart(tmp_path):
    state = tmp_path / "sandbox-state.json"
    with SandboxServer(products=20, orders=20, state_file=state) as server:
        product_id = server.store.examples()["simple_product"]
        order_id = server.store.place_order(lines=[(product_id, None, 2)], email="tomorrow@example.com")
        server.store.set_order_status(order_id, 2)
        server.store.set_order_status(105, 5)
        server.store.rename_status(11, "Ready to pick")
        server.store.revoke_account("no-orders")
        before = api_session(server).get(v2(server, "/orders"), params={"limit": 250}).json()
    assert not [path for path in tmp_path.iterdir() if path != state]  # no temporary files left behind
    with SandboxServer(products=20, orders=20, state_file=state) as server:
        after = api_session(server).get(v2(server, "/orders"), params={"limit": 250}).json()
        assert without_links(after) == without_links(before)
        assert server.store.status_labels[11] == "Ready to pick"
        assert server.store.accounts["no-orders"].revoked
        assert server.store.order(order_id).order["billing_address"]["email"] == "tomorrow@example.com"


def test_a_state_file_from_another_store_is_refused(tmp_path):
    state = tmp_path / "state.json"
    with SandboxServer(products=20, orders=20, state_file=state) as server:
        server.store.rename_status(1, "Waiting")
    with pytest.raises(ValueError, match="--seed"):
        SandboxServer(products=20, orders=20, seed=2, state_file=state)
    assert json.loads(state.read_text())["status_labels"]["1"] == "Waiting"


def test_a_state_file_of_an_older_sandbox_is_refused_saying_what_to_do(tmp_path):
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"version": 1, "store_hash": "sandbox1", "placed_orders": []}))
    with pytest.raises(ValueError, match="delete it to start the store afresh"):
        SandboxServer(products=20, orders=20, state_file=state)
