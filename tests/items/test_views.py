"""The item screens as a merchant uses them: Setup > Items, Accounting defaults, Import Data > Items, Items (Cart)."""
from __future__ import annotations

import codecs
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from carts.models import CartLog
from items.cart_import import ITEMS_IN_REQUEST
from items.csv_files import MAX_UPLOAD_BYTES
from items.editing import item_new
from items.forms import MAX_SELECTED_ROWS
from items.models import AccountingDefaults, Item, ItemCartLink, ItemCsvUpload, LedgerAccount
from tests.items.conftest import api_requests

pytestmark = pytest.mark.django_db


def make_item(company, sku: str, description: str = "", price: str = "1.00") -> Item:
    item = item_new(company=company, sku=sku)
    item.description, item.unit_price = description, Decimal(price)
    item.save()
    return item


def body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8-sig")


def upload(merchant_client, text: str | bytes, name: str = "items.csv"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return merchant_client.post("/setup/import-data/items/", {"file": SimpleUploadedFile(name, data, "text/csv")})


# --- Setup > Items -------------------------------------------------------------------------------------


def test_the_item_list_searches_sku_and_description(company, merchant_client) -> None:
    make_item(company, "MUG-1", "Blue mug")
    make_item(company, "BOWL-1", "Mug-shaped bowl")
    make_item(company, "JAR-1", "Jar")
    page = body(merchant_client.get("/setup/items/", {"q": "mug"}))
    assert "MUG-1" in page and "BOWL-1" in page and "JAR-1" not in page
    assert "2 items" in page


def test_the_item_list_pages_fifty_at_a_time(company, merchant_client) -> None:
    for number in range(55):
        make_item(company, f"SKU-{number:03d}")
    first, second = body(merchant_client.get("/setup/items/")), body(merchant_client.get("/setup/items/", {"page": 2}))
    assert "SKU-049" in first and "SKU-050" not in first and "Page 1 of 2" in first
    assert "SKU-050" in second and "SKU-054" in second


def test_the_item_page_edits_the_extra_data(company, merchant_client) -> None:
    item = make_item(company, "MUG-1", "Blue mug")
    form = merchant_client.get(f"/setup/items/{item.pk}/")
    assert "Blue mug" in body(form)
    response = merchant_client.post(f"/setup/items/{item.pk}/", {
        "sku": " MUG-1 ", "description": "Blue mug 350 ml", "unit_price": "4.5", "unit_of_measure": "Each",
        "item_type": "stock", "income_account": item.income_account_id,
        "cost_of_goods_sold_account": item.cost_of_goods_sold_account_id,
        "stock_asset_account": item.stock_asset_account_id, "cost_price": "1.25", "barcode": "501234",
        "weight": "0.35", "notes": "Fragile", "active": "on"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.sku, item.description, item.unit_price, item.cost_price, item.barcode, item.notes) == (
        "MUG-1", "Blue mug 350 ml", Decimal("4.5000"), Decimal("1.2500"), "501234", "Fragile")


def test_notes_longer_than_an_import_cell_are_refused(company, merchant_client) -> None:
    item = make_item(company, "MUG-1")
    response = merchant_client.post(f"/setup/items/{item.pk}/", {
        "sku": "MUG-1", "unit_price": "1", "unit_of_measure": "Each", "item_type": "stock",
        "income_account": item.income_account_id, "cost_of_goods_sold_account": item.cost_of_goods_sold_account_id,
        "stock_asset_account": item.stock_asset_account_id, "notes": "n" * 10_001})
    assert response.status_code == 200
    assert "Ensure this value has at most 10000 characters (it has 10001)." in body(response)
    item.refresh_from_db()
    assert item.notes == ""


@pytest.mark.parametrize(("field", "says"), [("unit_price", "The price is negative"),
                                           ("cost_price", "The cost price is negative"),
                                           ("weight", "The weight is negative")])
def test_a_negative_amount_is_refused_as_an_items_csv_refuses_it(company, merchant_client, field, says) -> None:
    item = make_item(company, "MUG-1")
    response = merchant_client.post(f"/setup/items/{item.pk}/", {
        "sku": "MUG-1", "unit_price": "1", "unit_of_measure": "Each", "item_type": "stock",
        "income_account": item.income_account_id, "cost_of_goods_sold_account": item.cost_of_goods_sold_account_id,
        "stock_asset_account": item.stock_asset_account_id, field: "-2"})
    assert response.status_code == 200 and f"{says}; use 0 or more." in body(response)
    item.refresh_from_db()
    assert getattr(item, field) != Decimal("-2")  # nothing saved


def test_an_item_cannot_take_another_items_sku(company, merchant_client) -> None:
    make_item(company, "TAKEN")
    item = make_item(company, "MINE")
    response = merchant_client.post(f"/setup/items/{item.pk}/", {
        "sku": "TAKEN", "unit_price": "1", "unit_of_measure": "Each", "item_type": "stock",
        "income_account": item.income_account_id, "cost_of_goods_sold_account": item.cost_of_goods_sold_account_id,
        "stock_asset_account": item.stock_asset_account_id})
    assert response.status_code == 200
    assert "Another item already has the SKU &#x27;TAKEN&#x27;" in body(response)
    item.refresh_from_db()
    assert item.sku == "MINE"


def test_a_new_item_starts_with_the_accounting_defaults(company, merchant_client) -> None:
    page = body(merchant_client.get("/setup/items/new/"))
    defaults = AccountingDefaults.objects.get(company=company)
    assert f'value="{defaults.income_account_id}" selected' in page
    assert 'value="Each"' in page


# --- Setup > Accounting defaults -------------------------------------------------------------------------


def test_accounting_defaults_change_what_new_items_take(company, merchant_client) -> None:
    assert merchant_client.post("/setup/accounting-defaults/accounts/new/", {
        "name": "Web Sales", "account_type": "income"}).status_code == 302
    web_sales = LedgerAccount.objects.get(company=company, name="Web Sales")
    defaults = AccountingDefaults.objects.get(company=company)
    response = merchant_client.post("/setup/accounting-defaults/", {
        "income_account": web_sales.pk, "cost_of_goods_sold_account": defaults.cost_of_goods_sold_account_id,
        "stock_asset_account": defaults.stock_asset_account_id, "unit_of_measure": "Box",
        "non_stock_income_account": defaults.non_stock_income_account_id,
        "non_stock_expense_account": defaults.non_stock_expense_account_id})
    assert response.status_code == 302
    item = item_new(company=company, sku="NEW-1")
    assert (item.income_account.name, item.unit_of_measure) == ("Web Sales", "Box")


def test_an_account_name_is_unique_whatever_its_case(company, merchant_client) -> None:
    response = merchant_client.post("/setup/accounting-defaults/accounts/new/", {"name": "sales", "account_type": "income"},
                                    follow=True)
    assert "There is already an account named &#x27;sales&#x27;." in body(response)
    assert LedgerAccount.objects.filter(company=company).count() == 3


def test_the_defaults_page_lists_the_chart_with_the_three_seeded_accounts(merchant_client) -> None:
    page = body(merchant_client.get("/setup/accounting-defaults/"))
    for name in ("Sales", "Cost of Goods Sold", "Stock Asset"):
        assert f"<td>{name}</td>" in page


# --- Setup > Import Data > Items ---------------------------------------------------------------------------


def test_the_template_downloads_as_csv_with_a_header_and_an_example(merchant_client) -> None:
    response = merchant_client.get("/setup/import-data/items/template.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    lines = body(response).splitlines()
    assert lines[0].startswith("SKU,Description,Unit Price,Unit of Measure") and lines[1].startswith("TSHIRT-RED-L,")


def test_an_upload_is_previewed_then_committed_creating_and_updating_by_sku(company, merchant_client) -> None:
    make_item(company, "A-1", "Old", "1.00")
    Item.objects.filter(sku="A-1").update(barcode="keep-me")
    response = upload(merchant_client, "SKU,Description,Unit Price,Cost Price\r\nA-1,New name,2.50,\r\nB-2,Bee,3,1.5\r\n")
    stored = ItemCsvUpload.objects.get(company=company)
    assert response.status_code == 302 and response.url == f"/setup/import-data/items/{stored.pk}/"
    preview = body(merchant_client.get(response.url))
    assert "New items</dt><dd>1" in preview and "Items updated</dt><dd>1" in preview
    assert "Description: Bee · Unit Price: 3 · Cost Price: 1.5" in preview
    assert not Item.objects.filter(sku="B-2").exists()  # nothing is written by the preview
    done = merchant_client.post(f"/setup/import-data/items/{stored.pk}/commit/", follow=True)
    assert "1 created, 1 updated, 0 unchanged" in body(done)
    updated = Item.objects.get(sku="A-1")
    assert (updated.description, updated.unit_price, updated.barcode) == ("New name", Decimal("2.5000"), "keep-me")
    created = Item.objects.get(sku="B-2")
    assert (created.cost_price, created.income_account.name, created.unit_of_measure) == (Decimal("1.5000"), "Sales", "Each")
    again = merchant_client.post(f"/setup/import-data/items/{stored.pk}/commit/", follow=True)
    assert "already imported" in body(again)


def test_all_or_nothing_refuses_a_file_with_errors_and_valid_rows_only_skips_them(company, merchant_client) -> None:
    response = upload(merchant_client, "SKU,Unit Price,Income Account\r\nA-1,1,Sales\r\nB-2,abc,Sales\r\nC-3,1,Nowhere\r\n")
    preview = body(merchant_client.get(response.url))
    assert "Lines with errors</dt><dd>2" in preview
    assert "&#x27;abc&#x27; is not a number" in preview and "no ledger account named &#x27;Nowhere&#x27;" in preview
    commit_url = response.url + "commit/"
    refused = body(merchant_client.post(commit_url, {"mode": "all_or_nothing"}, follow=True))
    assert "Nothing was imported: 2 lines have errors" in refused
    assert not Item.objects.filter(company=company).exists()
    body(merchant_client.post(commit_url, {"mode": "valid_rows_only"}, follow=True))
    assert list(Item.objects.filter(company=company).values_list("sku", flat=True)) == ["A-1"]


def test_the_errors_download_lists_line_column_and_reason_with_formulas_escaped(merchant_client) -> None:
    response = upload(merchant_client, "SKU,Unit Price\r\nA-1,=1+2\r\n")
    errors = merchant_client.get(response.url + "errors.csv")
    assert errors["Content-Type"].startswith("text/csv")
    lines = body(errors).splitlines()
    assert lines[0] == "Line,Column,Value,Error"
    assert lines[1].startswith("2,Unit Price,'=1+2,")


@pytest.mark.parametrize(("data", "message"), [
    (b"PK\x03\x04\x14\x00\x06\x00", "Excel workbook (.xlsx)"),
    (b"SKU\r\n\x00\x01\x02", "binary file"),
    (b"SKU,Colour\r\nA,red\r\n", "The header row is wrong"),
])
def test_files_that_are_not_item_csvs_are_refused_on_the_page(company, merchant_client, data, message) -> None:
    response = upload(merchant_client, data)
    assert response.status_code == 200 and message in body(response).replace("&gt;", ">")
    assert not ItemCsvUpload.objects.exists()


def test_an_oversized_file_is_refused_before_it_is_read(merchant_client, settings) -> None:
    response = upload(merchant_client, b"SKU\r\n" + b"A" * MAX_UPLOAD_BYTES)
    assert "the limit is 10 MB" in body(response)
    assert not ItemCsvUpload.objects.exists()


def test_a_far_larger_upload_is_refused_from_its_length_before_it_is_read(merchant_client) -> None:
    response = upload(merchant_client, b"SKU\r\n" + b"A" * (MAX_UPLOAD_BYTES + 200 * 1024))
    assert response.status_code == 413
    assert "the limit is 10 MB. Split it into smaller files" in body(response)
    assert not ItemCsvUpload.objects.exists()


def test_the_upload_still_needs_the_csrf_token(user) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post("/setup/import-data/items/", {"file": SimpleUploadedFile("a.csv", b"SKU\r\nA\r\n")})
    assert response.status_code == 403
    assert not ItemCsvUpload.objects.exists()


def test_the_item_list_downloads_as_csv_that_imports_back_unchanged(company, merchant_client) -> None:
    make_item(company, "-DASH", "=HYPERLINK(\"http://evil\")", "3.25")
    make_item(company, "PLAIN", "Café crème, 350 ml", "1.10")
    exported = merchant_client.get("/setup/items/export.csv")
    text = body(exported)
    assert "'-DASH" in text and "'=HYPERLINK" in text
    response = upload(merchant_client, codecs.BOM_UTF8 + text.encode("utf-8"))
    preview = body(merchant_client.get(response.url))
    assert "Unchanged</dt><dd>2" in preview and "Lines with errors</dt><dd>0" in preview


# --- the cart's Items (Cart) tab ----------------------------------------------------------------------------


def test_the_tab_asks_the_store_nothing_until_list_items_or_a_search(cart, store, merchant_client) -> None:
    store.store.reset_stats()
    page = body(merchant_client.get(f"/setup/carts/{cart.pk}/items/"))
    assert "List Items" in page and "Export Selected Items" in page
    assert api_requests(store) == 0


def test_list_items_shows_a_page_of_rows_from_one_request(cart, store, company, merchant_client) -> None:
    make_item(company, "TOTEB-00001", "Coastal Wool Tote Bag #1", "9.99")
    store.store.reset_stats()
    page = body(merchant_client.get(f"/setup/carts/{cart.pk}/items/", {"list": 1}))
    assert api_requests(store) == 1
    assert "Premium Ceramic Apron #2 — Size: S, Colour: Red" in page
    assert "Price here: 9.99</span>" in page  # two decimals; the currency shows once Test Connection named it
    assert "Cannot be imported: It has no SKU in BigCommerce" in page
    assert "Import all 20 products matching (the whole catalog)" in page


def test_a_search_lists_only_matching_products(cart, store, merchant_client) -> None:
    page = body(merchant_client.get(f"/setup/carts/{cart.pk}/items/", {"q": "APRON-00002"}))
    assert "APRON-00002-S-RED" in page and "TOTEB-00001" not in page
    assert "Import all 1 product matching “APRON-00002”" in page


def test_a_store_that_cannot_be_read_says_why_on_the_tab(cart, store, merchant_client) -> None:
    store.store.revoke_account("full")
    page = body(merchant_client.get(f"/setup/carts/{cart.pk}/items/", {"list": 1}))
    assert "The store could not be read: BigCommerce refused the access token (401)" in page


def test_import_selected_items_imports_the_ticked_rows_and_reports_it(cart, store, company, merchant_client) -> None:
    product = store.store.examples()["simple_product"]
    variant = store.store.catalog.product(product).variants[0].id
    response = merchant_client.post(f"/setup/carts/{cart.pk}/items/import/", {
        "scope": "selected", "selected": [f"{product}:{variant}"], "q": "", "page": "1", "total": "20"}, follow=True)
    page = body(response)
    assert "Items import: 1 created, 0 updated, 0 unchanged, 0 skipped." in page
    assert "Last items import" in page
    item = Item.objects.get(company=company)
    assert item.sku == "TOTEB-00001" and ItemCartLink.objects.get(item=item).variant_id == variant


def test_importing_with_nothing_ticked_says_what_to_do(cart, merchant_client) -> None:
    response = merchant_client.post(f"/setup/carts/{cart.pk}/items/import/", {"scope": "selected"}, follow=True)
    assert "No rows were selected" in body(response)
    assert not CartLog.objects.exists()


def test_all_matching_runs_in_the_background_whatever_total_the_browser_sends(
    cart, store, company, merchant_client, eager_celery, django_capture_on_commit_callbacks
) -> None:
    store.store.reset_stats()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        started = merchant_client.post(f"/setup/carts/{cart.pk}/items/import/", {
            "scope": "all", "q": "", "page": "1", "total": "3"})
    assert api_requests(store) == 0  # the request decided without asking the store
    assert len(callbacks) == 1  # the task, queued after commit
    response = merchant_client.get(started.url)
    assert "The import is running in the background; its progress shows below." in body(response)
    log = CartLog.objects.get(cart=cart)
    assert log.status == "running" and f'id="log-progress-{log.pk}"' in body(response)
    callbacks[0]()
    log.refresh_from_db()
    assert log.status == "partial" and log.counts["created"] == 83
    assert Item.objects.filter(company=company).count() == 83


def test_more_ticked_rows_than_a_request_imports_run_in_the_background(
    cart, store, company, merchant_client, django_capture_on_commit_callbacks
) -> None:
    product = store.store.examples()["simple_product"]
    variant = store.store.catalog.product(product).variants[0].id
    ticked = [f"{product}:{variant}", *(f"{900_000 + number}:1" for number in range(ITEMS_IN_REQUEST))]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        merchant_client.post(f"/setup/carts/{cart.pk}/items/import/", {"scope": "selected", "selected": ticked[:-1]})
    assert callbacks == [] and CartLog.objects.get(cart=cart).finished_at is not None  # 250 rows: while waiting
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        merchant_client.post(f"/setup/carts/{cart.pk}/items/import/", {"scope": "selected", "selected": ticked})
    assert len(callbacks) == 1
    assert CartLog.objects.filter(cart=cart, status="running").count() == 1


def test_more_rows_than_the_form_takes_are_refused_with_what_to_do(cart, merchant_client) -> None:
    ticked = [f"{number}:1" for number in range(1, MAX_SELECTED_ROWS + 2)]
    response = merchant_client.post(f"/setup/carts/{cart.pk}/items/import/", {"scope": "selected", "selected": ticked},
                                    follow=True)
    assert "At most 5,000 rows can be selected; import all matching instead." in body(response)
    assert not CartLog.objects.exists()


def test_a_running_import_shows_its_progress_bar(cart, company, merchant_client) -> None:
    log = CartLog.objects.create(company=company, cart=cart, kind="items_import", progress_done=500, progress_total=10000)
    page = body(merchant_client.get(f"/setup/carts/{cart.pk}/items/"))
    assert f'data-progress-url="/setup/carts/{cart.pk}/log/{log.pk}/progress/"' in page
    assert "500 of 10,000" in page
