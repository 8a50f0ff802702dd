"""Importing a checked Items CSV: create or update items by SKU from its stored rows, a batch at a time.

Up to CSV_ROWS_IN_REQUEST valid rows are imported while the merchant waits, more on the worker with a
progress bar; whichever, the rows come from the check (the file is not parsed again). Each batch is its
own transaction, merged again when another import saved the same SKUs meanwhile. Importing again is
harmless (rows already imported are unchanged), so an import the worker did not finish is simply
started again from the preview.
"""
from __future__ import annotations

import logging
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from carts.platforms.base import InvalidInput, NotReady
from companies.models import Company
from items.csv_files import ACCOUNT_KEYS, DECIMAL_KEYS, ItemCsvRow
from items.csv_import import (
    CSV_ITEM_FIELDS,
    CSV_ROWS_IN_REQUEST,
    csv_upload_move,
    csv_row_apply,
    items_csv_progress,
    upload_back_on_error,
)
from items.editing import item_new
from items.ledger import accounting_defaults_for
from items.models import (
    AccountingDefaults,
    CsvUploadKind,
    CsvUploadState,
    Item,
    ItemCsvUpload,
    ItemCsvUploadRow,
    ItemType,
    LedgerAccount,
)
from items.selectors import LOOKUP_BATCH_SIZE, in_batches, items_by_sku, ledger_accounts
from items.stock_csv import stock_csv_write

logger = logging.getLogger(__name__)

# Writing a batch again after another import saved the same SKUs meanwhile.
MERGE_ATTEMPTS = 3


def items_csv_commit_in_background(*, upload: ItemCsvUpload) -> bool:
    """Whether importing the upload runs on the worker: more valid rows than a request imports."""
    return upload.counts.get("valid_rows", 0) > CSV_ROWS_IN_REQUEST


def items_csv_commit(*, upload: ItemCsvUpload, valid_rows_only: bool) -> str:
    """Create or update items by SKU from the upload's valid rows, now; nothing at all when a line has an error,
    unless valid_rows_only. Returns the summary; InvalidInput or NotReady say why nothing was imported."""
    _claim(upload, valid_rows_only=valid_rows_only)
    return items_csv_write(upload_id=upload.pk)


def items_csv_commit_start(*, upload: ItemCsvUpload, valid_rows_only: bool) -> None:
    """As items_csv_commit, on the worker (the preview shows its progress), queued after this transaction commits."""
    from items.tasks import items_csv_commit_task  # the tasks module imports this one

    _claim(upload, valid_rows_only=valid_rows_only)
    transaction.on_commit(lambda: items_csv_commit_task.delay(upload.pk))


def _claim(upload: ItemCsvUpload, *, valid_rows_only: bool) -> None:
    """Move a checked upload to being imported, once; else say why it cannot be imported now."""
    if upload.state == CsvUploadState.COMMITTED:
        raise InvalidInput(f"This file was already imported: {upload.summary}")
    if upload.state == CsvUploadState.REFUSED:
        raise InvalidInput(f"This file cannot be imported: {upload.summary}")
    if upload.state in (CsvUploadState.WAITING, CsvUploadState.CHECKING):
        raise NotReady("The file is still being checked: import it once the preview shows what it would do.")
    invalid = upload.counts.get("invalid_lines", 0)
    if invalid and not valid_rows_only:
        raise InvalidInput(
            f"Nothing was imported: {invalid:,} {'line has' if invalid == 1 else 'lines have'} errors. Correct "
            f"{'it' if invalid == 1 else 'them'} and upload the file again, or choose "
            "to import the valid rows only."
        )
    if not csv_upload_move(upload, CsvUploadState.CHECKED, CsvUploadState.COMMITTING, progress_done=0,
                 progress_total=upload.counts.get("valid_rows", 0)):
        raise InvalidInput("This file is being imported now; its progress shows on its preview.")


