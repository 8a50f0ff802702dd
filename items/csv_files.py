"""The Items Import template: its columns, reading uploads safely, and writing CSV spreadsheets cannot run.

Pure functions over text and bytes; no database. Accounts are resolved through a mapping the
caller passes in (casefolded name -> account).
"""
from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from items.models import DESCRIPTION_MAX_LENGTH, MONEY_DIGITS, MONEY_PLACES, SKU_MAX_LENGTH, ItemType

MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # an export of about 70,000 items
MAX_ROWS = 100_000
MAX_CELL_CHARACTERS = 10_000
# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets (CWE-1236).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_GUARD = "'"
# Magic numbers of files merchants upload by mistake, with what to do instead.
KNOWN_BINARY_FORMATS = (
    (b"PK\x03\x04", "an Excel workbook (.xlsx) or another zip file"),
    (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls)"),
    (b"%PDF", "a PDF document"),
)
SAVE_AS_CSV = "In Excel use File > Save As and choose 'CSV UTF-8 (Comma delimited) (*.csv)', then upload that file."
PRICE_LIMIT = Decimal(10) ** (MONEY_DIGITS - MONEY_PLACES)
WEIGHT_LIMIT = Decimal(10) ** 8
TRUE_WORDS = {"yes", "y", "true", "1", "active"}
FALSE_WORDS = {"no", "n", "false", "0", "inactive"}
UNIT_OF_MEASURE_MAX_LENGTH = 20
BARCODE_MAX_LENGTH = 50

T = TypeVar("T")


class CsvFileRefused(ValueError):
    """The upload cannot be read as an items CSV; the message says why and what to do."""


@dataclass(frozen=True)
class Column:
    """One column of the Items Import template."""

    key: str
    header: str
    example: str
    help: str


COLUMNS: tuple[Column, ...] = (
    Column("sku", "SKU", "TSHIRT-RED-L", "Required. Items are created or updated by SKU (exact match)."),
    Column("description", "Description", "T-shirt — Size: L, Colour: Red", f"Up to {DESCRIPTION_MAX_LENGTH} characters."),
    Column("unit_price", "Unit Price", "12.5000", "A number such as 12.50, at most 4 decimal places."),
    Column("unit_of_measure", "Unit of Measure", "Each", "Empty: the accounting defaults' unit (Each)."),
    Column("item_type", "Item Type", ItemType.STOCK.label, "Stock item, Non-stock item or Service."),
    Column("income_account", "Income Account", "Sales", "A ledger account's name; it must exist."),
    Column("cogs_account", "Cost of Goods Sold Account", "Cost of Goods Sold", "A ledger account's name."),
    Column("stock_asset_account", "Stock Asset Account", "Stock Asset", "A ledger account's name."),
    Column("cost_price", "Cost Price", "5.2000", "A number, at most 4 decimal places."),
    Column("barcode", "Barcode", "5012345678900", f"Up to {BARCODE_MAX_LENGTH} characters."),
    Column("weight", "Weight", "0.2500", "A number, at most 4 decimal places."),
    Column("notes", "Notes", "Imported from the template", "Free text."),
    Column("active", "Active", "Yes", "Yes or No."),
)
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
ACCOUNT_KEYS = ("income_account", "cogs_account", "stock_asset_account")
DECIMAL_KEYS = ("unit_price", "cost_price", "weight")


@dataclass(frozen=True)
class CellError:
    """A problem in one cell (or the whole line, when column is ''), for the page and the error file."""

    line: int
    column: str
    value: str
    message: str


@dataclass(frozen=True)
class ItemCsvRow:
    """One valid line: the SKU and the values of its non-empty cells (accounts resolved by the mapping)."""

    line: int
    sku: str
    values: dict[str, object]


def upload_too_large_message(size: int) -> str:
    """What to do about a file over the limit."""
    return (f"The file is {size / 1024 / 1024:.1f} MB; the limit is {MAX_UPLOAD_BYTES // 1024 // 1024} MB. "
            "Split it into smaller files and upload each.")


