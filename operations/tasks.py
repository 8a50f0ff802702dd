"""Operator tasks on beat's schedule: the worker's heartbeat, the retention prune and the sweep of dead runs."""
from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from carts.runs import cart_runs_close_stale

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
    """Close the log entries of runs whose worker died (README.md, Runs that stop)."""
    closed = cart_runs_close_stale(now=timezone.now(),
                                   stale_after=datetime.timedelta(minutes=settings.RUN_STALE_AFTER_MINUTES))
    if closed:
        logger.warning("Closed %s cart runs that had made no progress for %s minutes.", closed,
                       settings.RUN_STALE_AFTER_MINUTES)
