"""Stock levels: absolute adjustments as inventory.v3.yml describes them, sales lowering levels, the admin page."""

import requests

from sandbox.server import SandboxServer
from tests.sandbox.conftest import api_session, v3

ADJUST = "/inventory/adjustments/absolute"


def variant_level(server: SandboxServer, product_id: int, variant_id: int) -> int:
    return api_session(server).get(v3(server, f"/catalog/products/{product_id}/variants/{variant_id}")).json()["data"]["inventory_level"]


def product_level(server: SandboxServer, product_id: int) -> int:
    return api_session(server).get(v3(server, f"/catalog/products/{product_id}")).json()["data"]["inventory_level"]


def item(**identity) -> dict:
    return {"location_id": 1, **identity}


def test_an_absolute_adjustment_sets_levels_by_variant_sku_and_product(sandbox):
    catalog, examples = sandbox.store.catalog, sandbox.store.examples()
    by_variant = catalog.product(examples["product_30_variants"])
    by_product = catalog.product(examples["product_tracked_by_product"])
    answer = api_session(sandbox).put(v3(sandbox, ADJUST), json={"reason": "Stock count", "items": [
        item(variant_id=by_variant.variants[0].id, quantity=17), item(sku=by_variant.variants[1].sku, quantity=0),
        item(product_id=by_product.id, quantity=40)]})
    assert answer.status_code == 200 and answer.json()["transaction_id"]
    assert variant_level(sandbox, by_variant.id, by_variant.variants[0].id) == 17
    assert variant_level(sandbox, by_variant.id, by_variant.variants[1].id) == 0
    assert product_level(sandbox, by_product.id) == 40
    others = sum(variant_level(sandbox, by_variant.id, variant.id) for variant in by_variant.variants[2:])
    assert product_level(sandbox, by_variant.id) == 17 + others  # a product tracked by variant sums its variants
    [adjustment] = requests.get(f"{sandbox.base_url}/_sandbox/inventory/adjustments").json()
    assert (adjustment["source"], adjustment["reason"], len(adjustment["changes"])) == ("api", "Stock count", 3)


def test_items_tracked_another_way_or_not_at_all_are_refused_and_nothing_changes(sandbox):
    catalog, examples = sandbox.store.catalog, sandbox.store.examples()
    by_variant = catalog.product(examples["product_30_variants"])
    by_product = catalog.product(examples["product_tracked_by_product"])
    digital = catalog.product(examples["digital_product"])
    before = variant_level(sandbox, by_variant.id, by_variant.variants[0].id)
    answer = api_session(sandbox).put(v3(sandbox, ADJUST), json={"items": [
        item(variant_id=by_variant.variants[0].id, quantity=before + 5),
        item(variant_id=by_product.variants[0].id, quantity=1), item(product_id=by_variant.id, quantity=1),
        item(product_id=digital.id, quantity=1), item(variant_id=999_999, quantity=1),
        {"location_id": 2, "variant_id": by_variant.variants[2].id, "quantity": 1},
        item(variant_id=by_variant.variants[3].id, quantity=-1)]})
    assert answer.status_code == 422 and answer.headers["Content-Type"] == "application/problem+json"
    title = answer.json()["title"]
    assert f"Item with variant_id {by_product.variants[0].id} is tracked by product, please update stock by product id" in title
    assert f"Item with product_id {by_variant.id} is tracked by variant, please update stock by variant id" in title
    assert f"Item with product_id {digital.id} is not tracked" in title
    assert "Item with variant_id 999999 does not exist" in title and "Location with id 2 does not exist" in title
    assert "needs a quantity of 0 or more, got -1" in title
    assert variant_level(sandbox, by_variant.id, by_variant.variants[0].id) == before  # all items or none


def test_at_most_2000_items_a_request(sandbox):
    variant = sandbox.store.catalog.product(sandbox.store.examples()["product_30_variants"]).variants[0]
    session = api_session(sandbox)
    assert session.put(v3(sandbox, ADJUST), json={"items": [item(variant_id=variant.id, quantity=n) for n in range(2000)]}).status_code == 200
    too_many = session.put(v3(sandbox, ADJUST), json={"items": [item(variant_id=variant.id, quantity=1)] * 2001})
    assert too_many.status_code == 422 and "Limit of 2000 items" in too_many.json()["title"]
    assert session.put(v3(sandbox, ADJUST), json={"items": []}).status_code == 422
    assert session.put(v3(sandbox, ADJUST), json={"reason": "no items"}).status_code == 422


