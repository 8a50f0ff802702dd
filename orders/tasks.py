"""Background order work: imports, the auto-sync beat tick and its passes; each calls the same service as the screens."""
from __future__ import annotations

import random

from celery import shared_task
from django.conf import settings

from carts.models import CartLog, CartLogStatus
from orders.services import orders_import_listed, orders_import_selected
from orders.sync import PassOutcome, cart_sync_pass, carts_sync_due


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


@shared_task(ignore_result=True)
def autosync_tick() -> int:
    """Every tick: enqueue one pass per Running cart that is due; no API calls here."""
    cart_ids = carts_sync_due()
    with cart_sync_task.app.producer_or_acquire() as producer:  # one broker connection for the whole tick
        for cart_id in cart_ids:
            cart_sync_task.apply_async((cart_id,), producer=producer)
    return len(cart_ids)


# A pass that runs longer than this is stopped, so one slow store cannot hold a worker for good;
# the next pass carries on from the cursor and closes the interrupted pass's log entry.
@shared_task(bind=True, ignore_result=True, soft_time_limit=settings.AUTOSYNC_PASS_TIME_LIMIT_SECONDS,
             time_limit=settings.AUTOSYNC_PASS_TIME_LIMIT_SECONDS + 60)
def cart_sync_task(self, cart_id: int, scheduled: bool = True) -> str:
    """One auto-sync pass; a store that failed to answer is retried with capped, jittered backoff."""
    sync_pass = cart_sync_pass(cart_id=cart_id, scheduled=scheduled)
    if sync_pass.outcome == PassOutcome.TRANSIENT_FAILURE and self.request.retries < settings.AUTOSYNC_RETRY_ATTEMPTS:
        delay = settings.AUTOSYNC_RETRY_BASE_SECONDS * 2**self.request.retries
        raise self.retry(countdown=delay * (0.5 + random.random() / 2), max_retries=settings.AUTOSYNC_RETRY_ATTEMPTS)
    return sync_pass.outcome.value
