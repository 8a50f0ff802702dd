"""GET /health/: database, broker, the worker's heartbeat and beat's last tick; 200 or 503 naming what failed."""
from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from operations.models import Heartbeat, HeartbeatSource
from operations.tasks import worker_heartbeat
from salesorder.celery import app as celery_app

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parent.parent.parent
CLOSED_PORT_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1 of this machine


def alive(source: HeartbeatSource, seconds_ago: float = 0) -> None:
    Heartbeat.objects.update_or_create(source=source,
                                       defaults={"seen_at": timezone.now() - datetime.timedelta(seconds=seconds_ago)})


def health(query: str = "") -> tuple[int, dict]:
    response = Client().get(f"/health/{query}")  # no login
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    return response.status_code, json.loads(response.content)


def failing(body: dict) -> set[str]:
    return {name for name, check in body["checks"].items() if not check["ok"]}


def test_everything_alive_answers_200(transactional_db) -> None:
    alive(HeartbeatSource.WORKER, seconds_ago=20)
    alive(HeartbeatSource.BEAT, seconds_ago=5)
    status, body = health()
    assert status == 200 and body["status"] == "ok"
    assert set(body["checks"]) == {"database", "broker", "worker", "beat"} and failing(body) == set()
    assert body["checks"]["worker"]["detail"] == "last seen 20 s ago"


def test_a_broker_that_does_not_answer_is_a_503_naming_it(settings) -> None:
    settings.CELERY_BROKER_URL = CLOSED_PORT_BROKER
    alive(HeartbeatSource.WORKER)
    alive(HeartbeatSource.BEAT)
    status, body = health()
    assert status == 503 and body["status"] == "failing"
    assert failing(body) == {"broker"}
    assert body["checks"]["broker"]["detail"].startswith("unreachable (")
    assert "127.0.0.1" not in json.dumps(body)  # where the broker is stays private


def test_a_stale_worker_and_a_missing_beat_are_named(settings) -> None:
    alive(HeartbeatSource.WORKER, seconds_ago=settings.HEALTH_STALE_AFTER_SECONDS + 60)
    status, body = health()
    assert status == 503 and failing(body) == {"worker", "beat"}
    assert body["checks"]["worker"]["detail"] == f"last seen {settings.HEALTH_STALE_AFTER_SECONDS + 60} s ago, more than 300 s"
    assert body["checks"]["beat"]["detail"] == "beat has not ticked yet"


def test_only_the_checks_asked_for_run(settings) -> None:
    settings.CELERY_BROKER_URL = CLOSED_PORT_BROKER
    status, body = health("?check=database")  # e.g. a load balancer asking about this web server only
    assert status == 200 and set(body["checks"]) == {"database"}
    status, body = health("?check=database,broker")
    assert status == 503 and failing(body) == {"broker"}


def test_an_unknown_check_is_refused_with_the_names_to_use() -> None:
    status, body = health("?check=disk")
    assert status == 400
    assert body == {"error": "Unknown check disk: choose from database, broker, worker, beat."}


@pytest.fixture
def published():
    """Tasks go to the broker (another test may have left the app running them in-process)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = previous


def test_publishing_the_heartbeat_records_beat_and_running_it_records_the_worker(published) -> None:
    queue = f"test-heartbeat-{uuid.uuid4().hex[:12]}"  # a queue no worker reads
    worker_heartbeat.apply_async(queue=queue, expires=60)  # what beat's schedule does
    assert set(Heartbeat.objects.values_list("source", flat=True)) == {"beat"}
    worker_heartbeat.apply()  # what a worker does with it
    assert set(Heartbeat.objects.values_list("source", flat=True)) == {"beat", "worker"}
    assert health()[0] == 200
    with celery_app.connection_for_write() as broker:
        broker.default_channel.queue_purge(queue)
        broker.default_channel.queue_delete(queue)


def test_beat_sends_the_heartbeat_on_its_schedule() -> None:
    entry = django_settings.CELERY_BEAT_SCHEDULE["worker-heartbeat"]
    assert entry["task"] == worker_heartbeat.name and entry["schedule"] == django_settings.HEALTH_HEARTBEAT_SECONDS


def test_the_answer_holds_no_secret(settings) -> None:
    settings.CELERY_BROKER_URL = "redis://:broker-password-77@127.0.0.1:1/0"
    text = Client().get("/health/").content.decode()
    for secret in ("broker-password-77", settings.SECRET_KEY, settings.DATABASES["default"]["NAME"],
                   settings.DATABASES["default"].get("USER") or "no user"):
        assert secret not in text


def test_only_get_is_answered(client) -> None:
    assert client.post("/health/").status_code == 405


def test_a_database_that_does_not_answer_is_a_503_naming_it(tmp_path) -> None:
    environment = {"PATH": "/usr/bin:/bin", "DEBUG": "true", "VAR_DIR": str(tmp_path),
                   "DATABASE_URL": "postgres://postgres@127.0.0.1:1/nothing",  # nothing listens on port 1
                   "CELERY_BROKER_URL": os.environ.get("REDIS_URL") or f"sqla+sqlite:///{tmp_path / 'broker.sqlite'}"}
    code = ("from django.test import Client; response = Client(HTTP_HOST='localhost').get('/health/'); "
            "print(response.status_code, response.content.decode())")
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=BASE_DIR, env=environment,
                            capture_output=True, text=True, check=True)
    status, body = result.stdout.strip().splitlines()[-1].split(" ", 1)
    checks = json.loads(body)["checks"]
    assert status == "503"
    assert {name for name, check in checks.items() if not check["ok"]} == {"database", "worker", "beat"}
    assert checks["database"]["detail"] == "unreachable (OperationalError)"
    assert checks["worker"]["detail"].startswith("unknown: the database is unreachable")
