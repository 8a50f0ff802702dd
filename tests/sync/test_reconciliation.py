"""The Auto-sync tab's reconciliation runs on the worker with a progress bar; the tab itself never reads the store."""
from __future__ import annotations

import html

import pytest
from django.urls import reverse

from carts.models import Cart, CartLog, CartLogKind
from orders.models import OrderRefusal, SalesTransaction
from orders.store_imports import orders_import_selected
from sync import reconciliation
from sync.reconciliation import cart_sync_reconcile
from tests.orders.conftest import api_requests, make_items, order_skus, place, running_cart
from tests.sync.test_passes import AWAITING_FULFILLMENT, store_order_ids

pytestmark = pytest.mark.django_db


def tab(merchant_client, cart) -> str:
    return html.unescape(merchant_client.get(reverse("sync:cart_sync", args=[cart.pk])).content.decode())


def reconcile(merchant_client, cart):
    return merchant_client.post(reverse("sync:cart_sync_reconcile", args=[cart.pk]), follow=True)


def test_reconciling_runs_on_the_worker_and_the_tab_shows_its_progress_then_its_figures(
    company, fresh_store, merchant_client, eager_celery, django_capture_on_commit_callbacks
) -> None:
    cart = running_cart(company, fresh_store, create_missing_items=False)
    for _ in range(3):
        place(fresh_store)
    expected = sorted(store_order_ids(fresh_store, AWAITING_FULFILLMENT))
    make_items(company, order_skus(fresh_store, expected[0]))
    orders_import_selected(cart=cart, order_ids=expected[:2])  # imported or refused, by whether items match them
    fresh_store.store.reset_stats()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        page = html.unescape(reconcile(merchant_client, cart).content.decode())
    assert api_requests(fresh_store) == 0  # the request only queued it
    assert "The reconciliation is running in the background; its progress shows below." in page
    log = CartLog.objects.get(cart=cart, kind=CartLogKind.RECONCILIATION)
    assert f'id="log-progress-{log.pk}"' in page and 'id="reconcile"' not in page

    callbacks[0]()
    log.refresh_from_db()
    imported = set(SalesTransaction.objects.filter(cart=cart).values_list("cart_order_id", flat=True))
    refused = set(OrderRefusal.objects.filter(cart=cart).values_list("cart_order_id", flat=True))
    waiting = sorted(set(expected) - imported - refused)
    assert log.counts == {"store_total": len(expected), "imported": len(imported), "refused": len(refused),
                          "not_yet_imported": len(waiting)}
    assert log.progress_total == log.progress_done == len(expected)
    assert [failure["order_id"] for failure in log.failures] == waiting
    fresh_store.store.reset_stats()
    page = tab(merchant_client, cart)
    assert api_requests(fresh_store) == 0
    assert f'id="store-total">{len(expected)}<' in page and f'id="reconciled-waiting">{len(waiting)}<' in page
    assert f"<strong>Order {waiting[0]}</strong>: not imported yet" in page and "Retry" in page


def test_a_second_reconciliation_waits_for_the_running_one(company, fresh_store, merchant_client,
                                                           django_capture_on_commit_callbacks) -> None:
    cart = running_cart(company, fresh_store)
    with django_capture_on_commit_callbacks(execute=False):
        reconcile(merchant_client, cart)
        page = html.unescape(reconcile(merchant_client, cart).content.decode())
    assert "A reconciliation of this cart is already running; its progress shows below." in page
    assert CartLog.objects.filter(cart=cart, kind=CartLogKind.RECONCILIATION).count() == 1


def test_without_a_status_the_tab_says_what_to_set_and_starts_nothing(company, fresh_store, merchant_client) -> None:
    cart = running_cart(company, fresh_store)
    Cart.objects.filter(pk=cart.pk).update(import_status_ids=[])
    assert "'Import Orders with Status' is set" in html.unescape(reconcile(merchant_client, cart).content.decode())
    assert not CartLog.objects.filter(cart=cart).exists()


def test_a_store_that_fails_ends_the_reconciliation_with_the_reason(company, fresh_store, merchant_client,
                                                                     settings) -> None:
    cart = running_cart(company, fresh_store)
    fresh_store.store.revoke_account("full")
    log = cart_sync_reconcile(cart=cart)
    assert log.status == "failed" and log.summary.startswith("The reconciliation stopped: BigCommerce refused the access")
    assert 'id="reconciliation-stopped"' in tab(merchant_client, cart)


def test_the_orders_not_imported_yet_are_listed_up_to_a_limit_and_counted_beyond_it(company, fresh_store,
                                                                                     monkeypatch) -> None:
    monkeypatch.setattr(reconciliation, "LISTED_NOT_YET", 2)
    cart = running_cart(company, fresh_store)
    for _ in range(3):
        place(fresh_store)
    expected = sorted(store_order_ids(fresh_store, AWAITING_FULFILLMENT))
    log = cart_sync_reconcile(cart=cart)
    assert log.counts["not_yet_imported"] == len(expected) > 2
    assert [failure["order_id"] for failure in log.failures] == expected[:2]
