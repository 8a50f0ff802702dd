"""The worker's side of the inbox: re-read the orders that delivered events name, once per burst, never twice at once.

The receiver queues a task for a cart only when none is queued and not yet started (noted on the
cart's endpoint), so a burst of deliveries costs a task per cart at a time, not one each. A task first
clears that note, so a delivery filed after it queues the next task. It claims every unprocessed
delivery of the cart with a conditional update (so two tasks never take the same rows), re-reads
their orders' current state through the Orders tab's import (new ones imported exactly once by its
constraints; imported ones re-read for a new status or refund), then marks them processed. A claim
lapses, so deliveries a killed worker held are taken up again by the sweep; a store that failed to
answer leaves them claimed a while longer, then they are tried again.
"""
from __future__ import annotations

import datetime
import uuid

from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from carts.models import AutoSync, Cart, CartLogKind, CartLogStatus
from carts.platforms.base import StoreError
from carts.runs import cart_log_finish, cart_log_progress, cart_log_start
from carts.stores import cart_store_open
from orders.imports import orders_import
from orders.results import ImportResult
from webhooks.models import CartHookEndpoint, HookDelivery, StoreHookState

CLAIM = datetime.timedelta(seconds=120)
# After the store failed to answer, the deliveries wait this long before they are tried again.
RETRY_AFTER = datetime.timedelta(minutes=5)
# A delivery unprocessed and unclaimed for this long is picked up by the sweep (its task was lost).
SWEEP_AFTER = datetime.timedelta(seconds=30)
# A queued task's note older than this no longer holds back another (that task was lost with a killed worker).
QUEUED_NOTE_LAPSES = datetime.timedelta(seconds=30)
# Processed deliveries are kept this long to recognise a duplicate (one arriving later is only re-read again).
KEEP_PROCESSED = datetime.timedelta(days=2)


def _claimable(now: datetime.datetime) -> Q:
    return Q(processed_at__isnull=True) & (Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))


def cart_hook_deliveries_queue_needed(*, cart_id: int) -> bool:
    """After a delivery is filed: whether to queue a task for the cart's deliveries (noted as queued if so), or
    one already queued will take it. One statement, which writes nothing while a task is queued."""
    now = timezone.now()
    return bool(CartHookEndpoint.objects.filter(cart_id=cart_id).filter(
        Q(deliveries_queued_at__isnull=True) | Q(deliveries_queued_at__lt=now - QUEUED_NOTE_LAPSES)
    ).update(deliveries_queued_at=now))


def cart_hook_deliveries_process(*, cart_id: int) -> int:
    """Re-read the orders of the cart's unprocessed deliveries; how many deliveries were settled (0: none waiting)."""
    # Before the claim: a delivery filed from now on queues another task, one filed before is claimed here.
    CartHookEndpoint.objects.filter(cart_id=cart_id, deliveries_queued_at__isnull=False).update(
        deliveries_queued_at=None)
    now, token = timezone.now(), uuid.uuid4().hex
    claimed = HookDelivery.objects.filter(_claimable(now), cart_id=cart_id).update(claimed_until=now + CLAIM,
                                                                                    claim_token=token)
    if not claimed:
        return 0
    mine = HookDelivery.objects.filter(claim_token=token, processed_at__isnull=True)
    _note_last_deliveries(cart_id, mine)
    cart = Cart.objects.select_related("company").filter(pk=cart_id).first()
    if cart is not None and cart.auto_sync == AutoSync.RUNNING:  # a Stopped cart imports nothing by itself
        order_ids = sorted(set(mine.values_list("order_id", flat=True)))
        try:
            with cart_store_open(cart=cart) as store:
                result = orders_import(cart=cart, orders=store.orders_by_id(order_ids), store=store,
                                       skip_outside_statuses=True)
                result.stats = store.stats
        except StoreError:
            result = None
        if result is None or result.stopped_reason:
            mine.update(claimed_until=timezone.now() + RETRY_AFTER)
            return 0
        _logged(cart, result)
    return mine.update(processed_at=timezone.now())


def _logged(cart: Cart, result: ImportResult) -> None:
    """What the deliveries brought is in the cart's Log like any import: orders imported or refused, changes and
    credit notes. Re-reads that found nothing new are not (every order event would add an entry)."""
    if not (result.imported or result.refused or result.changes):
        return
    log = cart_log_start(cart=cart, kind=CartLogKind.ORDERS_IMPORT, total=len(result.outcomes))
    cart_log_progress(log=log, done=len(result.outcomes))
    cart_log_finish(log=log, status=CartLogStatus.SUCCEEDED if result.succeeded else CartLogStatus.PARTIAL,
                    summary=f"From the store's webhooks. {result.summary}", counts=result.counts,
                    failures=result.failures, stats=result.stats)


def _note_last_deliveries(cart_id: int, deliveries: QuerySet[HookDelivery]) -> None:
    """When the cart's hooks (each scope's, and any) last delivered, for the Auto-sync tab and their health."""
    latest = dict(deliveries.values("scope").annotate(at=Max("received_at")).values_list("scope", "at"))
    for scope, at in latest.items():
        StoreHookState.objects.filter(cart_id=cart_id, scope=scope).filter(
            Q(last_delivery_at__isnull=True) | Q(last_delivery_at__lt=at)).update(last_delivery_at=at)
    if latest:
        newest = max(latest.values())
        CartHookEndpoint.objects.filter(cart_id=cart_id).filter(
            Q(last_delivery_at__isnull=True) | Q(last_delivery_at__lt=newest)).update(last_delivery_at=newest)


def hook_deliveries_waiting(*, now: datetime.datetime | None = None) -> list[int]:
    """Carts with deliveries nobody is working on (their task was lost, or their claim lapsed); prunes old ones."""
    now = now or timezone.now()
    HookDelivery.objects.filter(processed_at__lt=now - KEEP_PROCESSED).delete()
    return list(HookDelivery.objects.filter(_claimable(now), received_at__lt=now - SWEEP_AFTER)
                .order_by("cart_id").values_list("cart_id", flat=True).distinct())
