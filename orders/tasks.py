"""Background order imports: the task loads its log entry and calls the same service the screen and CLI use."""
from __future__ import annotations

from celery import shared_task

from carts.runs import cart_log_running
from items.cart_import import CatalogSelection, cart_items_import
from orders.store_imports import orders_import_listed, orders_import_selected


@shared_task(ignore_result=True)
def orders_import_task(log_id: int, order_ids: list[int] | None) -> None:
    """Run an order import logged as `log_id` (opened by orders_import_start): the ids given, or every listed order."""
    log = cart_log_running(log_id=log_id)
    if log is None:
        return
    if order_ids is None:
        orders_import_listed(cart=log.cart, log=log)
    else:
        orders_import_selected(cart=log.cart, order_ids=order_ids, log=log)


@shared_task(ignore_result=True)
def orders_import_with_missing_items_task(items_log_id: int, orders_log_id: int, variants: list[list[int]],
                                          order_ids: list[int]) -> None:
    """A refusal's offer, in the background: import the products from the cart, then the refused orders again."""
    items_log = cart_log_running(log_id=items_log_id)
    if items_log is not None:
        selection = CatalogSelection(variants=tuple((int(product), int(variant)) for product, variant in variants))
        cart_items_import(cart=items_log.cart, selection=selection, log=items_log)
    orders_log = cart_log_running(log_id=orders_log_id)
    if orders_log is not None:
        orders_import_selected(cart=orders_log.cart, order_ids=order_ids, log=orders_log)
