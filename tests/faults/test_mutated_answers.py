"""Every store answer is data, through the whole product: each run on a cart fed a mutated answer (HTTP faked by
`responses`) ends with a typed outcome and a closed log entry, never an unhandled exception or a log left running.

The answers are BigCommerce's documented examples, mutated by the one shared strategy (tests/mutations.py).
"""
from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import responses
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from carts.connection_test import TEST_FAILED, TEST_PASSED, cart_test_connection
from carts.models import AutoSync, Cart, CartLog, CartLogStatus
from carts.platforms.base import NotReady, StoreError
from items.cart_import import CatalogSelection, cart_items_import
from items.cart_tab import cart_items_page
from orders.listing import orders_list
from orders.models import OrderRefusal, SalesTransaction
from orders.store_imports import orders_import_listed, orders_import_selected
from sync.passes import PassOutcome, cart_sync_pass
from sync.reconciliation import cart_sync_reconcile
from tests.carts.factories import make_cart
from tests.carts.platforms.bigcommerce.conftest import V2, V3, fixture_json, resolve_to  # noqa: F401 - the fixture
from tests.carts.platforms.bigcommerce.test_mutated_answers import orders_answer, orders_count_answer, variants_answer
from tests.mutations import JSON_VALUES, mutated

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Endpoint:
    method: str
    url: str
    answer: Callable[[], Any]
    status: int = 200


ENDPOINTS = {
    "store": Endpoint("GET", f"{V2}/store", lambda: fixture_json("store.json")),
    "statuses": Endpoint("GET", f"{V2}/order_statuses", lambda: fixture_json("order_statuses.json")),
    "products": Endpoint("GET", f"{V3}/catalog/products", lambda: fixture_json("catalog_products_with_variants.json")),
    "variants": Endpoint("GET", f"{V3}/catalog/variants", variants_answer),
    "orders": Endpoint("GET", f"{V2}/orders", orders_answer),
    "count": Endpoint("GET", f"{V2}/orders/count", orders_count_answer),
    "modify probe": Endpoint("PUT", f"{V2}/orders/0", lambda: {"status": 404, "title": "Not found"}, status=404),
}


def connection_test(cart: Cart) -> str:
    result = cart_test_connection(cart=cart)
    assert result.message.startswith((TEST_PASSED, TEST_FAILED)) and len(result.message) > len(TEST_FAILED)
    return "passed" if result.passed else "failed"


def items_import(selection: CatalogSelection) -> Callable[[Cart], str]:
    def run(cart: Cart) -> str:
        log = cart_items_import(cart=cart, selection=selection)
        assert log.status != CartLogStatus.RUNNING and log.summary
        return log.status
    return run


def orders_import(run_import: Callable[[Cart], Any]) -> Callable[[Cart], str]:
    def run(cart: Cart) -> str:
        result = run_import(cart)
        assert all(entry.reason for entry in result.refused)
        return "stopped" if result.stopped_reason else f"{len(result.imported)} imported"
    return run


def tab(read: Callable[[Cart], Any]) -> Callable[[Cart], str]:
    """A tab that reads the store while the merchant waits: a StoreError is what its view shows as the reason."""
    def run(cart: Cart) -> str:
        try:
            read(cart)
        except (StoreError, NotReady) as error:
            assert str(error)
            return type(error).__name__
        return "shown"
    return run


def sync_pass(cart: Cart) -> str:
    outcome = cart_sync_pass(cart_id=cart.pk, scheduled=False).outcome
    assert outcome in PassOutcome
    return outcome.value


RUNS: dict[str, tuple[Callable[[Cart], str], tuple[str, ...]]] = {
    "Test Connection": (connection_test, ("store", "products", "statuses")),
    "import all items": (items_import(CatalogSelection()), ("products",)),
    "import items by SKU": (items_import(CatalogSelection(skus=("OTL", "TSHIRT-L-RED"))), ("variants", "products")),
    "Items (Cart) tab": (tab(lambda cart: cart_items_page(cart=cart)), ("products",)),
    "Orders (Cart) tab": (tab(lambda cart: orders_list(cart=cart)), ("orders", "count")),
    "import selected orders": (orders_import(lambda cart: orders_import_selected(cart=cart, order_ids=[201, 203, 302])),
                               ("orders",)),
    "import listed orders": (orders_import(lambda cart: orders_import_listed(cart=cart)), ("orders", "count")),
    "auto-sync pass": (sync_pass, ("orders",)),
    "reconciliation": (lambda cart: cart_sync_reconcile(cart=cart).status, ("orders", "count")),
}


