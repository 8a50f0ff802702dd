"""Whether an order is imported: the cart's statuses and dates, orders that were never a sale, an item for every line.

One rule for the import and the preview; each refusal says which setting or step fixes it.
"""
from __future__ import annotations

import datetime
from collections.abc import Collection

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


def order_items_refusal(*, cart: Cart, order: StoreOrder, line_items: dict[int, Item | None],
                        in_store: Collection[tuple[int, int]] | None = None) -> tuple[str, tuple[MissingItem, ...]]:
    """Why the order's lines or e-mail address keep it out ('' when nothing does), and the products no item matches.

    `in_store`: the (product id, variant id) of unmatched lines the store's catalog still has, when it was
    asked (orders/missing_items.py); a line whose variant is not among them cannot be imported from the cart.
    """
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
    missing = tuple({line.sku: MissingItem(
        line.sku, line.name, line.product_id, line.variant_id, unit_price=line.base_price, is_digital=line.is_digital,
        in_store=None if in_store is None else (line.product_id, line.variant_id) in in_store,
    ) for line in unmatched}.values())
    if missing and not cart.create_missing_items:
        return _missing_items_reason(missing), missing
    return "", ()


def _missing_items_reason(missing: tuple[MissingItem, ...]) -> str:
    importable = [item for item in missing if item.importable_from_cart]
    gone = [item for item in missing if not item.importable_from_cart]
    parts = []
    if importable:
        parts.append(f"no item matches its {_skus(importable)}. Import {_them(importable)} from the cart's Items (Cart) "
                     "tab")
    if gone:
        parts.append(f"{'and ' if importable else ''}no item matches its {_skus(gone)}, whose product is no longer in "
                     "the store's catalog (deleted in BigCommerce, or the variant removed), so "
                     f"{'it' if len(gone) == 1 else 'they'} cannot be imported from the cart. Create "
                     f"{_them(gone)} from the order line (its SKU, description and price)")
    return "; ".join(parts) + (", or switch on 'Create missing items' in the cart's settings, then import the order "
                               "again.")


def _skus(items: list[MissingItem]) -> str:
    return ("SKU " if len(items) == 1 else "SKUs ") + ", ".join(item.sku for item in items)


def _them(items: list[MissingItem]) -> str:
    return "it" if len(items) == 1 else "them"
