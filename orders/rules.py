"""Whether an order is imported: the cart's statuses and dates, orders that were never a sale, an item for every line.

One rule for the import and the preview; each refusal says which setting or step fixes it.
"""
from __future__ import annotations

import datetime

from carts.models import Cart
from items.models import SKU_MAX_LENGTH, Item
from orders.mapping import StoreOrder
from orders.results import MissingItem
from orders.window import cart_orders_outside_window

EMAIL_MAX_LENGTH = 254  # the customer's e-mail column


def order_outside_rules(*, cart: Cart, order: StoreOrder, status_ids: list[int],
                        created_from: datetime.datetime | None) -> str:
    """Why the cart does not import the order as a sale, before its items are looked at ('' when it does)."""
    outside = cart_orders_outside_window(cart=cart, status_id=order.status_id, status_label=order.status_label,
                                         created_at=order.created_at, status_ids=status_ids, created_from=created_from)
    if outside or not order.not_a_sale_reason:
        return outside
    return (f"{order.not_a_sale_reason}, so it is not a sale to book: such orders are listed, never imported. "
            "Untick its status in 'Import Orders with Status' on the cart's Settings tab to stop listing them.")


def order_items_refusal(*, cart: Cart, order: StoreOrder,
                        line_items: dict[int, Item | None]) -> tuple[str, tuple[MissingItem, ...]]:
    """Why the order's lines or e-mail address keep it out ('' when nothing does), and the products no item matches."""
    unmatched = [line for line in order.lines if line_items[line.cart_line_id] is None]
    without_sku = [line for line in unmatched if not line.sku]
    if without_sku:
        names = ", ".join(line.name for line in without_sku)
        return (f"its line for {names} has no SKU and no item is linked to that product, so no item can match it. "
                "Give the product a SKU in BigCommerce and import it from the Items (Cart) tab, then import the order "
                "again."), ()
    if len(order.customer.email) > EMAIL_MAX_LENGTH:
        return (f"its billing e-mail address is {len(order.customer.email)} characters long; an address holds at most "
                f"{EMAIL_MAX_LENGTH}. Correct it in BigCommerce, then import the order again."), ()
    too_long = [line for line in unmatched if len(line.sku) > SKU_MAX_LENGTH]
    if too_long:
        return (f"its line for {too_long[0].name or 'a product'} has a SKU of {len(too_long[0].sku)} characters; "
                f"Salesorder SKUs hold at most {SKU_MAX_LENGTH}, so no item can match it. Shorten the SKU in "
                "BigCommerce, import the product from the Items (Cart) tab, then import the order again."), ()
    missing = tuple({line.sku: MissingItem(line.sku, line.name, line.product_id, line.variant_id)
                     for line in unmatched}.values())
    if missing and not cart.create_missing_items:
        return _missing_items_reason(missing), missing
    return "", ()


def _missing_items_reason(missing: tuple[MissingItem, ...]) -> str:
    skus = ", ".join(item.sku for item in missing)
    noun = "SKU" if len(missing) == 1 else "SKUs"
    return (
        f"no item matches its {noun} {skus}. Import {'it' if len(missing) == 1 else 'them'} from the cart's "
        "Items (Cart) tab, or switch on 'Create missing items' in the cart's settings, then import the order again."
    )
