"""Fixtures shared by the whole suite: companies, signed-in clients, fast password hashing."""
from __future__ import annotations

import pytest
from django.test import Client

from companies.models import Company, User
from companies.services import company_create

PASSWORD = "correct-horse-battery-9"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_store_budgets(settings) -> None:
    """Each test starts with no store's request budget in Redis (the database's are rolled back with each test).

    Cleared before the test, while name resolution is still real (some tests fake it).
    """
    if settings.REDIS_URL:
        from carts.budgets import REDIS_KEY_PREFIX, _redis

        client = _redis(settings.REDIS_URL)
        keys = list(client.scan_iter(match=REDIS_KEY_PREFIX + "*"))
        if keys:
            client.delete(*keys)


@pytest.fixture
def company(db) -> Company:
    company, _ = company_create(name="Acme Trading", email="owner@acme.example", password=PASSWORD)
    return company


@pytest.fixture
def user(company: Company) -> User:
    return User.objects.get(company=company)


@pytest.fixture
def other_company(db) -> Company:
    company, _ = company_create(name="Rival Goods", email="owner@rival.example", password=PASSWORD)
    return company


@pytest.fixture
def other_user(other_company: Company) -> User:
    return User.objects.get(company=other_company)


@pytest.fixture
def merchant_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def other_merchant_client(other_user: User) -> Client:
    client = Client()
    client.force_login(other_user)
    return client


@pytest.fixture
def sandbox_store():
    """A small sandbox BigCommerce store over real HTTP, fresh for each test that mutates it."""
    from sandbox.server import SandboxServer

    with SandboxServer(port=0, store_hash="sandbox1", seed=7, products=20, orders=20) as server:
        yield server


@pytest.fixture
def sandbox_allowed(settings, sandbox_store):
    """Let the product contact the sandbox store (as BIGCOMMERCE_EXTRA_API_HOSTS does in `make run`)."""
    settings.BIGCOMMERCE_EXTRA_API_HOSTS = [sandbox_store.host_port]
    return sandbox_store


from tests.celery_worker import celery_worker_with_beat  # noqa: E402,F401 - the fixture, for every test folder
