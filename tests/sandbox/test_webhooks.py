"""Webhooks as BigCommerce sends them: registration per account, payloads, custom headers, retries, deactivation."""

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from sandbox.server import SandboxServer
from sandbox.webhook_delivery import RETRY_INTERVALS
from tests.sandbox.conftest import api_session, v3

# webhooks-overview.mdx, "Callback retry mechanism": the intervals, in seconds.
DOCUMENTED_RETRIES = (60, 180, 300, 600, 900, 1800, 3600, 7200, 21600, 50400, 86400)


class Receiver:
    """An endpoint on a loopback port that records every callback and answers with the next planned status."""

    def __init__(self, statuses: list[int] | None = None, default: int = 200) -> None:
        self.calls: list[dict] = []
        self.statuses = list(statuses or [])
        self.default = default
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.calls.append({"path": self.path, "body": body,
                                       "headers": {name.lower(): value for name, value in self.headers.items()}})
                status = receiver.statuses.pop(0) if receiver.statuses else receiver.default
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                """Quiet."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/bigcommerce"

    def payloads(self) -> list[dict]:
        return [json.loads(call["body"]) for call in self.calls]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    endpoint = Receiver()
    yield endpoint
    endpoint.close()


@pytest.fixture
def fast_store() -> Iterator[SandboxServer]:
    """A store whose retry schedule runs 100,000 times faster (all eleven retries in under two seconds)."""
    with SandboxServer(products=20, orders=20, webhook_time_scale=0.00001, webhook_timeout=2) as server:
        yield server


def wait_for(condition, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)


def register(server: SandboxServer, scope: str, destination: str, account: str = "full", **fields) -> requests.Response:
    return api_session(server, account).post(v3(server, "/hooks"), json={"scope": scope, "destination": destination, **fields})


def test_hooks_are_created_read_changed_and_deleted_by_their_own_account_only(sandbox, receiver):
    created = register(sandbox, "store/order/created", receiver.url, headers={"X-Secret": "s3cret"})
    assert created.status_code == 200
    hook = created.json()["data"]
    assert (hook["scope"], hook["destination"], hook["is_active"], hook["headers"]) == (
        "store/order/created", receiver.url, True, {"X-Secret": "s3cret"})
    assert hook["client_id"] == sandbox.accounts["full"].client_id and hook["store_hash"] == "sandbox1"
    session = api_session(sandbox)
    assert [entry["id"] for entry in session.get(v3(sandbox, "/hooks")).json()["data"]] == [hook["id"]]
    assert api_session(sandbox, "no-orders").get(v3(sandbox, "/hooks")).json()["data"] == []  # another account's
    assert api_session(sandbox, "no-orders").get(v3(sandbox, f"/hooks/{hook['id']}")).status_code == 404
    changed = session.put(v3(sandbox, f"/hooks/{hook['id']}"), json={"is_active": False, "headers": {"X-Secret": "new"}}).json()["data"]
    assert (changed["is_active"], changed["headers"]) == (False, {"X-Secret": "new"})
    assert session.get(v3(sandbox, "/hooks"), params={"is_active": "true"}).json()["data"] == []
    deleted = session.delete(v3(sandbox, f"/hooks/{hook['id']}"))
    assert deleted.status_code == 200 and deleted.json()["data"]["id"] == hook["id"]
    missing = session.get(v3(sandbox, f"/hooks/{hook['id']}"))
    assert missing.status_code == 404 and missing.json()["title"] == f"Webhook with id [{hook['id']}] not found"


@pytest.mark.parametrize(("destination", "accepted"), [
    ("https://yourapp.example.com/webhooks", True),
    ("https://yourapp.example.com:443/webhooks", True),
    ("https://yourapp.example.com:8443/webhooks", False),
    ("http://yourapp.example.com/webhooks", False),
    ("http://127.0.0.1:8000/hooks", True),
    ("http://localhost:8000/hooks", True),
    ("http://[::1]:8000/hooks", True),
    ("http://10.0.0.5/hooks", False),
    ("ftp://127.0.0.1/hooks", False),
    ("", False),
])
def test_destinations_must_be_https_or_plain_http_to_a_loopback_address(sandbox, destination, accepted):
    answer = register(sandbox, "store/order/created", destination)
    assert answer.status_code == (200 if accepted else 422)
    if not accepted:
        assert answer.json()["status"] == 422 and "destination" in answer.json()["errors"]


def test_bad_scopes_duplicates_and_an_eleventh_hook_are_refused(sandbox, receiver):
    unknown = register(sandbox, "store/order/create", receiver.url)
    assert unknown.status_code == 422 and "store/order/created" in unknown.json()["errors"]["scope"]
    assert register(sandbox, "store/order/created", receiver.url).status_code == 200
    duplicate = register(sandbox, "store/order/created", receiver.url)
    assert duplicate.status_code == 422 and "already sends store/order/created" in duplicate.json()["errors"]["destination"]
    for number in range(9):
        assert register(sandbox, "store/order/created", f"{receiver.url}/{number}").status_code == 200
    assert "at most 10" in register(sandbox, "store/order/created", f"{receiver.url}/10").json()["errors"]["scope"]
    assert register(sandbox, "store/order/created", receiver.url + "/x", colour="blue").status_code == 422


def test_a_storefront_checkout_posts_the_documented_payloads_with_custom_headers_and_a_signature(sandbox, receiver):
    register(sandbox, "store/order/created", receiver.url, headers={"X-Salesorder-Secret": "cart-7"})
    register(sandbox, "store/order/statusUpdated", receiver.url + "/status")
    product = sandbox.store.catalog.product(sandbox.store.examples()["simple_product"])
    paid = requests.post(f"{sandbox.base_url}/storefront/pay", data={
        f"quantity_{product.id}": "1", f"variant_{product.id}": str(product.variants[0].id), "card_number": "4111111111111111"})
    assert paid.status_code == 200
    wait_for(lambda: len(receiver.calls) == 2)
    by_path = {call["path"]: call for call in receiver.calls}
    created = json.loads(by_path["/hooks/bigcommerce"]["body"])
    assert {key: created[key] for key in ("scope", "store_id", "data", "producer")} == {
        "scope": "store/order/created", "store_id": str(sandbox.store.store_id), "data": {"type": "order", "id": 130},
        "producer": "stores/sandbox1"}
    assert len(created["hash"]) == 40 and isinstance(created["created_at"], int)
    assert json.loads(by_path["/hooks/bigcommerce/status"]["body"])["data"] == {
        "type": "order", "id": 130, "status": {"previous_status_id": 0, "new_status_id": 11}}
    headers = by_path["/hooks/bigcommerce"]["headers"]
    assert headers["x-salesorder-secret"] == "cart-7" and headers["content-type"] == "application/json"
    # webhooks-https.mdx: Standard Webhooks, keyed with the app's client secret.
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + by_path["/hooks/bigcommerce"]["body"]
    expected = base64.b64encode(hmac.new(sandbox.accounts["full"].client_secret.encode(), signed, hashlib.sha256).digest()).decode()
    assert headers["webhook-signature"] == f"v1,{expected}"


def test_status_changes_refunds_and_shipments_are_posted(sandbox, receiver):
    register(sandbox, "store/order/*", receiver.url)
    register(sandbox, "store/shipment/created", receiver.url + "/shipments")
    product = sandbox.store.catalog.product(sandbox.store.examples()["simple_product"])
    order_id = sandbox.store.place_order(lines=[(product.id, None, 2)])
    rendered = sandbox.store.order(order_id)
    shipment = sandbox.store.create_shipment(order_id, {"order_address_id": rendered.shipping_addresses[0]["id"],
                                                        "items": [{"order_product_id": rendered.lines[0]["id"], "quantity": 2}]})
    requests.post(f"{sandbox.base_url}/_sandbox/orders/{order_id}/refunds", json={"all": True})
    requests.post(f"{sandbox.base_url}/admin/orders/{order_id}/status", data={"status_id": "10"})
    wait_for(lambda: len(receiver.calls) >= 10)
    events = [(payload["scope"], payload["data"]) for payload in receiver.payloads()]
    refund_id = sandbox.store.refunds_of(order_id)[0].id
    expected = [
        ("store/order/created", {"type": "order", "id": order_id}),
        ("store/order/statusUpdated", {"type": "order", "id": order_id, "status": {"previous_status_id": 0, "new_status_id": 11}}),
        ("store/shipment/created", {"type": "shipment", "id": shipment["id"], "orderId": order_id}),
        ("store/order/updated", {"type": "order", "id": order_id}),
        ("store/order/statusUpdated", {"type": "order", "id": order_id, "status": {"previous_status_id": 11, "new_status_id": 2}}),
        ("store/order/refund/created", {"type": "order", "id": order_id, "refund": {"refund_id": refund_id}}),
        ("store/order/updated", {"type": "order", "id": order_id}),
        ("store/order/statusUpdated", {"type": "order", "id": order_id, "status": {"previous_status_id": 2, "new_status_id": 4}}),
        ("store/order/updated", {"type": "order", "id": order_id}),
        ("store/order/statusUpdated", {"type": "order", "id": order_id, "status": {"previous_status_id": 4, "new_status_id": 10}}),
    ]
    assert sorted(events, key=json.dumps) == sorted(expected, key=json.dumps)  # several worker threads: any order


def test_a_failing_destination_is_retried_until_it_answers(fast_store):
    receiver = Receiver(statuses=[500, 503])
    try:
        hook = register(fast_store, "store/order/created", receiver.url).json()["data"]
        fast_store.store.place_order(lines=[(fast_store.store.examples()["simple_product"], None, 1)])
        wait_for(lambda: len(receiver.calls) == 3)
        [delivery] = requests.get(f"{fast_store.base_url}/_sandbox/webhooks/deliveries", params={"hook_id": hook["id"]}).json()
        wait_for(lambda: requests.get(f"{fast_store.base_url}/_sandbox/webhooks/deliveries").json()[0]["state"] == "delivered")
        [delivery] = requests.get(f"{fast_store.base_url}/_sandbox/webhooks/deliveries").json()
        assert [attempt["status"] for attempt in delivery["attempts"]] == [500, 503, 200]
        assert len({call["body"] for call in receiver.calls}) == 1  # every retry is the same event, same hash
    finally:
        receiver.close()
    assert RETRY_INTERVALS == DOCUMENTED_RETRIES


def test_a_destination_that_keeps_failing_is_deactivated_after_the_last_retry(fast_store):
    receiver = Receiver(default=500)
    try:
        hook = register(fast_store, "store/order/created", receiver.url).json()["data"]
        product_id = fast_store.store.examples()["simple_product"]
        fast_store.store.place_order(lines=[(product_id, None, 1)])
        session = api_session(fast_store)
        wait_for(lambda: not session.get(v3(fast_store, f"/hooks/{hook['id']}")).json()["data"]["is_active"])
        assert len(receiver.calls) == 1 + len(DOCUMENTED_RETRIES)
        [delivery] = requests.get(f"{fast_store.base_url}/_sandbox/webhooks/deliveries").json()
        assert delivery["state"] == "failed" and len(delivery["attempts"]) == 12
        fast_store.store.place_order(lines=[(product_id, None, 1)])  # an inactive hook gets nothing
        assert len(requests.get(f"{fast_store.base_url}/_sandbox/webhooks/deliveries").json()) == 1
        receiver.default = 200
        session.put(v3(fast_store, f"/hooks/{hook['id']}"), json={"is_active": True})
        fast_store.store.place_order(lines=[(product_id, None, 1)])
        wait_for(lambda: receiver.calls[-1:] and json.loads(receiver.calls[-1]["body"])["data"]["id"] == 122)
        assert json.loads(receiver.calls[-1]["body"])["data"]["id"] == 122
    finally:
        receiver.close()


def test_a_refused_connection_counts_as_a_failed_attempt(fast_store):
    closed = Receiver()
    url = closed.url
    closed.close()  # nothing listens there any more
    register(fast_store, "store/order/created", url)
    fast_store.store.place_order(lines=[(fast_store.store.examples()["simple_product"], None, 1)])
    wait_for(lambda: requests.get(f"{fast_store.base_url}/_sandbox/webhooks/deliveries").json()[0]["state"] == "failed")
    [delivery] = requests.get(f"{fast_store.base_url}/_sandbox/webhooks/deliveries").json()
    assert delivery["attempts"][0]["status"] is None and "ConnectionRefused" in delivery["attempts"][0]["error"]


def test_deliveries_are_listed_filtered_and_reset_and_the_admin_page_shows_them(sandbox, receiver):
    hook = register(sandbox, "store/order/created", receiver.url).json()["data"]
    register(sandbox, "store/order/updated", receiver.url + "/updated")
    order_id = sandbox.store.place_order(lines=[(sandbox.store.examples()["simple_product"], None, 1)])
    sandbox.store.set_order_status(order_id, 9)
    wait_for(lambda: len(receiver.calls) == 2)
    listed = requests.get(f"{sandbox.base_url}/_sandbox/webhooks/deliveries", params={"scope": "store/order/updated"}).json()
    assert [(entry["scope"], entry["state"], json.loads(entry["payload"])["data"]["id"]) for entry in listed] == [
        ("store/order/updated", "delivered", order_id)]
    page = requests.get(f"{sandbox.base_url}/admin/webhooks").text
    assert receiver.url in page and "store/order/updated" in page and "delivered" in page
    deactivated = requests.post(f"{sandbox.base_url}/admin/webhooks/{hook['id']}/deactivate")
    assert deactivated.status_code == 200 and f"Webhook {hook['id']} (store/order/created) is inactive." in deactivated.text
    assert requests.post(f"{sandbox.base_url}/_sandbox/webhooks/deliveries/reset").json() == []


def test_hooks_survive_a_restart(tmp_path, receiver):
    state = tmp_path / "state.json"
    with SandboxServer(products=20, orders=20, state_file=state) as server:
        register(server, "store/order/created", receiver.url, headers={"X-Secret": "kept"})
    with SandboxServer(products=20, orders=20, state_file=state) as server:
        [hook] = api_session(server).get(v3(server, "/hooks")).json()["data"]
        assert (hook["destination"], hook["headers"]) == (receiver.url, {"X-Secret": "kept"})
        server.store.place_order(lines=[(server.store.examples()["simple_product"], None, 1)])
        wait_for(lambda: receiver.calls)
        assert receiver.payloads()[0]["data"]["id"] == 120


def test_each_added_account_has_its_own_hooks_and_limits(sandbox, receiver):
    for number in range(12):
        added = requests.post(f"{sandbox.base_url}/_sandbox/accounts", json={"name": f"cart-{number}", "scopes": ["store_v2_orders"]})
        assert added.status_code == 201
        assert register(sandbox, "store/order/created", f"{receiver.url}/{number}", account=f"cart-{number}").status_code == 200
    assert len(api_session(sandbox, "cart-3").get(v3(sandbox, "/hooks")).json()["data"]) == 1
    sandbox.store.place_order(lines=[(sandbox.store.examples()["simple_product"], None, 1)])
    wait_for(lambda: len(receiver.calls) == 12)
    assert sorted(call["path"] for call in receiver.calls) == sorted(f"/hooks/bigcommerce/{number}" for number in range(12))
    taken = requests.post(f"{sandbox.base_url}/_sandbox/accounts", json={"name": "cart-1", "scopes": []})
    assert taken.status_code == 400 and "already" in taken.json()["error"]
