"""The cart admin saves through the cart settings service: the same Auto-sync rule, and auto-sync hears of changes."""
from __future__ import annotations

import datetime
import json

import pytest
from django.urls import reverse

from carts.models import AutoSync, Cart
from companies.models import User
from sync.models import AutoSyncState
from tests.carts.factories import make_cart

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_client(client):
    client.force_login(User.objects.create_superuser("operator", "operator@salesorder.example", "correct-horse-9"))
    return client


def admin_form(cart: Cart, **changes: object) -> dict:
    """The cart's change form as the admin shows it, with `changes` typed in."""
    values = {
        "company": cart.company_id, "name": cart.name, "platform": cart.platform, "api_version": cart.api_version,
        "import_as": cart.import_as, "import_status_ids": json.dumps(cart.import_status_ids),
        "import_orders_from": cart.import_orders_from.isoformat() if cart.import_orders_from else "",
        "web_customer_name": cart.web_customer_name, "auto_sync": cart.auto_sync,
        "sync_interval_minutes": cart.sync_interval_minutes,
    }
    return {**values, **changes}


def test_changing_the_statuses_in_the_admin_makes_the_next_pass_read_them_whole(company, operator_client) -> None:
    cart = make_cart(company, import_status_ids=(11,), import_orders_from=datetime.date(2026, 1, 1))
    AutoSyncState.objects.filter(cart=cart).update(cursor=datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC))

    response = operator_client.post(reverse("admin:carts_cart_change", args=[cart.pk]),
                                    admin_form(cart, import_status_ids="[11, 9]"))

    assert response.status_code == 302
    assert Cart.objects.get(pk=cart.pk).import_status_ids == [11, 9]
    assert AutoSyncState.objects.get(cart=cart).cursor is None


def test_the_admin_cannot_run_auto_sync_on_a_cart_that_has_not_passed_test_connection(company, operator_client) -> None:
    cart = make_cart(company, import_status_ids=(11,), import_orders_from=datetime.date(2026, 1, 1))

    response = operator_client.post(reverse("admin:carts_cart_change", args=[cart.pk]),
                                    admin_form(cart, auto_sync=AutoSync.RUNNING))

    assert response.status_code == 200
    assert "pass Test Connection first" in response.content.decode()
    assert Cart.objects.get(pk=cart.pk).auto_sync == AutoSync.STOPPED


@pytest.mark.parametrize(("typed", "stored"), [("[11, 11, 9]", [11, 9]), ('[11, "Awaiting Fulfillment", "9"]', [11, 9])])
def test_the_admin_stores_each_status_once_by_id_or_name(company, operator_client, typed: str, stored: list) -> None:
    cart = make_cart(company, import_status_ids=(11,))
    response = operator_client.post(reverse("admin:carts_cart_change", args=[cart.pk]),
                                    admin_form(cart, import_status_ids=typed))
    assert response.status_code == 302
    assert Cart.objects.get(pk=cart.pk).import_status_ids == stored


@pytest.mark.parametrize("typed", ["[99]", '"11"', '["Shipped-ish"]'])
def test_the_admin_refuses_statuses_that_do_not_exist_saying_how_to_give_them(company, operator_client, typed) -> None:
    cart = make_cart(company, import_status_ids=(11,))
    response = operator_client.post(reverse("admin:carts_cart_change", args=[cart.pk]),
                                    admin_form(cart, import_status_ids=typed))
    assert response.status_code == 200
    assert "Give the status ids as a list of numbers, e.g. [11, 9]." in response.content.decode()
    assert Cart.objects.get(pk=cart.pk).import_status_ids == [11]


def test_the_admin_refuses_a_cart_name_on_two_lines(company, operator_client) -> None:
    cart = make_cart(company)
    response = operator_client.post(reverse("admin:carts_cart_change", args=[cart.pk]),
                                    admin_form(cart, name="Store\r\nBC"))
    assert response.status_code == 200
    assert "Write the name on one line" in response.content.decode()
    assert Cart.objects.get(pk=cart.pk).name == "Store BC"
