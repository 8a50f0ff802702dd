"""Page jumps and whitelisted sorts every list screen uses (salesorder/paging.py)."""
from __future__ import annotations

import pytest

from salesorder.paging import ListSort, SortColumns, page_numbers

COLUMNS = SortColumns(fields={"date": ("transaction_date", "pk"), "number": ("number",)}, default="-date")


def test_the_page_bar_shows_the_ends_and_two_pages_either_side_with_gaps_marked() -> None:
    assert page_numbers(1, 1) == [1]
    assert page_numbers(1, 5) == [1, 2, 3, 4, 5]
    assert page_numbers(10, 40) == [1, None, 8, 9, 10, 11, 12, None, 40]
    assert page_numbers(3, 40) == [1, 2, 3, 4, 5, None, 40]
    assert page_numbers(40, 40) == [1, None, 38, 39, 40]


def test_a_sort_names_one_of_the_columns_or_the_default_is_used() -> None:
    assert COLUMNS.chosen("number") == ListSort(column="number", descending=False)
    assert COLUMNS.chosen("-number") == ListSort(column="number", descending=True)
    for unknown in (None, "", "password", "-customer__user__password", "--number"):
        assert COLUMNS.chosen(unknown) == ListSort(column="date", descending=True)


def test_the_ordering_puts_every_field_of_the_column_in_the_direction() -> None:
    assert COLUMNS.ordering(ListSort(column="date", descending=True)) == ["-transaction_date", "-pk"]
    assert COLUMNS.ordering(ListSort(column="date", descending=False)) == ["transaction_date", "pk"]
    assert ListSort(column="date", descending=True).parameter == "-date"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/setup/items/", "/sales/customers/", "/sales/customers/choices/"])
def test_a_search_with_a_nul_or_other_control_character_is_searched_without_it(merchant_client, path) -> None:
    """PostgreSQL's text refuses a NUL: a pasted one must not end the page on a database error."""
    response = merchant_client.get(path, {"q": "\x00MUG\x07 "})
    assert response.status_code == 200
