"""Every endpoint's real HTTP answers validate against the official BigCommerce OpenAPI specs."""

import json

import jsonschema
import pytest
import requests
import yaml
from openapi_core import OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse

from sandbox.server import SandboxServer
from tests.sandbox.conftest import REFERENCE, api_session, v2, v3


def assert_valid(spec: OpenAPI, response: requests.Response, *, as_status: int | None = None) -> None:
    """Validate one response (status, headers, body) against the spec; as_status validates e.g. a 201 as the spec's 200."""
    if as_status is not None:
        response.status_code = as_status
    spec.validate_response(RequestsOpenAPIRequest(response.request), RequestsOpenAPIResponse(response))


@pytest.fixture(scope="module")
def store() -> SandboxServer:
    """One store for the read-only conformance checks: 60 products and 40 orders cover every awkward case."""
    with SandboxServer(products=60, orders=40) as server:
        yield server


@pytest.fixture(scope="module")
def session(store: SandboxServer) -> requests.Session:
    return api_session(store)


def test_store_information_matches_the_spec(specs, store, session):
    assert_valid(specs["store"], session.get(v2(store, "/store")))


def test_order_statuses_match_the_spec(specs, store, session):
    response = session.get(v2(store, "/order_statuses"))
    assert_valid(specs["orders"], response)
    assert [status["id"] for status in response.json()] == list(range(15))


def test_every_order_with_consignments_matches_the_spec(specs, store, session):
    for page in (1, 2):
        response = session.get(v2(store, "/orders"), params={"include": "consignments.line_items",
                                                             "consignment_structure": "object", "limit": 25, "page": page})
        assert response.status_code == 200
        assert_valid(specs["orders"], response)


def test_order_list_filters_and_archived_orders_match_the_spec(specs, store, session):
    for params in ({"status_id": 10, "sort": "date_modified:desc"}, {"is_deleted": "true"},
                   {"min_date_created": "2026-01-01T00:00:00+00:00", "include": "consignments", "consignment_structure": "object"}):
        response = session.get(v2(store, "/orders"), params=params)
        assert response.status_code == 200, params
        assert_valid(specs["orders"], response)


def test_order_count_matches_the_spec(specs, store, session):
    assert_valid(specs["orders"], session.get(v2(store, "/orders/count")))


def test_each_order_and_its_sub_resources_match_the_spec(specs, store, session):
    for order_id in range(100, 140):
        digital = store.store.order(order_id).order["order_is_digital"]
        for path, params in ((f"/orders/{order_id}", {}), (f"/orders/{order_id}/products", {"limit": 250}),
                             (f"/orders/{order_id}/shipping_addresses", {})):
            response = session.get(v2(store, path), params=params)
            if digital and path.endswith("shipping_addresses"):
                assert response.status_code == 204, path  # a download-only order has no shipping address
                continue
            assert response.status_code == 200, path
            assert_valid(specs["orders"], response)
        coupons = session.get(v2(store, f"/orders/{order_id}/coupons"))
        assert coupons.status_code in (200, 204)
        if coupons.status_code == 200:
            assert_valid(specs["orders"], coupons)


def test_single_order_with_consignment_links_matches_the_spec(specs, store, session):
    response = session.get(v2(store, f"/orders/{store.store.examples()['multiple_addresses_order']}"),
                           params={"include": "consignments,fees", "consignment_structure": "object"})
    assert_valid(specs["orders"], response)
    assert len(response.json()["consignments"]["shipping"]) == 2


def test_creating_and_updating_an_order_match_the_spec(specs, store, session):
    created = session.post(v2(store, "/orders"), json={
        "billing_address": {"first_name": "Jane", "last_name": "Doe", "zip": "78751", "email": "jane@example.com"},
        "products": [{"product_id": store.store.examples()["simple_product"], "quantity": 2}]})
    assert created.status_code == 201
    assert_valid(specs["orders"], created, as_status=200)  # the spec lists 200; status-codes.mdx says POST answers 201
    updated = session.put(v2(store, f"/orders/{created.json()['id']}"), json={"status_id": 2})
    assert updated.status_code == 200
    assert_valid(specs["orders"], updated)


