"""Setup > Import Data > Items: upload a CSV, preview what it would do, commit it; and the item list as a CSV."""
from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from carts.platforms.base import InvalidInput
from companies.models import Company
from items.csv_files import (
    COLUMNS,
    CellError,
    ItemCsvRow,
    ParsedItemsCsv,
    csv_bytes,
    decode_upload,
    parse_items_csv,
    template_rows,
)
from items.editing import item_new
from items.ledger import accounting_defaults_for
from items.models import Item, ItemCsvUpload, LedgerAccount
from items.selectors import in_batches, items_by_sku, ledger_accounts

logger = logging.getLogger(__name__)

# Committing again after another import saved the same SKUs meanwhile.
MERGE_ATTEMPTS = 3


@dataclass(frozen=True)
class CsvPreview:
    """What committing an upload would do: each valid row's action, and every error."""

    parsed: ParsedItemsCsv
    actions: dict[int, str]  # line -> 'create' | 'update' | 'unchanged'

    @property
    def created(self) -> int:
        return sum(1 for action in self.actions.values() if action == "create")

    @property
    def updated(self) -> int:
        return sum(1 for action in self.actions.values() if action == "update")

    @property
    def unchanged(self) -> int:
        return sum(1 for action in self.actions.values() if action == "unchanged")

    @property
    def errors(self) -> list[CellError]:
        return self.parsed.errors


def items_csv_template() -> bytes:
    """The Items Import template: a header row with every column and an example row."""
    return csv_bytes(template_rows())


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


def items_csv_upload(*, company: Company, file_name: str, data: bytes) -> ItemCsvUpload:
    """Keep an uploaded file for its preview; refuses binary, oversized and unreadable files (CsvFileRefused)."""
    text, encoding = decode_upload(data)
    _parse(company, text)  # a wrong header is refused now, not at the preview
    return ItemCsvUpload.objects.create(company=company, file_name=file_name[:255], content=text, encoding=encoding)


def _parse(company: Company, text: str) -> ParsedItemsCsv:
    accounts = {account.name.casefold(): account for account in ledger_accounts(company=company)}
    return parse_items_csv(text, accounts=accounts)


def items_csv_preview(*, upload: ItemCsvUpload) -> CsvPreview:
    """Validate the upload again (accounts may have changed) and say what each valid row would do."""
    parsed = _parse(upload.company, upload.content)
    existing = items_by_sku(company=upload.company, skus=[row.sku for row in parsed.rows])
    actions = {}
    for row in parsed.rows:
        item = existing.get(row.sku)
        actions[row.line] = "create" if item is None else ("update" if _csv_apply(item, row) else "unchanged")
    return CsvPreview(parsed=parsed, actions=actions)


def items_csv_errors_file(*, upload: ItemCsvUpload) -> bytes:
    """The upload's errors as a CSV file: line, column, value, what is wrong."""
    errors = _parse(upload.company, upload.content).errors
    return csv_bytes([["Line", "Column", "Value", "Error"], *([e.line, e.column, e.value, e.message] for e in errors)])


def items_csv_commit(*, upload: ItemCsvUpload, valid_rows_only: bool) -> str:
    """Create or update items by SKU from the upload; all-or-nothing unless valid_rows_only. Returns the summary."""
    if upload.committed_at is not None:
        raise InvalidInput(f"This file was already imported: {upload.summary}")
    parsed = _parse(upload.company, upload.content)
    if parsed.errors and not valid_rows_only:
        raise InvalidInput(
            f"Nothing was imported: {len(parsed.invalid_lines):,} lines have errors. Correct them and upload the file "
            "again, or choose to import the valid rows only."
        )
    for attempt in range(1, MERGE_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                counts = _csv_write(upload.company, parsed.rows)
                summary = (f"{counts['create']:,} created, {counts['update']:,} updated, "
                           f"{counts['unchanged']:,} unchanged, {len(parsed.invalid_lines):,} lines with errors skipped.")
                upload.committed_at = timezone.now()
                upload.summary = summary
                upload.save(update_fields=["committed_at", "summary"])
            return summary
        except IntegrityError:  # another import created some of these SKUs meanwhile: read again, they become updates
            logger.info("Items CSV %s conflicted with another write (attempt %d)", upload.pk, attempt)
    raise InvalidInput("Other imports kept saving the same SKUs at the same moment; nothing was imported. Try again.")


def _csv_write(company: Company, rows: list[ItemCsvRow]) -> dict[str, int]:
    counts = {"create": 0, "update": 0, "unchanged": 0}
    defaults = accounting_defaults_for(company=company)
    now = timezone.now()
    for chunk in in_batches(rows):
        existing = items_by_sku(company=company, skus=[row.sku for row in chunk])
        new_items, changed = [], []
        for row in chunk:
            item = existing.get(row.sku)
            if item is None:
                item = item_new(company=company, defaults=defaults, sku=row.sku)
                _csv_apply(item, row)
                new_items.append(item)
                counts["create"] += 1
            elif _csv_apply(item, row):
                item.updated_at = now
                changed.append(item)
                counts["update"] += 1
            else:
                counts["unchanged"] += 1
        Item.objects.bulk_create(new_items)
        Item.objects.bulk_update(changed, [*_CSV_ITEM_FIELDS.values(), "updated_at"])
    return counts


# CSV column -> Item field, for the columns that are plain values.
_CSV_ITEM_FIELDS = {
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


def _csv_apply(item: Item, row: ItemCsvRow) -> bool:
    """Set the row's non-empty cells on the item (empty cells keep what is there); whether anything changed."""
    changed = False
    for key, value in row.values.items():
        if key == "sku":
            continue
        name = _CSV_ITEM_FIELDS[key]
        current = getattr(item, name + "_id") if isinstance(value, LedgerAccount) else getattr(item, name)
        wanted = value.pk if isinstance(value, LedgerAccount) else value
        if current != wanted:
            setattr(item, name, value)
            changed = True
    return changed
