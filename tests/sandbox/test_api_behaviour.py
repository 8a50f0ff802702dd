"""Paging, filters, sorting and writes behave as the v2 and v3 references describe."""

import time
from email.utils import parsedate_to_datetime

from tests.sandbox.conftest import api_session, v2, v3


def order_ids(response) -> list[int]:
    return [order["id"] for order in response.json()]


def test_v2_pages_are_bare_arrays_and_past_the_last_page_is_204(sandbox):
    session = api_session(sandbox)
    first = session.get(v2(sandbox, "/orders"), params={"limit": 20, "page": 1})
    second = session.get(v2(sandbox, "/orders"), params={"limit": 20, "page": 2})
    past = session.get(v2(sandbox, "/orders"), params={"limit": 20, "page": 3})
    assert isinstance(first.json(), list) and len(first.json()) == 20
    assert len(second.json()) == 9  # 30 orders, one archived
    assert past.status_code == 204 and past.content == b""
    assert order_ids(first) == sorted(order_ids(first))  # default sort: id ascending


def test_v2_limit_defaults_to_50_and_is_capped_at_250(sandbox):
    for _ in range(30):  # 30 generated orders (one archived) and 30 placed ones
        sandbox.store.place_order(lines=[(sandbox.store.examples()["simple_product"], None, 1)])
    session = api_session(sandbox)
    assert len(session.get(v2(sandbox, "/orders")).json()) == 50
    assert len(session.get(v2(sandbox, "/orders"), params={"limit": 1000}).json()) == 59


def test_v2_order_filters(sandbox):
    session = api_session(sandbox)
    everything = session.get(v2(sandbox, "/orders"), params={"limit": 250}).json()
    by_status = session.get(v2(sandbox, "/orders"), params={"status_id": 10}).json()
    assert by_status and {order["status_id"] for order in by_status} == {10}
    assert order_ids(session.get(v2(sandbox, "/orders"), params={"min_id": 105, "max_id": 107})) == [105, 106, 107]
    middle = everything[10]
    middle_created = parsedate_to_datetime(middle["date_created"])
    for created in (middle["date_created"], middle_created.isoformat()):  # RFC-2822 and ISO-8601
        newer = session.get(v2(sandbox, "/orders"), params={"min_date_created": created, "limit": 250}).json()
        assert newer[0]["id"] == middle["id"]
        assert all(parsedate_to_datetime(order["date_created"]) >= middle_created for order in newer)
    customer = next(order for order in everything if order["customer_id"])
    assert customer["id"] in order_ids(session.get(v2(sandbox, "/orders"), params={"customer_id": customer["customer_id"]}))
    by_email = session.get(v2(sandbox, "/orders"), params={"email": customer["billing_address"]["email"].upper()})
    assert customer["id"] in order_ids(by_email)
    archived = session.get(v2(sandbox, "/orders"), params={"is_deleted": "true"}).json()
    assert [order["id"] for order in archived] == [sandbox.store.examples()["archived_order"]]
    assert archived[0]["id"] not in order_ids(session.get(v2(sandbox, "/orders"), params={"limit": 250}))


def test_v2_sorting_with_direction(sandbox):
    session = api_session(sandbox)
    descending = session.get(v2(sandbox, "/orders"), params={"sort": "date_modified:desc", "limit": 250}).json()
    modified = [parsedate_to_datetime(order["date_modified"]) for order in descending]
    assert modified == sorted(modified, reverse=True)
    newest = order_ids(session.get(v2(sandbox, "/orders"), params={"sort": "id:desc", "limit": 3}))
    assert newest == sorted(newest, reverse=True) and newest[0] == 129
    assert session.get(v2(sandbox, "/orders"), params={"sort": "total"}).status_code == 400


def test_v2_count_counts_orders_per_status(sandbox):
    counts = api_session(sandbox).get(v2(sandbox, "/orders/count")).json()
    assert counts["count"] == 29 == sum(row["count"] for row in counts["statuses"])
    assert [row["sort_order"] for row in counts["statuses"]] == list(range(15))


def test_a_status_change_bumps_date_modified_and_shows_the_merchants_label(sandbox):
    session = api_session(sandbox)
    before = session.get(v2(sandbox, "/orders/101")).json()
    sandbox.store.rename_status(5, "Cancelled by shop")
    updated = session.put(v2(sandbox, "/orders/101"), json={"status_id": 5}).json()
    assert updated["status_id"] == 5 and updated["status"] == updated["custom_status"] == "Cancelled by shop"
    assert parsedate_to_datetime(updated["date_modified"]) > parsedate_to_datetime(before["date_modified"])
    assert updated["total_inc_tax"] == before["total_inc_tax"]
    statuses = session.get(v2(sandbox, "/order_statuses")).json()
    assert statuses[5]["custom_label"] == "Cancelled by shop" and statuses[5]["system_label"] == "Cancelled"
    recent = session.get(v2(sandbox, "/orders"), params={"min_date_modified": time.strftime("%Y-%m-%dT00:00:00+00:00", time.gmtime())})
    assert 101 in order_ids(recent)


def test_put_rejects_what_the_sandbox_cannot_change(sandbox):
    session = api_session(sandbox)
    assert session.put(v2(sandbox, "/orders/101"), json={"status_id": 15}).status_code == 400
    assert session.put(v2(sandbox, "/orders/101"), json={"staff_notes": "x"}).status_code == 400
    assert session.put(v2(sandbox, "/orders/101"), data="not json").status_code == 400


