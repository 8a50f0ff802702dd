"""What the product keeps, and for how long: cart log entries and uploaded items CSVs are pruned by age.

Each cart keeps its newest RETENTION_CART_LOG_KEEP entries of each kind whatever their age, so its
Log and Auto-sync tabs always show recent history; an entry still running is never pruned.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet

from carts.models import CartLog, CartLogStatus
from items.models import ItemCsvUpload

# Rows deleted per statement: a long-unpruned table goes in short transactions, not one long one.
CART_LOG_BATCH = 2000
CSV_UPLOAD_BATCH = 50  # each holds a whole file's text


@dataclass(frozen=True)
class PruneResult:
    """How many rows one prune deleted."""

    cart_logs: int
    csv_uploads: int


def retention_prune(*, now: datetime.datetime) -> PruneResult:
    """Prune cart logs and CSV uploads older than their configured ages, as of `now`."""
    return PruneResult(
        cart_logs=cart_logs_prune(older_than=now - datetime.timedelta(days=settings.RETENTION_CART_LOG_DAYS),
                                  keep_per_kind=settings.RETENTION_CART_LOG_KEEP),
        csv_uploads=csv_uploads_prune(older_than=now - datetime.timedelta(days=settings.RETENTION_CSV_UPLOAD_DAYS)),
    )


def cart_logs_prune(*, older_than: datetime.datetime, keep_per_kind: int) -> int:
    """Delete finished log entries started before `older_than`, keeping each cart's newest `keep_per_kind` of each kind."""
    deleted = 0
    old = CartLog.objects.filter(started_at__lt=older_than)
    for cart_id, kind in old.values_list("cart_id", "kind").distinct().order_by():
        of_kind = CartLog.objects.filter(cart_id=cart_id, kind=kind)
        newest = list(of_kind.order_by("-started_at", "-pk").values_list("pk", flat=True)[:keep_per_kind])
        stale = of_kind.filter(started_at__lt=older_than).exclude(status=CartLogStatus.RUNNING).exclude(pk__in=newest)
        deleted += _delete_in_batches(stale, CART_LOG_BATCH)
    return deleted


def csv_uploads_prune(*, older_than: datetime.datetime) -> int:
    """Delete uploaded items CSVs (committed or not) uploaded before `older_than`."""
    return _delete_in_batches(ItemCsvUpload.objects.filter(uploaded_at__lt=older_than), CSV_UPLOAD_BATCH)


def _delete_in_batches(rows: QuerySet, batch: int) -> int:
    deleted = 0
    while ids := list(rows.order_by("pk").values_list("pk", flat=True)[:batch]):
        deleted += rows.model.objects.filter(pk__in=ids).delete()[0]
    return deleted
