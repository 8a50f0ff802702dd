"""Uploads: oversized and binary files are refused, and no CSV the product writes can run as a formula.

Through the screens: the items CSV upload (and the cart's credentials-file upload), then every CSV the
product writes — the template, the item list export and an upload's error report — read back cell by
cell, and an export of formula-like values imported again unchanged.
"""
from __future__ import annotations

import csv
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from carts.models import Cart
from items.csv_files import FORMULA_TRIGGERS, MAX_UPLOAD_BYTES
from items.models import Item, ItemCsvUpload, LedgerAccount
from items.editing import item_new
from tests.carts.factories import GUIDE_API_PATH

pytestmark = pytest.mark.django_db

HEADER = "SKU,Description,Unit Price,Income Account,Notes\r\n"
# Cells a spreadsheet would run: formulas, DDE, and the tab/CR forms some spreadsheets also evaluate.
FORMULA_CELLS = ("=1+2", "+SUM(A1:A9)", "-2+3", "@SUM(A1)", "=cmd|' /C calc'!A0", '=HYPERLINK("http://evil.example")',
                 "\t=1+1", "\r=1+1")


def png_bytes() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))


def zip_bytes(member: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(member, "SKU,Description\r\nA,b\r\n")
    return buffer.getvalue()


def upload(client, data: bytes, name: str = "items.csv"):
    return client.post(reverse("items:import"), {"file": SimpleUploadedFile(name, data, "text/csv")})


def page(response) -> str:
    return response.content.decode().replace("&gt;", ">").replace("&#x27;", "'")


def csv_cells(response) -> list[list[str]]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize(("data", "name", "message"), [
    (png_bytes(), "items.csv", "binary file, not a CSV text file"),
    (zip_bytes("items.csv"), "items.zip", "an Excel workbook (.xlsx) or another zip file"),
    (zip_bytes("[Content_Types].xml"), "items.xlsx", "an Excel workbook (.xlsx)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "items.xls", "an old Excel workbook (.xls)"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "items.pdf", "a PDF document"),
    (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04", "items.csv", "binary file"),
    ("SKU,Description\r\nA,b\r\n".encode("utf-16"), "items.csv", "binary file"),  # Excel's 'Unicode Text'
    (b"SKU,Description\r\nA,b\x1b[31m\r\n", "items.csv", "control characters"),
])
def test_binary_files_are_refused_saying_how_to_save_a_csv(merchant_client, data, name, message) -> None:
    response = upload(merchant_client, data, name)
    assert response.status_code == 200 and message in page(response)
    assert "Save As" in page(response)
    assert not ItemCsvUpload.objects.exists()


def test_a_file_at_the_limit_is_read_and_one_byte_over_is_refused(merchant_client) -> None:
    line = "SKU-{:06d}," + "d" * 240 + "\r\n"
    rows = HEADER.split(",")[0] + ",Description\r\n"
    count = (MAX_UPLOAD_BYTES - len(rows)) // len(line.format(0))
    text = rows + "".join(line.format(number) for number in range(count))
    at_limit = text.encode() + b"x" * (MAX_UPLOAD_BYTES - len(text.encode()) - 2) + b"\r\n"
    assert len(at_limit) == MAX_UPLOAD_BYTES
    assert upload(merchant_client, at_limit).status_code == 302  # read, kept for its preview
    over = upload(merchant_client, at_limit + b"x")
    assert over.status_code in {200, 413} and "the limit is 10 MB" in page(over)
    assert ItemCsvUpload.objects.count() == 1


def test_a_far_larger_upload_is_refused_before_it_is_read(merchant_client, monkeypatch) -> None:
    read = []
    monkeypatch.setattr("django.http.request.HttpRequest.read", lambda request, *args: read.append(args) or b"")
    response = merchant_client.post(reverse("items:import"),
                                    {"file": SimpleUploadedFile("big.csv", b"S" * (MAX_UPLOAD_BYTES + 512 * 1024))})
    assert response.status_code == 413 and "Split it into smaller files" in page(response)
    assert read == [] and not ItemCsvUpload.objects.exists()


@pytest.mark.parametrize(("data", "message"), [
    (png_bytes(), "not a text file"),
    (b"ACCESS TOKEN: abc\n" + b"x" * 20_000, "too large to be BigCommerce's credentials .txt"),
])
def test_the_credentials_file_upload_refuses_binary_and_oversized_files(merchant_client, data, message) -> None:
    response = merchant_client.post(reverse("carts:new"), {
        "name": "Store BC", "api_path": GUIDE_API_PATH, "api_version": "3", "import_as": "cash_sale",
        "auto_sync": "stopped", "sync_interval_minutes": "15", "web_customer_name": "Web customer",
        "credentials_file": SimpleUploadedFile("credentials.txt", data, "text/plain")})
    assert response.status_code == 200 and message in page(response)
    assert not Cart.objects.exists()


def test_an_uploaded_file_name_is_shown_as_text_never_as_markup(merchant_client) -> None:
    response = upload(merchant_client, b"SKU,Description\r\nA,b\r\n", name='<img src=x onerror="alert(1)">.csv')
    preview = merchant_client.get(response.url).content.decode()
    assert "<img src=x" not in preview and "&lt;img src=x" in preview


def assert_no_cell_runs(rows: list[list[str]], where: str) -> None:
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_TRIGGERS), f"{where} has a cell a spreadsheet would run: {cell!r}"


def test_every_csv_the_product_writes_escapes_formulas_and_imports_back_unchanged(company, merchant_client) -> None:
    account = LedgerAccount.objects.create(company=company, name="=Sales+1", account_type="income")
    for position, formula in enumerate(FORMULA_CELLS):
        item = item_new(company=company, sku=f"{formula[:8]}#{position}")
        item.description, item.notes, item.income_account = formula, formula, account
        item.unit_price = Decimal("1.5000")
        item.save()
    before = {item.sku: (item.description, item.notes, item.income_account_id) for item in Item.objects.all()}

    exported = csv_cells(merchant_client.get(reverse("items:export")))
    assert_no_cell_runs(exported, "the item list export")
    assert any(cell == "'=cmd|' /C calc'!A0" for row in exported for cell in row)
    assert_no_cell_runs(csv_cells(merchant_client.get(reverse("items:import_template"))), "the template")

    errors_upload = upload(merchant_client, (HEADER + "".join(
        f"BAD-{number},{formula},{formula},{formula},{formula}\r\n" for number, formula in enumerate(FORMULA_CELLS[:6])
    )).encode())
    errors = csv_cells(merchant_client.get(reverse("items:import_errors", args=[
        ItemCsvUpload.objects.get(pk=int(errors_upload.url.rstrip("/").rsplit("/", 1)[1])).pk])))
    assert len(errors) > 6
    assert_no_cell_runs(errors, "the error report")

    buffer = io.StringIO()
    csv.writer(buffer).writerows(exported)
    again = upload(merchant_client, buffer.getvalue().encode("utf-8"), name="exported.csv")
    preview = page(merchant_client.get(again.url))
    assert f"Unchanged</dt><dd>{len(FORMULA_CELLS)}" in preview and "Lines with errors</dt><dd>0" in preview
    merchant_client.post(reverse("items:import_commit", args=[int(again.url.rstrip("/").rsplit("/", 1)[1])]),
                         {"mode": "all_or_nothing"})
    assert {item.sku: (item.description, item.notes, item.income_account_id) for item in Item.objects.all()} == before
