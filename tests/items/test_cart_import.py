"""Importing cart items: against the sandbox store over real HTTP, and with the store session patched for edge cases."""
from __future__ import annotations

import math
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carts.models import CartLog
from carts.platforms.base import RequestStats
from carts.platforms.bigcommerce.adapter import BigCommerceSession, catalog_page
from carts.platforms.bigcommerce.client import V3Page
from carts.platforms.bigcommerce.credentials import AllowedHosts
from items import matching
from items.models import Item, ItemCartLink
from items.cart_import import CatalogSelection, cart_items_import, cart_items_import_start
from items.cart_tab import cart_items_page
from sandbox.server import SandboxServer
from tests.carts.factories import make_cart
from tests.items.conftest import api_requests

pytestmark = pytest.mark.django_db

ROWS_IN_STORE = 85  # 20 products; 1 with an empty SKU, 2 sharing DUP-1001


def variant_ids(store, product_id: int) -> list[int]:
    return [variant.id for variant in store.store.catalog.product(product_id).variants]


def test_chosen_variants_become_items_with_the_defaults_and_keep_their_link(cart, store) -> None:
    examples = store.store.examples()
    many = examples["product_30_variants"]
    chosen = ((examples["simple_product"], variant_ids(store, examples["simple_product"])[0]),
              (many, variant_ids(store, many)[0]), (many, variant_ids(store, many)[1]))
    store.store.reset_stats()
    log = cart_items_import(cart=cart, selection=CatalogSelection(variants=chosen))
    assert log.status == "succeeded", log.failures
    assert log.counts["created"] == 3 and log.summary.startswith("Items import: 3 created, 0 updated, 0 unchanged")
    assert api_requests(store) == 1  # the chosen products by id, with their variants
    variant = Item.objects.get(company=cart.company, sku="APRON-00002-S-RED")
    assert variant.description == "Premium Ceramic Apron #2 — Size: S, Colour: Red"
    assert variant.unit_price == Decimal("80.9500")
    assert (variant.unit_of_measure, variant.item_type) == ("Each", "stock")
    assert (variant.income_account.name, variant.cost_of_goods_sold_account.name, variant.stock_asset_account.name) == (
        "Sales", "Cost of Goods Sold", "Stock Asset")
    link = ItemCartLink.objects.get(item=variant)
    assert (link.cart, link.product_id, link.variant_id, link.cart_sku) == (cart, many, chosen[1][1], "APRON-00002-S-RED")


def test_the_whole_catalog_imports_every_row_and_reports_the_ones_it_cannot(cart, store) -> None:
    store.store.reset_stats()
    log = cart_items_import(cart=cart, selection=CatalogSelection())
    assert log.status == "partial"
    assert log.counts == {"created": ROWS_IN_STORE - 2, "updated": 0, "unchanged": 0, "skipped": 2, "warnings": 0}
    assert Item.objects.filter(company=cart.company).count() == ROWS_IN_STORE - 2
    assert api_requests(store) <= math.ceil(20 / 250) + 2
    reasons = {failure["reference"]: failure["reason"] for failure in log.failures}
    empty = next(reference for reference in reasons if reference.startswith("(no SKU)"))
    assert "Classic Stoneware Tray #6" in empty and "has no SKU" in reasons[empty]
    duplicate = next(reference for reference in reasons if reference.startswith("SKU DUP-1001"))
    assert "Rustic Glass Tote Bag #9" in duplicate and "Heritage Stoneware Tray #8" in reasons[duplicate]
    assert Item.objects.get(sku="DUP-1001").description == "Heritage Stoneware Tray #8"
    assert Item.objects.filter(sku="MUG 350 ML-RED").exists() and Item.objects.filter(sku="TASSE-CAFÉ-Ø8-RED").exists()
    assert Item.objects.get(sku="MUG-00003-RED").unit_price == Decimal("57.0000")  # inherited from the product


