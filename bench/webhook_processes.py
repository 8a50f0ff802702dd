"""The processes the webhooks benchmark runs beside its own: sandbox stores, the web server, Celery workers and beat.

Each is started in a process group of its own with the product's environment (the benchmark's database,
Redis as broker and cache, a queue of its own, PUBLIC_BASE_URL naming the web server) and stopped after.
They stay in the benchmark's session: Linux's autogroup scheduler shares the CPU between sessions first, so a
worker in a session of its own would get as much as the web server whatever its nice value.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.harness import BASE_DIR, WORK_DIR

QUEUE = "bench-webhooks"
# Sandbox stores in one child process, each on its own port with its own delivery threads; prints
# 'API_PATH API_KEY' per store, then 'ready'.
STORES_SCRIPT = """
import sys, time
from sandbox.server import SandboxServer
count, orders = int(sys.argv[1]), int(sys.argv[2])
servers = [SandboxServer(port=0, store_hash=f"hooks{number}", seed=number + 1, products=20, orders=orders,
                         plan="unlimited", webhook_timeout=5.0).start() for number in range(count)]
for server in servers:
    print(server.api_path, server.api_key("full"), flush=True)
print("ready", flush=True)
while True:
    time.sleep(3600)
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def product_environment(*, public_base_url: str, store_hosts: list[str]) -> dict[str, str]:
    """The environment the web server, workers and beat share with the benchmark's run process."""
    return {**os.environ, "DEBUG": "true", "PYTHONUNBUFFERED": "1", "CELERY_QUEUE": QUEUE,
            "CELERY_TASK_ALWAYS_EAGER": "false", "PUBLIC_BASE_URL": public_base_url,
            "BIGCOMMERCE_EXTRA_API_HOSTS": ",".join(store_hosts), "LOG_LEVEL": "WARNING"}


class Group:
    """Child processes started for one run, each stopped (TERM, then KILL) when the run ends."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, label: str, command: list[str], environment: dict[str, str],
              stdout: int | None = None) -> subprocess.Popen:
        WORK_DIR.mkdir(parents=True, exist_ok=True)
        log = (WORK_DIR / f"{self.name}-{label}.log").open("w")
        process = subprocess.Popen(command, cwd=BASE_DIR, env=environment, stdout=stdout or log,
                                   stderr=subprocess.STDOUT if stdout is None else log, text=True,
                                   process_group=0)
        self.processes[label] = process
        return process

    def kill(self, label: str) -> None:
        """SIGKILL one process group, as a machine losing a worker would."""
        os.killpg(self.processes[label].pid, signal.SIGKILL)
        self.processes[label].wait()

    def stop_all(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@contextmanager
def process_group(name: str) -> Iterator[Group]:
    group = Group(name)
    try:
        yield group
    finally:
        group.stop_all()


def stores_start(group: Group, count: int, orders: int) -> list[tuple[str, str]]:
    """`count` sandbox stores in one child process; (API path, API key) of each."""
    process = group.start("stores", [sys.executable, "-c", STORES_SCRIPT, str(count), str(orders)],
                          {**os.environ, "DEBUG": "true"}, stdout=subprocess.PIPE)
    stores = []
    for line in process.stdout:
        if line.strip() == "ready":
            return stores
        api_path, api_key = line.split()
        stores.append((api_path, api_key))
    raise RuntimeError("the sandbox stores did not start; see var/bench/*-stores.log")


def web_start(group: Group, port: int, environment: dict[str, str], *, workers: int = 4, threads: int = 4) -> None:
    """The product under gunicorn (threads per worker, as a production deployment would run it)."""
    group.start("web", [sys.executable, "-m", "gunicorn", "salesorder.wsgi", "--bind", f"127.0.0.1:{port}",
                        "--workers", str(workers), "--threads", str(threads), "--worker-class", "gthread"], environment)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/?check=database", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the web server did not start; see var/bench/*-web.log")


def workers_start(group: Group, count: int, environment: dict[str, str], *, beat: bool = False,
                  niceness: int = 0) -> None:
    """`count` Celery workers (one task at a time each) and beat (the delivery sweep) if asked, at `niceness`."""
    celery = ["nice", "-n", str(niceness), sys.executable, "-m", "celery", "-A", "salesorder"]
    for number in range(count):
        group.start(f"worker{number}", [*celery, "worker", "--concurrency=1", "--pool=solo", "-Q", QUEUE,
                                        "-n", f"bench{number}@%h", "--without-mingle", "--without-gossip",
                                        "--loglevel=WARNING"], environment)
    if beat:
        group.start("beat", [*celery, "beat", "--loglevel=WARNING",
                             "--schedule", str(WORK_DIR / "webhooks-beat-schedule")], environment)


def log_path(group: Group, label: str) -> Path:
    return WORK_DIR / f"{group.name}-{label}.log"
