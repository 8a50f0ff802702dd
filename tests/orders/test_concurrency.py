"""Two imports of the same orders at once: each order becomes one transaction, numbered without gaps."""
from __future__ import annotations

import pytest

from carts.stores import cart_store_open
from orders.models import Customer, SalesTransaction
from orders.imports import orders_import
from orders.results import Outcome
from tests.orders.conftest import make_items, order_skus, run_together, sandbox_cart

IMPORTERS = 3


@pytest.mark.django_db(transaction=True)
def test_concurrent_imports_create_each_transaction_once_numbered_without_gaps(company, store) -> None:
    cart = sandbox_cart(company, store)
    ids = [order_id for kind, order_id in store.store.examples().items() if kind in (
        "coupon_order", "wrapping_order", "automatic_discount_order", "guest_order", "tax_inclusive_order")]
    make_items(company, order_skus(store, *ids))
    with cart_store_open(cart=cart) as session:
        payloads = list(session.orders_by_id(ids))
    results = run_together([lambda: orders_import(cart=cart, orders=payloads)] * IMPORTERS)
    outcomes = [entry.outcome for result in results for entry in result.outcomes]
    assert outcomes.count(Outcome.IMPORTED) == len(ids)
    assert outcomes.count(Outcome.ALREADY_IMPORTED) == len(ids) * (IMPORTERS - 1)
    assert sorted(SalesTransaction.objects.values_list("cart_order_id", flat=True)) == sorted(ids)
    assert sorted(SalesTransaction.objects.values_list("number", flat=True)) == [f"CS-{n:06d}" for n in range(1, len(ids) + 1)]
    emails = {store.store.order(order_id).order["billing_address"]["email"] for order_id in ids}
    assert Customer.objects.count() == len(emails)
