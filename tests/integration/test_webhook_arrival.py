"""An order placed in the sandbox store arrives as a pending transaction through its webhooks, not a pass.

Every part in its own process, as `make run` starts them: the sandbox store, the web server (the
receiver) and a real Celery worker with beat, on the test database and the broker (Redis in CI).
"""
from __future__ import annotations

import datetime
import json
import os
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import timezone

from carts.models import AutoSync, Cart, CartLog, CartLogKind
from carts.platforms.bigcommerce.credentials import AllowedHosts, parse_credentials_file
from orders.models import SalesTransaction
from sync.models import AutoSyncState
from tests.carts.factories import make_cart
from tests.celery_worker import BASE_DIR, current_database_url, wait_for
from tests.scripts.conftest import free_port
from webhooks.models import StoreHookState
from webhooks.tasks import cart_hooks_apply_task

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

AWAITING_FULFILLMENT = 11
ARRIVAL_TIMEOUT_SECONDS = 60


def started(command: list[str], environment: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("w") as output:
        return subprocess.Popen(command, cwd=BASE_DIR, env=environment, stdout=output, stderr=subprocess.STDOUT,
                                start_new_session=True)


def stopped(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture
def sandbox_process(tmp_path, settings) -> Iterator[tuple[str, str]]:
    """The sandbox store in its own process; its host:port and credentials file's text."""
    port, credentials = free_port(), tmp_path / "credentials.txt"
    process = started([sys.executable, "manage.py", "sandbox_store", "--port", str(port), "--state",
                       str(tmp_path / "state.json"), "--credentials-file", str(credentials)],
                      {**os.environ, "DEBUG": "true"}, tmp_path / "sandbox.log")
    try:
        wait_for(lambda: credentials.exists() and credentials.read_text().strip(), timeout=60,
                 what="the sandbox store to start")
        settings.BIGCOMMERCE_EXTRA_API_HOSTS = [f"127.0.0.1:{port}"]
        yield f"127.0.0.1:{port}", credentials.read_text()
    finally:
        stopped(process)


@pytest.fixture
def product(request, tmp_path, monkeypatch, sandbox_process):
    """Web server and worker (with PUBLIC_BASE_URL naming the web server) on the test database and broker."""
    web_port = free_port()
    public = f"http://127.0.0.1:{web_port}"
    monkeypatch.setenv("PUBLIC_BASE_URL", public)
    request.getfixturevalue("settings").PUBLIC_BASE_URL = public
    request.getfixturevalue("sandbox_allowed")  # the worker fixture's own store, unused here
    request.getfixturevalue("settings").BIGCOMMERCE_EXTRA_API_HOSTS = [sandbox_process[0]]
    worker = request.getfixturevalue("celery_worker_with_beat")
    environment = {**os.environ, "DEBUG": "true", "DATABASE_URL": current_database_url(),
                   "CELERY_BROKER_URL": worker.broker_url, "CELERY_QUEUE": worker.queue,
                   "BIGCOMMERCE_EXTRA_API_HOSTS": sandbox_process[0], "PYTHONUNBUFFERED": "1"}
    web = started([sys.executable, "manage.py", "runserver", f"127.0.0.1:{web_port}", "--noreload"], environment,
                  tmp_path / "web.log")
    try:
        wait_for(lambda: answers(f"{public}/health/?check=database"), timeout=60, what="the web server to start")
        yield worker
    finally:
        stopped(web)


def test_an_order_placed_in_the_store_arrives_by_webhook_within_seconds(company, sandbox_process, product) -> None:
    worker = product
    host_port, credentials_text = sandbox_process
    credentials = parse_credentials_file(credentials_text)
    cart = make_cart(company, name="Sandbox Store", api_path=credentials.api_path, api_key=credentials.api_key.joined,
                     allowed_hosts=AllowedHosts.from_setting([host_port]), import_status_ids=(AWAITING_FULFILLMENT,),
                     import_orders_from=datetime.date(2000, 1, 1), create_missing_items=True)
    Cart.objects.filter(pk=cart.pk).update(auto_sync=AutoSync.RUNNING, last_test_passed=True,
                                           sync_interval_minutes=1440)
    # No scheduled pass for a day: what arrives below came by webhook.
    AutoSyncState.objects.filter(cart=cart).update(next_pass_at=timezone.now() + datetime.timedelta(days=1))

    worker.send(cart_hooks_apply_task, cart.pk)
    wait_for(lambda: StoreHookState.objects.filter(cart=cart, is_active=True).count() == 4, timeout=30, worker=worker,
             what="the worker to register the cart's four webhooks on the sandbox store")

    base = f"http://{host_port}"
    with urllib.request.urlopen(f"{base}/_sandbox/examples", timeout=10) as response:
        simple = json.loads(response.read())["simple_product"]
    request = urllib.request.Request(f"{base}/_sandbox/orders", method="POST", headers={"Content-Type": "application/json"},
                                     data=json.dumps({"lines": [{"product_id": simple, "quantity": 1}],
                                                      "email": "shopper@example.com"}).encode())
    with urllib.request.urlopen(request, timeout=10) as response:
        order_id = json.loads(response.read())["id"]

    wait_for(lambda: SalesTransaction.objects.filter(cart=cart, cart_order_id=order_id).exists(),
             timeout=ARRIVAL_TIMEOUT_SECONDS, worker=worker, what="the order to arrive as a pending transaction")
    assert SalesTransaction.objects.filter(cart=cart, cart_order_id=order_id).count() == 1
    assert not CartLog.objects.filter(cart=cart, kind=CartLogKind.SYNC).exists()  # no pass ran: the webhook did it
    assert StoreHookState.objects.filter(cart=cart, scope="store/order/created", last_delivery_at__isnull=False).exists()
