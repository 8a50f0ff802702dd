"""When the Celery worker and beat last showed they were alive, for the health endpoint."""
from __future__ import annotations

from django.db import models


class HeartbeatSource(models.TextChoices):
    WORKER = "worker", "Celery worker"
    BEAT = "beat", "Celery beat"


class Heartbeat(models.Model):
    """One row per source, overwritten at each heartbeat (not a history)."""

    source = models.CharField(max_length=20, choices=HeartbeatSource.choices, primary_key=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.get_source_display()} at {self.seen_at:%Y-%m-%d %H:%M:%S}"
