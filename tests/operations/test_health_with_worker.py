"""The health endpoint against a real Celery worker with beat: healthy while they run, the worker named when it stops."""
from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.celery_worker import stop, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(transactional_db, request, monkeypatch, settings):
    """A worker with beat sending the heartbeat every second; the health checks read its broker."""
    monkeypatch.setenv("HEALTH_HEARTBEAT_SECONDS", "1")
    started = request.getfixturevalue("celery_worker_with_beat")
    settings.CELERY_BROKER_URL = started.broker_url
    return started


def health() -> tuple[int, dict]:
    response = Client().get("/health/")
    return response.status_code, json.loads(response.content)


def test_a_running_worker_and_beat_make_the_health_check_pass_and_a_stopped_worker_fails_it(worker, settings) -> None:
    wait_for(lambda: health()[0] == 200, timeout=60, worker=worker, what="beat's tick and the worker's heartbeat")
    status, body = health()
    assert body["status"] == "ok" and all(check["ok"] for check in body["checks"].values())
    stop(worker.process)
    settings.HEALTH_STALE_AFTER_SECONDS = 3
    wait_for(lambda: health()[0] == 503, timeout=30, what="the heartbeats to go stale")
    failing = {name for name, check in health()[1]["checks"].items() if not check["ok"]}
    assert failing == {"worker", "beat"}  # `worker --beat` is one process: both stopped
