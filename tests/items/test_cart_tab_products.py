"""Items (Cart) groups a product's variants under it, opens and closes them without script, and sorts as the store can."""
from __future__ import annotations

import re

import pytest

from carts.platforms.base import CatalogSort
from items.cart_tab import cart_items_page
from tests.items.conftest import api_requests

pytestmark = pytest.mark.django_db


def test_a_page_groups_each_product_s_variants_under_it(cart, store) -> None:
    catalog = store.store.catalog
    page = cart_items_page(cart=cart, page=1, page_size=10)
    expected_ids = catalog.live_ids[:10]
    assert [product.product_id for product in page.products] == expected_ids
    for product in page.products:
        assert product.name == catalog.name_of(product.product_id)
        assert [view.row.variant_id for view in product.rows] == [variant.id for variant in
                                                                   catalog.product(product.product_id).variants]
        assert product.has_variants == (len(catalog.product(product.product_id).variants) > 1)
    assert any(product.has_variants for product in page.products)


def test_the_tab_sorts_by_name_in_the_store_with_one_request(cart, store) -> None:
    catalog = store.store.catalog
    store.store.reset_stats()
    page = cart_items_page(cart=cart, page=1, page_size=10, sort=CatalogSort.NAME, descending=True)
    by_name = sorted(catalog.live_ids, key=lambda product_id: (catalog.name_of(product_id), product_id), reverse=True)
    assert [product.product_id for product in page.products] == by_name[:10]
    assert api_requests(store) == 1


def test_list_items_shows_products_closed_and_a_search_shows_them_open(merchant_client, cart, store) -> None:
    listed = merchant_client.get(f"/setup/carts/{cart.pk}/items/", {"list": 1}).content.decode()
    grouped = re.findall(r'<tbody class="product with-variants" data-product-id="(\d+)">', listed)
    assert grouped and "<details open>" not in listed and listed.count("<details>") == len(grouped)
    product_id = int(grouped[0])
    name = store.store.catalog.name_of(product_id)
    count = len(store.store.catalog.product(product_id).variants)
    assert f'aria-label="Select every variant of {name}"' in listed and f"({count} variants)" in listed
    sku = store.store.catalog.sku_of(product_id)  # the store's keyword matches product names and SKUs
    searched = merchant_client.get(f"/setup/carts/{cart.pk}/items/", {"q": sku}).content.decode()
    assert "<details open>" in searched
    sorted_page = merchant_client.get(f"/setup/carts/{cart.pk}/items/", {"list": 1, "sort": "-price"}).content.decode()
    assert 'aria-sort="descending"><a class="sort" href="?list=1&amp;sort=price">Price' in sorted_page
    assert '<input type="hidden" name="sort" value="-price">' in sorted_page



def test_a_page_past_the_last_says_so_and_links_the_first_not_that_the_store_has_no_products(merchant_client, cart,
                                                                                          store) -> None:
    """As after an import's redirect kept page 9 of a catalog that has since shrunk."""
    page = merchant_client.get(f"/setup/carts/{cart.pk}/items/", {"list": 1, "page": 999}).content.decode()
    assert "The store has no products" not in page
    assert re.search(r'Page 999 is past the last page \(\d+\): <a href="\?list=1&amp;page=1">go to page 1</a>', page)
