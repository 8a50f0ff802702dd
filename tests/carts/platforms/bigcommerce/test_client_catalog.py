"""The client's catalog methods against faked HTTP: include=variants, paging, id:in chunks, variants by SKU."""
from __future__ import annotations

import pytest
import responses
from responses import matchers

from carts.platforms.bigcommerce.errors import MissingScope
from tests.carts.platforms.bigcommerce.conftest import V3, fixture_json

PRODUCT_PARAMS = {"include": "variants", "include_fields": "name,sku,price,type", "sort": "id"}


def products_page(ids: list[int], page: int, total_pages: int) -> dict:
    return {
        "data": [{"id": product_id, "name": f"P{product_id}", "sku": f"S{product_id}", "price": 1, "variants": []}
                 for product_id in ids],
        "meta": {"pagination": {"total": 250 * total_pages, "count": len(ids), "per_page": 250, "current_page": page,
                                "total_pages": total_pages, "links": {}}},
    }


@responses.activate
def test_a_products_page_asks_for_variants_and_only_the_fields_an_import_reads(make_client) -> None:
    responses.get(f"{V3}/catalog/products", json=fixture_json("catalog_products_with_variants.json"),
                  match=[matchers.query_param_matcher({**PRODUCT_PARAMS, "keyword": "shirt", "page": "2", "limit": "50"})])
    page = make_client().catalog_products_page(page=2, limit=50, keyword="shirt")
    assert [product["id"] for product in page.items] == [77, 80, 81]
    assert page.items[0]["variants"][0]["option_values"][0]["option_display_name"] == "Size"


@responses.activate
def test_product_pages_are_fetched_as_consumed_and_stop_at_the_last(make_client) -> None:
    for page in (1, 2, 3):
        responses.get(f"{V3}/catalog/products", json=products_page([page], page, total_pages=3),
                      match=[matchers.query_param_matcher({**PRODUCT_PARAMS, "page": str(page), "limit": "250"})])
    client = make_client()
    pages = client.iter_catalog_product_pages()
    assert next(pages).items[0]["id"] == 1
    assert client.stats.requests == 1
    assert [page.items[0]["id"] for page in pages] == [2, 3]
    assert client.stats.requests == 3


@responses.activate
def test_chosen_products_are_fetched_by_id_250_at_a_time(make_client) -> None:
    ids = list(range(1, 302))
    responses.get(f"{V3}/catalog/products", json=products_page(ids[:250], 1, 1),
                  match=[matchers.query_param_matcher({**PRODUCT_PARAMS, "id:in": ",".join(map(str, ids[:250])),
                                                       "page": "1", "limit": "250"})])
    responses.get(f"{V3}/catalog/products", json=products_page(ids[250:], 1, 1),
                  match=[matchers.query_param_matcher({**PRODUCT_PARAMS, "id:in": ",".join(map(str, ids[250:])),
                                                       "page": "1", "limit": "250"})])
    client = make_client()
    pages = list(client.iter_catalog_product_pages(product_ids=ids))
    assert sum(len(page.items) for page in pages) == 301
    assert client.stats.requests == 2


@responses.activate
def test_variants_with_a_sku_come_from_the_variants_endpoint(make_client) -> None:
    variant = fixture_json("catalog_products_with_variants.json")["data"][0]["variants"][0]
    responses.get(f"{V3}/catalog/variants", json={"data": [variant], "meta": {"pagination": {
        "total": 1, "count": 1, "per_page": 250, "current_page": 1, "total_pages": 1}}},
        match=[matchers.query_param_matcher({"sku": "TSHIRT-L-RED", "page": "1", "limit": "250"})])
    assert make_client().catalog_variants_with_sku("TSHIRT-L-RED") == [variant]


@responses.activate
def test_a_missing_products_scope_is_a_typed_error(make_client) -> None:
    responses.get(f"{V3}/catalog/products", status=403, json={"status": 403, "title": "You don't have a required scope"})
    with pytest.raises(MissingScope):
        make_client().catalog_products_page(page=1)