def test_a_second_import_of_an_unchanged_catalog_writes_nothing_and_says_unchanged(cart, store) -> None:
    cart_items_import(cart=cart, selection=CatalogSelection())
    with CaptureQueriesContext(connection) as queries:
        log = cart_items_import(cart=cart, selection=CatalogSelection())
    writes = [query["sql"] for query in queries.captured_queries
              if query["sql"].startswith(("INSERT", "UPDATE", "DELETE")) and '"items_' in query["sql"]]
    assert writes == []
    assert log.counts["unchanged"] == ROWS_IN_STORE - 2 and log.counts["created"] == log.counts["updated"] == 0
    assert log.summary == "Items import: 83 unchanged, 2 skipped."


def test_the_database_work_of_a_page_is_batched_not_a_statement_per_row(cart, store) -> None:
    with CaptureQueriesContext(connection) as queries:
        cart_items_import(cart=cart, selection=CatalogSelection())
    assert len(queries.captured_queries) < 30  # 83 items and 83 links, in a handful of statements


def test_an_existing_item_with_the_sku_is_updated_never_duplicated(cart, store, company) -> None:
    item = Item.objects.create(company=company, sku="TOTEB-00001", description="Old name", unit_price=Decimal("1.00"),
                               income_account_id=company.accounting_defaults.income_account_id,
                               cost_of_goods_sold_account_id=company.accounting_defaults.cost_of_goods_sold_account_id,
                               stock_asset_account_id=company.accounting_defaults.stock_asset_account_id,
                               barcode="kept", unit_of_measure="Box")
    product = store.store.examples()["simple_product"]
    log = cart_items_import(cart=cart, selection=CatalogSelection(variants=((product, variant_ids(store, product)[0]),)))
    assert log.counts["updated"] == 1 and log.counts["created"] == 0
    item.refresh_from_db()
    assert (item.description, item.unit_price) == ("Coastal Wool Tote Bag #1", Decimal("2.9500"))
    assert (item.barcode, item.unit_of_measure) == ("kept", "Box")  # only SKU, description and price are imported
    assert Item.objects.filter(company=company, sku="TOTEB-00001").count() == 1
    assert item.cart_links.get().product_id == product


def test_a_sku_edited_in_the_cart_renames_the_linked_item(cart, store) -> None:
    cart_items_import(cart=cart, selection=CatalogSelection(skus=("TOTEB-00001",)))
    item = Item.objects.get(sku="TOTEB-00001")
    # As if the cart said OLD-1 at the last import and the merchant has since changed it to TOTEB-00001 there.
    Item.objects.filter(pk=item.pk).update(sku="OLD-1")
    ItemCartLink.objects.filter(item=item).update(cart_sku="OLD-1")
    log = cart_items_import(cart=cart, selection=CatalogSelection(skus=("TOTEB-00001",)))
    assert log.counts["updated"] == 1
    item.refresh_from_db()
    assert item.sku == "TOTEB-00001"
    assert Item.objects.filter(company=cart.company).count() == 1
    assert ItemCartLink.objects.get(item=item).cart_sku == "TOTEB-00001"


def test_a_sku_edited_here_is_kept_and_the_item_still_found(cart, store) -> None:
    cart_items_import(cart=cart, selection=CatalogSelection(skus=("TOTEB-00001",)))
    Item.objects.filter(sku="TOTEB-00001").update(sku="MY-TOTE", unit_price=Decimal("9.99"))
    log = cart_items_import(cart=cart, selection=CatalogSelection(skus=("TOTEB-00001",)))
    assert log.counts["updated"] == 1
    assert list(Item.objects.values_list("sku", "unit_price")) == [("MY-TOTE", Decimal("2.9500"))]
    row = next(view for view in cart_items_page(cart=cart).rows if view.row.sku == "TOTEB-00001")
    assert row.item.sku == "MY-TOTE"


def test_one_item_is_never_matched_to_two_cart_products(cart, store) -> None:
    cart_items_import(cart=cart, selection=CatalogSelection(skus=("TOTEB-00001",)))
    # The merchant gave the linked item another cart product's SKU here.
    Item.objects.filter(sku="TOTEB-00001").update(sku="BLANK-00004")
    log = cart_items_import(cart=cart, selection=CatalogSelection(skus=("TOTEB-00001", "BLANK-00004")))
    assert log.counts["skipped"] == 1
    (failure,) = log.failures
    assert failure["reference"].startswith("SKU BLANK-00004")
    assert "already matched to SKU TOTEB-00001" in failure["reason"]
    assert Item.objects.get(sku="BLANK-00004").description == "Coastal Wool Tote Bag #1"


