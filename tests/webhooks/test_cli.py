"""`cart webhooks` and `cart auto-sync`: the screen's rules and services, from the command line."""
from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from carts.models import AutoSync, Cart
from tests.orders.conftest import running_cart
from tests.webhooks.conftest import ORDER_SCOPES, store_hooks

pytestmark = pytest.mark.django_db


def cart_command(*args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("cart", *args, stdout=out)
    except SystemExit as stop:
        return int(stop.code), out.getvalue()
    return 0, out.getvalue()


def test_auto_sync_running_registers_the_hooks_and_stopped_removes_them(company, fresh_store, public_url,
                                                                         eager_celery) -> None:
    cart = running_cart(company, fresh_store)
    Cart.objects.filter(pk=cart.pk).update(auto_sync=AutoSync.STOPPED)

    status, out = cart_command("auto-sync", cart.name, "--company", company.account_number, "running")
    assert status == 0 and "is Running" in out and "4 webhooks active" in out
    assert {hook.scope for hook in store_hooks(fresh_store)} == ORDER_SCOPES

    status, out = cart_command("webhooks", cart.name, "--company", company.account_number, "--json")
    listed = json.loads(out)["webhooks"]
    assert status == 0 and {row["scope"] for row in listed} == ORDER_SCOPES and all(row["active"] for row in listed)
    assert all(row["destination"].startswith(public_url + "/hooks/") for row in listed)

    status, out = cart_command("auto-sync", cart.name, "--company", company.account_number, "stopped")
    assert status == 0 and "is Stopped" in out and "4 webhooks removed" in out
    assert store_hooks(fresh_store) == []


def test_auto_sync_running_needs_a_passed_test_connection(company, fresh_store, public_url) -> None:
    cart = running_cart(company, fresh_store)
    Cart.objects.filter(pk=cart.pk).update(auto_sync=AutoSync.STOPPED, last_test_passed=None)

    with pytest.raises(Exception) as refused:
        call_command("cart", "auto-sync", cart.name, "--company", company.account_number, "running", stdout=StringIO())
    assert "pass Test Connection first" in str(refused.value) and getattr(refused.value, "returncode", None) == 2
    assert Cart.objects.get(pk=cart.pk).auto_sync == AutoSync.STOPPED and store_hooks(fresh_store) == []


def test_webhooks_register_and_remove(company, fresh_store, public_url) -> None:
    cart = running_cart(company, fresh_store)
    name, soa = cart.name, company.account_number

    assert cart_command("webhooks", name, "--company", soa, "--register")[0] == 0
    status, out = cart_command("webhooks", name, "--company", soa)
    assert status == 0 and out.count(" active ") == 4 and "store/order/refund/created" in out
    status, out = cart_command("webhooks", name, "--company", soa, "--remove")
    assert status == 0 and "4 webhooks removed" in out and "has no webhooks on its store" in out
    assert store_hooks(fresh_store) == []


def test_register_without_a_public_url_says_why(company, fresh_store, settings) -> None:
    settings.PUBLIC_BASE_URL = ""
    cart = running_cart(company, fresh_store)

    with pytest.raises(Exception) as refused:
        call_command("cart", "webhooks", cart.name, "--company", company.account_number, "--register", stdout=StringIO())
    assert "PUBLIC_BASE_URL is not set" in str(refused.value)
