"""Registration on a sandbox store over real HTTP: what is registered, re-registered, rotated and removed."""
from __future__ import annotations

import pytest
from django.urls import reverse

from carts.credential_storage import secret_decrypt
from carts.models import AutoSync, Cart
from carts.setup import CartSettings, cart_auto_sync_switch, cart_delete, cart_update
from carts.platforms.bigcommerce.credentials import parse_api_key
from webhooks.health import cart_hooks_status, carts_deactivated_hooks_count
from webhooks.models import CartHookEndpoint, StoreHookState
from webhooks.registration import NO_PUBLIC_URL, cart_hooks_apply
from tests.webhooks.conftest import ORDER_SCOPES, PUBLIC, SECRET_HEADER, store_hooks

pytestmark = pytest.mark.django_db


def secret_of(cart: Cart) -> str:
    return secret_decrypt(CartHookEndpoint.objects.get(cart=cart).secret_encrypted)


def test_a_running_cart_registers_one_active_hook_per_order_event_with_its_secret(hooked_cart, fresh_store) -> None:
    applied = cart_hooks_apply(cart=hooked_cart)

    assert applied.ok, applied.summary
    hooks = store_hooks(fresh_store)
    assert {hook.scope for hook in hooks} == ORDER_SCOPES and len(hooks) == 4
    token = CartHookEndpoint.objects.get(cart=hooked_cart).token
    assert token != str(hooked_cart.pk) and not token.isdigit() and len(token) >= 40  # random, not the row id
    destination = PUBLIC + reverse("webhooks:receive", args=[token])
    secret = secret_of(hooked_cart)
    assert all(hook.is_active and hook.destination == destination and hook.headers == {SECRET_HEADER: secret}
               for hook in hooks)
    assert secret not in CartHookEndpoint.objects.get(cart=hooked_cart).secret_encrypted
    assert set(StoreHookState.objects.filter(cart=hooked_cart).values_list("scope", flat=True)) == ORDER_SCOPES
    assert cart_hooks_status(cart=hooked_cart).healthy


def test_applying_again_changes_nothing_on_the_store(hooked_cart, fresh_store) -> None:
    cart_hooks_apply(cart=hooked_cart)
    before = {(hook.id, hook.updated_at) for hook in store_hooks(fresh_store)}
    fresh_store.store.reset_stats()

    assert cart_hooks_apply(cart=hooked_cart).ok
    assert {(hook.id, hook.updated_at) for hook in store_hooks(fresh_store)} == before
    assert int(fresh_store.store.stats()["total_requests"]) == 1  # the listing, nothing else


def test_a_hook_the_store_deactivated_is_re_registered_and_counted(hooked_cart, fresh_store) -> None:
    cart_hooks_apply(cart=hooked_cart)
    victim = next(hook for hook in store_hooks(fresh_store) if hook.scope == "store/order/created")
    fresh_store.store.webhooks.set_active(victim.id, False)

    applied = cart_hooks_apply(cart=hooked_cart)

    assert "1 the store had deactivated re-registered" in applied.summary
    assert all(hook.is_active for hook in store_hooks(fresh_store)) and len(store_hooks(fresh_store)) == 4
    row = StoreHookState.objects.get(cart=hooked_cart, scope="store/order/created")
    assert row.is_active and row.deactivations == 1


def test_deactivated_hooks_are_counted_for_attention(hooked_cart, fresh_store) -> None:
    cart_hooks_apply(cart=hooked_cart)
    StoreHookState.objects.filter(cart=hooked_cart, scope="store/order/updated").update(is_active=False)

    assert carts_deactivated_hooks_count(company_id=hooked_cart.company_id) == {hooked_cart.pk: 1}
    assert carts_deactivated_hooks_count(cart_ids=[hooked_cart.pk + 1]) == {}
    status = cart_hooks_status(cart=hooked_cart)
    assert not status.healthy and status.interval_minutes == hooked_cart.sync_interval_minutes
    assert "polls every 15 minutes" in status.why


def test_stopping_auto_sync_removes_the_hooks(hooked_cart, fresh_store, eager_celery, django_capture_on_commit_callbacks) -> None:
    cart_hooks_apply(cart=hooked_cart)

    with django_capture_on_commit_callbacks(execute=True):
        cart_auto_sync_switch(cart=hooked_cart, running=False)

    assert Cart.objects.get(pk=hooked_cart.pk).auto_sync == AutoSync.STOPPED
    assert store_hooks(fresh_store) == []
    assert not StoreHookState.objects.filter(cart=hooked_cart).exists()


def test_switching_on_registers_them(company, fresh_store, public_url, eager_celery,
                                     django_capture_on_commit_callbacks) -> None:
    from tests.orders.conftest import running_cart

    cart = running_cart(company, fresh_store)
    Cart.objects.filter(pk=cart.pk).update(auto_sync=AutoSync.STOPPED)
    cart.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        cart_auto_sync_switch(cart=cart, running=True)

    assert {hook.scope for hook in store_hooks(fresh_store)} == ORDER_SCOPES


def test_a_deleted_cart_takes_its_hooks_off_the_store(hooked_cart, fresh_store, eager_celery,
                                                      django_capture_on_commit_callbacks) -> None:
    cart_hooks_apply(cart=hooked_cart)
    with django_capture_on_commit_callbacks(execute=True):
        cart_delete(cart=hooked_cart)

    assert store_hooks(fresh_store) == []