def test_importing_by_sku_finds_product_and_variant_skus_and_reports_unknown_ones(cart, store) -> None:
    log = cart_items_import(cart=cart, selection=CatalogSelection(skus=("TOTEB-00001", "APRON-00002-M-BLU", "NOPE-1")))
    assert log.counts["created"] == 2 and log.counts["skipped"] == 1
    assert log.failures == [{"reference": "SKU NOPE-1", "reason": "No product or variant in the cart has exactly this SKU."}]
    assert set(Item.objects.values_list("sku", flat=True)) == {"TOTEB-00001", "APRON-00002-M-BLU"}


def test_a_variant_deleted_since_the_list_was_shown_is_reported(cart, store) -> None:
    deleted = store.store.examples()["deleted_product"]
    log = cart_items_import(cart=cart, selection=CatalogSelection(variants=((deleted, 999999),)))
    assert log.counts["skipped"] == 1 and "no longer in the cart" in log.failures[0]["reason"]


def test_a_stale_read_that_collides_with_another_import_is_merged_on_retry(cart, store, company) -> None:
    # Another import created the item after this one read the page: the insert conflicts, the page is read again.
    real = matching.variant_matches
    calls = []

    def stale_first(**kwargs):
        calls.append(1)
        return matching.VariantMatches() if len(calls) == 1 else real(**kwargs)

    cart_items_import(cart=cart, selection=CatalogSelection(skus=("TOTEB-00001",)))
    ItemCartLink.objects.all().delete()
    Item.objects.filter(sku="TOTEB-00001").update(description="Written by the other import")
    with mock.patch("items.cart_import.variant_matches", side_effect=stale_first):
        log = cart_items_import(cart=cart, selection=CatalogSelection(skus=("TOTEB-00001",)))
    assert len(calls) == 2
    assert log.status == "succeeded" and log.counts["updated"] == 1
    assert Item.objects.filter(sku="TOTEB-00001").count() == 1
    assert ItemCartLink.objects.count() == 1


def test_a_page_that_keeps_conflicting_is_written_row_by_row(cart, store) -> None:
    cart_items_import(cart=cart, selection=CatalogSelection(skus=("TOTEB-00001", "BLANK-00004")))
    ItemCartLink.objects.all().delete()
    Item.objects.filter(sku="BLANK-00004").delete()
    with mock.patch("items.cart_import.variant_matches", return_value=matching.VariantMatches()):
        log = cart_items_import(cart=cart, selection=CatalogSelection(skus=("TOTEB-00001", "BLANK-00004")))
    # TOTEB-00001 exists but is never seen (the read is stale every time): it cannot be written, the other row can.
    assert log.counts["created"] == 1 and log.counts["skipped"] == 1
    assert "being saved at the same moment" in log.failures[0]["reason"]
    assert Item.objects.filter(sku="BLANK-00004").exists()


def test_a_revoked_key_stops_the_import_with_the_reason(cart, store) -> None:
    store.store.revoke_account("full")
    log = cart_items_import(cart=cart, selection=CatalogSelection())
    assert log.status == "failed"
    assert log.summary.startswith("The import stopped: BigCommerce refused the access token (401)")
    assert "created" in log.summary


