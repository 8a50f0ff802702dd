"""Which of a store's orders a cart imports: its statuses, created on or after its cut-off (midnight, store time)."""
from __future__ import annotations

import datetime

from carts.models import Cart
from carts.platforms.base import NotReady
from salesorder.time_zones import store_time_zone


class CartNotReady(NotReady):
    """The cart's settings do not allow listing, importing or syncing orders yet; the message says which to set."""


def cart_orders_window(*, cart: Cart) -> tuple[list[int], datetime.datetime | None]:
    """The cart's import statuses and the moment 'Import orders from' starts (midnight, store time)."""
    status_ids = sorted({int(status_id) for status_id in cart.import_status_ids})  # each once, however stored
    if not cart.import_orders_from:
        return status_ids, None
    zone: datetime.tzinfo = store_time_zone(cart.store_timezone) or datetime.UTC
    return status_ids, datetime.datetime.combine(cart.import_orders_from, datetime.time.min, tzinfo=zone)


def cart_orders_require_status(*, cart: Cart) -> None:
    """Raise CartNotReady unless the cart names at least one status to import, as the guide warns."""
    if not cart.import_status_ids:
        raise CartNotReady(
            "Orders cannot be listed or imported until 'Import Orders with Status' is set on the cart's Settings "
            "tab (start with Awaiting Fulfillment)."
        )


def cart_orders_outside_window(*, cart: Cart, status_id: int, status_label: str, created_at: datetime.datetime,
                               status_ids: list[int], created_from: datetime.datetime | None) -> str:
    """Why an order is outside what the cart imports, and which setting to change ('' when it is inside)."""
    if status_id not in status_ids:
        allowed = ", ".join(cart.status_label(allowed_id) for allowed_id in status_ids) or "none"
        return (
            f"its status in the store is {status_label or cart.status_label(status_id)}, which is not one "
            f"of the cart's 'Import Orders with Status' ({allowed}). Add the status on the cart's Settings tab to "
            "import it."
        )
    if created_from is not None and created_at < created_from:
        return (
            f"it was created on {created_at:%Y-%m-%d}, before the cart's 'Import orders from' date "
            f"({cart.import_orders_from:%Y-%m-%d}). Move that date back on the cart's Settings tab to import it."
        )
    return ""
