"""The beat tick's decision: which Running carts are due a pass now, each scheduled its next one in the same step."""
from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from carts.models import AutoSync, Cart


def due_carts_schedule(*, now: datetime.datetime | None = None) -> list[int]:
    """Schedule the next pass of every Running cart whose interval has passed; their ids (each due a pass now).

    No API calls and a constant amount of work per cart: one query for the due carts and one
    update per distinct interval, so a tick over hundreds of carts takes well under a second.
    """
    now = now or timezone.now()
    due = list(
        Cart.objects.filter(auto_sync=AutoSync.RUNNING)
        .filter(Q(next_sync_at__isnull=True) | Q(next_sync_at__lte=now))
        .values_list("pk", "sync_interval_minutes")
    )
    by_interval: dict[int, list[int]] = {}
    for cart_id, interval in due:
        by_interval.setdefault(interval, []).append(cart_id)
    with transaction.atomic():
        for interval, cart_ids in by_interval.items():
            Cart.objects.filter(pk__in=cart_ids).update(next_sync_at=now + datetime.timedelta(minutes=interval))
    return [cart_id for cart_id, _ in due]