def decode_upload(data: bytes) -> tuple[str, str]:
    """The upload's text and the encoding it was read with; refuses binary and oversized files."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise CsvFileRefused(upload_too_large_message(len(data)))
    if not data.strip():
        raise CsvFileRefused("The file is empty. Download the template, fill it in and upload it.")
    for magic, description in KNOWN_BINARY_FORMATS:
        if data.startswith(magic):
            raise CsvFileRefused(f"This is {description}, not a CSV file. {SAVE_AS_CSV}")
    if b"\x00" in data:
        raise CsvFileRefused(f"This is a binary file, not a CSV text file. {SAVE_AS_CSV}")
    try:
        text, encoding = data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        # Excel's plain "CSV (Comma delimited)" on Windows saves in Windows-1252.
        try:
            text, encoding = data.decode("cp1252"), "Windows-1252"
        except UnicodeDecodeError:
            raise CsvFileRefused(f"The file is neither UTF-8 nor Windows-1252 text. {SAVE_AS_CSV}") from None
    if any(ord(character) < 32 and character not in "\t\r\n" for character in text):
        raise CsvFileRefused(f"The file contains control characters, so it is not a CSV text file. {SAVE_AS_CSV}")
    return text, encoding


def escape_cell(value: object) -> str:
    """The cell's text, with a leading ' when a spreadsheet would run it as a formula, or when quotes stand before
    such a start already ('-1), so unescape_cell gives it back as it was."""
    text = "" if value is None else str(value)
    return FORMULA_GUARD + text if _guarded_or_formula(text) else text


def unescape_cell(text: str) -> str:
    """Undo escape_cell, so files this product exported import back unchanged: one guard comes off."""
    return text[1:] if text.startswith(FORMULA_GUARD) and _guarded_or_formula(text) else text


def _guarded_or_formula(text: str) -> bool:
    """Whether the text, after any quotes it starts with, starts as a formula."""
    return text.lstrip(FORMULA_GUARD).startswith(FORMULA_TRIGGERS)


def csv_lines(rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """CSV text a line at a time (Excel's dialect), every cell escaped; for streamed downloads."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, dialect="excel")
    for row in rows:
        writer.writerow([escape_cell(value) for value in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def csv_bytes(rows: Iterable[Sequence[object]]) -> bytes:
    """A whole CSV file in UTF-8 with a byte-order mark, so Excel shows accents and symbols correctly."""
    return codecs.BOM_UTF8 + "".join(csv_lines(rows)).encode("utf-8")


def template_rows(columns: Sequence[Column] = COLUMNS) -> list[list[str]]:
    """The template: the header row with every column, then one example row."""
    return [[column.header for column in columns], [column.example for column in columns]]


def _read_table(text: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header and the (first line number, cells) of each record; commas, semicolons or tabs."""
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise CsvFileRefused("The file has no header row. Download the template and keep its first row.") from None

    def records() -> Iterator[tuple[int, list[str]]]:
        line = reader.line_num + 1
        for cells in reader:
            yield line, cells
            line = reader.line_num + 1

    return header, records()


def _header_keys(header: list[str], columns: Sequence[Column] = COLUMNS) -> list[str]:
    by_name = {}
    for column in columns:
        by_name[column.header.casefold()] = column.key
        by_name[column.key] = column.key
    keys: list[str] = []
    problems: list[str] = []
    for position, name in enumerate(header, start=1):
        cleaned = unescape_cell(name.strip()).casefold()
        key = by_name.get(cleaned) or by_name.get(cleaned.replace(" ", "_"))
        if not cleaned:
            keys.append("")
        elif key is None:
            problems.append(f"column {position} '{name.strip()}' is not a template column")
        elif key in keys:
            problems.append(f"column {position} '{name.strip()}' appears twice")
        else:
            keys.append(key)
    if "sku" not in keys and not problems:
        problems.append("there is no SKU column")
    if problems:
        expected = ", ".join(column.header for column in columns)
        raise CsvFileRefused(f"The header row is wrong: {'; '.join(problems)}. The columns are: {expected}.")
    return keys


def items_csv_header_check(text: str, columns: Sequence[Column] = COLUMNS) -> None:
    """Refuse an upload whose header row is not the template's (CsvFileRefused says what is wrong), reading no more."""
    header, _ = _read_table(text)
    _header_keys(header, columns)


# Reads one cell of a column (by its key) into its value; ValueError says what is wrong with it.
CellParser = Callable[[str, str], object]


def read_items_csv(text: str, *, accounts: Mapping[str, T]) -> Iterator[tuple[ItemCsvRow | None, list[CellError]]]:
    """Each non-empty line of an Items Import upload, read as it is needed: its row (None without a SKU) and its errors.

    SKU, numbers, choices and that named accounts exist are checked, and a SKU on an earlier line.
    """
    return read_sku_csv(text, columns=COLUMNS, parse_cell=lambda key, cell: _parse_cell(key, cell, accounts))


def read_sku_csv(text: str, *, columns: Sequence[Column],
                 parse_cell: CellParser) -> Iterator[tuple[ItemCsvRow | None, list[CellError]]]:
    """Each non-empty line of a CSV keyed by SKU (its header one of `columns`), read as it is needed: its row (None
    without a SKU) and its errors; a SKU on an earlier line is an error too."""
    header, records = _read_table(text)
    keys = _header_keys(header, columns)
    by_key = {column.key: column for column in columns}
    first_line_of_sku: dict[str, int] = {}
    lines = 0
    try:
        for line, cells in records:
            if not any(cell.strip() for cell in cells):
                continue
            lines += 1
            if lines > MAX_ROWS:
                raise CsvFileRefused(f"The file has more than {MAX_ROWS:,} rows. Split it into smaller files.")
            row, errors = _parse_line(line, cells, keys, by_key, parse_cell)
            if row is not None and row.sku in first_line_of_sku:
                errors.append(CellError(line, "SKU", row.sku,
                                        f"The SKU is also on line {first_line_of_sku[row.sku]}; each SKU may appear once."))
            if row is not None:
                first_line_of_sku.setdefault(row.sku, line)
            yield row, errors
    except csv.Error as error:
        raise CsvFileRefused(f"The file is not valid CSV ({error}). {SAVE_AS_CSV}") from None


def _parse_line(line: int, cells: list[str], keys: list[str], by_key: Mapping[str, Column],
                parse_cell: CellParser) -> tuple[ItemCsvRow | None, list[CellError]]:
    errors: list[CellError] = []
    if len(cells) > len(keys) and any(cell.strip() for cell in cells[len(keys):]):
        errors.append(CellError(line, "", "", f"The line has {len(cells)} cells but the header has {len(keys)} columns; "
                                              "check for an unquoted comma."))
    values: dict[str, object] = {}
    for key, raw in zip(keys, cells):
        text = unescape_cell(raw.strip())
        if not key or not text:
            continue
        column = by_key[key]
        if len(text) > MAX_CELL_CHARACTERS:
            errors.append(CellError(line, column.header, text[:200],
                                    f"The cell has {len(text):,} characters; at most {MAX_CELL_CHARACTERS:,}."))
            continue
        try:
            values[key] = parse_cell(key, text)
        except ValueError as error:
            errors.append(CellError(line, column.header, text[:200], str(error)))
    sku = values.get("sku")
    if not sku and not any(error.column == "SKU" for error in errors):
        errors.append(CellError(line, "SKU", "", "The SKU is empty; every line needs the item's SKU."))
    return (ItemCsvRow(line=line, sku=str(sku), values=values) if sku else None), errors


def sku_cell(text: str) -> str:
    """A SKU cell: at most the SKU's length, never cut."""
    return _text(text, SKU_MAX_LENGTH)


def _parse_cell(key: str, text: str, accounts: Mapping[str, T]) -> object:
    if key == "sku":
        return sku_cell(text)
    if key == "description":
        return _text(text, DESCRIPTION_MAX_LENGTH)
    if key == "unit_of_measure":
        return _text(text, UNIT_OF_MEASURE_MAX_LENGTH)
    if key == "barcode":
        return _text(text, BARCODE_MAX_LENGTH)
    if key == "notes":
        return text
    if key in ("unit_price", "cost_price"):
        return decimal_cell(text, limit=PRICE_LIMIT)
    if key == "weight":
        return decimal_cell(text, limit=WEIGHT_LIMIT)
    if key == "item_type":
        return _item_type(text)
    if key == "active":
        return _yes_no(text)
    if key in ACCOUNT_KEYS:
        try:
            return accounts[text.casefold()]
        except KeyError:
            raise ValueError(
                f"There is no ledger account named '{text}'. Add it in Setup > Accounting defaults, "
                "or correct the name."
            ) from None
    raise AssertionError(f"unhandled column {key}")


def _text(text: str, limit: int) -> str:
    if len(text) > limit:
        raise ValueError(f"It is {len(text)} characters long; at most {limit} fit. Shorten it.")
    return text


def decimal_cell(text: str, *, limit: Decimal) -> Decimal:
    """A number of at most 4 decimal places, from 0 up to (not including) limit."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        hint = " Leave out currency symbols and thousands separators." if any(c in text for c in ",$£€ ") else ""
        raise ValueError(f"'{text}' is not a number, e.g. 12.50.{hint}") from None
    if not value.is_finite():
        raise ValueError(f"'{text}' is not a number, e.g. 12.50.")
    if value < 0:
        raise ValueError("It is negative; use 0 or more.")
    if value >= limit:
        raise ValueError(f"It is too large; it must be less than {limit:,}.")
    if value.as_tuple().exponent < -MONEY_PLACES:
        raise ValueError(f"It has more than {MONEY_PLACES} decimal places.")
    return value


def _item_type(text: str) -> str:
    wanted = text.casefold()
    for choice in ItemType:
        if wanted in (choice.value, choice.label.casefold()):
            return choice.value
    labels = ", ".join(choice.label for choice in ItemType)
    raise ValueError(f"'{text}' is not an item type; use one of: {labels}.")


def _yes_no(text: str) -> bool:
    if text.casefold() in TRUE_WORDS:
        return True
    if text.casefold() in FALSE_WORDS:
        return False
    raise ValueError(f"'{text}' is neither Yes nor No.")
