"""Setup > Import Data > Items (and > Stock levels): upload a CSV, check it once, preview what it would do; and the
item list as a CSV. A Stock levels file (items/stock_csv.py: its template, cells and rows) goes through the same
upload, check, preview, errors file and import as an Items file.

An upload is parsed once, when it is checked: each valid row with what importing it would do, and each
error, are kept beside it (ItemCsvUploadRow, ItemCsvUploadError), so the preview, the errors file and
the import read those and never parse the file again. A file of more than CSV_ROWS_IN_REQUEST lines is
checked on the worker with a progress bar. Importing the rows is items/csv_commit.py.
"""
from __future__ import annotations

import datetime
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from django.db import DatabaseError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from carts.runs import interruption_reason
from companies.models import Company
from items.csv_files import (
    ACCOUNT_KEYS,
    COLUMNS,
    CellError,
    Column,
    CsvFileRefused,
    ItemCsvRow,
    csv_bytes,
    decode_upload,
    items_csv_header_check,
    read_items_csv,
    template_rows,
)
from items.models import CsvUploadKind, CsvUploadState, Item, ItemCsvUpload, ItemCsvUploadError, ItemCsvUploadRow, LedgerAccount
from items.selectors import in_batches, items_by_sku, ledger_accounts
from items.stock_csv import STOCK_COLUMNS, stock_csv_actions, stock_csv_read

logger = logging.getLogger(__name__)

# Files of up to this many lines (and imports of up to this many valid rows) are handled while the merchant
# waits; larger ones on the worker, with a progress bar. Decided here, from the file itself.
CSV_ROWS_IN_REQUEST = 1000
# Lines parsed, looked up and stored at a time.
CHECK_BATCH = 1000
# Errors kept for the page and the errors file; the count stays exact beyond it.
MAX_STORED_ERRORS = 10_000
# Valid rows and errors the preview shows.
PREVIEW_ROWS = 200
# Which fields of an upload the pages need: everything but the file's text.
WITHOUT_CONTENT = ("content",)


@dataclass(frozen=True)
class CsvPreview:
    """What the check found, for the page: the first valid rows (with their values in words) and the first errors."""

    rows: list[tuple[ItemCsvUploadRow, str]]
    errors: list[ItemCsvUploadError]


def csv_columns(kind: str) -> tuple[Column, ...]:
    """The template's columns of a kind of upload."""
    return STOCK_COLUMNS if kind == CsvUploadKind.STOCK_LEVELS else COLUMNS


def items_csv_template(kind: str = CsvUploadKind.ITEMS) -> bytes:
    """The template of a kind of upload: a header row with every column and an example row."""
    return csv_bytes(template_rows(csv_columns(kind)))


def items_csv_rows(*, items: QuerySet[Item]) -> Iterator[list[object]]:
    """The template's header, then one row per item: a file that imports back unchanged."""
    yield [column.header for column in COLUMNS]
    for item in items.iterator(chunk_size=2000):
        yield [
            item.sku, item.description, item.unit_price, item.unit_of_measure, item.get_item_type_display(),
            item.income_account.name, item.cost_of_goods_sold_account.name, item.stock_asset_account.name,
            "" if item.cost_price is None else item.cost_price, item.barcode, "" if item.weight is None else item.weight,
            item.notes, "Yes" if item.active else "No",
        ]


def items_csv_upload(*, company: Company, file_name: str, data: bytes,
                     kind: str = CsvUploadKind.ITEMS) -> ItemCsvUpload:
    """Keep an uploaded file and check it (now, or on the worker when large); refuses binary, oversized and
    unreadable files and a wrong header row (CsvFileRefused)."""
    text, encoding = decode_upload(data)
    items_csv_header_check(text, csv_columns(kind))  # a wrong header is refused now, not at the preview
    upload = ItemCsvUpload.objects.create(company=company, kind=kind, file_name=file_name[:255], content=text,
                                          encoding=encoding, progress_total=_line_estimate(text))
    items_csv_check_or_start(upload=upload)
    return upload


def _line_estimate(text: str) -> int:
    """The most lines the file can have (a quoted cell may span several)."""
    return text.count("\n") + 1


def items_csv_check_or_start(*, upload: ItemCsvUpload) -> None:
    """Check a waiting upload (once): now when it is small, else on the worker; the page then shows its progress."""
    from items.tasks import items_csv_check_task  # the tasks module imports this one

    if upload.state != CsvUploadState.WAITING:
        return
    lines = upload.progress_total or _line_estimate(upload.content)
    if not csv_upload_move(upload, CsvUploadState.WAITING, CsvUploadState.CHECKING, progress_done=0, progress_total=lines):
        return  # another request took it a moment ago
    if lines <= CSV_ROWS_IN_REQUEST:
        items_csv_check(upload_id=upload.pk)
        upload.refresh_from_db(fields=["state", "counts", "checked_at", "summary", "progress_done"])
    else:
        transaction.on_commit(lambda: items_csv_check_task.delay(upload.pk))


