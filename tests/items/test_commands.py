"""`cart items`, `cart import-items` and `item list`: the same services and summaries as the screens."""
from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from items.models import Item
from items.cart_import import CatalogSelection, cart_items_import

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_cart_items_json_lists_every_row_with_whether_it_is_here(cart, store, company) -> None:
    cart_items_import(cart=cart, selection=CatalogSelection(skus=("TOTEB-00001",)))
    rows = json.loads(run("cart", "items", "Sandbox Store", "--company", company.account_number, "--json"))
    assert len(rows) == 85
    tote = next(row for row in rows if row["sku"] == "TOTEB-00001")
    assert tote == {"product_id": 1, "variant_id": tote["variant_id"], "sku": "TOTEB-00001",
                    "description": "Coastal Wool Tote Bag #1", "price": "2.9500", "in_salesorder": True,
                    "item_sku": "TOTEB-00001", "description_differs": False, "price_differs": False, "cannot_import": ""}
    assert next(row for row in rows if row["sku"] == "")["cannot_import"].startswith("It has no SKU")


def test_cart_items_search_narrows_the_rows(cart, store, company) -> None:
    output = run("cart", "items", "Sandbox Store", "--company", company.account_number, "--search", "APRON-00002")
    lines = output.splitlines()
    assert lines[0].startswith("SKU") and len(lines) == 31
    assert all("APRON-00002" in line for line in lines[1:])


def test_cart_import_items_by_sku_prints_the_screens_summary(cart, store, company) -> None:
    output = run("cart", "import-items", "Sandbox Store", "--company", company.account_number,
                 "--sku", "TOTEB-00001", "APRON-00002-S-RED", "NOPE")
    assert output.splitlines()[0] == "Items import: 2 created, 0 updated, 0 unchanged, 1 skipped."
    assert "  SKU NOPE: No product or variant in the cart has exactly this SKU." in output
    assert Item.objects.filter(company=company).count() == 2


def test_cart_import_items_all_then_again_says_unchanged(cart, store, company) -> None:
    run("cart", "import-items", "Sandbox Store", "--company", company.account_number, "--all")
    output = run("cart", "import-items", "Sandbox Store", "--company", company.account_number, "--all")
    assert output.startswith("Items import: 83 unchanged, 2 skipped.")


def test_cart_import_items_needs_skus_or_all(cart, company) -> None:
    with pytest.raises(CommandError, match="one of the arguments --sku --all is required"):
        run("cart", "import-items", "Sandbox Store", "--company", company.account_number)


def test_a_failed_import_exits_1_with_the_reason(cart, store, company) -> None:
    store.store.revoke_account("full")
    with pytest.raises(SystemExit) as exited:
        run("cart", "import-items", "Sandbox Store", "--company", company.account_number, "--all")
    assert exited.value.code == 1


def test_item_list_json_has_the_documented_keys_and_decimal_strings(cart, store, company) -> None:
    cart_items_import(cart=cart, selection=CatalogSelection(skus=("TOTEB-00001",)))
    (item,) = json.loads(run("item", "list", "--company", company.account_number, "--json"))
    assert item == {
        "sku": "TOTEB-00001", "description": "Coastal Wool Tote Bag #1", "unit_price": "2.9500", "uom": "Each",
        "income_account": "Sales", "cogs_account": "Cost of Goods Sold", "stock_asset_account": "Stock Asset",
        "cart_links": [{"cart": "Sandbox Store", "product_id": 1, "variant_id": item["cart_links"][0]["variant_id"]}],
    }


def test_item_list_for_an_unknown_company_exits_2(db) -> None:
    with pytest.raises(CommandError, match="No company has the account number 'SOA000000'") as raised:
        run("item", "list", "--company", "SOA000000", "--json")
    assert raised.value.returncode == 2
