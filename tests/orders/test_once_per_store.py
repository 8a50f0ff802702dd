"""A store's order is imported at most once per company, whatever happens to cart rows (PostgreSQL, real HTTP).

Deleting a cart and adding it again, two carts on one store (importing at the same time), and a cart
whose API path changed but names the same store hash all find the orders already imported.
"""
from __future__ import annotations

import pytest

from carts.setup import cart_delete
from carts.stores import cart_store_open
from orders.imports import orders_import
from orders.listing import orders_list
from orders.models import Customer, SalesTransaction
from orders.results import Outcome
from orders.store_imports import orders_import_selected
from sandbox.server import SandboxServer
from tests.orders.conftest import STORE_OPTIONS, make_items, order_skus, run_together, sandbox_cart

KINDS = ("coupon_order", "wrapping_order", "guest_order", "refunded_order", "partially_refunded_order")


def order_ids(server: SandboxServer) -> list[int]:
    examples = server.store.examples()
    return sorted({examples[kind] for kind in KINDS})


def numbers_of(company) -> list[str]:
    return sorted(SalesTransaction.objects.for_company(company).values_list("number", flat=True))


@pytest.mark.django_db
def test_a_deleted_and_re_added_cart_lists_and_imports_its_stores_orders_as_already_imported(company, store) -> None:
    ids = order_ids(store)
    make_items(company, order_skus(store, *ids))
    first = sandbox_cart(company, store)
    imported = orders_import_selected(cart=first, order_ids=ids)
    assert [entry.outcome for entry in imported.outcomes] == [Outcome.IMPORTED] * len(ids)
    before = numbers_of(company)
    cart_delete(cart=first)

    again = sandbox_cart(company, store)  # the same name and store, a new row
    listing = orders_list(cart=again)
    shown = {row.summary.order_id: row.transaction for row in listing.rows}
    assert {order_id: shown[order_id].number for order_id in ids} == {
        entry.order_id: entry.transaction_number for entry in imported.outcomes}
    result = orders_import_selected(cart=again, order_ids=ids)
    assert [entry.outcome for entry in result.outcomes] == [Outcome.ALREADY_IMPORTED] * len(ids)
    assert [entry.transaction_number for entry in result.outcomes] == [
        entry.transaction_number for entry in imported.outcomes]
    assert numbers_of(company) == before  # no sale and no credit note twice


@pytest.mark.django_db
def test_a_changed_api_path_naming_the_same_store_hash_is_the_same_store(company, store, settings) -> None:
    ids = order_ids(store)
    make_items(company, order_skus(store, *ids))
    orders_import_selected(cart=sandbox_cart(company, store), order_ids=ids)
    with SandboxServer(**STORE_OPTIONS) as moved:  # the same store (hash and data) at another address
        settings.BIGCOMMERCE_EXTRA_API_HOSTS = [store.host_port, moved.host_port]
        assert moved.api_path != store.api_path
        elsewhere = sandbox_cart(company, moved, name="Same store, new path")
        result = orders_import_selected(cart=elsewhere, order_ids=ids)
    assert {entry.outcome for entry in result.outcomes} == {Outcome.ALREADY_IMPORTED}
    assert SalesTransaction.objects.sales().count() == len(ids)


@pytest.mark.django_db
def test_another_company_imports_the_same_store_order_for_itself(company, other_company, store) -> None:
    ids = order_ids(store)
    for owner in (company, other_company):
        make_items(owner, order_skus(store, *ids))
        result = orders_import_selected(cart=sandbox_cart(owner, store), order_ids=ids)
        assert {entry.outcome for entry in result.outcomes} == {Outcome.IMPORTED}


@pytest.mark.django_db(transaction=True)
def test_two_carts_on_one_store_importing_at_once_book_each_order_and_refund_once(company, store) -> None:
    ids = order_ids(store)
    make_items(company, order_skus(store, *ids))
    carts = [sandbox_cart(company, store, name=f"Cart {number}") for number in (1, 2)]
    with cart_store_open(cart=carts[0]) as session:
        records = list(session.orders_by_id(ids))
    importers_per_cart = 2
    calls = [lambda cart=cart: orders_import(cart=cart, orders=records) for cart in carts] * importers_per_cart
    results = run_together(calls)
    outcomes = [entry.outcome for result in results for entry in result.outcomes]
    assert outcomes.count(Outcome.IMPORTED) == len(ids)
    assert outcomes.count(Outcome.ALREADY_IMPORTED) == len(ids) * (len(calls) - 1)
    sales = SalesTransaction.objects.sales()
    assert sorted(sales.values_list("cart_order_id", flat=True)) == ids
    assert sorted(sales.values_list("number", flat=True)) == [f"CS-{n:06d}" for n in range(1, len(ids) + 1)]
    refunded = [store.store.examples()[kind] for kind in ("refunded_order", "partially_refunded_order")]
    notes = SalesTransaction.objects.credit_notes()
    assert sorted(notes.values_list("cart_order_id", flat=True)) == sorted(refunded)
    assert sorted(notes.values_list("number", flat=True)) == ["CN-000001", "CN-000002"]


@pytest.mark.django_db
def test_orders_without_an_email_find_the_web_customer_whatever_the_case_of_its_name(company, store) -> None:
    examples = store.store.examples()
    first, second = examples["coupon_order"], examples["wrapping_order"]
    make_items(company, order_skus(store, first, second))
    for order_id, name in ((first, "Web Customer"), (second, "WEB customer")):
        cart = sandbox_cart(company, store, name=f"Cart {order_id}", web_customer_name=name)
        with cart_store_open(cart=cart) as session:
            [record] = session.orders_by_id([order_id])
        record.payload["billing_address"]["email"] = ""
        [outcome] = orders_import(cart=cart, orders=[record]).outcomes
        assert outcome.outcome == Outcome.IMPORTED, outcome.reason
    web_customer = Customer.objects.get(company=company, email="")
    assert web_customer.name == "Web Customer"  # the first one made; the constraint compares names regardless of case
    assert {record.customer for record in SalesTransaction.objects.sales()} == {web_customer}