@pytest.fixture
def cart(company, resolve_to, settings) -> Cart:  # noqa: F811 - resolve_to is the fixture imported above
    settings.BIGCOMMERCE_MAX_ATTEMPTS = 1
    cart = make_cart(company, import_status_ids=(11, 10), import_orders_from=datetime.date(2000, 1, 1),
                     create_missing_items=True)
    Cart.objects.filter(pk=cart.pk).update(auto_sync=AutoSync.RUNNING, last_test_passed=True,
                                           store_timezone="Europe/London")
    cart.refresh_from_db()
    return cart


@settings(max_examples=800, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_run_on_a_cart_ends_with_a_reason_whatever_the_store_answers(cart, data) -> None:
    name = data.draw(st.sampled_from(sorted(RUNS)), label="run")
    run, read = RUNS[name]
    target = data.draw(st.sampled_from(read), label="mutated answer")
    body = data.draw(st.one_of(mutated(ENDPOINTS[target].answer()), mutated(ENDPOINTS[target].answer()), JSON_VALUES),
                     label="body")
    SalesTransaction.objects.filter(cart=cart).delete()  # each example imports afresh
    OrderRefusal.objects.filter(cart=cart).delete()
    cart.refresh_from_db()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as fake:
        for key, endpoint in ENDPOINTS.items():
            fake.add(endpoint.method, endpoint.url, json=body if key == target else endpoint.answer(),
                     status=endpoint.status)
        event(f"{name}: {run(cart)}")
    assert not CartLog.objects.filter(status=CartLogStatus.RUNNING).exists()
    assert not CartLog.objects.filter(summary__contains="unexpected error").exists()


def test_a_time_zone_sent_as_text_fails_test_connection_on_the_page_with_the_reason(cart, merchant_client) -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as fake:
        for key, endpoint in ENDPOINTS.items():
            answer = {**endpoint.answer(), "timezone": "America/Chicago"} if key == "store" else endpoint.answer()
            fake.add(endpoint.method, endpoint.url, json=answer, status=endpoint.status)
        response = merchant_client.post(reverse("carts:test", args=[cart.pk]), follow=True)
    assert response.status_code == 200
    assert ("TEST FAILED: the Cart Connect URL answered, but not like BigCommerce&#x27;s API: the store&#x27;s time "
            "zone (timezone) is not an object") in response.content.decode()
    (log,) = CartLog.objects.filter(cart=cart)
    assert log.status == CartLogStatus.FAILED and log.finished_at is not None
    cart.refresh_from_db()
    assert cart.last_test_passed is False and cart.store_timezone == "Europe/London"  # the last good answer's


def with_nul_after_each_text(value: Any) -> Any:
    """The answer with a NUL character at the end of every text in it (valid JSON: "\\u0000")."""
    if isinstance(value, str):
        return value + "\x00"
    if isinstance(value, list):
        return [with_nul_after_each_text(entry) for entry in value]
    if isinstance(value, dict):
        return {key: with_nul_after_each_text(entry) for key, entry in value.items()}
    return value


def run_with_answers(cart: Cart, name: str, answer: Callable[[Any], Any]) -> str:
    run, _ = RUNS[name]
    SalesTransaction.objects.filter(cart=cart).delete()
    OrderRefusal.objects.filter(cart=cart).delete()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as fake:
        for endpoint in ENDPOINTS.values():
            fake.add(endpoint.method, endpoint.url, json=answer(endpoint.answer()), status=endpoint.status)
        return run(cart)


@pytest.mark.parametrize("name", sorted(RUNS))
def test_nul_characters_in_the_answers_text_change_no_runs_outcome(cart, name) -> None:
    """PostgreSQL's text refuses NUL, which a store's JSON may carry in any name or SKU: each run ends as it does
    without them."""
    assert run_with_answers(cart, name, with_nul_after_each_text) == run_with_answers(cart, name, lambda answer: answer)
    assert not CartLog.objects.filter(status=CartLogStatus.RUNNING).exists()
    assert not CartLog.objects.filter(summary__contains="unexpected error").exists()
