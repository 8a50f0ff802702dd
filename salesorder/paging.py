"""How every list screen pages and sorts: page jumps and whitelisted, server-side sort orders.

A list names its sortable columns once (`SortColumns`); the request's `sort` parameter picks one of
them ("date", or "-date" for descending) and anything else falls back to the list's default, so a
URL can never order by a field the list did not offer.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict


@dataclass(frozen=True)
class ListSort:
    """The column a list is sorted by and the direction."""

    column: str
    descending: bool

    @property
    def parameter(self) -> str:
        return f"-{self.column}" if self.descending else self.column


@dataclass(frozen=True)
class SortColumns:
    """A list's sortable columns (key -> the fields they order by, ascending) and its default sort."""

    fields: Mapping[str, Sequence[str]]
    default: str  # a key of `fields`, with "-" in front for descending

    def chosen(self, value: str | None) -> ListSort:
        """The sort the `sort` parameter names, or the default when it names none of the columns."""
        for candidate in (value or "", self.default):
            column = candidate.removeprefix("-")
            if column in self.fields:
                return ListSort(column=column, descending=candidate.startswith("-"))
        raise ValueError(f"the default sort {self.default!r} is not one of the columns")

    def ordering(self, sort: ListSort) -> list[str]:
        """The queryset's order_by() for the sort: each of the column's fields in the sort's direction."""
        sign = "-" if sort.descending else ""
        return [sign + name for name in self.fields[sort.column]]


def page_numbers(number: int, total_pages: int, *, around: int = 2) -> list[int | None]:
    """The page numbers a page bar shows: the first, the last and `around` either side of this one; None marks a gap."""
    shown = sorted({1, total_pages, *range(max(1, number - around), min(total_pages, number + around) + 1)})
    numbers: list[int | None] = []
    for page in shown:
        previous = numbers[-1] if numbers else page - 1
        if page - previous == 2:  # a gap of one page shows that page rather than "…"
            numbers.append(page - 1)
        elif page - previous > 2:
            numbers.append(None)
        numbers.append(page)
    return numbers


SEARCH_MAX_CHARACTERS = 200


def search_text(request: HttpRequest) -> str:
    """The list's search box (`q`) as text to look for: control characters out (PostgreSQL's text refuses a NUL),
    spaces at the ends off, at most SEARCH_MAX_CHARACTERS."""
    text = "".join(character for character in request.GET.get("q", "") if character >= " " or character == "\t")
    return text.strip()[:SEARCH_MAX_CHARACTERS]


def query_without(query: QueryDict, *names: str) -> str:
    """The request's query string without these parameters, for links that set them again."""
    kept = query.copy()
    for name in names:
        kept.pop(name, None)
    return kept.urlencode()


def sorted_page(request: HttpRequest, rows: QuerySet, columns: SortColumns, *, page_size: int) -> tuple[Page, ListSort]:
    """The page the request asks for (`page`) of the rows in the sort it asks for (`sort`), and that sort."""
    sort = columns.chosen(request.GET.get("sort"))
    page = Paginator(rows.order_by(*columns.ordering(sort)), page_size).get_page(request.GET.get("page"))
    return page, sort