def test_a_new_api_key_rotates_the_secret(hooked_cart, fresh_store, eager_celery,
                                          django_capture_on_commit_callbacks) -> None:
    cart_hooks_apply(cart=hooked_cart)
    old_secret = secret_of(hooked_cart)
    other_key = fresh_store.api_key("full").split(":")[0] + ":" + "n" * 30
    values = CartSettings.of_cart(hooked_cart)
    values = CartSettings(**{**values.__dict__, "api_key": parse_api_key(other_key), "auto_sync": AutoSync.STOPPED})

    with django_capture_on_commit_callbacks(execute=True):
        cart_update(cart=hooked_cart, values=values)

    assert secret_of(hooked_cart) != old_secret


def test_without_a_public_url_nothing_is_registered_and_the_tab_says_why(company, fresh_store, settings,
                                                                         merchant_client) -> None:
    from tests.orders.conftest import running_cart

    settings.PUBLIC_BASE_URL = ""
    cart = running_cart(company, fresh_store)
    fresh_store.store.reset_stats()

    assert cart_hooks_apply(cart=cart).summary == NO_PUBLIC_URL
    assert int(fresh_store.store.stats()["total_requests"]) == 0
    page = merchant_client.get(reverse("sync:cart_sync", args=[cart.pk])).content.decode()
    assert "PUBLIC_BASE_URL is not set" in page and "every 15 minutes" in page


def test_a_deactivated_hook_needs_the_merchant_s_attention(hooked_cart, fresh_store) -> None:
    from carts.attention import cart_attention

    cart_hooks_apply(cart=hooked_cart)
    assert not cart_attention(cart=hooked_cart).deactivated_webhooks
    fresh_store.store.webhooks.set_active(store_hooks(fresh_store)[0].id, False)
    StoreHookState.objects.filter(cart=hooked_cart, hook_id=store_hooks(fresh_store)[0].id).update(is_active=False)

    attention = cart_attention(cart=hooked_cart)
    assert attention.deactivated_webhooks == 1 and "1 webhook deactivated by the store" in attention.text


def test_a_removal_the_store_did_not_answer_is_tried_again_by_the_beat_task(
        hooked_cart, fresh_store, eager_celery, django_capture_on_commit_callbacks) -> None:
    from carts.credential_storage import api_key_encrypt
    from webhooks.tasks import unwanted_hooks_remove_task

    cart_hooks_apply(cart=hooked_cart)
    working_key = hooked_cart.api_key_encrypted
    Cart.objects.filter(pk=hooked_cart.pk).update(  # the store refuses every request for a while (401)
        api_key_encrypted=api_key_encrypt(parse_api_key("nobody:revokedtoken")))
    with django_capture_on_commit_callbacks(execute=True):
        cart_auto_sync_switch(cart=Cart.objects.get(pk=hooked_cart.pk), running=False)

    assert {hook.scope for hook in store_hooks(fresh_store)} == ORDER_SCOPES  # still on the store
    assert CartHookEndpoint.objects.get(cart=hooked_cart).problem  # and the tab says why
    assert unwanted_hooks_remove_task() == 1 and len(store_hooks(fresh_store)) == 4  # the store still refuses

    Cart.objects.filter(pk=hooked_cart.pk).update(api_key_encrypted=working_key)
    assert unwanted_hooks_remove_task() == 1
    assert store_hooks(fresh_store) == [] and not StoreHookState.objects.filter(cart=hooked_cart).exists()
    assert unwanted_hooks_remove_task() == 0  # nothing left to remove


def test_running_carts_with_healthy_hooks_are_not_touched_by_the_removal_retry(hooked_cart, fresh_store) -> None:
    from webhooks.verification import carts_with_unwanted_hooks

    cart_hooks_apply(cart=hooked_cart)
    assert carts_with_unwanted_hooks(including_failed_removals=True) == []


def test_the_tab_says_a_failed_removal_is_tried_again(hooked_cart, fresh_store, client, user) -> None:
    cart_hooks_apply(cart=hooked_cart)
    Cart.objects.filter(pk=hooked_cart.pk).update(auto_sync=AutoSync.STOPPED)
    CartHookEndpoint.objects.filter(cart=hooked_cart).update(problem="The webhooks could not be removed: the store "
                                                                     "did not answer.")
    client.force_login(user)
    page = client.get(reverse("sync:cart_sync", args=[hooked_cart.pk])).content.decode()

    assert "did not answer. Removing them is tried again every hour." in page
    assert page.count('<tr>') >= 4 and 'aria-label="Webhooks on the store"' in page


def test_a_key_of_another_api_account_takes_the_old_accounts_hooks_off_the_store(
        hooked_cart, fresh_store, eager_celery, django_capture_on_commit_callbacks) -> None:
    cart_hooks_apply(cart=hooked_cart)
    assert len(store_hooks(fresh_store, "full")) == 4
    values = CartSettings.of_cart(hooked_cart)  # the merchant makes a new API account and pastes its key
    values = CartSettings(**{**values.__dict__, "api_key": parse_api_key(fresh_store.api_key("no-inventory")),
                             "auto_sync": AutoSync.STOPPED})

    with django_capture_on_commit_callbacks(execute=True):
        cart_update(cart=hooked_cart, values=values)

    assert store_hooks(fresh_store, "full") == []  # removed with the old account's key: the new one cannot see them
    assert not StoreHookState.objects.filter(cart=hooked_cart).exists()
    assert store_hooks(fresh_store, "no-inventory") == []  # nothing until Test Connection passes with the new key
