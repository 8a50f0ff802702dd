"""A cart's name: one line, and unique in its company even when two saves race for it."""
from __future__ import annotations

import threading
from dataclasses import replace
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from carts import views
from carts.models import Cart
from carts.setup import CartNameRefused, CartSettings, cart_create, cart_get_by_name, cart_update
from tests.carts.factories import make_cart
from tests.carts.test_views import new_cart_data


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["Store\nBC", "Store\u2028BC", "Store\x85BC", "Store\x00BC"])
def test_the_service_refuses_a_name_on_more_than_one_line_whoever_calls_it(company, name) -> None:
    with pytest.raises(CartNameRefused, match="Write the name on one line"):
        make_cart(company, name=name)
    cart = make_cart(company)
    with pytest.raises(CartNameRefused):
        cart_update(cart=cart, values=replace(CartSettings.of_cart(cart), name=name))
    assert list(Cart.objects.values_list("name", flat=True)) == ["Store BC"]


@pytest.mark.django_db
def test_a_name_taken_after_the_check_is_refused_by_the_service_not_the_database(company) -> None:
    first = make_cart(company, name="Main store")
    second = make_cart(company, name="Second store")
    # The screen's form found the name free a moment before another save took it: the service is what remains.
    with pytest.raises(CartNameRefused, match="You already have a cart named 'Main store'"):
        cart_update(cart=second, values=replace(CartSettings.of_cart(second), name="Main store"))
    assert Cart.objects.get(pk=second.pk).name == "Second store" and Cart.objects.get(pk=first.pk).name == "Main store"


@pytest.mark.django_db(transaction=True)
def test_two_merchants_creating_one_name_at_once_get_a_cart_and_a_form_error(company, user) -> None:
    both_checked = threading.Barrier(2, timeout=20)

    def after_both_checked(**arguments):
        both_checked.wait()  # each form found the name free; now both save
        return cart_create(**arguments)

    responses = []

    def create() -> None:
        client = Client()
        client.force_login(user)
        try:
            responses.append(client.post(reverse("carts:new"), new_cart_data(name="Main store")))
        finally:
            connection.close()

    with mock.patch.object(views, "cart_create", after_both_checked):
        threads = [threading.Thread(target=create) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)

    assert sorted(response.status_code for response in responses) == [200, 302]
    refused = next(response for response in responses if response.status_code == 200)
    assert "You already have a cart named &#x27;Main store&#x27;: choose another name." in refused.content.decode()
    assert Cart.objects.filter(company=company).count() == 1


@pytest.mark.django_db
def test_a_name_differing_only_in_case_is_the_same_name_for_every_caller(company) -> None:
    # The form compares names ignoring case; the service (CLI, admin) and the database must agree with it.
    make_cart(company, name="Main store")
    with pytest.raises(CartNameRefused, match="You already have a cart named 'MAIN STORE'"):
        make_cart(company, name="MAIN STORE")
    assert list(Cart.objects.values_list("name", flat=True)) == ["Main store"]


@pytest.mark.django_db
def test_the_command_line_finds_a_cart_by_its_name_in_any_case(company) -> None:
    cart = make_cart(company, name="Main store")
    assert cart_get_by_name(company=company, name="main STORE") == cart
