"""Order imports take whatever the store sends: an order twice, a SKU or a name too long to store, each with a reason."""
from __future__ import annotations

import datetime

import pytest

from carts.platforms.bigcommerce.adapter import order_record
from orders.imports import orders_import
from orders.models import Customer, OrderRefusal, SalesTransaction
from orders.results import Outcome
from tests.carts.factories import make_cart
from tests.orders.mapping.test_what_the_books_keep import simple_order

pytestmark = pytest.mark.django_db


def importing_cart(company, **overrides):
    return make_cart(company, import_status_ids=(11,), import_orders_from=datetime.date(2000, 1, 1), **overrides)


def test_a_refused_order_the_store_sent_twice_is_recorded_once(company) -> None:
    cart = importing_cart(company)  # no item matches SKU-1: refused
    record = order_record(simple_order(order_id=300))
    result = orders_import(cart=cart, orders=[record, record])
    assert [entry.outcome for entry in result.outcomes] == [Outcome.REFUSED, Outcome.REFUSED]
    assert list(OrderRefusal.objects.filter(cart=cart).values_list("cart_order_id", flat=True)) == [300]


def test_a_sku_longer_than_items_hold_is_refused_even_when_missing_items_are_created(company) -> None:
    cart = importing_cart(company, create_missing_items=True)
    payload = simple_order(order_id=301)
    payload["consignments"]["shipping"][0]["line_items"][0]["sku"] = "S" * 101
    (outcome,) = orders_import(cart=cart, orders=[order_record(payload)]).outcomes
    assert outcome.outcome == Outcome.REFUSED
    assert "has a SKU of 101 characters; Salesorder SKUs hold at most 100" in outcome.reason
    assert not SalesTransaction.objects.exists()


def test_names_longer_than_their_columns_are_cut_and_the_order_imports(company) -> None:
    cart = importing_cart(company, create_missing_items=True)
    payload = simple_order(order_id=302, custom_status="S" * 150)
    payload["billing_address"].update(first_name="F" * 150, last_name="L" * 150, company="C" * 250, phone="9" * 80)
    (outcome,) = orders_import(cart=cart, orders=[order_record(payload)]).outcomes
    assert outcome.outcome == Outcome.IMPORTED, outcome.reason
    customer = Customer.objects.get(company=company, email="janedoe@example.com")
    assert (len(customer.name), len(customer.company_name), len(customer.phone)) == (200, 200, 50)
    assert customer.billing_address["company"] == "C" * 250  # the address keeps what the store sent
    assert SalesTransaction.objects.get(cart=cart).cart_status_label == "S" * 100


def test_an_e_mail_address_too_long_to_store_refuses_that_order_only(company) -> None:
    cart = importing_cart(company, create_missing_items=True)
    too_long = simple_order(order_id=303)
    too_long["billing_address"]["email"] = "x" * 250 + "@example.com"
    result = orders_import(cart=cart, orders=[order_record(too_long), order_record(simple_order(order_id=304))])
    refused, imported = result.outcomes
    assert refused.outcome == Outcome.REFUSED
    assert refused.reason.startswith("its billing e-mail address is 262 characters long; an address holds at most 254")
    assert imported.outcome == Outcome.IMPORTED
