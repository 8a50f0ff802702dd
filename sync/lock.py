"""One auto-sync pass per cart at a time: a lock taken by a conditional update, with an expiry.

The expiry is pushed forward while a pass makes progress, so a killed worker's lock lapses by
itself and the next pass carries on; nothing here ever inspects workers.
"""
from __future__ import annotations

import datetime
import uuid

from django.db.models import Q
from django.utils import timezone

from sync.models import AutoSyncState


def cart_sync_lock_acquire(*, cart_id: int, ttl: datetime.timedelta, now: datetime.datetime | None = None) -> str | None:
    """Take the cart's one-pass-at-a-time lock; None when a live lock is held (an expired one is taken over).

    A conditional UPDATE: under concurrency the database lets exactly one caller match the row.
    `now` is the moment expiry is judged against (the current time unless given).
    """
    token = uuid.uuid4().hex
    now = now or timezone.now()
    taken = (
        AutoSyncState.objects.filter(cart_id=cart_id)
        .filter(Q(lock_until__isnull=True) | Q(lock_until__lt=now))
        .update(lock_until=now + ttl, lock_token=token)
    )
    return token if taken else None


def cart_sync_lock_extend(*, cart_id: int, token: str, ttl: datetime.timedelta) -> bool:
    """Push the lock's expiry forward while a long pass makes progress; False if it was lost."""
    return bool(
        AutoSyncState.objects.filter(cart_id=cart_id, lock_token=token).update(lock_until=timezone.now() + ttl)
    )


def cart_sync_lock_release(*, cart_id: int, token: str) -> None:
    """Release the lock if this holder still has it."""
    AutoSyncState.objects.filter(cart_id=cart_id, lock_token=token).update(lock_until=None, lock_token="")
