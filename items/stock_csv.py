"""Setup > Import Data > Stock levels: a CSV of SKU and counted quantity on hand, through the items CSV machinery.

Its template, cells and the check of each row against the item master are here; the upload, the check
kept once, the preview, the errors file, the import in batches (on the worker when large) are
items/csv_import.py and items/csv_commit.py, the same as for the Items Import. Each changed level is
a stock movement of kind *import* naming the file.
"""
from __future__ import annotations

from collections.abc import Iterator

from carts.platforms.base import InvalidInput
from companies.models import Company
from items.csv_files import CellError, Column, ItemCsvRow, read_sku_csv, sku_cell
from items.models import ItemCsvUpload, ItemCsvUploadRow, ItemType, StockMovementKind
from items.selectors import items_by_sku
from items.stock import MAX_ON_HAND, REASON_MAX_LENGTH, stock_require_quantity, stock_set

STOCK_COLUMNS: tuple[Column, ...] = (
    Column("sku", "SKU", "TSHIRT-RED-L", "Required. A stock item's SKU, exactly as in Setup > Items."),
    Column("on_hand", "On Hand", "25", f"Required. The counted quantity on hand: a whole number from 0 to {MAX_ON_HAND:,}."),
    Column("reason", "Reason", "Stock count", f"Kept with the change, up to {REASON_MAX_LENGTH} characters; "
                                              "empty: 'Stock levels import'."),
)
DEFAULT_REASON = "Stock levels import"


def _cell(key: str, text: str) -> object:
    if key == "sku":
        return sku_cell(text)
    if key == "on_hand":
        if not (text.isascii() and text.isdigit()):  # "²" is a digit to Python, not a number to int()
            raise ValueError(f"'{text}' is not a whole number of units, e.g. 25.")
        try:
            return stock_require_quantity(int(text))
        except InvalidInput as error:
            raise ValueError(error.message) from None
    if len(text) > REASON_MAX_LENGTH:
        raise ValueError(f"It is {len(text)} characters long; at most {REASON_MAX_LENGTH} fit. Shorten it.")
    return " ".join(text.split())


def stock_csv_read(text: str) -> Iterator[tuple[ItemCsvRow | None, list[CellError]]]:
    """Each non-empty line: its row and its errors (a line without an On Hand figure is one)."""
    for row, errors in read_sku_csv(text, columns=STOCK_COLUMNS, parse_cell=_cell):
        if row is not None and "on_hand" not in row.values and not any(error.column == "On Hand" for error in errors):
            errors.append(CellError(row.line, "On Hand", "", "The quantity on hand is empty; give the counted figure."))
        yield row, errors


def stock_csv_actions(*, company: Company,
                      rows: list[ItemCsvRow]) -> tuple[list[tuple[ItemCsvRow, str]], list[CellError]]:
    """What importing each row would do now ('update' or 'unchanged'), and the rows that name no stock item."""
    items = items_by_sku(company=company, skus=[row.sku for row in rows])
    actions, refused = [], []
    for row in rows:
        item = items.get(row.sku)
        if item is None:
            refused.append(CellError(row.line, "SKU", row.sku, "No item has this SKU: create or import the item first "
                                                               "(Setup > Items), or correct the SKU."))
        elif item.item_type != ItemType.STOCK:
            refused.append(CellError(row.line, "SKU", row.sku, f"It is a {item.get_item_type_display().lower()}: only "
                                                               "stock items hold stock."))
        else:
            actions.append((row, "update" if item.on_hand != row.values["on_hand"] else "unchanged"))
    return actions, refused


def stock_csv_write(*, upload: ItemCsvUpload, rows: list[ItemCsvUploadRow]) -> dict[str, int]:
    """Set each row's quantity on hand (a recorded movement naming the file); counts of update, unchanged, skipped."""
    counts = {"update": 0, "unchanged": 0, "skipped": 0}
    items = items_by_sku(company=upload.company, skus=[row.sku for row in rows])
    for row in rows:
        item = items.get(row.sku)
        if item is None or item.item_type != ItemType.STOCK:
            counts["skipped"] += 1  # deleted or changed since the check
            continue
        movement = stock_set(item=item, on_hand=int(row.values["on_hand"]),
                             reason=str(row.values.get("reason") or DEFAULT_REASON), kind=StockMovementKind.IMPORT,
                             reference=f"file {upload.file_name}"[:255])
        counts["update" if movement else "unchanged"] += 1
    return counts