def test_post_orders_creates_a_catalog_order(sandbox):
    session = api_session(sandbox)
    product = sandbox.store.catalog.product(sandbox.store.examples()["product_30_variants"])
    created = session.post(v2(sandbox, "/orders"), json={
        "status_id": 11, "billing_address": {"first_name": "Ana", "last_name": "Núñez", "zip": "78751", "email": "ana@example.com"},
        "products": [{"product_id": product.id, "variant_id": product.variants[3].id, "quantity": 2}]})
    assert created.status_code == 201
    order = created.json()
    assert order["id"] == 130 and order["status_id"] == 11 and order["billing_address"]["email"] == "ana@example.com"
    line = session.get(v2(sandbox, "/orders/130/products")).json()[0]
    assert line["variant_id"] == product.variants[3].id and line["quantity"] == 2
    assert [option["display_name"] for option in line["product_options"]] == ["Size", "Colour"]
    missing_variant = session.post(v2(sandbox, "/orders"), json={"billing_address": {"zip": "78751"},
                                                                 "products": [{"product_id": product.id, "quantity": 1}]})
    assert missing_variant.status_code == 400 and "variant_id" in missing_variant.json()[0]["message"]


def test_post_orders_keeps_the_billing_company_and_form_fields(sandbox):
    created = api_session(sandbox).post(v2(sandbox, "/orders"), json={
        "billing_address": {"first_name": "Lena", "last_name": "Graf", "zip": "10115", "email": "lena@example.com",
                            "company": "Graf GmbH", "form_fields": [{"name": "VAT number", "value": "DE811907980"}]},
        "products": [{"product_id": sandbox.store.examples()["simple_product"], "quantity": 1}]}).json()
    assert created["billing_address"]["company"] == "Graf GmbH"
    assert created["billing_address"]["form_fields"] == [{"name": "VAT number", "value": "DE811907980"}]
    assert created["payment_provider_id"] == "" and created["payment_method"] == "Manual"
    refused = api_session(sandbox).post(v2(sandbox, "/orders"), json={
        "billing_address": {"zip": "10115", "form_fields": "VAT"}, "products": [{"product_id": 1, "quantity": 1}]})
    assert refused.status_code == 400 and "form_fields" in refused.json()[0]["message"]


def test_v3_pagination_meta_and_links(sandbox):
    body = api_session(sandbox).get(v3(sandbox, "/catalog/products"), params={"limit": 15, "page": 2, "keyword": ""}).json()
    pagination = body["meta"]["pagination"]
    assert pagination == {"total": 40, "count": 15, "per_page": 15, "current_page": 2, "total_pages": 3, "links": {
        "current": "?keyword=&page=2&limit=15", "previous": "?keyword=&page=1&limit=15", "next": "?keyword=&page=3&limit=15"}}
    past = api_session(sandbox).get(v3(sandbox, "/catalog/products"), params={"page": 9}).json()
    assert past["data"] == [] and past["meta"]["pagination"]["current_page"] == 9


def test_v3_product_filters(sandbox):
    session = api_session(sandbox)
    examples = sandbox.store.examples()
    assert [product["id"] for product in session.get(v3(sandbox, "/catalog/products"), params={"id:in": "3,1,2"}).json()["data"]] == [1, 2, 3]
    assert session.get(v3(sandbox, "/catalog/products"), params={"include_fields": "id"}).json()["data"][0] == {"id": 1}
    spaced = sandbox.store.catalog.product(examples["sku_with_spaces_product"]).sku
    assert [product["id"] for product in session.get(v3(sandbox, "/catalog/products"), params={"sku": spaced}).json()["data"]] == [examples["sku_with_spaces_product"]]
    keyword = session.get(v3(sandbox, "/catalog/products"), params={"keyword": "café"}).json()["data"]
    assert [product["id"] for product in keyword] == [examples["non_ascii_sku_product"]]
    recent = session.get(v3(sandbox, "/catalog/products"), params={"date_modified:min": "2026-06-01T00:00:00Z", "limit": 250}).json()["data"]
    assert all(product["date_modified"] >= "2026-06-01" for product in recent)
    assert session.get(v3(sandbox, "/catalog/products"), params={"price:min": 10}).status_code == 400


def test_v3_variants_list_every_variant_and_filter_by_sku(sandbox):
    session = api_session(sandbox)
    catalog = sandbox.store.catalog
    total = sum(len(catalog.product(product_id).variants) for product_id in catalog.live_ids)
    listing = session.get(v3(sandbox, "/catalog/variants"), params={"limit": 250}).json()
    assert listing["meta"]["pagination"]["total"] == total
    variant = catalog.product(sandbox.store.examples()["product_30_variants"]).variants[7]
    found = session.get(v3(sandbox, "/catalog/variants"), params={"sku": variant.sku}).json()["data"]
    assert [entry["id"] for entry in found] == [variant.id]


def test_a_pooled_session_reuses_one_keep_alive_connection(sandbox):
    session = api_session(sandbox)
    for path in ("/store", "/orders", "/orders/100/coupons", "/orders?page=9", "/orders/99999"):
        session.get(v2(sandbox, path))
    pools = session.get_adapter(sandbox.base_url).poolmanager.pools
    assert [pools[key].num_connections for key in pools.keys()] == [1]


def test_head_answers_the_headers_of_get_without_a_body(sandbox):
    answer = api_session(sandbox).head(v3(sandbox, "/catalog/products"))
    assert answer.status_code == 200 and answer.content == b"" and int(answer.headers["Content-Length"]) > 0
