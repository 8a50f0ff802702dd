"""Background item imports: the task loads its log entry and calls the same service the screen and CLI use."""
from __future__ import annotations

from celery import shared_task

from carts.runs import cart_log_running
from items.cart_import import CatalogSelection, cart_items_import


@shared_task(ignore_result=True)
def cart_items_import_task(log_id: int, selection: dict) -> None:
    """Run an items import logged as `log_id` (opened by cart_items_import_start)."""
    log = cart_log_running(log_id=log_id)
    if log is None:
        return
    cart_items_import(cart=log.cart, selection=CatalogSelection.from_json(selection), log=log)
