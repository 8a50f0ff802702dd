"""Operator tasks on beat's schedule: the worker's heartbeat, the retention prune and the sweep of dead runs."""
from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from carts.runs import cart_runs_close_stale
from items.csv_import import items_csv_uploads_close_stale

from operations.heartbeats import heartbeat_record
from operations.models import HeartbeatSource
from operations.retention import retention_prune

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def worker_heartbeat() -> None:
    """Note that a worker is taking tasks."""
    heartbeat_record(source=HeartbeatSource.WORKER)


@shared_task(ignore_result=True)
def retention_prune_task() -> None:
    """Prune cart logs and uploaded CSVs past their retention (README.md, Retention)."""
    result = retention_prune(now=timezone.now())
    logger.info("Retention pruned: %s cart log entries, %s uploaded CSV files.", result.cart_logs, result.csv_uploads)


@shared_task(ignore_result=True)
def stale_runs_close_task() -> None:
    """Close the log entries of runs whose worker died, and put back items CSVs whose check or import it left
    (README.md, Runs that stop)."""
    now, stale_after = timezone.now(), datetime.timedelta(minutes=settings.RUN_STALE_AFTER_MINUTES)
    closed = cart_runs_close_stale(now=now, stale_after=stale_after)
    put_back = items_csv_uploads_close_stale(now=now, stale_after=stale_after)
    if closed or put_back:
        logger.warning("Closed %s cart runs and put back %s items CSVs that had made no progress for %s minutes.",
                       closed, put_back, settings.RUN_STALE_AFTER_MINUTES)