def test_a_background_import_logs_its_progress_and_result(cart, store, eager_celery, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        log = cart_items_import_start(cart=cart, selection=CatalogSelection())
        assert log.status == "running"
    log.refresh_from_db()
    assert log.status == "partial" and log.finished_at is not None
    assert (log.progress_done, log.progress_total) == (20, 20)
    assert log.counts["created"] == ROWS_IN_STORE - 2 and log.api_requests == 1
    assert CartLog.objects.filter(cart=cart).count() == 1


def fake_store(pages: list[V3Page]) -> BigCommerceSession:
    """A session whose catalog is these v3 pages, read as the BigCommerce adapter reads them."""
    store = mock.create_autospec(BigCommerceSession, instance=True)
    store.catalog_pages.return_value = iter([catalog_page(page) for page in pages])
    store.stats = RequestStats(requests=len(pages))
    return store


def test_a_description_too_long_is_shortened_with_a_warning(cart) -> None:
    product = {"id": 5, "name": "N" * 250, "sku": "LONG", "price": 2, "variants": [
        {"id": 50, "sku": "LONG-XL", "price": None, "option_values": [{"option_display_name": "Size", "label": "XL"}]}]}
    with mock.patch("carts.runs.cart_store_open", return_value=fake_store([V3Page([product], 1, 1, 1)])):
        log = cart_items_import(cart=cart, selection=CatalogSelection())
    assert log.status == "succeeded" and log.counts["created"] == 1 and log.counts["warnings"] == 1
    assert "shortened to 255 characters (it was 261)" in log.failures[0]["reason"]
    assert "1 imported with a warning" in log.summary
    assert len(Item.objects.get(sku="LONG-XL").description) == 255
    with mock.patch("carts.runs.cart_store_open", return_value=fake_store([V3Page([product], 1, 1, 1)])):
        again = cart_items_import(cart=cart, selection=CatalogSelection())
    assert again.summary == "Items import: all 1 item unchanged, 0 skipped."


def test_the_same_sku_on_pages_far_apart_is_caught(cart) -> None:
    first = {"id": 1, "name": "First", "variants": [{"id": 10, "sku": "SAME", "price": 1, "option_values": []}]}
    second = {"id": 900, "name": "Second", "variants": [{"id": 90, "sku": " SAME ", "price": 2, "option_values": []}]}
    pages = [V3Page([first], 1, 2, 2), V3Page([second], 2, 2, 2)]
    with mock.patch("carts.runs.cart_store_open", return_value=fake_store(pages)):
        log = cart_items_import(cart=cart, selection=CatalogSelection())
    assert log.counts["created"] == 1 and log.counts["skipped"] == 1
    assert "Second" in log.failures[0]["reference"] and "First" in log.failures[0]["reason"]
    assert Item.objects.get(sku="SAME").unit_price == Decimal("1.0000")


def test_the_items_tab_page_costs_one_request_and_flags_differences(cart, store, company) -> None:
    cart_items_import(cart=cart, selection=CatalogSelection(skus=("TOTEB-00001", "BLANK-00004")))
    Item.objects.filter(sku="TOTEB-00001").update(description="Renamed here")
    Item.objects.filter(sku="BLANK-00004").update(unit_price=Decimal("1.00"))
    store.store.reset_stats()
    page = cart_items_page(cart=cart, page=1, page_size=10)
    assert api_requests(store) == 1
    assert (page.page, page.total_pages, page.total_products) == (1, 2, 20)
    views = {view.row.sku: view for view in page.rows}
    assert views["TOTEB-00001"].description_differs and not views["TOTEB-00001"].price_differs
    assert views["BLANK-00004"].price_differs and not views["BLANK-00004"].description_differs
    assert views["BOWL-00005"].item is None
    assert "has no SKU" in views[""].refusal
    assert len([view for view in page.rows if view.row.product_id == 2]) == 30


def test_an_import_on_a_tight_rate_limit_waits_for_the_quota_and_finishes(company, settings) -> None:
    with SandboxServer(products=600, orders=20, rate_limit_quota=2, rate_limit_window_ms=400) as limited:
        settings.BIGCOMMERCE_EXTRA_API_HOSTS = [limited.host_port]
        cart = make_cart(company, name="Limited", api_path=limited.api_path, api_key=limited.api_key("full"),
                         allowed_hosts=AllowedHosts.from_setting([limited.host_port]))
        log = cart_items_import(cart=cart, selection=CatalogSelection())
        stats = limited.store.stats()
    assert log.status == "partial" and log.counts["skipped"] == 2  # the empty SKU and the second DUP-1001
    assert log.counts["created"] == Item.objects.filter(company=company).count() > 1000
    assert stats["by_status"].get("200") == 3  # 600 products: three pages, each fetched once it was allowed
    assert log.api_requests == stats["total_requests"]
