"""The beat tick's decision: which Running carts are due a pass now, each scheduled its next one in the same step."""
from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from carts.models import AutoSync, Cart
from sync.models import AutoSyncState
from webhooks.health import carts_with_healthy_hooks


def due_carts_schedule(*, now: datetime.datetime | None = None) -> list[int]:
    """Schedule the next pass of every Running cart whose interval has passed; their ids (each due a pass now).

    No API calls and a constant amount of work per cart: one query for the due carts, one for which of
    them have healthy webhooks (their next pass is due only after WEBHOOKS_HEALTHY_PASS_MINUTES: the store
    pushes their orders) and one update per distinct interval, so a tick over thousands of carts stays fast.
    """
    now = now or timezone.now()
    due = list(
        Cart.objects.filter(auto_sync=AutoSync.RUNNING)
        .filter(Q(sync_state__isnull=True) | Q(sync_state__next_pass_at__isnull=True)
                | Q(sync_state__next_pass_at__lte=now))
        .values_list("pk", "company_id", "sync_interval_minutes", "sync_state__cart_id")
    )
    healthy = carts_with_healthy_hooks(cart_ids=[cart_id for cart_id, *_ in due], now=now)
    by_interval: dict[int, list[int]] = {}
    for cart_id, _, interval, _ in due:
        if cart_id in healthy:
            interval = max(interval, settings.WEBHOOKS_HEALTHY_PASS_MINUTES)
        by_interval.setdefault(interval, []).append(cart_id)
    with transaction.atomic():
        # Only a cart saved without the settings service lacks its state; the first tick that sees it makes it.
        missing = [AutoSyncState(cart_id=cart_id, company_id=company_id) for cart_id, company_id, _, state in due
                   if state is None]
        if missing:
            AutoSyncState.objects.bulk_create(missing, ignore_conflicts=True)
        for interval, cart_ids in by_interval.items():
            AutoSyncState.objects.filter(cart_id__in=cart_ids).update(
                next_pass_at=now + datetime.timedelta(minutes=interval))
    return [cart_id for cart_id, *_ in due]
