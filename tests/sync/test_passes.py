"""Auto-sync passes against the sandbox store over real HTTP: what they import, flag, refuse and cost."""
from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from carts.models import AutoSync, Cart, CartLog, CartLogKind
from sync.lock import cart_sync_lock_acquire
from sync.models import AutoSyncState
from orders.models import OrderRefusal, SalesTransaction
from sync.passes import PassOutcome, cart_sync_pass
from sync.tick import due_carts_schedule
from sandbox.orders import FIRST_ORDER_ID
from tests.orders.conftest import api_requests, make_items, order_skus, place, running_cart

pytestmark = pytest.mark.django_db

AWAITING_FULFILLMENT, AWAITING_PAYMENT, CANCELLED = 11, 7, 5


def sync_state(cart: Cart) -> AutoSyncState:
    """The cart's auto-sync state as it is in the database now."""
    return AutoSyncState.objects.get(cart=cart)


def store_order_ids(server, status_id: int) -> set[int]:
    """The store's own view: live (not archived) orders in this status."""
    book = server.store.orders
    return {FIRST_ORDER_ID + position for position, status in enumerate(book.status_ids)
            if status == status_id and not book.archived[position]}


def test_first_pass_imports_every_order_in_the_cart_statuses_once_and_sets_the_cursor(company, fresh_store) -> None:
    cart = running_cart(company, fresh_store)
    placed = {place(fresh_store) for _ in range(3)}
    expected = store_order_ids(fresh_store, AWAITING_FULFILLMENT)
    assert placed < expected

    sync_pass = cart_sync_pass(cart_id=cart.pk)

    assert sync_pass.outcome == PassOutcome.COMPLETED
    imported = set(SalesTransaction.objects.filter(cart=cart).values_list("cart_order_id", flat=True))
    refused = dict(OrderRefusal.objects.filter(cart=cart).values_list("cart_order_id", "reason"))
    assert placed <= imported
    assert imported | set(refused) == expected and not imported & set(refused)
    assert all(reason for reason in refused.values())
    for record in SalesTransaction.objects.filter(cart=cart):
        assert record.total == Decimal(fresh_store.store.order(record.cart_order_id).order["total_inc_tax"])
    assert sync_state(cart).cursor == max(
        datetime.datetime.strptime(fresh_store.store.order(order_id).order["date_modified"], "%a, %d %b %Y %H:%M:%S %z")
        for order_id in expected
    )
    log = CartLog.objects.get(pk=sync_pass.log_id)
    assert log.kind == CartLogKind.SYNC
    assert (log.counts["imported"], log.counts["refused"]) == (len(imported), len(refused))
    assert log.summary.startswith(f"{len(imported)} orders imported")


def test_a_pass_with_no_new_orders_costs_one_request_and_imports_nothing(company, fresh_store) -> None:
    cart = running_cart(company, fresh_store)
    cart_sync_pass(cart_id=cart.pk)
    before = SalesTransaction.objects.count()
    fresh_store.store.reset_stats()

    sync_pass = cart_sync_pass(cart_id=cart.pk)

    assert sync_pass.outcome == PassOutcome.COMPLETED
    assert api_requests(fresh_store) == 1
    assert SalesTransaction.objects.count() == before
    assert CartLog.objects.get(pk=sync_pass.log_id).api_requests == 1


def test_new_orders_are_imported_by_the_next_pass_exactly_once(company, fresh_store) -> None:
    cart = running_cart(company, fresh_store)
    cart_sync_pass(cart_id=cart.pk)
    new_ids = {place(fresh_store), place(fresh_store, email="guest@example.com")}

    first = cart_sync_pass(cart_id=cart.pk)
    second = cart_sync_pass(cart_id=cart.pk)

    assert {entry.order_id for entry in first.result.imported} == new_ids
    assert second.result.imported == []
    for order_id in new_ids:
        assert SalesTransaction.objects.filter(cart=cart, cart_order_id=order_id).count() == 1


def test_an_order_that_moves_into_a_selected_status_late_is_imported(company, fresh_store) -> None:
    cart = running_cart(company, fresh_store)
    waiting = place(fresh_store, status_id=AWAITING_PAYMENT)
    cart_sync_pass(cart_id=cart.pk)
    assert not SalesTransaction.objects.filter(cart_order_id=waiting).exists()

    fresh_store.store.set_order_status(waiting, AWAITING_FULFILLMENT)
    sync_pass = cart_sync_pass(cart_id=cart.pk)

    assert [entry.order_id for entry in sync_pass.result.imported] == [waiting]


