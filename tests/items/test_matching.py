"""The one variant → item rule, as the items import and the orders import both apply it (sandbox store over HTTP)."""
from __future__ import annotations

import pytest

from items.cart_import import CatalogSelection, cart_items_import
from items.models import Item, ItemCartLink
from orders.models import SalesTransaction
from orders.store_imports import orders_import_selected
from tests.orders.conftest import make_items, place, sandbox_cart

pytestmark = pytest.mark.django_db


def variant_renamed_in_the_cart_to_another_items_sku(company, store):
    """A variant imported when the cart called it OLD-1, whose SKU the merchant has since changed in the cart to one
    another item here already has. Returns the cart, the order's id, the linked item and the item with that SKU."""
    cart = sandbox_cart(company, store)
    order_id = place(store)
    (line,) = store.store.order(order_id).lines
    sku = line["sku"].strip()
    cart_items_import(cart=cart, selection=CatalogSelection(variants=((line["product_id"], line["variant_id"]),)))
    linked = Item.objects.get(company=company, sku=sku)
    # As if the cart said OLD-1 at that import: the item took OLD-1, and the link remembers it.
    Item.objects.filter(pk=linked.pk).update(sku="OLD-1")
    ItemCartLink.objects.filter(item=linked).update(cart_sku="OLD-1")
    (owner,) = make_items(company, [sku])
    return cart, order_id, linked, owner


def test_an_items_import_matches_a_variant_renamed_to_an_existing_sku_to_the_item_with_that_sku(company, store) -> None:
    cart, order_id, linked, owner = variant_renamed_in_the_cart_to_another_items_sku(company, store)
    (line,) = store.store.order(order_id).lines

    log = cart_items_import(cart=cart, selection=CatalogSelection(variants=((line["product_id"], line["variant_id"]),)))

    assert log.counts["created"] == 0 and log.counts["skipped"] == 0
    link = ItemCartLink.objects.get(cart=cart, product_id=line["product_id"], variant_id=line["variant_id"])
    assert (link.item_id, link.cart_sku) == (owner.pk, owner.sku)
    assert Item.objects.get(pk=linked.pk).sku == "OLD-1"  # the item linked before keeps its SKU


def test_an_orders_import_matches_a_variant_renamed_to_an_existing_sku_to_the_item_with_that_sku(company, store) -> None:
    cart, order_id, linked, owner = variant_renamed_in_the_cart_to_another_items_sku(company, store)

    result = orders_import_selected(cart=cart, order_ids=[order_id])

    assert [entry.order_id for entry in result.imported] == [order_id]
    assert SalesTransaction.objects.get(cart=cart, cart_order_id=order_id).lines.get().item_id == owner.pk


def test_a_sku_the_store_moved_to_another_product_in_one_import_creates_that_products_item(company, store) -> None:
    """Variant A was imported when the store called it X; the store has since renamed A and given X to a new
    product B. One import of both: A's item takes A's new SKU, and B gets an item of its own with X."""
    cart = sandbox_cart(company, store)
    catalog = store.store.catalog
    first, second = (catalog.product(product_id) for product_id in catalog.live_ids[:2])
    a, b = first.variants[0], second.variants[0]
    cart_items_import(cart=cart, selection=CatalogSelection(variants=((first.id, a.id),)))
    linked = Item.objects.get(company=company, sku=a.sku.strip())
    reused = b.sku.strip()
    Item.objects.filter(pk=linked.pk).update(sku=reused)  # as if the store called A by B's SKU at that import
    ItemCartLink.objects.filter(item=linked).update(cart_sku=reused)

    log = cart_items_import(cart=cart, selection=CatalogSelection(variants=((first.id, a.id), (second.id, b.id))))

    assert (log.counts["updated"], log.counts["created"], log.counts["skipped"]) == (1, 1, 0), log.failures
    assert Item.objects.get(pk=linked.pk).sku == a.sku.strip()
    assert ItemCartLink.objects.get(cart=cart, product_id=second.id).item.sku == reused
