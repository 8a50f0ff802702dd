"""Auto-sync on the worker: the beat tick and one pass per cart; each calls the same service as the screens and CLI."""
from __future__ import annotations

from celery import shared_task
from django.conf import settings

from carts.platforms.base import backoff_seconds
from carts.runs import cart_log_running
from sync.passes import PassOutcome, cart_sync_pass
from sync.reconciliation import cart_sync_reconcile
from sync.tick import due_carts_schedule
from webhooks.tasks import cart_hooks_apply_task
from webhooks.verification import cart_hooks_verify, carts_with_unwanted_hooks


# The tick publishes one message per this many due carts; a worker fans each out into one pass task per cart,
# so a tick over 10,000 due carts publishes 100 messages rather than 10,000.
DISPATCH_CHUNK = 100


@shared_task(ignore_result=True)
def autosync_tick() -> int:
    """Every tick: queue a pass for each Running cart that is due (in chunks, fanned out on a worker); no API calls."""
    cart_ids = due_carts_schedule()
    with cart_sync_task.app.producer_or_acquire() as producer:  # one broker connection for the whole tick
        for start in range(0, len(cart_ids), DISPATCH_CHUNK):
            cart_sync_dispatch_task.apply_async((cart_ids[start:start + DISPATCH_CHUNK],), producer=producer)
        for cart_id in carts_with_unwanted_hooks():  # auto-sync stopped by itself: its hooks go too
            cart_hooks_apply_task.apply_async((cart_id,), producer=producer)
    return len(cart_ids)


@shared_task(ignore_result=True)
def cart_sync_dispatch_task(cart_ids: list[int]) -> int:
    """One pass task per cart of a tick's chunk, each retried on its own."""
    with cart_sync_task.app.producer_or_acquire() as producer:
        for cart_id in cart_ids:
            cart_sync_task.apply_async((cart_id,), producer=producer)
    return len(cart_ids)


# A pass that runs longer than this is stopped, so one slow store cannot hold a worker for good;
# the next pass carries on from the cursor and closes the interrupted pass's log entry.
@shared_task(bind=True, ignore_result=True, soft_time_limit=settings.AUTOSYNC_PASS_TIME_LIMIT_SECONDS,
             time_limit=settings.AUTOSYNC_PASS_TIME_LIMIT_SECONDS + 60)
def cart_sync_task(self, cart_id: int, scheduled: bool = True) -> str:
    """One auto-sync pass; a store that failed to answer is retried with exponential, jittered backoff."""
    sync_pass = cart_sync_pass(cart_id=cart_id, scheduled=scheduled)
    if sync_pass.outcome == PassOutcome.COMPLETED:
        cart_hooks_verify(cart_id=cart_id)  # now and then: re-registers a hook the store deactivated
    if sync_pass.outcome == PassOutcome.TRANSIENT_FAILURE and self.request.retries < settings.AUTOSYNC_RETRY_ATTEMPTS:
        countdown = backoff_seconds(self.request.retries + 1, base=settings.AUTOSYNC_RETRY_BASE_SECONDS, cap=float("inf"))
        raise self.retry(countdown=countdown, max_retries=settings.AUTOSYNC_RETRY_ATTEMPTS)
    return sync_pass.outcome.value


@shared_task(ignore_result=True)
def cart_sync_reconcile_task(log_id: int) -> None:
    """A reconciliation logged as `log_id` (opened by cart_sync_reconcile_start)."""
    log = cart_log_running(log_id=log_id)
    if log is not None:
        cart_sync_reconcile(cart=log.cart, log=log)