def items_csv_check(*, upload_id: int) -> None:
    """Parse an upload being checked, once: keep its valid rows with what importing each would do, and its errors."""
    upload = ItemCsvUpload.objects.select_related("company").filter(pk=upload_id, state=CsvUploadState.CHECKING).first()
    if upload is None:  # checked already (a redelivered task), or deleted
        return
    with upload_back_on_error(upload, CsvUploadState.REFUSED):  # the merchant sees why, and may upload it again
        _forget_check(upload)  # what a check stopped half-way left
        accounts = {account.name.casefold(): account for account in ledger_accounts(company=upload.company)}
        counts = dict.fromkeys(("lines_read", "valid_rows", "invalid_lines", "errors", "create", "update", "unchanged"), 0)
        try:
            lines = (stock_csv_read(upload.content) if upload.kind == CsvUploadKind.STOCK_LEVELS
                     else read_items_csv(upload.content, accounts=accounts))
            for batch in in_batches(lines, CHECK_BATCH):
                _keep_checked(upload, batch, counts)
                items_csv_progress(upload=upload, done=counts["lines_read"])
        except CsvFileRefused as refusal:
            _forget_check(upload)
            ItemCsvUpload.objects.filter(pk=upload.pk).update(state=CsvUploadState.REFUSED, summary=str(refusal),
                                                              counts=counts, checked_at=timezone.now())
            return
        ItemCsvUpload.objects.filter(pk=upload.pk).update(state=CsvUploadState.CHECKED, counts=counts, summary="",
                                                          checked_at=timezone.now(), progress_total=counts["lines_read"])


def _keep_checked(upload: ItemCsvUpload, batch: list[tuple[ItemCsvRow | None, list[CellError]]],
                  counts: dict[str, int]) -> None:
    """Store a batch of parsed lines: valid rows with their action as of now, errors up to MAX_STORED_ERRORS."""
    valid = [row for row, errors in batch if row is not None and not errors]
    actions, refused = _actions(upload, valid)
    rows, errors = [], []
    for row, action in actions:
        counts[action] += 1
        rows.append(ItemCsvUploadRow(company_id=upload.company_id, upload=upload, line=row.line, sku=row.sku,
                                     values=_stored_values(row.values), action=action))
    counts["lines_read"] += len(batch)
    counts["invalid_lines"] += sum(1 for _, line_errors in batch if line_errors) + len({error.line for error in refused})
    for error in [error for _, line_errors in batch for error in line_errors] + refused:
        counts["errors"] += 1
        if counts["errors"] <= MAX_STORED_ERRORS:
            errors.append(ItemCsvUploadError(company_id=upload.company_id, upload=upload, line=error.line,
                                             column=error.column, value=error.value[:200], message=error.message))
    counts["valid_rows"] += len(actions)
    ItemCsvUploadRow.objects.bulk_create(rows)
    ItemCsvUploadError.objects.bulk_create(errors)


def _actions(upload: ItemCsvUpload, valid: list[ItemCsvRow]) -> tuple[list[tuple[ItemCsvRow, str]], list[CellError]]:
    """What importing each valid row would do now, and the rows its kind refuses against the item master."""
    if upload.kind == CsvUploadKind.STOCK_LEVELS:
        return stock_csv_actions(company=upload.company, rows=valid)
    existing = items_by_sku(company=upload.company, skus=[row.sku for row in valid])
    return [(row, "create" if existing.get(row.sku) is None else
             "update" if csv_row_apply(existing[row.sku], row) else "unchanged") for row in valid], []


def _forget_check(upload: ItemCsvUpload) -> None:
    ItemCsvUploadRow.objects.filter(upload=upload).delete()
    ItemCsvUploadError.objects.filter(upload=upload).delete()


def _stored_values(values: dict[str, object]) -> dict[str, object]:
    """A row's cells as JSON: accounts by id, numbers as their exact text."""
    return {key: value.pk if isinstance(value, LedgerAccount) else str(value) if isinstance(value, Decimal) else value
            for key, value in values.items() if key != "sku"}


def items_csv_progress(*, upload: ItemCsvUpload, done: int) -> None:
    """Record how far a check or an import has come (and that it is alive), for the page's progress bar."""
    ItemCsvUpload.objects.filter(pk=upload.pk).update(progress_done=done, last_progress_at=timezone.now())