def test_an_imported_order_cancelled_later_is_flagged_and_nothing_is_rewritten(company, fresh_store, merchant_client) -> None:
    cart = running_cart(company, fresh_store)
    order_id = place(fresh_store)
    cart_sync_pass(cart_id=cart.pk)
    record = SalesTransaction.objects.get(cart=cart, cart_order_id=order_id)
    total, lines = record.total, list(record.lines.values_list("sku", "quantity", "amount_inc_tax"))

    fresh_store.store.set_order_status(order_id, CANCELLED)
    sync_pass = cart_sync_pass(cart_id=cart.pk)
    again = cart_sync_pass(cart_id=cart.pk)

    record.refresh_from_db()
    assert record.cart_change_note.startswith("changed in cart: status Awaiting Fulfillment → Cancelled on ")
    assert record.cart_change_note.count("changed in cart") == 1  # the later pass does not repeat it
    assert record.total == total and list(record.lines.values_list("sku", "quantity", "amount_inc_tax")) == lines
    assert sync_pass.flagged == {order_id: record.cart_change_note}
    log = CartLog.objects.get(pk=sync_pass.log_id)
    assert {"reference": f"Order {order_id}", "reason": record.cart_change_note} in log.failures
    assert "1 changed in cart after import" in log.summary
    assert again.flagged == {}
    transaction_page = merchant_client.get(record.get_absolute_url()).content.decode()
    assert "changed in cart: status Awaiting Fulfillment → Cancelled" in transaction_page


def test_a_refused_order_is_reported_with_its_sku_and_imports_on_retry_once_fixed(company, fresh_store, merchant_client) -> None:
    cart = running_cart(company, fresh_store, import_orders_from=datetime.date.today(), create_missing_items=False)
    order_id = place(fresh_store)
    skus = order_skus(fresh_store, order_id)

    sync_pass = cart_sync_pass(cart_id=cart.pk)

    assert sync_pass.outcome == PassOutcome.COMPLETED
    assert sync_pass.summary == f"0 orders imported, 1 refused: SKU {', '.join(skus)} not in Items"
    assert OrderRefusal.objects.get(cart=cart, cart_order_id=order_id).reason.startswith("no item matches its SKU")
    sync_page = merchant_client.get(reverse("sync:cart_sync", args=[cart.pk])).content.decode()
    assert f"SKU {', '.join(skus)} not in Items" in sync_page and "Retry" in sync_page

    make_items(company, skus)
    merchant_client.post(reverse("orders:cart_orders_import", args=[cart.pk]), {"scope": "selected", "selected": str(order_id)})

    assert SalesTransaction.objects.filter(cart=cart, cart_order_id=order_id).count() == 1
    assert not OrderRefusal.objects.filter(cart=cart).exists()


def test_a_pass_that_finds_the_lock_taken_exits_quietly(company, fresh_store) -> None:
    cart = running_cart(company, fresh_store)
    assert cart_sync_lock_acquire(cart_id=cart.pk, ttl=datetime.timedelta(minutes=5))
    fresh_store.store.reset_stats()

    sync_pass = cart_sync_pass(cart_id=cart.pk)

    assert sync_pass.outcome == PassOutcome.LOCKED
    assert api_requests(fresh_store) == 0
    assert not CartLog.objects.filter(cart=cart, kind=CartLogKind.SYNC).exists()


def test_a_revoked_token_stops_the_cart_with_the_reason_and_emails_the_company(company, fresh_store, merchant_client) -> None:
    cart = running_cart(company, fresh_store)
    fresh_store.store.revoke_account("full")

    sync_pass = cart_sync_pass(cart_id=cart.pk)

    assert sync_pass.outcome == PassOutcome.STOPPED
    cart.refresh_from_db()
    assert cart.auto_sync == AutoSync.STOPPED
    assert "refused the access token (401)" in sync_state(cart).stopped_reason
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["owner@acme.example"]
    assert "refused the access token (401)" in mail.outbox[0].body
    assert "Auto-sync: <strong>Stopped</strong> — stopped: " in merchant_client.get(cart.get_absolute_url()).content.decode()