def test_order_not_found_matches_the_spec(specs, store, session):
    response = session.get(v2(store, "/orders/99999"))
    assert response.status_code == 404
    assert_valid(specs["orders"], response)
    assert response.json() == [{"status": 404, "message": "The requested resource was not found."}]


def test_refunds_match_the_spec(specs, store, session):
    product_id = store.store.examples()["simple_product"]
    order_id = store.store.place_order(lines=[(product_id, None, 2)], coupon_codes=("WELCOME5",))
    line_id = store.store.order(order_id).lines[0]["id"]
    requests.post(f"{store.base_url}/_sandbox/orders/{order_id}/refunds", json={"lines": [{"id": line_id, "quantity": 1}]})
    requests.post(f"{store.base_url}/_sandbox/orders/{order_id}/refunds", json={"all": True})
    refunds = session.get(v3(store, f"/orders/{order_id}/payment_actions/refunds"))
    assert len(refunds.json()["data"]) == 2
    assert_valid(specs["orders_v3"], refunds)
    every = session.get(v3(store, "/orders/payment_actions/refunds"), params={"limit": 250})
    assert {"PRODUCT", "SHIPPING"} <= {item["item_type"] for record in every.json()["data"] for item in record["items"]}
    assert_valid(specs["orders_v3"], every)
    for record in every.json()["data"]:
        assert_valid(specs["orders_v3"], session.get(v3(store, f"/orders/payment_actions/refunds/{record['id']}")))


def test_inventory_adjustments_and_items_match_the_spec(specs, store, session):
    product = store.store.catalog.product(store.store.examples()["product_30_variants"])
    adjusted = session.put(v3(store, "/inventory/adjustments/absolute"), json={"reason": "Count", "items": [
        {"location_id": 1, "variant_id": variant.id, "quantity": 3} for variant in product.variants]})
    assert adjusted.status_code == 200
    assert_valid(specs["inventory"], adjusted)
    refused = session.put(v3(store, "/inventory/adjustments/absolute"), json={"items": [
        {"location_id": 1, "product_id": product.id, "quantity": 3}]})
    assert refused.status_code == 422
    assert_valid(specs["inventory"], refused)
    for params in ({"limit": 1000}, {"product_id:in": product.id}, {"sku:in": product.variants[0].sku}):
        items = session.get(v3(store, "/inventory/items"), params=params)
        assert items.status_code == 200 and items.json()["data"]
        assert_valid(specs["inventory"], items)


def test_shipments_match_the_spec(specs, error_schemas, store, session):
    product = store.store.catalog.product(store.store.examples()["product_30_variants"])
    order_id = store.store.place_order(lines=[(product.id, product.variants[0].id, 2)])
    rendered = store.store.order(order_id)
    created = session.post(v2(store, f"/orders/{order_id}/shipments"), json={
        "order_address_id": rendered.shipping_addresses[0]["id"], "tracking_number": "EJ958083578US", "shipping_provider": "usps",
        "items": [{"order_product_id": rendered.lines[0]["id"], "quantity": 1}]})
    assert created.status_code == 201
    assert_valid(specs["orders"], created)
    refused = session.post(v2(store, f"/orders/{order_id}/shipments"), json={
        "order_address_id": rendered.shipping_addresses[0]["id"], "items": [{"order_product_id": rendered.lines[0]["id"], "quantity": 5}]})
    assert refused.status_code == 400
    jsonschema.validate(refused.json(), error_schemas["v2"])  # the spec lists no 400 here: the v2 error body
    shipped = store.store.examples()["modified_order"]
    for path in (f"/orders/{shipped}/shipments", f"/orders/{shipped}/shipments/count", f"/orders/{order_id}/shipments",
                 f"/orders/{order_id}/shipments/{created.json()['id']}"):
        response = session.get(v2(store, path))
        assert response.status_code == 200, path
        assert_valid(specs["orders"], response)


