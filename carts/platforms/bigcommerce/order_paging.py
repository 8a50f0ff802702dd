"""Reading every order of a query from a moving lower bound, not by page number (GET /v2/orders).

Under page numbers an order that changes while the pages are read (its date_modified moves it to the end of a
date sort) or leaves the query (a status filter) shifts every later page back by one, and the order that
slips onto a page already read is missed for good: a sync pass moves its cursor past it. So each page is asked
for from the last order read: `min_id` just after it for the id sort; `min_date_modified` at its date for the date
sort. A date has whole seconds, so orders read at that second come again and are passed over (by id and date:
one changed since comes again with its new date and is read again). A second holding more than a page of orders
is read on by page number.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from carts.platforms.bigcommerce.answers import answer_count, refuse_repeated_page

PATH = "/orders"
# The sorts read from a moving bound, and the filter each moves.
BOUND_BY_SORT = {"id:asc": "min_id", "date_modified:asc": "min_date_modified"}

GetPage = Callable[[dict[str, Any], int], list[dict[str, Any]]]  # (query parameters, page number) -> orders


def orders_from_a_moving_bound(get_page: GetPage, params: dict[str, Any], *, sort: str,
                               page_size: int) -> Iterator[dict[str, Any]]:
    """Every order the parameters select, in the sort's order, each at most once per state it is read in."""
    bound_name = BOUND_BY_SORT[sort]
    seen: set[tuple[str, str]] = set()
    page_number, previous = 1, None
    while True:
        items = get_page(params, page_number)
        refuse_repeated_page(items, previous, page_number, PATH)
        for item in items:
            key = (repr(item.get("id")), repr(item.get("date_modified")))  # read as sent: the adapter checks them
            if key not in seen:
                seen.add(key)
                yield item
        if len(items) < page_size:
            return
        bound = _bound_after(items[-1], bound_name)
        if bound is not None and bound != params.get(bound_name):
            params, page_number, previous = {**params, bound_name: bound}, 1, None
        else:  # more than a page at one second (or a store ignoring the bound): on by page number
            page_number, previous = page_number + 1, items


def _bound_after(last: dict[str, Any], bound_name: str) -> object:
    """Where the next page starts: after the last order's id, or at its date (as the store wrote it)."""
    if bound_name == "min_id":
        return answer_count(last.get("id"), "an order's id", PATH) + 1
    modified = last.get("date_modified")
    return modified if isinstance(modified, str) and modified.strip() else None
