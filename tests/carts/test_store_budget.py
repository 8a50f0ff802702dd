"""Each store's one request budget, shared by every worker: in Redis when configured, else in the database."""
from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection

from carts.budgets import DatabaseBudgetStorage, RedisBudgetStorage, store_budget
from carts.connection_test import cart_test_connection
from carts.models import StoreRequestBudget
from carts.platforms.budget import BudgetState, RequestBudget
from carts.stores import cart_store_open
from sandbox.server import SandboxServer
from tests.carts.factories import make_sandbox_cart

WORKERS = 4


def storages(settings) -> dict[str, object]:
    key = f"test-{uuid.uuid4().hex}"
    found = {"database": lambda: DatabaseBudgetStorage(key)}
    if settings.REDIS_URL:
        found["redis"] = lambda: RedisBudgetStorage(key, settings.REDIS_URL)
    return found


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["database", "redis"])
def test_concurrent_claims_never_grant_more_than_the_window_holds(settings, kind) -> None:
    if kind == "redis" and not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set: the Redis budget is proved where Redis runs (CI sets it)")
    make_storage = storages(settings)[kind]
    # 40 left, a reserve of 5, a reset far away: exactly 35 claims are granted, whoever asks.
    seeded = make_storage()
    state, version = seeded.load()
    assert seeded.replace(version, BudgetState(left=40, resets_at=1e12, quota=150, window_ms=30_000))
    granted = []

    def worker() -> None:
        budget = RequestBudget(make_storage(), reserve=5)
        granted.append(sum(1 for _ in range(20) if budget.take() == 0.0))
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(granted) == 35
    assert make_storage().load()[0].left == 5


def test_the_database_is_the_budget_without_redis(settings, db) -> None:
    settings.REDIS_URL = ""
    budget = store_budget(store_key="bigcommerce:abc", reserve=5)
    assert isinstance(budget.storage, DatabaseBudgetStorage)
    budget.take()
    assert StoreRequestBudget.objects.filter(store_key="bigcommerce:abc").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("backend", ["database", "redis"])
def test_four_workers_on_one_store_get_no_429(settings, company, backend) -> None:
    if backend == "redis" and not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set: the Redis budget is proved where Redis runs (CI sets it)")
    if backend == "database":
        settings.REDIS_URL = ""
    # A small quota so the workers need three windows: 4 × 15 requests against 20 a second.
    with SandboxServer(port=0, store_hash=f"budget{uuid.uuid4().hex[:6]}", seed=7, products=20, orders=20,
                       rate_limit_quota=20, rate_limit_window_ms=1_000) as server:
        settings.BIGCOMMERCE_EXTRA_API_HOSTS = [server.host_port]
        cart = make_sandbox_cart(company, server)
        failures = []

        def worker() -> None:
            try:
                with cart_store_open(cart=cart) as store:
                    for _ in range(15):
                        store.order_status_labels()
            except Exception as error:  # noqa: BLE001 - reported below
                failures.append(repr(error))
            finally:
                connection.close()

        threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        stats = server.store.stats()
    assert failures == []
    assert stats["rate_limited"] == 0
    assert stats["total_requests"] == WORKERS * 15


@pytest.mark.django_db
def test_test_connection_shows_the_plan_quota_the_headers_state(settings, company) -> None:
    with SandboxServer(port=0, store_hash=f"plan{uuid.uuid4().hex[:6]}", seed=7, products=20, orders=20,
                       plan="standard") as server:
        settings.BIGCOMMERCE_EXTRA_API_HOSTS = [server.host_port]
        result = cart_test_connection(cart=make_sandbox_cart(company, server))
    assert result.passed
    # api-rate-limits.mdx: Plus & Standard, 150 requests per 30 seconds.
    assert "Plan quota: 150 requests per 30 seconds" in result.detail


def test_test_connection_says_when_the_store_states_no_quota(cart_on_unlimited_store) -> None:
    assert "Plan quota: not limited" in cart_test_connection(cart=cart_on_unlimited_store).detail


@pytest.fixture
def cart_on_unlimited_store(company, sandbox_allowed):
    return make_sandbox_cart(company, sandbox_allowed)
