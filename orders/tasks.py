"""Background order imports: the task loads its log entry and calls the same service the screen and CLI use."""
from __future__ import annotations

from celery import shared_task

from carts.models import CartLog, CartLogStatus
from orders.store_imports import orders_import_listed, orders_import_selected


@shared_task(ignore_result=True)
def orders_import_task(log_id: int, order_ids: list[int] | None) -> None:
    """Run an order import logged as `log_id` (opened by orders_import_start): the ids given, or every listed order."""
    log = CartLog.objects.select_related("cart", "cart__company").filter(pk=log_id, status=CartLogStatus.RUNNING).first()
    if log is None:  # the cart was deleted, or the entry already finished (a redelivered message)
        return
    if order_ids is None:
        orders_import_listed(cart=log.cart, log=log)
    else:
        orders_import_selected(cart=log.cart, order_ids=order_ids, log=log)
