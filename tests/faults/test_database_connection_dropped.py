"""The database connection dropped during an import: what was in flight rolls back, the rerun completes it.

On PostgreSQL the importing connection's backend is killed for real (pg_terminate_backend from a second
connection), triggered from inside the import: while an order (or a page of items) is being written, or
between two pages. On SQLite the same moments raise the OperationalError a lost connection gives. The
merchant clicks Import All Listed Orders or imports every item (the background tasks, run in-process)
and, after the failure, clicks again.
"""
from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.db import OperationalError, connection, connections
from django.urls import reverse

from carts.models import CartLog, CartLogKind, CartLogStatus
from carts import runs
from items import cart_import
from items.models import Item
from orders import imports
from orders.models import Customer, SalesTransaction, TransactionLine
from sandbox.server import SandboxServer
from sync.models import AutoSyncState
from sync.passes import PassOutcome, cart_sync_pass
from tests.faults.conftest import (
    assert_catalog_imported_exactly_once,
    assert_orders_imported_exactly_once,
)
from tests.orders.conftest import sandbox_cart

pytestmark = pytest.mark.django_db(transaction=True)

IN_FLIGHT = 40  # the order being written when the connection drops: the second of the first page's forty


def drop_the_connection() -> None:
    """Kill this process's database connection as a failover or a network cut would."""
    if connection.vendor != "postgresql":
        raise OperationalError("server closed the connection unexpectedly")  # what a lost connection raises
    pid = connection.connection.info.backend_pid
    killer = connections.create_connection("default")
    try:
        with killer.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        killer.close()


def dropping_on_call(number: int, original: Callable) -> Callable:
    """`original`, except that its `number`th call first loses the database connection."""
    calls = {"count": 0}

    def wrapper(*args: object, **kwargs: object) -> object:
        calls["count"] += 1
        if calls["count"] == number:
            drop_the_connection()
        return original(*args, **kwargs)

    return wrapper


@pytest.fixture
def store(settings):
    with SandboxServer(seed=3, products=300, orders=300) as server:  # two catalog pages
        settings.BIGCOMMERCE_EXTRA_API_HOSTS = [server.host_port]
        yield server


def import_all_items(merchant_client, cart) -> None:
    """The merchant's click: import every product of the Items (Cart) tab, run by the Celery task."""
    response = merchant_client.post(reverse("items:cart_items_import", args=[cart.pk]),
                                    {"scope": "all", "q": "", "total": "300"})
    assert response.status_code == 302


def import_all_listed(merchant_client, cart) -> None:
    """The merchant's click: Import All Listed Orders, run by the Celery task (here in-process)."""
    response = merchant_client.post(reverse("orders:cart_orders_import", args=[cart.pk]), {"scope": "all"})
    assert response.status_code == 302


def test_a_connection_lost_while_an_order_is_written_rolls_it_back_and_the_rerun_completes_it(
    company, store: SandboxServer, merchant_client, eager_celery, monkeypatch
) -> None:
    cart = sandbox_cart(company, store, create_missing_items=True)
    ids_in_order = []
    original = imports.sale_book
    dropping = dropping_on_call(IN_FLIGHT, original)

    def remembering(**kwargs):
        ids_in_order.append(kwargs["order"].order_id)
        return dropping(**kwargs)

    monkeypatch.setattr(imports, "sale_book", remembering)
    import_all_listed(merchant_client, cart)
    in_flight = ids_in_order[IN_FLIGHT - 1]
    assert not SalesTransaction.objects.filter(cart=cart, cart_order_id=in_flight).exists()  # rolled back whole
    assert not TransactionLine.objects.filter(transaction__isnull=True).exists()
    first = CartLog.objects.filter(cart=cart, kind=CartLogKind.ORDERS_IMPORT).latest("pk")
    assert first.status != CartLogStatus.RUNNING, "the import's log was left running after the connection dropped"
    assert any(str(in_flight) in failure["reference"] and failure["reason"] for failure in first.failures)
    imported_first = SalesTransaction.objects.sales().filter(cart=cart).count()
    assert imported_first >= IN_FLIGHT - 1

    monkeypatch.setattr(imports, "sale_book", original)
    import_all_listed(merchant_client, cart)
    assert SalesTransaction.objects.sales().filter(cart=cart, cart_order_id=in_flight).count() == 1
    imported, _ = assert_orders_imported_exactly_once(cart, store)
    assert imported == len(set(ids_in_order)) and imported > imported_first
    rerun = CartLog.objects.filter(cart=cart, kind=CartLogKind.ORDERS_IMPORT).latest("pk")
    assert rerun.status != CartLogStatus.RUNNING and not any("database" in f["reason"] for f in rerun.failures)
    assert Customer.objects.filter(company=company).values("email").distinct().count() == \
        Customer.objects.filter(company=company).count()


