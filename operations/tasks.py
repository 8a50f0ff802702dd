"""Operator tasks on beat's schedule: the worker's heartbeat and the retention prune."""
from __future__ import annotations

from celery import shared_task

from operations.heartbeats import heartbeat_record
from operations.models import HeartbeatSource


@shared_task(ignore_result=True)
def worker_heartbeat() -> None:
    """Note that a worker is taking tasks."""
    heartbeat_record(source=HeartbeatSource.WORKER)
