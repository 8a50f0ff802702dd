"""The worker's and beat's heartbeats: beat sends `worker_heartbeat` on its schedule, a worker runs it.

Beat's tick is recorded when beat has published that task, the worker's when a worker has run it, so a
stopped beat and a stopped (or swamped) worker show apart.
"""
from __future__ import annotations

from celery.signals import after_task_publish
from django.utils import timezone

from operations.models import Heartbeat, HeartbeatSource

WORKER_HEARTBEAT_TASK = "operations.tasks.worker_heartbeat"


def heartbeat_record(*, source: HeartbeatSource) -> None:
    """Note that `source` is alive now."""
    Heartbeat.objects.update_or_create(source=source, defaults={"seen_at": timezone.now()})


@after_task_publish.connect(dispatch_uid="operations.beat_tick")
def beat_published_the_heartbeat(sender: str | None = None, **kwargs: object) -> None:
    # Only beat's schedule sends this task, so its publication is beat's tick.
    if sender == WORKER_HEARTBEAT_TASK:
        heartbeat_record(source=HeartbeatSource.BEAT)
