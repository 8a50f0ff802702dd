"""Retention: old cart log entries and uploaded CSVs are pruned daily; each cart keeps its recent history."""
from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import timezone

from carts.models import CartLog, CartLogKind, CartLogStatus
from items.models import ItemCsvUpload
from operations.retention import PruneResult, cart_logs_prune, retention_prune
from operations.tasks import retention_prune_task
from tests.carts.factories import make_cart

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.UTC)


def log(cart, kind: str, days_ago: float, status: str = CartLogStatus.SUCCEEDED) -> CartLog:
    entry = CartLog.objects.create(company=cart.company, cart=cart, kind=kind, status=status)
    CartLog.objects.filter(pk=entry.pk).update(started_at=NOW - datetime.timedelta(days=days_ago))
    return entry


def upload(company, name: str, days_ago: float) -> ItemCsvUpload:
    stored = ItemCsvUpload.objects.create(company=company, file_name=name, content="SKU\nA\n", encoding="UTF-8")
    ItemCsvUpload.objects.filter(pk=stored.pk).update(uploaded_at=NOW - datetime.timedelta(days=days_ago))
    return stored


def remaining(cart, kind: str) -> list[int]:
    """Days ago of the cart's remaining entries of a kind, newest first."""
    return [round((NOW - started).total_seconds() / 86400)
            for started in CartLog.objects.filter(cart=cart, kind=kind).values_list("started_at", flat=True)]


def test_old_entries_go_but_each_cart_keeps_its_newest_of_each_kind(company) -> None:
    cart = make_cart(company)
    for days in (200, 150, 120, 100, 95):
        log(cart, CartLogKind.SYNC, days)
    for days in (300, 10, 5):
        log(cart, CartLogKind.ITEMS_IMPORT, days)
    log(cart, CartLogKind.CONNECTION_TEST, 400)  # old, but the only one of its kind
    deleted = cart_logs_prune(older_than=NOW - datetime.timedelta(days=90), keep_per_kind=2)
    assert remaining(cart, CartLogKind.SYNC) == [95, 100]  # all five are old: the newest two stay
    assert remaining(cart, CartLogKind.ITEMS_IMPORT) == [5, 10]  # the old one goes: two newer ones are kept
    assert remaining(cart, CartLogKind.CONNECTION_TEST) == [400]
    assert deleted == 4


def test_recent_entries_stay_however_many_there_are(company) -> None:
    cart = make_cart(company)
    for days in range(30):
        log(cart, CartLogKind.SYNC, days)
    assert cart_logs_prune(older_than=NOW - datetime.timedelta(days=90), keep_per_kind=2) == 0
    assert CartLog.objects.count() == 30


def test_an_entry_still_running_is_never_pruned(company) -> None:
    cart = make_cart(company)
    stuck = log(cart, CartLogKind.ORDERS_IMPORT, 200, status=CartLogStatus.RUNNING)
    for days in (3, 2, 1):
        log(cart, CartLogKind.ORDERS_IMPORT, days)
    cart_logs_prune(older_than=NOW - datetime.timedelta(days=90), keep_per_kind=1)
    assert CartLog.objects.filter(pk=stuck.pk).exists()


def test_each_cart_is_pruned_on_its_own(company, other_company) -> None:
    busy, quiet = make_cart(company, name="Busy"), make_cart(other_company, name="Quiet")
    for days in (100, 99, 98, 97):
        log(busy, CartLogKind.SYNC, days)
    log(quiet, CartLogKind.SYNC, 500)
    cart_logs_prune(older_than=NOW - datetime.timedelta(days=90), keep_per_kind=1)
    assert remaining(busy, CartLogKind.SYNC) == [97] and remaining(quiet, CartLogKind.SYNC) == [500]


def test_many_old_entries_are_pruned_in_batches(company, monkeypatch) -> None:
    monkeypatch.setattr("operations.retention.CART_LOG_BATCH", 7)
    cart = make_cart(company)
    entries = CartLog.objects.bulk_create(CartLog(company=company, cart=cart, kind=CartLogKind.SYNC,
                                                  status=CartLogStatus.SUCCEEDED) for _ in range(50))
    CartLog.objects.filter(pk__in=[entry.pk for entry in entries]).update(started_at=NOW - datetime.timedelta(days=200))
    assert cart_logs_prune(older_than=NOW - datetime.timedelta(days=90), keep_per_kind=3) == 47
    assert CartLog.objects.count() == 3


def test_the_configured_ages_apply_to_logs_and_uploads(company, settings) -> None:
    settings.RETENTION_CART_LOG_DAYS = 60
    settings.RETENTION_CART_LOG_KEEP = 1
    settings.RETENTION_CSV_UPLOAD_DAYS = 14
    cart = make_cart(company)
    for days in (70, 61, 59):
        log(cart, CartLogKind.SYNC, days)
    for name, days in (("old.csv", 15), ("recent.csv", 13), ("older.csv", 400)):
        upload(company, name, days)
    assert retention_prune(now=NOW) == PruneResult(cart_logs=2, csv_uploads=2)
    assert remaining(cart, CartLogKind.SYNC) == [59]
    assert list(ItemCsvUpload.objects.values_list("file_name", flat=True)) == ["recent.csv"]


def test_beat_runs_the_prune_daily_and_the_task_prunes(company, settings) -> None:
    entry = django_settings.CELERY_BEAT_SCHEDULE["retention-prune"]
    assert entry["task"] == retention_prune_task.name
    assert entry["schedule"].remaining_estimate(timezone.now()) <= datetime.timedelta(days=1)
    upload(company, "ancient.csv", days_ago=10_000)  # past any retention, whatever today is
    retention_prune_task.apply()
    assert not ItemCsvUpload.objects.exists()


def test_the_command_prunes_now_and_says_how_much(company, settings) -> None:
    settings.RETENTION_CART_LOG_KEEP = 1
    cart = make_cart(company)
    for days in (3000, 2000):
        log(cart, CartLogKind.SYNC, days)
    out = StringIO()
    call_command("retention_prune", stdout=out)
    assert out.getvalue().strip() == "Pruned: 1 cart log entries, 0 uploaded CSV files."
    assert remaining(cart, CartLogKind.SYNC) == [2000]
