"""Background item imports: the task loads its log entry and calls the same service the screen and CLI use."""
from __future__ import annotations

from celery import shared_task

from carts.models import CartLog, CartLogStatus
from items.cart_import import CatalogSelection, cart_items_import


@shared_task(ignore_result=True)
def cart_items_import_task(log_id: int, selection: dict) -> None:
    """Run an items import logged as `log_id` (opened by cart_items_import_start)."""
    log = CartLog.objects.select_related("cart", "cart__company").filter(pk=log_id, status=CartLogStatus.RUNNING).first()
    if log is None:  # the cart was deleted, or the entry already finished (a redelivered message)
        return
    cart_items_import(cart=log.cart, selection=CatalogSelection.from_json(selection), log=log)
