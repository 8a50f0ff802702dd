"""An Items CSV is parsed once per upload; large files are checked and imported on the worker with a progress bar."""
from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.utils import timezone

from items import csv_files, csv_import
from items.csv_import import CSV_ROWS_IN_REQUEST
from items.models import CsvUploadState, Item, ItemCsvUpload, LedgerAccount
from operations.tasks import stale_runs_close_task
from tests.items.test_views import body, upload

pytestmark = pytest.mark.django_db

HEADER = "SKU,Description,Unit Price,Income Account\r\n"


def rows(count: int, *, start: int = 1) -> str:
    return "".join(f"SKU-{number:06d},Item {number},{number}.50,Sales\r\n" for number in range(start, start + count))


def stored(response) -> ItemCsvUpload:
    return ItemCsvUpload.objects.get(pk=int(response.url.rstrip("/").rsplit("/", 1)[1]))


def test_the_file_is_parsed_once_whatever_is_viewed_downloaded_or_imported(company, merchant_client) -> None:
    with mock.patch.object(csv_import, "read_items_csv", wraps=csv_files.read_items_csv) as parsed:
        response = upload(merchant_client, HEADER + rows(3) + "BAD-1,,abc,Sales\r\n")
        for _ in range(3):
            assert "New items</dt><dd>3" in body(merchant_client.get(response.url))
        assert body(merchant_client.get(response.url + "errors.csv")).count("\n") == 2
        merchant_client.post(response.url + "commit/", {"mode": "valid_rows_only"})
    assert parsed.call_count == 1
    assert Item.objects.filter(company=company).count() == 3


def test_a_large_file_is_checked_on_the_worker_with_progress(
    company, merchant_client, eager_celery, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = upload(merchant_client, HEADER + rows(CSV_ROWS_IN_REQUEST + 1))
    upload_row = stored(response)
    assert upload_row.state == CsvUploadState.CHECKING and not upload_row.rows.exists()
    page = body(merchant_client.get(response.url))
    assert 'id="upload-progress"' in page and "The file is being checked in the background" in page
    assert 'id="commit-import"' not in page
    assert len(callbacks) == 1
    callbacks[0]()
    progress = merchant_client.get(response.url + "progress/").json()
    assert progress["status"] == "checked" and progress["finished"] is True
    assert progress["done"] == progress["total"] == CSV_ROWS_IN_REQUEST + 1
    page = body(merchant_client.get(response.url))
    assert f"New items</dt><dd>{CSV_ROWS_IN_REQUEST + 1:,}" in page and 'id="commit-import"' in page
    assert "(the first 200 of 1,001)" in page


def test_a_large_import_runs_on_the_worker_once_however_often_it_is_clicked(
    company, merchant_client, eager_celery, django_capture_on_commit_callbacks
) -> None:
    count = CSV_ROWS_IN_REQUEST + 1
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(merchant_client, HEADER + rows(count))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        started = merchant_client.post(response.url + "commit/", follow=True)
        again = merchant_client.post(response.url + "commit/", follow=True)
    assert "The file is being imported in the background; its progress shows below." in body(started)
    assert 'id="upload-progress"' in body(started) and not Item.objects.exists()
    assert "This file is being imported now; its progress shows on its preview." in body(again)
    assert len(callbacks) == 1
    callbacks[0]()
    assert Item.objects.filter(company=company).count() == count
    done = stored(response)
    assert done.state == CsvUploadState.COMMITTED and done.summary.startswith("1,001 created, 0 updated, 0 unchanged")
    assert f"Imported {timezone.localtime(done.committed_at):%-d %b %Y}" in body(merchant_client.get(response.url))


def test_an_import_whose_worker_died_is_put_back_and_imported_again_without_doubles(
    company, merchant_client, settings, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(merchant_client, HEADER + rows(CSV_ROWS_IN_REQUEST + 1))
    with django_capture_on_commit_callbacks(execute=False):
        merchant_client.post(response.url + "commit/")  # queued, and the worker dies before finishing it
    upload_row = stored(response)
    Item.objects.create(company=company, sku="SKU-000001", description="Item 1", unit_price="1.50",
                        income_account=LedgerAccount.objects.get(company=company, name="Sales"),
                        cost_of_goods_sold_account=company.accounting_defaults.cost_of_goods_sold_account,
                        stock_asset_account=company.accounting_defaults.stock_asset_account)  # what it wrote
    ItemCsvUpload.objects.filter(pk=upload_row.pk).update(last_progress_at=timezone.now() - datetime.timedelta(hours=2))

    stale_runs_close_task()

    page = body(merchant_client.get(response.url))
    assert "The import was interrupted (the worker stopped). Click Import again" in page and 'id="commit-import"' in page
    with django_capture_on_commit_callbacks(execute=True):
        merchant_client.post(response.url + "commit/")
    assert Item.objects.filter(company=company).count() == CSV_ROWS_IN_REQUEST + 1
    assert stored(response).summary.startswith("1,000 created, 0 updated, 1 unchanged")


def test_a_file_found_unreadable_while_checked_on_the_worker_is_refused_with_the_reason(
    company, merchant_client, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    monkeypatch.setattr(csv_files, "MAX_ROWS", CSV_ROWS_IN_REQUEST)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(merchant_client, HEADER + rows(CSV_ROWS_IN_REQUEST + 1))
    refused = stored(response)
    assert refused.state == CsvUploadState.REFUSED and not refused.rows.exists()
    page = body(merchant_client.get(response.url))
    assert "The file has more than 1,000 rows. Split it into smaller files." in page
    assert "not imported" not in page and 'id="commit-import"' not in page


def test_an_account_deleted_between_the_check_and_the_import_skips_its_rows(company, merchant_client) -> None:
    LedgerAccount.objects.create(company=company, name="Temporary", account_type="income")
    response = upload(merchant_client, HEADER + "A-1,One,1,Sales\r\nB-2,Two,2,Temporary\r\n")
    body(merchant_client.get(response.url))
    LedgerAccount.objects.filter(company=company, name="Temporary").delete()
    merchant_client.post(response.url + "commit/")
    assert list(Item.objects.filter(company=company).values_list("sku", flat=True)) == ["A-1"]
    assert "1 row naming an account deleted since the check skipped" in stored(response).summary


def test_errors_beyond_those_kept_are_counted_in_the_errors_file(company, merchant_client, monkeypatch) -> None:
    monkeypatch.setattr(csv_import, "MAX_STORED_ERRORS", 2)
    response = upload(merchant_client, HEADER + "".join(f"E-{number},,x{number},Sales\r\n" for number in range(5)))
    lines = body(merchant_client.get(response.url + "errors.csv")).splitlines()
    assert len(lines) == 4 and lines[-1] == ",,,\"…and 3 more errors, not listed. Correct these and upload the file again.\""
    assert "Lines with errors</dt><dd>5" in body(merchant_client.get(response.url))


def test_a_check_stopped_by_an_unforeseen_error_says_so_on_the_preview(company, merchant_client) -> None:
    with mock.patch.object(csv_import, "_keep_checked", side_effect=RuntimeError("a slip")), \
            pytest.raises(RuntimeError):
        upload(merchant_client, HEADER + rows(2))
    refused = ItemCsvUpload.objects.get(company=company)
    assert refused.state == CsvUploadState.REFUSED
    page = body(merchant_client.get(f"/setup/import-data/items/{refused.pk}/"))
    assert "Stopped: an unexpected error stopped it (RuntimeError; the details are in the server" in page
    assert 'id="commit-import"' not in page
