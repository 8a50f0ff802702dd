"""Delivered events re-read the order's current state: new orders imported once, changes noted, bursts coalesced."""
from __future__ import annotations

from unittest import mock

import pytest

from carts.models import CartLog, CartLogKind, CartLogStatus
from orders.models import SalesTransaction
from webhooks import deliveries
from webhooks.deliveries import (
    CLAIM,
    cart_hook_deliveries_process,
    cart_hook_deliveries_queue_needed,
    hook_deliveries_waiting,
)
from webhooks.models import CartHookEndpoint, HookDelivery
from webhooks.registration import cart_hook_endpoint_get
from tests.orders.conftest import place

pytestmark = pytest.mark.django_db(transaction=True)


def deliver(cart, order_id: int, event_hash: str, scope: str = "store/order/created") -> HookDelivery:
    return HookDelivery.objects.create(company_id=cart.company_id, cart=cart, event_hash=event_hash.ljust(40, "0"),
                                       scope=scope, order_id=order_id)


def test_a_burst_of_events_about_new_orders_imports_each_once_in_one_read(hooked_cart, fresh_store) -> None:
    cart_hook_endpoint_get(cart=hooked_cart)
    orders = [place(fresh_store) for _ in range(3)]
    for number, order_id in enumerate(orders * 3):  # created, updated, statusUpdated: nine events, three orders
        deliver(hooked_cart, order_id, f"{number:x}")
    fresh_store.store.reset_stats()

    assert cart_hook_deliveries_process(cart_id=hooked_cart.pk) == 9
    assert cart_hook_deliveries_process(cart_id=hooked_cart.pk) == 0  # nothing left: no request at all

    imported = list(SalesTransaction.objects.filter(cart=hooked_cart).values_list("cart_order_id", flat=True))
    assert sorted(imported) == sorted(orders)
    assert int(fresh_store.store.stats()["total_requests"]) == 1  # the three orders in one request
    assert not HookDelivery.objects.filter(processed_at__isnull=True).exists()
    newest = HookDelivery.objects.filter(cart=hooked_cart).order_by("-received_at").first().received_at
    assert CartHookEndpoint.objects.get(cart=hooked_cart).last_delivery_at == newest
    [log] = CartLog.objects.filter(cart=hooked_cart)  # in the cart's Log like any import
    assert (log.kind, log.status, log.counts["imported"], log.api_requests) == (
        CartLogKind.ORDERS_IMPORT, CartLogStatus.SUCCEEDED, 3, 1)
    assert log.summary.startswith("From the store's webhooks. Orders: 3 imported") and log.progress_done == 3


def test_a_late_duplicate_after_import_imports_nothing_more(hooked_cart, fresh_store) -> None:
    order_id = place(fresh_store)
    deliver(hooked_cart, order_id, "a1")
    cart_hook_deliveries_process(cart_id=hooked_cart.pk)
    deliver(hooked_cart, order_id, "a2", scope="store/order/updated")
    cart_hook_deliveries_process(cart_id=hooked_cart.pk)

    assert SalesTransaction.objects.filter(cart=hooked_cart, cart_order_id=order_id).count() == 1
    assert CartLog.objects.filter(cart=hooked_cart).count() == 1  # a re-read that found nothing new adds no entry


def test_a_status_event_for_an_imported_order_notes_its_current_status(hooked_cart, fresh_store) -> None:
    order_id = place(fresh_store)
    deliver(hooked_cart, order_id, "b1")
    cart_hook_deliveries_process(cart_id=hooked_cart.pk)
    fresh_store.store.set_order_status(order_id, 5)  # Cancelled
    deliver(hooked_cart, order_id, "b2", scope="store/order/statusUpdated")
    cart_hook_deliveries_process(cart_id=hooked_cart.pk)

    sale = SalesTransaction.objects.get(cart=hooked_cart, cart_order_id=order_id)
    assert sale.cart_status_id == 5 and "Cancelled" in sale.cart_change_note


def test_deliveries_a_killed_worker_held_are_taken_up_again_once_its_claim_lapses(hooked_cart, fresh_store) -> None:
    from django.utils import timezone

    order_id = place(fresh_store)
    delivery = deliver(hooked_cart, order_id, "c1")
    HookDelivery.objects.filter(pk=delivery.pk).update(claimed_until=timezone.now() + CLAIM, claim_token="dead")

    assert cart_hook_deliveries_process(cart_id=hooked_cart.pk) == 0  # held: left alone
    later = timezone.now() + CLAIM * 2
    assert hook_deliveries_waiting(now=later) == [hooked_cart.pk]
    HookDelivery.objects.filter(pk=delivery.pk).update(claimed_until=timezone.now())
    assert cart_hook_deliveries_process(cart_id=hooked_cart.pk) == 1
    assert SalesTransaction.objects.filter(cart=hooked_cart, cart_order_id=order_id).count() == 1


def test_a_stopped_cart_settles_deliveries_without_reading_the_store(hooked_cart, fresh_store) -> None:
    from carts.models import AutoSync, Cart

    Cart.objects.filter(pk=hooked_cart.pk).update(auto_sync=AutoSync.STOPPED)
    deliver(hooked_cart, place(fresh_store), "d1")
    fresh_store.store.reset_stats()

    assert cart_hook_deliveries_process(cart_id=hooked_cart.pk) == 1
    assert int(fresh_store.store.stats()["total_requests"]) == 0
    assert not SalesTransaction.objects.filter(cart=hooked_cart).exists()


def test_a_delivery_filed_while_a_task_works_queues_the_next_task(hooked_cart, fresh_store) -> None:
    cart_hook_endpoint_get(cart=hooked_cart)
    deliver(hooked_cart, place(fresh_store), "e1")
    assert cart_hook_deliveries_queue_needed(cart_id=hooked_cart.pk)
    assert not cart_hook_deliveries_queue_needed(cart_id=hooked_cart.pk)  # queued, not started: it will take this one
    during = []
    real_import = deliveries.orders_import

    def import_while_another_arrives(**arguments):
        during.append(cart_hook_deliveries_queue_needed(cart_id=hooked_cart.pk))  # after this task's claim
        return real_import(**arguments)

    with mock.patch.object(deliveries, "orders_import", side_effect=import_while_another_arrives):
        assert cart_hook_deliveries_process(cart_id=hooked_cart.pk) == 1

    assert during == [True]