def test_a_removed_scope_stops_the_cart_too(company, fresh_store) -> None:
    cart = running_cart(company, fresh_store)
    fresh_store.store.set_scopes("full", ["store_v2_information_read_only", "store_v2_products_read_only"])
    assert cart_sync_pass(cart_id=cart.pk).outcome == PassOutcome.STOPPED
    assert "lacks the OAuth scope 'Orders: read-only'" in sync_state(cart).stopped_reason


def test_transient_failures_keep_the_cursor_and_email_only_after_several_in_a_row(company, fresh_store, settings) -> None:
    settings.BIGCOMMERCE_MAX_ATTEMPTS = 1
    settings.AUTOSYNC_NOTIFY_AFTER_FAILURES = 3
    cart = running_cart(company, fresh_store)
    cart_sync_pass(cart_id=cart.pk)
    cursor = sync_state(cart).cursor
    fresh_store.store.set_faults("server_error=1.0")

    outcomes = [cart_sync_pass(cart_id=cart.pk).outcome for _ in range(3)]
    assert outcomes == [PassOutcome.TRANSIENT_FAILURE] * 3
    cart.refresh_from_db()
    assert sync_state(cart).cursor == cursor and sync_state(cart).consecutive_failures == 3
    assert cart.auto_sync == AutoSync.RUNNING
    assert len(mail.outbox) == 1 and "keeps failing" in mail.outbox[0].subject

    fresh_store.store.set_faults(None)
    assert cart_sync_pass(cart_id=cart.pk).outcome == PassOutcome.COMPLETED
    assert sync_state(cart).consecutive_failures == 0


def test_the_tick_picks_running_due_carts_only_and_schedules_their_next_pass(company, fresh_store) -> None:
    now = datetime.datetime(2026, 11, 27, 12, 0, tzinfo=datetime.UTC)
    due = running_cart(company, fresh_store, name="Due")
    not_due = running_cart(company, fresh_store, name="Not due")
    stopped = running_cart(company, fresh_store, name="Stopped")
    Cart.objects.filter(pk=due.pk).update(sync_interval_minutes=15)
    AutoSyncState.objects.filter(cart=due).update(next_pass_at=now - datetime.timedelta(seconds=1))
    AutoSyncState.objects.filter(cart=not_due).update(next_pass_at=now + datetime.timedelta(minutes=3))
    Cart.objects.filter(pk=stopped.pk).update(auto_sync=AutoSync.STOPPED)
    AutoSyncState.objects.filter(cart=stopped).update(next_pass_at=None)
    fresh_store.store.reset_stats()

    assert due_carts_schedule(now=now) == [due.pk]
    assert due_carts_schedule(now=now) == []
    assert sync_state(due).next_pass_at == now + datetime.timedelta(minutes=15)
    assert api_requests(fresh_store) == 0


def test_a_scheduled_pass_for_a_cart_switched_off_meanwhile_does_nothing(company, fresh_store) -> None:
    cart = running_cart(company, fresh_store)
    Cart.objects.filter(pk=cart.pk).update(auto_sync=AutoSync.STOPPED)
    assert cart_sync_pass(cart_id=cart.pk).outcome == PassOutcome.NOT_RUNNABLE
    assert cart_sync_pass(cart_id=cart.pk, scheduled=False).outcome == PassOutcome.COMPLETED


def test_sync_now_and_reconciliation_on_the_auto_sync_tab(
    company, fresh_store, merchant_client, eager_celery, django_capture_on_commit_callbacks
) -> None:
    cart = running_cart(company, fresh_store, create_missing_items=False)
    expected = store_order_ids(fresh_store, AWAITING_FULFILLMENT)
    imported_by_hand = sorted(expected)[:1]
    make_items(company, order_skus(fresh_store, *imported_by_hand))
    merchant_client.post(reverse("orders:cart_orders_import", args=[cart.pk]),
                         {"scope": "selected", "selected": str(imported_by_hand[0])})

    with django_capture_on_commit_callbacks(execute=True):
        response = merchant_client.post(reverse("sync:cart_sync_now", args=[cart.pk]), follow=True)
    assert "Sync started" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        started = merchant_client.post(reverse("sync:cart_sync_reconcile", args=[cart.pk]))
    page = merchant_client.get(started.url).content.decode()

    imported = SalesTransaction.objects.filter(cart=cart).count()
    refused = OrderRefusal.objects.filter(cart=cart).count()
    assert imported + refused == len(expected)
    assert f'id="store-total">{len(expected)}<' in page
    assert f'id="reconciled-imported">{imported}<' in page
    assert f'id="reconciled-refused">{refused}<' in page
    assert 'id="reconciled-waiting">0<' in page
    assert "Last sync" in page


