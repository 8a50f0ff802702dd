"""Operator tasks on beat's schedule: the worker's heartbeat and the retention prune."""
from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

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
