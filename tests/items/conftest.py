"""Item-test fixtures: a cart connected to the sandbox store over real HTTP, and Celery run in-process."""
from __future__ import annotations

import pytest

from carts.platforms.bigcommerce.credentials import AllowedHosts
from carts.models import Cart
from salesorder.celery import app as celery_app
from tests.carts.factories import make_cart


@pytest.fixture
def store(sandbox_allowed):
    """The sandbox store (20 products, 85 variants), reachable by the product."""
    return sandbox_allowed


@pytest.fixture
def cart(company, store) -> Cart:
    return make_cart(company, name="Sandbox Store", api_path=store.api_path, api_key=store.api_key("full"),
                     allowed_hosts=AllowedHosts.from_setting([store.host_port]))


@pytest.fixture
def eager_celery(settings):
    """Tasks run in the calling process, as soon as they are enqueued."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


def api_requests(store) -> int:
    """How many API requests the store has answered since its counters were reset."""
    return int(store.store.stats()["total_requests"])