def csv_upload_move(upload: ItemCsvUpload, current: str, to: str, **fields: object) -> bool:
    """Move the upload from `current` to `to` if no one else did meanwhile (a conditional update)."""
    moved = ItemCsvUpload.objects.filter(pk=upload.pk, state=current).update(state=to, last_progress_at=timezone.now(),
                                                                             **fields)
    if moved:
        upload.state = to
    return bool(moved)


@contextmanager
def upload_back_on_error(upload: ItemCsvUpload, back_to: str) -> Iterator[None]:
    """Put the upload back to `back_to` with the reason when the block raises; the exception then goes on."""
    try:
        yield
    except BaseException as error:
        logger.exception("Items CSV %s was stopped by an error", upload.pk)
        try:
            ItemCsvUpload.objects.filter(pk=upload.pk).update(state=back_to, summary=interruption_reason(error))
        except DatabaseError:  # the database is gone too: the periodic sweep puts it back later
            logger.exception("Could not put items CSV %s back after an error", upload.pk)
        raise


def items_csv_preview(*, upload: ItemCsvUpload) -> CsvPreview:
    """What the check found: the first valid rows, with their values in words, and the first errors; no parsing."""
    account_names = dict(ledger_accounts(company=upload.company).values_list("pk", "name"))
    rows = list(upload.rows.all()[:PREVIEW_ROWS])
    columns = csv_columns(upload.kind)
    return CsvPreview(rows=[(row, _values_in_words(row.values, account_names, columns)) for row in rows],
                      errors=list(upload.errors.all()[:PREVIEW_ROWS]))


def _values_in_words(values: dict[str, object], account_names: dict[int, str], columns: tuple[Column, ...]) -> str:
    """'Description: Bee · Unit Price: 3', in the template's column order (JSON keeps no order)."""
    def shown(key: str) -> object:
        return account_names.get(values[key], "?") if key in ACCOUNT_KEYS else values[key]

    return " · ".join(f"{column.header}: {shown(column.key)}" for column in columns if column.key in values)


def items_csv_errors_file(*, upload: ItemCsvUpload) -> bytes:
    """The upload's errors as a CSV file: line, column, value, what is wrong."""
    rows = [["Line", "Column", "Value", "Error"],
            *([error.line, error.column, error.value, error.message] for error in upload.errors.iterator())]
    unlisted = upload.counts.get("errors", 0) - MAX_STORED_ERRORS
    if unlisted > 0:
        rows.append(["", "", "", f"…and {unlisted:,} more errors, not listed. Correct these and upload the file again."])
    return csv_bytes(rows)


def items_csv_uploads_close_stale(*, now: datetime.datetime, stale_after: datetime.timedelta) -> int:
    """Put back uploads whose check or import made no progress for `stale_after` (the worker died): checks to be
    checked again when next opened, imports to be imported again (rows already imported are left unchanged)."""
    stale = ItemCsvUpload.objects.filter(last_progress_at__lt=now - stale_after)
    checks = stale.filter(state=CsvUploadState.CHECKING).update(
        state=CsvUploadState.WAITING, summary="The check was interrupted (the worker stopped); it starts again when "
                                              "the preview is opened.")
    imports = stale.filter(state=CsvUploadState.COMMITTING).update(
        state=CsvUploadState.CHECKED, summary="The import was interrupted (the worker stopped). Click Import again: "
                                              "rows already imported are left unchanged.")
    return checks + imports


# CSV column -> Item field, for the columns that are plain values.
CSV_ITEM_FIELDS = {
    "description": "description",
    "unit_price": "unit_price",
    "unit_of_measure": "unit_of_measure",
    "item_type": "item_type",
    "income_account": "income_account",
    "cogs_account": "cost_of_goods_sold_account",
    "stock_asset_account": "stock_asset_account",
    "cost_price": "cost_price",
    "barcode": "barcode",
    "weight": "weight",
    "notes": "notes",
    "active": "active",
}


def csv_row_apply(item: Item, row: ItemCsvRow) -> bool:
    """Set the row's non-empty cells on the item (empty cells keep what is there); whether anything changed."""
    changed = False
    for key, value in row.values.items():
        if key == "sku":
            continue
        name = CSV_ITEM_FIELDS[key]
        current = getattr(item, name + "_id") if isinstance(value, LedgerAccount) else getattr(item, name)
        wanted = value.pk if isinstance(value, LedgerAccount) else value
        if current != wanted:
            setattr(item, name, value)
            changed = True
    return changed
