"""Setup > Import Data > Stock levels: the items CSV machinery (template, check once, preview, line errors, import)
with its own template; each changed level a recorded movement naming the file."""
from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from items.csv_import import CSV_ROWS_IN_REQUEST
from items.editing import item_new
from items.models import CsvUploadState, Item, ItemCsvUpload, ItemType, StockMovement, StockMovementKind
from items.stock import stock_set
from tests.items.test_views import body

pytestmark = pytest.mark.django_db

PAGE = "/setup/import-data/stock-levels/"


def make_item(company, sku: str, item_type: str = ItemType.STOCK) -> Item:
    item = item_new(company=company, sku=sku, item_type=item_type)
    item.save()
    return item


def upload(merchant_client, text: str, name: str = "count.csv"):
    return merchant_client.post(PAGE, {"file": SimpleUploadedFile(name, text.encode("utf-8"), "text/csv")})


def stored(response) -> ItemCsvUpload:
    return ItemCsvUpload.objects.get(pk=int(response.url.rstrip("/").rsplit("/", 1)[1]))


def test_the_template_has_sku_on_hand_and_reason_with_an_example(merchant_client) -> None:
    header, example = list(csv.reader(io.StringIO(body(merchant_client.get(PAGE + "template.csv")))))
    assert header == ["SKU", "On Hand", "Reason"] and example[1] == "25"
    assert 'id="download-template"' in body(merchant_client.get(PAGE))


def test_a_file_is_previewed_with_line_errors_then_the_valid_rows_set_on_hand(company, merchant_client) -> None:
    mug, cap = make_item(company, "MUG-1"), make_item(company, "CAP-1")
    make_item(company, "EBOOK", ItemType.NON_STOCK)
    stock_set(item=cap, on_hand=4, reason="Count")
    response = upload(merchant_client, "SKU,On Hand,Reason\r\nMUG-1,12,Year-end count\r\nCAP-1,4,\r\n"
                                       "NOPE,3,\r\nEBOOK,1,\r\nMUG-1,2,\r\nBAD,-2,\r\nEMPTY,,\r\n")
    upload_row = stored(response)
    assert upload_row.state == CsvUploadState.CHECKED
    assert {key: upload_row.counts[key] for key in ("lines_read", "valid_rows", "invalid_lines", "update", "unchanged")} == {
        "lines_read": 7, "valid_rows": 2, "invalid_lines": 5, "update": 1, "unchanged": 1}
    page = body(merchant_client.get(response.url))
    assert "Stock levels changed</dt><dd>1" in page
    assert "No item has this SKU" in page and "only stock items hold stock" in page
    assert "The SKU is also on line 2" in page and "is not a whole number of units" in page
    assert "The quantity on hand is empty" in page

    refused = merchant_client.post(response.url + "commit/", {"mode": "all_or_nothing"}, follow=True)
    assert "Nothing was imported: 5 lines have errors" in body(refused)
    assert Item.objects.get(pk=mug.pk).on_hand == 0

    merchant_client.post(response.url + "commit/", {"mode": "valid_rows_only"})
    upload_row.refresh_from_db()
    assert upload_row.state == CsvUploadState.COMMITTED
    assert upload_row.summary == "1 stock levels set, 1 unchanged, 5 lines with errors skipped."
    movement = StockMovement.objects.get(item=mug)
    assert (movement.kind, movement.quantity, movement.reason, movement.reference) == (
        StockMovementKind.IMPORT, 12, "Year-end count", "file count.csv")
    assert Item.objects.get(pk=cap.pk).on_hand == 4 and StockMovement.objects.filter(item=cap).count() == 1


def test_a_wrong_header_is_refused_before_anything_is_kept(company, merchant_client) -> None:
    response = upload(merchant_client, "SKU,Quantity\r\nMUG-1,3\r\n")
    assert response.status_code == 200
    assert "column 2 &#x27;Quantity&#x27; is not a template column" in body(response)
    assert "The columns are: SKU, On Hand, Reason" in body(response)
    assert not ItemCsvUpload.objects.exists()


def test_a_large_file_is_checked_and_imported_on_the_worker(company, merchant_client, eager_celery,
                                                            django_capture_on_commit_callbacks) -> None:
    count = CSV_ROWS_IN_REQUEST + 5
    for number in range(count):
        make_item(company, f"SKU-{number:05d}")
    text = "SKU,On Hand\r\n" + "".join(f"SKU-{number:05d},{number % 9}\r\n" for number in range(count))
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(merchant_client, text)  # checked on the worker
    assert stored(response).state == CsvUploadState.CHECKED
    with django_capture_on_commit_callbacks(execute=True):
        merchant_client.post(response.url + "commit/", {"mode": "all_or_nothing"})  # imported on the worker
    upload_row = stored(response)
    assert upload_row.state == CsvUploadState.COMMITTED
    changed = sum(1 for number in range(count) if number % 9)
    assert upload_row.summary == f"{changed:,} stock levels set, {count - changed:,} unchanged, 0 lines with errors skipped."
    assert Item.objects.get(company=company, sku="SKU-00017").on_hand == 17 % 9


def test_a_digit_that_is_not_a_number_is_named_as_not_a_whole_number(company, merchant_client) -> None:
    make_item(company, "MUG-1")
    page = body(merchant_client.get(upload(merchant_client, "SKU,On Hand\r\nMUG-1,²\r\n").url))
    assert "&#x27;²&#x27; is not a whole number of units, e.g. 25." in page and "invalid literal" not in page