def items_csv_write(*, upload_id: int) -> str:
    """Import the valid rows of an upload being imported, a batch at a time; returns the summary ('' if not ours)."""
    upload = ItemCsvUpload.objects.select_related("company").defer("content").filter(
        pk=upload_id, state=CsvUploadState.COMMITTING).first()
    if upload is None:  # imported already (a redelivered task), or deleted
        return ""
    with upload_back_on_error(upload, CsvUploadState.CHECKED):
        counts = {"create": 0, "update": 0, "unchanged": 0, "skipped": 0}
        accounts = {account.pk: account for account in ledger_accounts(company=upload.company)}
        defaults = accounting_defaults_for(company=upload.company)
        stored_rows = upload.rows.order_by("line").iterator(chunk_size=2000)
        for done, batch in enumerate(in_batches(stored_rows, LOOKUP_BATCH_SIZE), start=1):
            if upload.kind == CsvUploadKind.STOCK_LEVELS:
                for action, number in stock_csv_write(upload=upload, rows=batch).items():
                    counts[action] += number
                items_csv_progress(upload=upload, done=min(done * LOOKUP_BATCH_SIZE, upload.counts.get("valid_rows", 0)))
                continue
            rows = [row for row in (_row_of(stored, accounts) for stored in batch) if row is not None]
            counts["skipped"] += len(batch) - len(rows)
            written = _write_batch(upload.company, defaults, rows)
            if written is None:
                summary = (f"Other imports kept saving the same SKUs at the same moment, so the import stopped after "
                           f"{_summary(counts, upload)} Import again to import the rest.")
                ItemCsvUpload.objects.filter(pk=upload.pk).update(state=CsvUploadState.CHECKED, summary=summary)
                raise InvalidInput(summary)
            for action, number in written.items():
                counts[action] += number
            items_csv_progress(upload=upload, done=min(done * LOOKUP_BATCH_SIZE, upload.counts.get("valid_rows", 0)))
        summary = _summary(counts, upload)
        ItemCsvUpload.objects.filter(pk=upload.pk).update(state=CsvUploadState.COMMITTED, committed_at=timezone.now(),
                                                          summary=summary)
    return summary


def _summary(counts: dict[str, int], upload: ItemCsvUpload) -> str:
    invalid = upload.counts.get("invalid_lines", 0)
    rows = "row" if counts["skipped"] == 1 else "rows"
    if upload.kind == CsvUploadKind.STOCK_LEVELS:
        skipped = f", {counts['skipped']:,} {rows} whose item was deleted or changed since the check skipped" if (
            counts["skipped"]) else ""
        return (f"{counts['update']:,} stock levels set, {counts['unchanged']:,} unchanged, "
                f"{upload.counts.get('invalid_lines', 0):,} lines with errors skipped{skipped}.")
    skipped = f", {counts['skipped']:,} {rows} naming an account deleted since the check skipped" if counts["skipped"] else ""
    return (f"{counts['create']:,} created, {counts['update']:,} updated, {counts['unchanged']:,} unchanged, "
            f"{invalid:,} line{'' if invalid == 1 else 's'} with errors skipped{skipped}.")


def _row_of(stored: ItemCsvUploadRow, accounts: dict[int, LedgerAccount]) -> ItemCsvRow | None:
    """A stored row with its cells typed again; None when an account it names was deleted since the check."""
    values: dict[str, object] = {"sku": stored.sku}
    for key, value in stored.values.items():
        if key in ACCOUNT_KEYS:
            if value not in accounts:
                return None
            values[key] = accounts[value]
        else:
            values[key] = Decimal(value) if key in DECIMAL_KEYS else value
    return ItemCsvRow(line=stored.line, sku=stored.sku, values=values)


def _write_batch(company: Company, defaults: AccountingDefaults, rows: list[ItemCsvRow]) -> dict[str, int] | None:
    """Write one batch in a transaction, merging when another import saved its SKUs meanwhile; None if it kept conflicting."""
    for attempt in range(1, MERGE_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                return _csv_write(company, defaults, rows)
        except IntegrityError:  # another import created some of these SKUs meanwhile: read again, they become updates
            logger.info("Items CSV batch for company %s conflicted with another write (attempt %d)", company.pk, attempt)
    return None


def _csv_write(company: Company, defaults: AccountingDefaults, rows: list[ItemCsvRow]) -> dict[str, int]:
    counts = {"create": 0, "update": 0, "unchanged": 0}
    now = timezone.now()
    existing = items_by_sku(company=company, skus=[row.sku for row in rows])
    new_items, changed = [], []
    for row in rows:
        item = existing.get(row.sku)
        if item is None:
            # The type first, so a non-stock item takes the non-stock accounts (the file's own accounts still win).
            item = item_new(company=company, defaults=defaults, sku=row.sku,
                            item_type=row.values.get("item_type") or ItemType.STOCK)
            csv_row_apply(item, row)
            new_items.append(item)
            counts["create"] += 1
        elif csv_row_apply(item, row):
            item.updated_at = now
            changed.append(item)
            counts["update"] += 1
        else:
            counts["unchanged"] += 1
    Item.objects.bulk_create(new_items)
    Item.objects.bulk_update(changed, [*CSV_ITEM_FIELDS.values(), "updated_at"])
    return counts
