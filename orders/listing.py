"""The Orders (Cart) tab's list and `cart orders`: the store's orders the cart would import, newest first."""
from __future__ import annotations

from dataclasses import dataclass

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
class OrderListPage:
    """A page of the cart's orders, newest first, with the cursor for the next (older) page."""

    rows: list[OrderListRow]
    total: int
    older_than: int | None


def orders_list(*, cart: Cart, older_than: int | None = None, page_size: int = LIST_PAGE_SIZE) -> OrderListPage:
    """The store's orders in the cart's import statuses since its start date; raises CartNotReady or StoreError.

    The store filters by one status per request, so each page asks every status for its newest
    orders below the cursor and merges them: one request per status per page, plus one to count them all.
    """
    cart_orders_require_status(cart=cart)
    status_ids, created_from = cart_orders_window(cart=cart)
    with cart_store_open(cart=cart) as store:
        counts = store.order_counts(OrderQuery(created_from=created_from))
        found: list[OrderRecord] = []
        more = False
        for status_id in status_ids:
            query = OrderQuery(status_id=status_id, created_from=created_from,
                               max_id=older_than - 1 if older_than else None)
            page = store.orders_page(query, page_size=page_size, sort=OrderSort.NEWEST_FIRST)
            found.extend(page)
            more = more or len(page) == page_size
    found.sort(key=lambda record: record.order_id, reverse=True)
    platform = platform_named(cart.platform)
    shown = [platform.order_summary(record) for record in found[:page_size]]
    more = more or len(found) > page_size
    imported = transactions_by_cart_order(cart=cart, order_ids=[summary.order_id for summary in shown])
    return OrderListPage(
        rows=[OrderListRow(summary, imported.get(summary.order_id)) for summary in shown],
        total=sum(counts.get(status_id, 0) for status_id in status_ids),
        older_than=shown[-1].order_id if more and shown else None,
    )
