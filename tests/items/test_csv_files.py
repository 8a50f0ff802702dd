"""The Items Import template's reading and writing, without the database: encodings, errors, formula escaping."""
from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from items.csv_files import (
    MAX_UPLOAD_BYTES,
    CsvFileRefused,
    csv_bytes,
    decode_upload,
    escape_cell,
    read_items_csv,
    template_rows,
    unescape_cell,
)

ACCOUNTS = {"sales": "Sales account", "cost of goods sold": "COGS account", "stock asset": "Stock account"}
HEADER = "SKU,Description,Unit Price,Income Account\r\n"


@dataclass
class Parsed:
    """Every valid row and every error of an upload, read at once."""

    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    lines_read: int = 0

    @property
    def invalid_lines(self) -> set[int]:
        return {error.line for error in self.errors}


def parse(text: str) -> Parsed:
    parsed = Parsed()
    for row, errors in read_items_csv(text, accounts=ACCOUNTS):
        parsed.lines_read += 1
        parsed.errors.extend(errors)
        if row is not None and not errors:
            parsed.rows.append(row)
    return parsed


def test_the_template_has_every_column_and_an_example_row_that_parses_cleanly() -> None:
    data = csv_bytes(template_rows())
    assert data.startswith(codecs.BOM_UTF8)
    header, example = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert header[:3] == ["SKU", "Description", "Unit Price"] and len(header) == len(example) == 13
    parsed = parse(decode_upload(data)[0])
    assert parsed.errors == []
    (row,) = parsed.rows
    assert row.sku == "TSHIRT-RED-L" and row.values["unit_price"] == Decimal("12.5000")
    assert row.values["income_account"] == "Sales account" and row.values["active"] is True


@pytest.mark.parametrize("data", [
    b"SKU,Description\r\nA-1,Caf\xc3\xa9\r\n",  # UTF-8
    codecs.BOM_UTF8 + b"SKU,Description\r\nA-1,Caf\xc3\xa9\r\n",  # UTF-8 with BOM (Excel's CSV UTF-8)
    b"SKU,Description\r\nA-1,Caf\xe9\r\n",  # Windows-1252 (Excel's plain CSV)
    b"SKU;Description\nA-1;Caf\xc3\xa9\n",  # semicolons, as Excel writes in many European locales
])
def test_utf8_with_or_without_bom_and_excel_csv_all_read_the_same(data: bytes) -> None:
    text, _ = decode_upload(data)
    (row,) = parse(text).rows
    assert (row.sku, row.values["description"]) == ("A-1", "Café")


@pytest.mark.parametrize(("data", "message"), [
    (b"PK\x03\x04rest-of-a-zip", "Excel workbook (.xlsx)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Excel workbook (.xls)"),
    (b"SKU,Description\r\nA\x00B,x\r\n", "binary file"),
    (b"SKU,Description\r\nA\x07,x\r\n", "control characters"),
    (b"   \r\n", "The file is empty"),
    (b"x" * (MAX_UPLOAD_BYTES + 1), "the limit is 10 MB"),
])
def test_binary_empty_and_oversized_files_are_refused_with_what_to_do(data: bytes, message: str) -> None:
    with pytest.raises(CsvFileRefused, match=re.escape(message)):
        decode_upload(data)


def test_errors_name_the_line_and_the_column_and_valid_rows_still_parse() -> None:
    text = HEADER + "A-1,Good,12.50,Sales\r\n,No SKU,1,Sales\r\nA-3,Bad price,12.345678,Sales\r\nA-4,Bad account,1,Salez\r\n"
    parsed = parse(text)
    assert [row.sku for row in parsed.rows] == ["A-1"]
    assert [(error.line, error.column) for error in parsed.errors] == [(3, "SKU"), (4, "Unit Price"), (5, "Income Account")]
    assert "more than 4 decimal places" in parsed.errors[1].message
    assert "no ledger account named 'Salez'" in parsed.errors[2].message and "Accounting defaults" in parsed.errors[2].message


def test_a_sku_twice_in_a_file_is_an_error_on_the_later_line() -> None:
    parsed = parse(HEADER + "A-1,First,1,Sales\r\nA-1,Second,2,Sales\r\n")
    assert [row.line for row in parsed.rows] == [2]
    assert parsed.errors[0].line == 3 and "also on line 2" in parsed.errors[0].message


def test_line_numbers_count_lines_inside_quoted_multiline_cells() -> None:
    parsed = parse(HEADER + 'A-1,"Two\r\nlines",1,Sales\r\nA-2,Fine,x,Sales\r\n')
    assert parsed.rows[0].values["description"] == "Two\r\nlines"
    assert parsed.errors[0].line == 4


@pytest.mark.parametrize(("cell", "message"), [
    ("1,234.00", "thousands separators"),
    ("$12", "currency symbols"),
    ("-1", "negative"),
    ("1e20", "too large"),
])
def test_prices_that_are_not_plain_numbers_say_how_to_write_them(cell: str, message: str) -> None:
    parsed = parse(f'{HEADER}A-1,x,"{cell}",Sales\r\n')
    assert message in parsed.errors[0].message


def test_a_description_too_long_is_refused_not_cut() -> None:
    parsed = parse(f"{HEADER}A-1,{'d' * 256},1,Sales\r\n")
    assert parsed.rows == [] and "256 characters long; at most 255" in parsed.errors[0].message


def test_a_wrong_header_is_refused_naming_the_expected_columns() -> None:
    with pytest.raises(CsvFileRefused, match="column 2 'Colour' is not a template column.*The columns are: SKU, Description"):
        parse("SKU,Colour\r\nA,red\r\n")
    with pytest.raises(CsvFileRefused, match="there is no SKU column"):
        parse("Description\r\nA\r\n")


def test_header_names_are_matched_without_regard_to_case_or_spaces() -> None:
    (row,) = parse("sku,UNIT_PRICE,item type,active\r\nA-1,3,service,no\r\n").rows
    assert row.values == {"sku": "A-1", "unit_price": Decimal("3"), "item_type": "service", "active": False}


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_cells_a_spreadsheet_would_run_are_escaped_and_read_back_unchanged(text: str) -> None:
    escaped = escape_cell(text)
    assert escaped == "'" + text
    assert unescape_cell(escaped) == text


@given(st.text(alphabet=st.sampled_from("'=+-@\t\rAb1 "), max_size=6) | st.text(max_size=20))
def test_any_text_is_read_back_as_it_was_written_and_never_starts_as_a_formula(text: str) -> None:
    escaped = escape_cell(text)
    assert unescape_cell(escaped) == text  # '-1 (a quote before a formula character) too
    assert not escaped.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_plain_cells_and_a_quote_before_plain_text_are_left_alone() -> None:
    assert escape_cell("Mug") == "Mug" and escape_cell(Decimal("1.5000")) == "1.5000" and escape_cell(None) == ""
    assert unescape_cell("'quoted") == "'quoted"


def test_an_exported_file_with_formula_like_values_imports_back_unchanged() -> None:
    data = csv_bytes([["SKU", "Description"], ["-LEADING-DASH", "=1+1 in the name"]])
    assert b"'-LEADING-DASH" in data and b"'=1+1" in data
    (row,) = parse(decode_upload(data)[0]).rows
    assert (row.sku, row.values["description"]) == ("-LEADING-DASH", "=1+1 in the name")
