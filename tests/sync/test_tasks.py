"""The beat tick and the pass task, run eagerly: due carts get a pass; store failures retry with backoff."""
from __future__ import annotations

import pytest

from orders.models import SalesTransaction
from sync.models import AutoSyncState
from sync.tasks import autosync_tick, cart_sync_task
from tests.orders.conftest import place, running_cart

pytestmark = pytest.mark.django_db


def test_the_tick_runs_a_pass_for_each_due_cart(company, other_company, fresh_store, eager_celery) -> None:
    first = running_cart(company, fresh_store)
    second = running_cart(other_company, fresh_store)
    order_id = place(fresh_store)

    assert autosync_tick.delay().get() == 2

    for cart in (first, second):
        assert SalesTransaction.objects.filter(cart=cart, cart_order_id=order_id).count() == 1
        assert SalesTransaction.objects.get(cart=cart, cart_order_id=order_id).company_id == cart.company_id
    assert autosync_tick.delay().get() == 0  # both are scheduled an interval ahead now


def test_a_pass_whose_store_fails_is_retried_then_gives_up_until_the_next_tick(company, fresh_store, eager_celery, settings) -> None:
    settings.BIGCOMMERCE_MAX_ATTEMPTS = 1
    settings.AUTOSYNC_RETRY_ATTEMPTS = 2
    settings.AUTOSYNC_RETRY_BASE_SECONDS = 0
    cart = running_cart(company, fresh_store)
    fresh_store.store.set_faults("server_error=1.0")

    outcome = cart_sync_task.delay(cart.pk)

    assert AutoSyncState.objects.get(cart=cart).consecutive_failures == 3, outcome  # the pass and its two retries