def test_cart_sync_command_runs_one_pass_and_prints_its_summary(company, fresh_store, capsys) -> None:
    cart = running_cart(company, fresh_store)
    call_command("cart", "sync", cart.name, "--company", company.account_number)
    assert "orders imported" in capsys.readouterr().out
    fresh_store.store.revoke_account("full")
    with pytest.raises(SystemExit) as stopped:
        call_command("cart", "sync", cart.name, "--company", company.account_number)
    assert stopped.value.code == 1
    assert "Auto-sync stopped" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("cart", "sync", "No such cart", "--company", company.account_number)


def test_a_store_that_is_gone_stops_the_cart_instead_of_retrying(company, fresh_store, settings) -> None:
    cart = running_cart(company, fresh_store)
    Cart.objects.filter(pk=cart.pk).update(api_path=cart.api_path.replace("/sandbox1/", "/closedstore/"),
                                           store_hash="closedstore")
    assert cart_sync_pass(cart_id=cart.pk).outcome == PassOutcome.STOPPED
    cart.refresh_from_db()
    assert cart.auto_sync == AutoSync.STOPPED and "no store with the hash 'closedstore'" in sync_state(cart).stopped_reason


def test_choosing_another_status_makes_the_next_pass_read_that_status_from_the_start(company, fresh_store) -> None:
    from dataclasses import replace

    from carts.setup import CartSettings, cart_update

    cart = running_cart(company, fresh_store)
    waiting = place(fresh_store, status_id=AWAITING_PAYMENT)
    cart_sync_pass(cart_id=cart.pk)
    place(fresh_store)  # a later order moves the cursor past the one awaiting payment
    cart_sync_pass(cart_id=cart.pk)
    cart.refresh_from_db()
    assert sync_state(cart).cursor is not None

    cart_update(cart=cart, values=replace(CartSettings.of_cart(cart), import_status_ids=(AWAITING_FULFILLMENT, AWAITING_PAYMENT)))
    assert sync_state(cart).cursor is None
    sync_pass = cart_sync_pass(cart_id=cart.pk)

    assert waiting in {entry.order_id for entry in sync_pass.result.imported}


def test_sync_now_asks_for_the_settings_a_pass_needs(company, fresh_store, merchant_client) -> None:
    cart = running_cart(company, fresh_store, import_orders_from=None)
    response = merchant_client.post(reverse("sync:cart_sync_now", args=[cart.pk]), follow=True)
    assert "Set &#x27;Import orders from&#x27; on the Settings tab before syncing" in response.content.decode()
    Cart.objects.filter(pk=cart.pk).update(import_status_ids=[])
    response = merchant_client.post(reverse("sync:cart_sync_now", args=[cart.pk]), follow=True)
    assert "Orders cannot be listed or imported until &#x27;Import Orders with Status&#x27; is set" in response.content.decode()
    assert not CartLog.objects.filter(cart=cart).exists()


def test_a_stopped_cart_needs_a_passed_test_before_running_again_and_a_mail_outage_hides_nothing(
    company, fresh_store, merchant_client, settings
) -> None:
    settings.EMAIL_BACKEND = "tests.sync.test_passes.BrokenMailServer"
    cart = running_cart(company, fresh_store)
    fresh_store.store.revoke_account("full")

    assert cart_sync_pass(cart_id=cart.pk).outcome == PassOutcome.STOPPED

    cart.refresh_from_db()
    assert cart.auto_sync == AutoSync.STOPPED and cart.last_test_passed is False
    assert cart.last_test_message.startswith("TEST FAILED: BigCommerce refused the access token (401)")
    response = merchant_client.post(cart.get_absolute_url(), {
        "name": cart.name, "api_path": cart.api_path, "api_version": "3", "api_key": "", "import_as": "cash_sale",
        "import_status_ids": ["11"], "import_orders_from": "2000-01-01", "auto_sync": "running",
        "sync_interval_minutes": "15", "web_customer_name": "Web customer"})
    assert "pass Test Connection first" in response.content.decode()


class BrokenMailServer:
    """An e-mail backend whose server is down."""

    def __init__(self, *args, **kwargs) -> None:
        pass

    def send_messages(self, messages) -> int:
        raise ConnectionRefusedError("mail server down")
