"""An order whose product was deleted in the store: the refusal says so, and an item made from its line fixes it."""
from __future__ import annotations

from decimal import Decimal

import pytest

from items.models import Item, ItemCartLink, ItemType
from orders.missing_items import items_create_from_refusals
from orders.models import OrderRefusal, SalesTransaction
from orders.preview import order_preview
from orders.results import Outcome
from orders.store_imports import orders_import_selected, orders_import_with_items_from_order_lines
from tests.orders.conftest import make_items, order_skus

pytestmark = pytest.mark.django_db


def deleted_product_order(server) -> tuple[int, dict]:
    """The store's order whose first line's product was deleted from the catalog after it sold, and that line."""
    order_id = server.store.examples()["deleted_product_order"]
    line = server.store.order(order_id).lines[0]
    assert not server.store.catalog.exists(line["product_id"])  # the premise, from the store's own catalog
    return order_id, line


def test_a_deleted_product_is_named_as_gone_and_not_offered_as_an_import_from_the_cart(cart, store) -> None:
    order_id, line = deleted_product_order(store)
    make_items(cart.company, [sku for sku in order_skus(store, order_id) if sku != line["sku"]])
    [outcome] = orders_import_selected(cart=cart, order_ids=[order_id]).outcomes
    assert outcome.outcome == Outcome.REFUSED
    assert f"no item matches its SKU {line['sku']}, whose product is no longer in the store's catalog" in outcome.reason
    assert "Import it from the cart" not in outcome.reason
    [missing] = outcome.missing_items
    assert (missing.in_store, missing.importable_from_cart) == (False, False)
    assert missing.unit_price == Decimal(line["base_price"])
    kept = OrderRefusal.objects.get(cart=cart, cart_order_id=order_id)
    assert kept.missing_items[0]["sku"] == line["sku"] and kept.missing_items[0]["in_store"] is False


def test_a_product_still_in_the_store_is_offered_as_an_import_from_the_cart(cart, store) -> None:
    order_id = store.store.examples()["coupon_order"]
    skus = order_skus(store, order_id)
    make_items(cart.company, skus[1:])
    [outcome] = orders_import_selected(cart=cart, order_ids=[order_id]).outcomes
    assert f"no item matches its SKU {skus[0]}. Import it from the cart's Items (Cart) tab" in outcome.reason
    assert [(item.in_store, item.importable_from_cart) for item in outcome.missing_items] == [(True, True)]


def test_creating_the_item_from_the_order_line_then_retrying_imports_the_order(cart, store) -> None:
    order_id, line = deleted_product_order(store)
    make_items(cart.company, [sku for sku in order_skus(store, order_id) if sku != line["sku"]])
    orders_import_selected(cart=cart, order_ids=[order_id])
    created, result = orders_import_with_items_from_order_lines(cart=cart, order_ids=[order_id])
    assert created == [line["sku"]]
    item = Item.objects.get(company=cart.company, sku=line["sku"])
    assert (item.description, item.unit_price, item.unit_of_measure, item.item_type) == (
        line["name"], Decimal(line["base_price"]), "Each", ItemType.STOCK)
    assert item.income_account.name == "Sales" and item.stock_asset_account.name == "Stock Asset"
    assert ItemCartLink.objects.filter(item=item, product_id=line["product_id"], variant_id=line["variant_id"]).exists()
    assert [entry.outcome for entry in result.outcomes] == [Outcome.IMPORTED]
    sale = SalesTransaction.objects.get(cart=cart, cart_order_id=order_id)
    assert sale.lines.filter(item=item).exists()
    assert not OrderRefusal.objects.filter(cart=cart, cart_order_id=order_id).exists()


def test_items_are_made_from_what_the_refusal_recorded_and_never_for_another_carts_refusal(cart, store, other_company) -> None:
    order_id, line = deleted_product_order(store)
    orders_import_selected(cart=cart, order_ids=[order_id])
    from tests.orders.conftest import sandbox_cart

    other_cart = sandbox_cart(other_company, store)
    assert items_create_from_refusals(cart=other_cart, order_ids=[order_id]) == []
    assert not Item.objects.filter(company=other_company, sku=line["sku"]).exists()
    # The products still in the store are not made from lines: importing them from the cart is their fix.
    in_store = [item["sku"] for item in OrderRefusal.objects.get(cart=cart).missing_items if item["in_store"]]
    assert items_create_from_refusals(cart=cart, order_ids=[order_id]) == [line["sku"]]
    assert not Item.objects.filter(company=cart.company, sku__in=in_store).exists()


def test_the_preview_says_the_same_as_the_import(cart, store) -> None:
    order_id, line = deleted_product_order(store)
    make_items(cart.company, [sku for sku in order_skus(store, order_id) if sku != line["sku"]])
    preview = order_preview(cart=cart, order_id=order_id)
    assert "no longer in the store's catalog" in preview.refusal and line["sku"] in preview.refusal
