"""The Orders (Cart) tab's list and `cart orders`: the store's orders the cart would import, newest first."""
from __future__ import annotations

from dataclasses import dataclass, replace

from carts.models import Cart
from carts.platforms import platform_named
from carts.platforms.base import OrderQuery, OrderRecord, OrderSort
from carts.stores import cart_store_open
from orders.mapping import OrderSummary
from orders.models import SalesTransaction
from orders.selectors import transactions_by_cart_order
from orders.window import cart_orders_require_status, cart_orders_window

LIST_PAGE_SIZE = 50


@dataclass(frozen=True)
class OrderListRow:
    summary: OrderSummary
    transaction: SalesTransaction | None


@dataclass(frozen=True)
class OrderListSearch:
    """What the list narrows to besides the cart's window: one order number, or one customer's e-mail address."""

    order_id: int | None = None
    email: str = ""  # the store matches the whole address (orders.v2.oas2.yml, email)


@dataclass(frozen=True)
class OrderListPage:
    """A page of the cart's orders, newest first, with the cursors for the older and the newer pages."""

    rows: list[OrderListRow]
    total: int
    older_than: int | None  # the next (older) page lists orders below this id; None on the oldest page
    newer_than: int | None = None  # the previous (newer) page lists orders above this id; None on the newest page


def orders_list(*, cart: Cart, older_than: int | None = None, newer_than: int | None = None, oldest: bool = False,
                search: OrderListSearch = OrderListSearch(), page_size: int = LIST_PAGE_SIZE) -> OrderListPage:
    """The store's orders in the cart's import statuses since its start date; raises CartNotReady or StoreError.

    Newest first, from the newest (or below `older_than`); `newer_than` or `oldest` read upwards from
    that id (or from the oldest) and show the page newest first too. The store filters by one status
    per request, so each page asks every status for its orders beyond the cursor and merges them: one
    request per status per page, plus one to count them all. A search narrows every request by order
    id or e-mail address in the store; no request reads all orders.
    """
    cart_orders_require_status(cart=cart)
    status_ids, created_from = cart_orders_window(cart=cart)
    upwards = newer_than is not None or oldest
    window = OrderQuery(created_from=created_from, email=search.email,
                        min_id=search.order_id, max_id=search.order_id)
    with cart_store_open(cart=cart) as store:
        counts = store.order_counts(window)
        found: list[OrderRecord] = []
        for status_id in status_ids:
            query = replace(window, status_id=status_id, **_beyond(window, older_than=older_than, newer_than=newer_than))
            # One more than a page: whether there is a next page is then known, not guessed.
            found.extend(store.orders_page(query, page_size=page_size + 1,
                                           sort=OrderSort.OLDEST_FIRST if upwards else OrderSort.NEWEST_FIRST))
    found.sort(key=lambda record: record.order_id, reverse=not upwards)
    more = len(found) > page_size
    kept = sorted(found[:page_size], key=lambda record: record.order_id, reverse=True)
    platform = platform_named(cart.platform)
    shown = [platform.order_summary(record) for record in kept]
    imported = transactions_by_cart_order(cart=cart, order_ids=[summary.order_id for summary in shown])
    older_exist = more if not upwards else newer_than is not None
    newer_exist = more if upwards else older_than is not None
    return OrderListPage(
        rows=[OrderListRow(summary, imported.get(summary.order_id)) for summary in shown],
        total=sum(counts.get(status_id, 0) for status_id in status_ids),
        older_than=shown[-1].order_id if older_exist and shown else None,
        newer_than=shown[0].order_id if newer_exist and shown else None,
    )


def _beyond(window: OrderQuery, *, older_than: int | None, newer_than: int | None) -> dict[str, int | None]:
    """The id bounds of a page past a cursor, kept inside the search's own bounds."""
    if older_than is not None:
        return {"max_id": min(older_than - 1, window.max_id if window.max_id is not None else older_than - 1)}
    if newer_than is not None:
        return {"min_id": max(newer_than + 1, window.min_id or 0)}
    return {}
