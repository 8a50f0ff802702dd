"""No log entry is left running: an unforeseen exception closes it with a reason, and a sweep closes those of dead workers."""
from __future__ import annotations

import datetime
import subprocess
import sys
from unittest import mock

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone

from carts.connection_test import cart_test_connection
from carts.models import CartLog, CartLogKind, CartLogStatus
from carts.platforms.base import StoreAccess
from carts.runs import cart_log_progress, cart_log_start, cart_run
from operations.tasks import stale_runs_close_task
from orders.tasks import orders_import_task
from tests.carts.factories import make_cart

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("error", "reason"), [
    (KeyError("id"), "an unexpected error stopped it (KeyError; the details are in the server's log)"),
    (SoftTimeLimitExceeded(), "it ran longer than its time limit and was stopped"),
    (KeyboardInterrupt(), "the worker running it was shut down"),
])
def test_an_exception_no_rule_foresaw_closes_the_run_with_a_reason_and_goes_on(company, error, reason) -> None:
    cart = make_cart(company)
    with pytest.raises(type(error)):
        with cart_run(cart=cart, kind=CartLogKind.ITEMS_IMPORT, need=StoreAccess.CATALOG_READ, connection_lost="") as run:
            run.progress(done=3, total=10)
            raise error
    log = CartLog.objects.get(pk=run.log.pk)
    assert log.status == CartLogStatus.FAILED and log.finished_at is not None
    assert log.summary.startswith(f"Stopped: {reason}")
    assert log.summary.endswith("Whatever it saved before it stopped stays; run it again to do the rest.")
    assert log.progress_done == 3


def test_test_connection_closes_its_log_when_something_unforeseen_fails(company) -> None:
    cart = make_cart(company)
    with mock.patch("carts.connection_test.cart_store_open", autospec=True, side_effect=AttributeError("shape")):
        with pytest.raises(AttributeError):
            cart_test_connection(cart=cart)
    log = CartLog.objects.get(cart=cart)
    assert log.status == CartLogStatus.FAILED and "AttributeError" in log.summary


def running_log(cart, *, started_minutes_ago: float, progress_minutes_ago: float | None) -> CartLog:
    now = timezone.now()
    log = cart_log_start(cart=cart, kind=CartLogKind.ORDERS_IMPORT)
    CartLog.objects.filter(pk=log.pk).update(
        started_at=now - datetime.timedelta(minutes=started_minutes_ago),
        last_progress_at=None if progress_minutes_ago is None else now - datetime.timedelta(minutes=progress_minutes_ago))
    return log


def test_the_sweep_closes_runs_silent_too_long_and_leaves_live_and_finished_ones(company, settings) -> None:
    settings.RUN_STALE_AFTER_MINUTES = 60
    cart = make_cart(company)
    dead = running_log(cart, started_minutes_ago=300, progress_minutes_ago=61)
    never_taken = running_log(cart, started_minutes_ago=61, progress_minutes_ago=None)  # an entry from before progress times
    slow_but_alive = running_log(cart, started_minutes_ago=300, progress_minutes_ago=59)
    just_queued = cart_log_start(cart=cart, kind=CartLogKind.ITEMS_IMPORT)
    finished = running_log(cart, started_minutes_ago=300, progress_minutes_ago=200)
    CartLog.objects.filter(pk=finished.pk).update(status=CartLogStatus.SUCCEEDED, summary="done")

    stale_runs_close_task()

    statuses = dict(CartLog.objects.values_list("pk", "status"))
    assert statuses == {dead.pk: "failed", never_taken.pk: "failed", slow_but_alive.pk: "running",
                        just_queued.pk: "running", finished.pk: "succeeded"}
    closed = CartLog.objects.get(pk=dead.pk)
    assert closed.summary.startswith("Interrupted: it made no progress for 60 minutes") and closed.finished_at
    assert CartLog.objects.get(pk=finished.pk).summary == "done"


def test_progress_keeps_a_long_run_from_being_swept(company, settings) -> None:
    settings.RUN_STALE_AFTER_MINUTES = 60
    log = running_log(make_cart(company), started_minutes_ago=600, progress_minutes_ago=100)
    cart_log_progress(log=log, done=250)
    stale_runs_close_task()
    assert CartLog.objects.get(pk=log.pk).status == CartLogStatus.RUNNING


def test_a_task_whose_run_was_swept_before_a_worker_took_it_does_nothing(company, settings) -> None:
    settings.RUN_STALE_AFTER_MINUTES = 60
    log = running_log(make_cart(company, import_status_ids=(11,)), started_minutes_ago=90, progress_minutes_ago=90)
    stale_runs_close_task()
    with mock.patch("orders.tasks.orders_import_selected", autospec=True) as imported:
        orders_import_task(log.pk, [100])
    imported.assert_not_called()
    assert CartLog.objects.get(pk=log.pk).summary.startswith("Interrupted:")


def test_beat_sweeps_every_five_minutes_and_a_threshold_below_ten_minutes_refuses_to_start(settings) -> None:
    assert settings.CELERY_BEAT_SCHEDULE["stale-runs-close"] == {
        "task": "operations.tasks.stale_runs_close_task", "schedule": 300, "options": {"expires": 300}}
    result = subprocess.run([sys.executable, "manage.py", "check"], capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "DEBUG": "true", "RUN_STALE_AFTER_MINUTES": "5",
                                 "DATABASE_URL": "sqlite:////tmp/stale-runs-check.sqlite3"})
    assert result.returncode != 0 and "RUN_STALE_AFTER_MINUTES=5 would close runs that are only slow" in result.stderr


@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_once_queue_one_run_of_a_kind(company) -> None:
    """PostgreSQL, two connections released together: the cart's row lock makes the second see the first's run."""
    from django.db import connection

    from carts.runs import RunAlreadyRunning, cart_run_queue
    from tests.orders.conftest import run_together

    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; CI runs this suite on it")
    cart = make_cart(company)
    task = mock.Mock()

    def click() -> str:
        try:
            cart_run_queue(cart=cart, kind=CartLogKind.RECONCILIATION, task=task, what="reconciliation")
        except RunAlreadyRunning:
            return "refused"
        return "queued"

    assert sorted(run_together([click, click, click])) == ["queued", "refused", "refused"]
    assert CartLog.objects.filter(cart=cart, kind=CartLogKind.RECONCILIATION).count() == 1 and task.delay.call_count == 1
