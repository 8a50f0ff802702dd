"""The operator's health checks: database, broker, the worker's heartbeat and beat's last tick.

What they report is safe to show anyone: pass or fail, an age, and the kind of error, never a host,
URL, user name or message from the failing server.
"""
from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from operations.models import Heartbeat, HeartbeatSource
from salesorder.celery import app as celery_app


@dataclass(frozen=True)
class CheckResult:
    """One check's outcome, as the health endpoint shows it."""

    ok: bool
    detail: str
    last_seen: datetime.datetime | None = None

    def as_json(self) -> dict:
        shown: dict = {"ok": self.ok, "detail": self.detail}
        if self.last_seen is not None:
            shown["last_seen"] = self.last_seen.isoformat()
        return shown


def database_check() -> CheckResult:
    """The database answers a query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        return CheckResult(False, f"unreachable ({type(error).__name__})")
    return CheckResult(True, "reachable")


def broker_check() -> CheckResult:
    """The Celery broker accepts a connection (with the embedded broker: its file opens)."""
    try:
        with celery_app.connection_for_write(settings.CELERY_BROKER_URL) as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0,
                                     timeout=settings.HEALTH_BROKER_TIMEOUT_SECONDS)
            broker.default_channel  # noqa: B018 - opening a channel proves the broker answers
    except Exception as error:  # noqa: BLE001 - any failure to connect is the answer, whatever its type
        return CheckResult(False, f"unreachable ({type(error).__name__})")
    return CheckResult(True, "reachable")


def worker_check() -> CheckResult:
    """A worker ran the heartbeat task recently."""
    return _heartbeat_check(HeartbeatSource.WORKER, "no worker has run the heartbeat task yet")


def beat_check() -> CheckResult:
    """Beat sent the heartbeat task recently."""
    return _heartbeat_check(HeartbeatSource.BEAT, "beat has not ticked yet")


CHECKS: dict[str, Callable[[], CheckResult]] = {
    "database": database_check,
    "broker": broker_check,
    "worker": worker_check,
    "beat": beat_check,
}


def health_report(*, checks: Sequence[str] = tuple(CHECKS)) -> dict[str, CheckResult]:
    """Run the named checks (all by default), each on its own: one failing does not stop the others."""
    return {name: CHECKS[name]() for name in checks}


def _heartbeat_check(source: HeartbeatSource, never: str) -> CheckResult:
    try:
        heartbeat = Heartbeat.objects.filter(source=source).first()
    except DatabaseError as error:
        return CheckResult(False, f"unknown: the database is unreachable ({type(error).__name__})")
    if heartbeat is None:
        return CheckResult(False, never)
    age = (timezone.now() - heartbeat.seen_at).total_seconds()
    limit = settings.HEALTH_STALE_AFTER_SECONDS
    if age > limit:
        return CheckResult(False, f"last seen {age:.0f} s ago, more than {limit} s", heartbeat.seen_at)
    return CheckResult(True, f"last seen {max(age, 0):.0f} s ago", heartbeat.seen_at)
