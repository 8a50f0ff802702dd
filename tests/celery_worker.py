"""A real Celery worker with beat, in its own processes, sharing the test database and a broker (a fixture).

CI gives it PostgreSQL and Redis (DATABASE_URL, REDIS_URL); on a machine with neither, the test
database is a SQLite file and the broker is kombu's SQLAlchemy transport over another file.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from salesorder.celery import app as celery_app

BASE_DIR = Path(__file__).resolve().parent.parent
READY_TIMEOUT_SECONDS = 60
STOP_TIMEOUT_SECONDS = 20


def current_database_url() -> str:
    """The URL of the database this test run uses, for the worker to open the same one."""
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    user = database.get("USER") or "postgres"
    password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{database.get('HOST') or '127.0.0.1'}:{database.get('PORT') or 5432}/{database['NAME']}"


@dataclass
class Worker:
    """A running `celery worker --beat` and how to send it tasks."""

    process: subprocess.Popen
    broker_url: str
    queue: str
    log_file: Path
    mail_dir: Path

    def send(self, task, *args: object, **kwargs: object) -> None:
        """Queue a task for this worker (on its broker and queue)."""
        with celery_app.connection_for_write(self.broker_url) as broker:
            task.apply_async(args=args, kwargs=kwargs, queue=self.queue, connection=broker)

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])

    def mails(self) -> list[str]:
        return [path.read_text() for path in sorted(self.mail_dir.glob("*.log"))]


def wait_for(condition, *, timeout: float, interval: float = 0.5, worker: Worker | None = None, what: str = "") -> None:
    """Poll until condition() is true; fail with the worker's log if it never is."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    pytest.fail(f"Timed out after {timeout:.0f} s waiting for {what}." + (f"\nWorker log:\n{worker.log_tail()}" if worker else ""))


@pytest.fixture
def celery_worker_with_beat(transactional_db, sandbox_allowed, tmp_path) -> Iterator[Worker]:
    """Start a worker with beat ticking every second; stop it (TERM, then KILL) after the test."""
    queue = f"test-{uuid.uuid4().hex[:12]}"
    broker_url = os.environ.get("REDIS_URL") or f"sqla+sqlite:///{tmp_path / 'broker.sqlite'}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    log_file = tmp_path / "worker.log"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "salesorder.settings",
        "DATABASE_URL": current_database_url(),
        "CELERY_BROKER_URL": broker_url,
        "CELERY_QUEUE": queue,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "BIGCOMMERCE_EXTRA_API_HOSTS": ",".join(settings.BIGCOMMERCE_EXTRA_API_HOSTS),
        "AUTOSYNC_TICK_SECONDS": "1",
        "EMAIL_URL": f"filemail:///{mail_dir}",  # four slashes before an absolute path
        "PYTHONUNBUFFERED": "1",
    }
    command = [sys.executable, "-m", "celery", "-A", "salesorder", "worker", "--beat", "--concurrency=2",
               "--loglevel=INFO", "-Q", queue, "--schedule", str(tmp_path / "beat-schedule"), "--without-mingle",
               "--without-gossip", "-n", f"{queue}@%h"]
    with log_file.open("w") as log:
        process = subprocess.Popen(command, cwd=BASE_DIR, env=environment, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    worker = Worker(process, broker_url, queue, log_file, mail_dir)
    try:
        wait_for(lambda: "ready." in log_file.read_text(errors="replace") or process.poll() is not None,
                 timeout=READY_TIMEOUT_SECONDS, worker=worker, what="the worker to start")
        if process.poll() is not None:
            pytest.fail(f"The worker exited at start:\n{worker.log_tail()}")
        yield worker
    finally:
        stop(process)


def stop(process: subprocess.Popen) -> None:
    """TERM the worker's process group, then KILL it if it has not exited in time."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
