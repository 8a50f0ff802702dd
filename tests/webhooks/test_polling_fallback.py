"""Polling as the safety net: about hourly while a cart's hooks are healthy, its own interval otherwise."""
from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from carts.models import AutoSync, Cart
from sync.models import AutoSyncState
from sync.tick import due_carts_schedule
from webhooks.models import CartHookEndpoint, StoreHookState
from webhooks.registration import cart_hooks_apply
from webhooks.verification import cart_hooks_verify, carts_with_unwanted_hooks
from tests.orders.conftest import running_cart
from tests.webhooks.conftest import store_hooks

pytestmark = pytest.mark.django_db


def next_pass_in_minutes(cart: Cart, now: datetime.datetime) -> float:
    return (AutoSyncState.objects.get(cart=cart).next_pass_at - now).total_seconds() / 60


def test_a_cart_with_healthy_hooks_is_passed_hourly_another_at_its_interval(hooked_cart, fresh_store, company,
                                                                             settings) -> None:
    polled = running_cart(company, fresh_store, name="Polled")
    cart_hooks_apply(cart=hooked_cart)
    now = timezone.now()

    assert set(due_carts_schedule(now=now)) == {hooked_cart.pk, polled.pk}
    assert next_pass_in_minutes(hooked_cart, now) == settings.WEBHOOKS_HEALTHY_PASS_MINUTES == 60
    assert next_pass_in_minutes(polled, now) == 15


def test_a_deactivated_hook_or_a_stale_verification_falls_back_to_the_interval(hooked_cart, fresh_store) -> None:
    cart_hooks_apply(cart=hooked_cart)
    StoreHookState.objects.filter(cart=hooked_cart, scope="store/order/created").update(is_active=False)
    now = timezone.now()
    due_carts_schedule(now=now)
    assert next_pass_in_minutes(hooked_cart, now) == 15

    StoreHookState.objects.filter(cart=hooked_cart).update(is_active=True)
    CartHookEndpoint.objects.filter(cart=hooked_cart).update(verified_at=now - datetime.timedelta(days=1))
    later = now + datetime.timedelta(minutes=16)
    due_carts_schedule(now=later)
    assert next_pass_in_minutes(hooked_cart, later) == 15


def test_the_pass_re_registers_a_deactivated_hook_once_verification_is_due(hooked_cart, fresh_store) -> None:
    cart_hooks_apply(cart=hooked_cart)
    assert cart_hooks_verify(cart_id=hooked_cart.pk) is None  # verified just now: nothing to do, no request
    victim = store_hooks(fresh_store)[0]
    fresh_store.store.webhooks.set_active(victim.id, False)
    CartHookEndpoint.objects.filter(cart=hooked_cart).update(verified_at=timezone.now() - datetime.timedelta(hours=7))

    applied = cart_hooks_verify(cart_id=hooked_cart.pk)

    assert applied is not None and "re-registered" in applied.summary
    assert all(hook.is_active for hook in store_hooks(fresh_store))


def test_a_cart_stopped_by_itself_has_its_hooks_removed_by_the_tick(hooked_cart, fresh_store) -> None:
    cart_hooks_apply(cart=hooked_cart)
    assert carts_with_unwanted_hooks() == []
    Cart.objects.filter(pk=hooked_cart.pk).update(auto_sync=AutoSync.STOPPED)  # as a pass stops it: no settings saved

    assert carts_with_unwanted_hooks() == [hooked_cart.pk]
    cart_hooks_apply(cart=Cart.objects.get(pk=hooked_cart.pk))
    assert store_hooks(fresh_store) == [] and carts_with_unwanted_hooks() == []


def test_the_tab_shows_each_hook_and_which_interval_applies(hooked_cart, fresh_store, merchant_client) -> None:
    cart_hooks_apply(cart=hooked_cart)
    StoreHookState.objects.filter(cart=hooked_cart, scope="store/order/refund/created").update(is_active=False)

    page = merchant_client.get(reverse("sync:cart_sync", args=[hooked_cart.pk])).content.decode()

    assert page.count("Active") >= 3 and "Deactivated by the store" in page
    assert "polls every 15 minutes until they are" in page
    assert 'id="webhooks-register"' in page
    StoreHookState.objects.filter(cart=hooked_cart).update(is_active=True)
    page = merchant_client.get(reverse("sync:cart_sync", args=[hooked_cart.pk])).content.decode()
    assert "every 60 minutes while the webhooks stay healthy" in page