def test_a_connection_lost_between_two_pages_stops_the_import_saying_so_and_the_rerun_completes_it(
    company, store: SandboxServer, merchant_client, eager_celery, monkeypatch
) -> None:
    cart = sandbox_cart(company, store, create_missing_items=True)
    original = runs.cart_log_progress
    # Call 1 is the count before the first page; call 2 records the first page: the connection drops there.
    monkeypatch.setattr(runs, "cart_log_progress", dropping_on_call(2, original))
    import_all_listed(merchant_client, cart)
    first = CartLog.objects.filter(cart=cart, kind=CartLogKind.ORDERS_IMPORT).latest("pk")
    assert first.status != CartLogStatus.RUNNING, "the import's log was left running after the connection dropped"
    assert "Stopped early: the connection to the database was lost" in first.summary
    assert "import again" in first.summary and {"reference": "Store", "reason": f"{runs.DATABASE_CONNECTION_LOST} {imports.CONNECTION_LOST}"} \
        in first.failures
    imported_first = SalesTransaction.objects.sales().filter(cart=cart).count()

    monkeypatch.setattr(runs, "cart_log_progress", original)
    import_all_listed(merchant_client, cart)
    imported, _ = assert_orders_imported_exactly_once(cart, store)
    assert imported > imported_first


def test_a_connection_lost_while_a_page_of_items_is_written_rolls_the_page_back_and_the_rerun_completes_it(
    company, store: SandboxServer, merchant_client, eager_celery, monkeypatch
) -> None:
    cart = sandbox_cart(company, store)
    original = cart_import._ItemsImport._write_page
    monkeypatch.setattr(cart_import._ItemsImport, "_write_page", dropping_on_call(2, original))
    import_all_items(merchant_client, cart)
    first = CartLog.objects.filter(cart=cart, kind=CartLogKind.ITEMS_IMPORT).latest("pk")
    assert first.status == CartLogStatus.FAILED, f"the log says {first.status}: {first.summary!r}"
    assert first.summary.startswith("The import stopped: the connection to the database was lost")
    written = Item.objects.filter(company=company).count()
    assert written == first.counts["created"] > 0  # the first page whole, nothing of the second

    monkeypatch.setattr(cart_import._ItemsImport, "_write_page", original)
    import_all_items(merchant_client, cart)
    expected = assert_catalog_imported_exactly_once(cart, store)
    assert len(expected.items) > written


def test_a_connection_lost_during_an_auto_sync_pass_is_a_failure_to_retry_and_keeps_the_cursor(
    company, store: SandboxServer, monkeypatch
) -> None:
    cart = sandbox_cart(company, store, create_missing_items=True, import_orders_from=datetime.date(2000, 1, 1))
    original = runs.cart_log_progress
    monkeypatch.setattr(runs, "cart_log_progress", dropping_on_call(1, original))  # after the first page is written

    sync_pass = cart_sync_pass(cart_id=cart.pk, scheduled=False)

    assert sync_pass.outcome == PassOutcome.TRANSIENT_FAILURE
    log = CartLog.objects.get(pk=sync_pass.log_id)
    assert log.status == CartLogStatus.FAILED and "the connection to the database was lost" in log.summary
    state = AutoSyncState.objects.get(cart=cart)
    assert state.cursor is None and state.consecutive_failures == 1  # the next pass reads the same orders again

    monkeypatch.setattr(runs, "cart_log_progress", original)
    assert cart_sync_pass(cart_id=cart.pk, scheduled=False).outcome == PassOutcome.COMPLETED
    assert_orders_imported_exactly_once(cart, store)
