"""Auto-sync end to end: a real Celery worker and beat, the real database and broker, the sandbox over HTTP."""
from __future__ import annotations

from collections import Counter

import pytest

from carts.models import AutoSync, Cart, CartLog, CartLogKind
from orders.models import SalesTransaction
from sync.models import AutoSyncState
from sync.tasks import cart_sync_task
from tests.celery_worker import wait_for
from tests.orders.conftest import place, running_cart

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

AWAITING_FULFILLMENT = 11
PASS_TIMEOUT_SECONDS = 60


def every_tick_cart(company, server) -> Cart:
    """A Running cart that beat finds due at every tick (interval 0, set directly: the form's minimum is 5 minutes)."""
    cart = running_cart(company, server)
    Cart.objects.filter(pk=cart.pk).update(sync_interval_minutes=0)
    AutoSyncState.objects.filter(cart=cart).update(next_pass_at=None)
    return cart


def imported_counts(cart: Cart) -> Counter:
    return Counter(SalesTransaction.objects.filter(cart=cart).values_list("cart_order_id", flat=True))


def test_beat_and_worker_import_new_orders_exactly_once_and_stop_on_a_revoked_token(
    company, sandbox_allowed, celery_worker_with_beat
) -> None:
    worker, server = celery_worker_with_beat, sandbox_allowed
    cart = every_tick_cart(company, server)

    first = {place(server) for _ in range(3)}
    wait_for(lambda: first <= set(imported_counts(cart)), timeout=PASS_TIMEOUT_SECONDS, worker=worker,
             what="beat's passes to import the first orders")

    second = {place(server) for _ in range(3)}
    for _ in range(4):  # four passes at once on the same cart, besides the ones beat keeps starting
        worker.send(cart_sync_task, cart.pk, scheduled=False)
    wait_for(lambda: second <= set(imported_counts(cart)), timeout=PASS_TIMEOUT_SECONDS, worker=worker,
             what="the concurrent passes to import the second orders")

    counts = imported_counts(cart)
    assert all(counts[order_id] == 1 for order_id in first | second), counts
    assert max(counts.values()) == 1
    assert CartLog.objects.filter(cart=cart, kind=CartLogKind.SYNC, finished_at__isnull=False).exists()

    server.store.revoke_account("full")
    wait_for(lambda: Cart.objects.get(pk=cart.pk).auto_sync == AutoSync.STOPPED, timeout=PASS_TIMEOUT_SECONDS,
             worker=worker, what="a pass to stop the cart after the token was revoked")
    cart.refresh_from_db()
    assert "refused the access token (401)" in AutoSyncState.objects.get(cart=cart).stopped_reason
    wait_for(lambda: any("refused the access token (401)" in mail for mail in worker.mails()), timeout=10,
             worker=worker, what="the e-mail telling the company why auto-sync stopped")
    assert imported_counts(cart) == counts  # nothing imported or doubled after the stop