def test_a_sale_in_the_storefront_lowers_the_level_a_client_read_earlier(sandbox):
    product = sandbox.store.catalog.product(sandbox.store.examples()["product_30_variants"])
    variant = product.variants[4]
    session = api_session(sandbox)
    session.put(v3(sandbox, ADJUST), json={"items": [item(variant_id=variant.id, quantity=5)]})
    read = session.get(v3(sandbox, "/inventory/items"), params={"variant_id:in": variant.id}).json()["data"][0]
    assert read["locations"][0]["available_to_sell"] == 5
    paid = requests.post(f"{sandbox.base_url}/storefront/pay", data={
        f"quantity_{product.id}": "2", f"variant_{product.id}": str(variant.id), "card_number": "4111 1111 1111 1111"})
    assert paid.status_code == 200
    assert variant_level(sandbox, product.id, variant.id) == 3
    sandbox.store.place_order(lines=[(product.id, variant.id, 9)])
    assert variant_level(sandbox, product.id, variant.id) == 0  # never below zero
    sources = [entry["source"] for entry in requests.get(f"{sandbox.base_url}/_sandbox/inventory/adjustments").json()]
    assert sources == ["api", "order 130", "order 131"]


def test_inventory_items_list_tracked_items_with_their_identities(sandbox):
    catalog, examples = sandbox.store.catalog, sandbox.store.examples()
    session = api_session(sandbox)
    by_variant = catalog.product(examples["product_30_variants"])
    listed = session.get(v3(sandbox, "/inventory/items"), params={"product_id:in": by_variant.id, "limit": 1000}).json()
    assert [entry["identity"]["variant_id"] for entry in listed["data"]] == [variant.id for variant in by_variant.variants]
    by_product = catalog.product(examples["product_tracked_by_product"])
    [only] = session.get(v3(sandbox, "/inventory/items"), params={"product_id:in": by_product.id}).json()["data"]
    assert only["identity"] == {"sku": by_product.sku, "product_id": by_product.id}
    assert session.get(v3(sandbox, "/inventory/items"), params={"product_id:in": examples["digital_product"]}).json()["data"] == []
    assert session.get(v3(sandbox, "/inventory/items"), params={"location_id:in": 2}).json()["data"] == []
    by_sku = session.get(v3(sandbox, "/inventory/items"), params={"sku:in": by_variant.variants[2].sku}).json()["data"]
    assert [entry["identity"]["variant_id"] for entry in by_sku] == [by_variant.variants[2].id]


def test_inventory_needs_the_store_inventory_scope(sandbox):
    url = v3(sandbox, "/inventory/items")
    assert api_session(sandbox, "no-inventory").get(url).status_code == 403
    assert api_session(sandbox, "no-inventory").put(v3(sandbox, ADJUST), json={"items": []}).status_code == 403
    sandbox.store.set_scopes("no-inventory", ["store_inventory_read_only"])
    assert api_session(sandbox, "no-inventory").get(url).status_code == 200
    assert api_session(sandbox, "no-inventory").put(v3(sandbox, ADJUST), json={"items": []}).status_code == 403


def test_the_admin_page_shows_levels_and_history_and_sets_a_level(sandbox):
    product = sandbox.store.catalog.product(sandbox.store.examples()["product_30_variants"])
    variant = product.variants[5]
    changed = requests.post(f"{sandbox.base_url}/admin/inventory/set",
                            data={"variant_id": str(variant.id), "quantity": "23", "reason": "Found a box"})
    assert changed.status_code == 200 and f"{variant.sku}: stock" in changed.text and "→ 23" in changed.text
    assert variant_level(sandbox, product.id, variant.id) == 23
    page = requests.get(f"{sandbox.base_url}/admin/inventory", params={"q": product.sku}).text
    assert "Found a box" in page and variant.sku in page and "value='23'" in page
    refused = requests.post(f"{sandbox.base_url}/admin/inventory/set", data={"variant_id": str(variant.id), "quantity": "-2"})
    assert refused.status_code == 400 and "whole number of 0 or more" in refused.text
    untracked = requests.post(f"{sandbox.base_url}/admin/inventory/set",
                              data={"product_id": str(sandbox.store.examples()["digital_product"]), "quantity": "2"})
    assert untracked.status_code == 400 and "is not tracked" in untracked.text


def test_levels_survive_a_restart(tmp_path):
    state = tmp_path / "state.json"
    with SandboxServer(products=20, orders=20, state_file=state) as server:
        variant = server.store.catalog.product(server.store.examples()["product_30_variants"]).variants[0]
        api_session(server).put(v3(server, ADJUST), json={"items": [item(variant_id=variant.id, quantity=99)]})
    with SandboxServer(products=20, orders=20, state_file=state) as server:
        assert variant_level(server, variant.product_id, variant.id) == 99
        assert len(server.store.inventory.history) == 1
