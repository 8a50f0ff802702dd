"""The Auto-sync tab's reconciliation: the store's orders the cart should import, against what was imported or refused."""
from __future__ import annotations

from dataclasses import dataclass

from carts.models import Cart
from carts.platforms.base import OrderQuery
from carts.stores import cart_store_open
from orders.models import OrderRefusal
from orders.selectors import transactions_by_cart_order
from orders.window import cart_orders_require_status, cart_orders_window


@dataclass(frozen=True)
class Reconciliation:
    """The store's orders in the cart's statuses since the cut-off, against what was imported or refused."""

    store_total: int
    imported: int
    refused: int
    not_yet_seen: list[int]
    api_requests: int


def cart_sync_reconcile(*, cart: Cart) -> Reconciliation:
    """Count the store's orders that the cart should import and compare with its transactions and refusals.

    Reads every such order's id (pages of 250 without lines), so a missed order cannot hide.
    """
    cart_orders_require_status(cart=cart)
    status_ids, created_from = cart_orders_window(cart=cart)
    with cart_store_open(cart=cart) as store:
        order_ids = {
            record.order_id
            for status_id in status_ids
            for record in store.orders(OrderQuery(status_id=status_id, created_from=created_from))
        }
    imported = set(transactions_by_cart_order(cart=cart, order_ids=order_ids))
    refused = set(
        OrderRefusal.objects.filter(cart=cart, cart_order_id__in=order_ids - imported).values_list(
            "cart_order_id", flat=True
        )
    )
    return Reconciliation(
        store_total=len(order_ids),
        imported=len(imported),
        refused=len(refused),
        not_yet_seen=sorted(order_ids - imported - refused),
        api_requests=store.stats.requests,
    )