def test_webhooks_match_the_spec(specs, store, session):
    assert_valid(specs["webhooks"], session.get(v3(store, "/hooks")))  # none yet
    created = session.post(v3(store, "/hooks"), json={"scope": "store/order/created", "destination": "https://example.com/hooks",
                                                      "is_active": False, "headers": {"X-Secret": "1"}})
    assert created.status_code == 200
    assert_valid(specs["webhooks"], created)
    hook_id = created.json()["data"]["id"]
    refused = session.post(v3(store, "/hooks"), json={"scope": "store/order/created", "destination": "http://example.com/"})
    assert refused.status_code == 422
    assert_valid(specs["webhooks"], refused)
    for response in (session.get(v3(store, "/hooks"), params={"scope": "store/order/created"}),
                     session.get(v3(store, f"/hooks/{hook_id}")),
                     session.put(v3(store, f"/hooks/{hook_id}"), json={"headers": None}),
                     session.get(v3(store, "/hooks/999999")),
                     session.delete(v3(store, f"/hooks/{hook_id}"))):
        assert response.status_code in (200, 404)
        assert_valid(specs["webhooks"], response)


def test_catalog_summary_matches_the_spec(specs, store, session):
    assert_valid(specs["products"], session.get(v3(store, "/catalog/summary")))


def test_every_product_with_variants_matches_the_spec(specs, store, session):
    response = session.get(v3(store, "/catalog/products"), params={"include": "variants", "limit": 250})
    assert response.json()["meta"]["pagination"]["total"] == 60
    assert_valid(specs["products"], response)


def test_product_list_filters_match_the_spec(specs, store, session):
    for params in ({"keyword": "mug"}, {"sku": "DUP-1001"}, {"id:in": "1,2,3"}, {"include_fields": "id"},
                   {"date_modified:min": "2025-01-01", "page": 2, "limit": 5}):
        response = session.get(v3(store, "/catalog/products"), params=params)
        assert response.status_code == 200, params
        assert_valid(specs["products"], response)


def test_each_product_and_its_variants_match_the_spec(specs, store, session):
    for product_id in store.store.catalog.live_ids:
        assert_valid(specs["products"], session.get(v3(store, f"/catalog/products/{product_id}"), params={"include": "variants"}))
        assert_valid(specs["variants"], session.get(v3(store, f"/catalog/products/{product_id}/variants")))


def test_all_variants_match_the_spec(specs, store, session):
    for page in (1, 2):
        response = session.get(v3(store, "/catalog/variants"), params={"limit": 250, "page": page})
        assert response.status_code == 200
        assert_valid(specs["variants"], response)


def test_product_not_found_matches_the_spec(specs, store, session):
    response = session.get(v3(store, f"/catalog/products/{store.store.examples()['deleted_product']}"))
    assert response.status_code == 404
    assert_valid(specs["products"], response)


@pytest.fixture(scope="module")
def error_schemas() -> dict[str, dict]:
    """The specs' own error schemas, for statuses the specs do not list per operation (401, 403, 405, 429, 5xx)."""
    orders = yaml.safe_load((REFERENCE / "orders.v2.oas2.yml").read_text(encoding="utf-8"))
    catalog = yaml.safe_load((REFERENCE / "products_catalog.v3.yml").read_text(encoding="utf-8"))
    v2_schema = orders["components"]["responses"]["404_Resp"]["content"]["application/json"]["schema"]
    v3_schema = catalog["components"]["schemas"]["GeneralErrorWithErrors"]
    return {"v2": {**v2_schema, "minItems": 1, "items": {**v2_schema["items"], "required": ["status", "message"]}},
            "v3": v3_schema}


@pytest.mark.parametrize(("version", "path"), [("v2", "/orders"), ("v3", "/catalog/products")])
def test_authentication_scope_and_rate_limit_errors_have_the_specs_error_bodies(error_schemas, version, path):
    with SandboxServer(products=20, orders=20, rate_limit_quota=2, rate_limit_window_ms=60_000) as server:
        url = v2(server, path) if version == "v2" else v3(server, path)
        answers = [
            requests.get(url, headers={"X-Auth-Token": "wrong"}),
            api_session(server, "no-orders" if version == "v2" else "no-products").get(url),
            api_session(server).delete(url),
            api_session(server).get(url),
        ]
        assert [answer.status_code for answer in answers] == [401, 403, 405, 429]
        for answer in answers:
            jsonschema.validate(json.loads(answer.content), error_schemas[version])
            assert answer.json() == (answer.json() if version == "v3" else [answer.json()[0]])
