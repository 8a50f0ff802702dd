"""A digital product becomes a non-stock item, with the non-stock accounts; a type the merchant set is never changed.

The catalog's product `type` (products_catalog.v3.yml: physical or digital) comes in the same
request as the rest of the product; order lines of type digital make non-stock items too.
"""
from __future__ import annotations

import pytest

from items.cart_import import CatalogSelection, cart_items_import
from items.editing import item_new
from items.ledger import accounting_defaults_for, accounting_defaults_update, ledger_account_create
from items.models import Item, ItemType, LedgerAccountType
from orders.store_imports import orders_import_selected
from tests.items.conftest import api_requests
from tests.orders.conftest import examples_as_sales, sandbox_cart

pytestmark = pytest.mark.django_db


@pytest.fixture
def download_accounts(company):
    """Accounts of their own for non-stock items, so the test can tell them from the stock defaults."""
    income = ledger_account_create(company=company, name="Download sales", account_type=LedgerAccountType.INCOME)
    expense = ledger_account_create(company=company, name="Licence costs", account_type=LedgerAccountType.EXPENSE)
    defaults = accounting_defaults_for(company=company)
    accounting_defaults_update(company=company, income_account=defaults.income_account,
                               cost_of_goods_sold_account=defaults.cost_of_goods_sold_account,
                               stock_asset_account=defaults.stock_asset_account, unit_of_measure="Each",
                               non_stock_income_account=income, non_stock_expense_account=expense)
    return income, expense


def catalog_item(cart, store, kind: str) -> Item:
    product = store.store.catalog.product(store.store.examples()[kind])
    return Item.objects.get(company=cart.company, sku=product.variants[0].sku.strip())


def test_a_digital_product_is_imported_as_a_non_stock_item_in_the_same_requests(cart, store, download_accounts) -> None:
    store.store.reset_stats()
    cart_items_import(cart=cart, selection=CatalogSelection())
    assert api_requests(store) == 1  # 20 products: one page, its types included
    digital = catalog_item(cart, store, "digital_product")
    assert digital.item_type == ItemType.NON_STOCK
    assert (digital.income_account, digital.cost_of_goods_sold_account) == download_accounts
    physical = catalog_item(cart, store, "simple_product")
    assert physical.item_type == ItemType.STOCK and physical.income_account.name == "Sales"
    assert Item.objects.filter(company=cart.company, item_type=ItemType.NON_STOCK).count() == sum(
        len(store.store.catalog.product(product_id).variants) for product_id in store.store.catalog.live_ids
        if store.store.catalog.product(product_id).type == "digital")


def test_importing_again_never_changes_a_type_the_merchant_set(cart, store) -> None:
    cart_items_import(cart=cart, selection=CatalogSelection())
    digital, physical = catalog_item(cart, store, "digital_product"), catalog_item(cart, store, "simple_product")
    Item.objects.filter(pk=digital.pk).update(item_type=ItemType.SERVICE)
    Item.objects.filter(pk=physical.pk).update(item_type=ItemType.NON_STOCK)
    cart_items_import(cart=cart, selection=CatalogSelection())
    assert Item.objects.get(pk=digital.pk).item_type == ItemType.SERVICE
    assert Item.objects.get(pk=physical.pk).item_type == ItemType.NON_STOCK


def test_a_digital_order_line_creates_a_non_stock_item(company, store, download_accounts) -> None:
    examples_as_sales(store)
    cart = sandbox_cart(company, store, create_missing_items=True)
    order_id = store.store.examples()["digital_order"]
    [outcome] = orders_import_selected(cart=cart, order_ids=[order_id]).outcomes
    assert outcome.outcome == "imported", outcome.reason
    for line in store.store.order(order_id).lines:
        item = Item.objects.get(company=company, sku=line["sku"].strip())
        expected = ItemType.NON_STOCK if line["type"] == "digital" else ItemType.STOCK
        assert item.item_type == expected, line["sku"]
    assert Item.objects.filter(company=company, item_type=ItemType.NON_STOCK).exists()


def test_the_accounting_defaults_screen_sets_the_non_stock_accounts(company, merchant_client) -> None:
    income = ledger_account_create(company=company, name="Digital", account_type=LedgerAccountType.INCOME)
    defaults = accounting_defaults_for(company=company)
    page = merchant_client.get("/setup/accounting-defaults/").content.decode()
    assert "Non-stock items: Income" in page and "Non-stock items: Expense" in page
    response = merchant_client.post("/setup/accounting-defaults/", {
        "income_account": defaults.income_account_id, "cost_of_goods_sold_account": defaults.cost_of_goods_sold_account_id,
        "stock_asset_account": defaults.stock_asset_account_id, "unit_of_measure": "Each",
        "non_stock_income_account": income.pk, "non_stock_expense_account": defaults.cost_of_goods_sold_account_id})
    assert response.status_code == 302
    assert item_new(company=company, sku="E-BOOK", item_type=ItemType.NON_STOCK).income_account == income
    assert item_new(company=company, sku="MUG").income_account == defaults.income_account


def test_a_non_stock_item_created_by_an_items_csv_takes_the_non_stock_accounts(company, merchant_client,
                                                                               download_accounts) -> None:
    from tests.items.test_views import upload

    income, expense = download_accounts
    response = upload(merchant_client, "SKU,Description,Item Type\r\nEBOOK-1,An e-book,Non-stock item\r\n"
                                       "MUG-1,A mug,Stock item\r\n")
    merchant_client.post(response.url + "commit/", {"mode": "all_or_nothing"})
    ebook, mug = Item.objects.get(company=company, sku="EBOOK-1"), Item.objects.get(company=company, sku="MUG-1")
    assert (ebook.item_type, ebook.income_account, ebook.cost_of_goods_sold_account) == (
        ItemType.NON_STOCK, income, expense)  # as a digital product from the cart gets them
    assert (mug.item_type, mug.income_account) == (ItemType.STOCK, accounting_defaults_for(company=company).income_account)
