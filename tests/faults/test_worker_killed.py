"""The worker killed in the middle of a background import or an auto-sync pass: the work completes, nothing doubled.

Import All Listed Orders queues a task; a real worker process (a child Python running the task as the
worker does, on this test's database) is killed with SIGKILL once it has imported a few hundred orders.
Tasks are acknowledged late and rejected when their worker is lost, so the broker delivers the same
message again: running it completes the import in the same log entry, and no order is imported twice.
"""
from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from carts.models import AutoSync, Cart, CartLog, CartLogKind, CartLogStatus
from orders.models import SalesTransaction
from orders.store_imports import orders_import_start
from sync.models import AutoSyncState
from sync.passes import PassOutcome, cart_sync_pass
from orders.tasks import orders_import_task
from sandbox.server import SandboxServer
from tests.celery_worker import current_database_url
from tests.faults.conftest import assert_orders_imported_exactly_once
from tests.orders.conftest import sandbox_cart

pytestmark = pytest.mark.django_db(transaction=True)

KILL_AFTER = 300  # orders imported when the worker is killed
WORKER = """
import sys
import django
django.setup()
from orders.tasks import orders_import_task
orders_import_task.apply(args=(int(sys.argv[1]), None))  # as a worker runs a task it took from the queue
"""
SYNC_WORKER = """
import sys
import django
django.setup()
from sync.tasks import cart_sync_task
cart_sync_task.apply(args=(int(sys.argv[1]),))  # a beat-scheduled pass, as the worker runs it
"""
LOCK_SECONDS = 2  # the killed pass's lock lapses this long after its last progress


def run_and_kill_after_some_imports(script: str, task_argument: int, store: SandboxServer, cart: Cart,
                                    **environment: str) -> None:
    """Run a task in a child worker process on this test's database; SIGKILL it once KILL_AFTER orders are in."""
    worker = subprocess.Popen(
        [sys.executable, "-c", script, str(task_argument)], cwd=django_settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "salesorder.settings", "DATABASE_URL": current_database_url(),
             "BIGCOMMERCE_EXTRA_API_HOSTS": store.host_port, **environment},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while SalesTransaction.objects.sales().filter(cart=cart).count() < KILL_AFTER:
        assert worker.poll() is None, "the worker ended before it could be killed: " + worker.stderr.read().decode()
        assert time.monotonic() < deadline, "the worker imported too slowly"
        time.sleep(0.02)
    worker.send_signal(signal.SIGKILL)
    worker.wait()


def test_a_worker_killed_mid_import_is_completed_by_the_redelivered_task(company, settings, monkeypatch) -> None:
    assert django_settings.CELERY_TASK_ACKS_LATE and django_settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    with SandboxServer(seed=9, products=40, orders=1200) as store:
        settings.BIGCOMMERCE_EXTRA_API_HOSTS = [store.host_port]
        cart = sandbox_cart(company, store, create_missing_items=True)
        queued = []
        monkeypatch.setattr(orders_import_task, "delay", lambda *args: queued.append(args))  # the broker holds it
        log = orders_import_start(cart=cart, order_ids=None)
        assert queued == [(log.pk, None)]

        run_and_kill_after_some_imports(WORKER, log.pk, store, cart)

        killed = CartLog.objects.get(pk=log.pk)
        assert killed.status == CartLogStatus.RUNNING  # nobody could finish it: the worker died mid-import
        before = SalesTransaction.objects.sales().filter(cart=cart).count()
        expected_total = len({order_id for order_id in range(100, store.store.orders.max_order_id + 1)
                              if not store.store.order(order_id).order["is_deleted"]})
        assert KILL_AFTER <= before < expected_total
        for record in SalesTransaction.objects.sales().filter(cart=cart).prefetch_related("lines"):  # none half-written
            assert len(record.lines.all()) == len(store.store.order(record.cart_order_id).lines), record.number

        orders_import_task.apply(args=queued[0])  # the broker redelivers the unacknowledged message

    finished = CartLog.objects.get(pk=log.pk)
    assert finished.status != CartLogStatus.RUNNING
    assert finished.counts["already_imported"] >= before
    imported, refused = assert_orders_imported_exactly_once(cart, store)
    assert imported + refused == expected_total and imported > before


def test_a_worker_killed_mid_pass_leaves_its_lock_to_lapse_and_the_next_pass_completes_it(company, settings) -> None:
    settings.AUTOSYNC_LOCK_SECONDS = LOCK_SECONDS
    with SandboxServer(seed=9, products=40, orders=1200) as store:
        settings.BIGCOMMERCE_EXTRA_API_HOSTS = [store.host_port]
        cart = sandbox_cart(company, store, create_missing_items=True, import_orders_from=datetime.date(2000, 1, 1))
        Cart.objects.filter(pk=cart.pk).update(auto_sync=AutoSync.RUNNING, last_test_passed=True)

        run_and_kill_after_some_imports(SYNC_WORKER, cart.pk, store, cart,
                                        AUTOSYNC_LOCK_SECONDS=str(LOCK_SECONDS))
        before = SalesTransaction.objects.sales().filter(cart=cart).count()

        lapses_at = AutoSyncState.objects.get(cart=cart).lock_until
        # Until it lapses, the dead pass's lock holds (judged by the clock just before, so a loaded machine
        # that took longer than LOCK_SECONDS to get here proves the same thing).
        just_before = min(timezone.now(), lapses_at - datetime.timedelta(milliseconds=1))
        assert cart_sync_pass(cart_id=cart.pk, now=just_before).outcome == PassOutcome.LOCKED
        # It lapses by itself, at most LOCK_SECONDS after the dead pass's last progress; the next pass, by the
        # clock just past that moment, takes it over.
        assert lapses_at <= timezone.now() + datetime.timedelta(seconds=LOCK_SECONDS)
        completed = cart_sync_pass(cart_id=cart.pk, now=lapses_at + datetime.timedelta(milliseconds=1))

    assert completed.outcome == PassOutcome.COMPLETED
    assert len(completed.result.already_imported) >= before
    imported, refused = assert_orders_imported_exactly_once(cart, store)
    assert imported > before
    interrupted = CartLog.objects.filter(cart=cart, kind=CartLogKind.SYNC).exclude(pk=completed.log_id).get()
    assert interrupted.status == CartLogStatus.FAILED and interrupted.summary.startswith("Interrupted")
