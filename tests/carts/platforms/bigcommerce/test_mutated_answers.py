"""Every store answer is data: mutated answers fed through the client (HTTP faked by `responses`), the adapter and
the mappers raise only the typed StoreError (or, for one order, OrderMappingError), never anything else.

The answers start from BigCommerce's documented examples (the JSON fixtures and the order mapping's hand-written
payloads) and are mutated by the one shared strategy (tests/mutations.py); status codes, truncated bodies and
absurd rate-limit headers are drawn too.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
import responses
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from carts.platforms.base import (
    CatalogPage,
    OrderQuery,
    OrderSort,
    StoreAccess,
    StoreError,
    StoreProfile,
)
from carts.platforms.bigcommerce.adapter import BigCommercePlatform, BigCommerceSession
from carts.platforms.bigcommerce.client import BigCommerceClient
from carts.platforms.bigcommerce.credentials import AllowedHosts, parse_api_key, parse_api_path
from carts.platforms.base import RetryPolicy
from items.variants import fitted_description, variant_refusal
from orders.mapping import OrderMappingError, OrderShapeUnforeseen
from tests.carts.platforms.bigcommerce.conftest import API_KEY_TEXT, V2, V3, FakeTime, fixture_json
from tests.mutations import JSON_VALUES, mutated
from tests.orders.mapping.test_discount_conventions import pre_tax_coupon_order, tax_inclusive_coupon_order
from tests.orders.mapping.test_what_the_books_keep import simple_order

RETRY = RetryPolicy(max_attempts=2, max_total_seconds=60, max_backoff_seconds=20)
PLATFORM = BigCommercePlatform()


def orders_answer() -> list[dict]:
    return [pre_tax_coupon_order(), tax_inclusive_coupon_order(), simple_order(order_id=302)]


def variants_answer() -> dict:
    products = fixture_json("catalog_products_with_variants.json")["data"]
    return {"data": [variant for product in products for variant in product["variants"]],
            "meta": {"pagination": {"total": 4, "count": 4, "per_page": 250, "current_page": 1, "total_pages": 1}}}


def orders_count_answer() -> dict:
    return {"statuses": [{"id": 11, "name": "Awaiting Fulfillment", "count": 3},
                         {"id": 10, "name": "Completed", "count": 7}], "count": 10}


def checked_records(records) -> list:
    """Each record mapped as an import and a list would: refusals are OrderMappingError, never a crash."""
    records = list(records)
    for record in records:
        assert isinstance(record.order_id, int) and record.order_id > 0 and 0 <= record.status_id <= 1000
        try:
            order = PLATFORM.store_order(record)
        except OrderShapeUnforeseen as error:
            pytest.fail(f"no check caught this shape: {error.__cause__!r}")
        except OrderMappingError as error:
            assert str(error)
        else:
            assert isinstance(order.total, Decimal) and order.total.is_finite()
        summary = PLATFORM.order_summary(record)
        assert summary.order_id == record.order_id and isinstance(summary.total, Decimal)
    return records


def checked_catalog(pages) -> list[CatalogPage]:
    pages = list(pages)
    for page in pages:
        assert page.products >= 0 and page.total_pages >= 0 and page.total_products >= 0
        for variant in page.variants:
            assert isinstance(variant.sku, str) and variant.product_id > 0 and variant.variant_id > 0
            assert variant.unit_price is None or variant.unit_price.is_finite()
            refusal = variant_refusal(variant)
            description, _ = fitted_description(variant.description)
            assert isinstance(refusal, str) and len(description) <= 255
    return pages


def checked_profile(profile: StoreProfile) -> StoreProfile:
    assert len(profile.currency) == 3 and profile.currency.isalpha() and 0 < len(profile.timezone) <= 100
    assert isinstance(profile.name, str) and isinstance(profile.domain, str)
    return profile


def checked_labels(labels: dict) -> dict:
    assert all(isinstance(key, int) and isinstance(label, str) and len(label) <= 100 for key, label in labels.items())
    return labels


@dataclass(frozen=True)
class Scenario:
    """One call the integration makes, the answer BigCommerce documents for it, and what a good result looks like."""

    name: str
    url: str
    answer: Callable[[], Any]
    call: Callable[[BigCommerceSession], Any]


SCENARIOS = [
    Scenario("store profile", f"{V2}/store", lambda: fixture_json("store.json"),
             lambda store: checked_profile(store.store_profile())),
    Scenario("status labels", f"{V2}/order_statuses", lambda: fixture_json("order_statuses.json"),
             lambda store: checked_labels(store.order_status_labels())),
    Scenario("catalog scope", f"{V3}/catalog/products", lambda: fixture_json("catalog_products_with_variants.json"),
             lambda store: store.check_access(StoreAccess.CATALOG_READ)),
    Scenario("catalog page", f"{V3}/catalog/products", lambda: fixture_json("catalog_products_with_variants.json"),
             lambda store: checked_catalog([store.catalog_page(page=1, page_size=50)])),
    Scenario("every catalog page", f"{V3}/catalog/products", lambda: fixture_json("catalog_products_with_variants.json"),
             lambda store: checked_catalog(store.catalog_pages(keyword="shirt"))),
    Scenario("chosen products", f"{V3}/catalog/products", lambda: fixture_json("catalog_products_with_variants.json"),
             lambda store: checked_catalog(store.catalog_pages(product_ids=[77, 80, 81]))),
    Scenario("variants by SKU", f"{V3}/catalog/variants", variants_answer,
             lambda store: store.variants_with_sku("OTL")),
    Scenario("orders with lines", f"{V2}/orders", orders_answer,
             lambda store: checked_records(store.orders(OrderQuery(status_id=11), with_lines=True))),
    Scenario("a page of orders", f"{V2}/orders", orders_answer,
             lambda store: checked_records(store.orders_page(OrderQuery(), page_size=50, sort=OrderSort.NEWEST_FIRST))),
    Scenario("orders by id", f"{V2}/orders", orders_answer,
             lambda store: checked_records(store.orders_by_id([201, 203, 302]))),
    Scenario("order counts", f"{V2}/orders/count", orders_count_answer,
             lambda store: store.order_counts(OrderQuery())),
]
STATUSES = st.one_of(st.just(200), st.just(200), st.just(200), st.sampled_from([204, 301, 400, 401, 403, 404, 429, 500, 503]))
HEADERS = st.dictionaries(st.sampled_from(["X-Rate-Limit-Requests-Left", "X-Rate-Limit-Time-Reset-Ms",
                                           "Content-Length"]),
                          st.one_of(st.integers(min_value=-10**15, max_value=10**15).map(str), st.text(max_size=6)),
                          max_size=3)


@st.composite
def answers(draw: st.DrawFn, base: Any) -> tuple[int, dict[str, str], bytes]:
    """A mutated answer: status, headers and body (mutated JSON, any JSON value, or JSON cut short)."""
    body = json.dumps(draw(st.one_of(mutated(base), mutated(base), mutated(base), JSON_VALUES))).encode()
    if draw(st.integers(min_value=0, max_value=9)) == 0:
        body = body[:draw(st.integers(min_value=0, max_value=len(body)))]
    headers = {name: value for name, value in draw(HEADERS).items()
               if name != "Content-Length" or value.lstrip("-").isdigit()}
    return draw(STATUSES), headers, body


@settings(max_examples=3000, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_answers_only_ever_raise_store_errors(resolve_to, data) -> None:
    scenario = data.draw(st.sampled_from(SCENARIOS), label="scenario")
    status, headers, body = data.draw(answers(scenario.answer()), label="answer")
    time = FakeTime()
    client = BigCommerceClient(api_path=parse_api_path(V3 + "/", allowed_hosts=AllowedHosts()),
                               api_key=parse_api_key(API_KEY_TEXT), allowed_hosts=AllowedHosts(), retry=RETRY,
                               sleep=time.sleep, clock=time.clock, jitter=lambda: 0.5)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as fake, BigCommerceSession(client) as store:
        for method in ("GET", "PUT"):
            fake.add(method, scenario.url, body=body, status=status, headers=headers, content_type="application/json")
        try:
            scenario.call(store)
        except StoreError as error:
            event(f"{scenario.name}: {type(error).__name__}")
            assert error.message and "Traceback" not in error.message
        else:
            event(f"{scenario.name}: answered")
    # The store's headers and answers never make the client wait beyond its retry budget and one throttle per request.
    assert time.now <= RETRY.max_total_seconds + client.stats.requests * RETRY.max_backoff_seconds
