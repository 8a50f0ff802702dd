"""The one-pass-per-cart lock: exclusive, released by its holder only, taken over once expired."""
import datetime
import threading

import pytest
from django.db import connection

from sync.lock import cart_sync_lock_acquire, cart_sync_lock_extend, cart_sync_lock_release
from sync.models import AutoSyncState
from tests.carts.factories import make_cart

MINUTE = datetime.timedelta(minutes=1)


@pytest.mark.django_db
def test_only_one_holder_at_a_time_and_only_the_holder_releases(company) -> None:
    cart = make_cart(company)
    token = cart_sync_lock_acquire(cart_id=cart.pk, ttl=MINUTE)
    assert token
    assert cart_sync_lock_acquire(cart_id=cart.pk, ttl=MINUTE) is None
    cart_sync_lock_release(cart_id=cart.pk, token="not-the-holder")
    assert cart_sync_lock_acquire(cart_id=cart.pk, ttl=MINUTE) is None
    assert cart_sync_lock_extend(cart_id=cart.pk, token=token, ttl=MINUTE)
    cart_sync_lock_release(cart_id=cart.pk, token=token)
    assert cart_sync_lock_acquire(cart_id=cart.pk, ttl=MINUTE)


@pytest.mark.django_db
def test_an_expired_lock_is_taken_over_and_the_old_holder_knows(company) -> None:
    cart = make_cart(company)
    stale = cart_sync_lock_acquire(cart_id=cart.pk, ttl=MINUTE)
    AutoSyncState.objects.filter(cart=cart).update(lock_until=cart.created_at - MINUTE)
    fresh = cart_sync_lock_acquire(cart_id=cart.pk, ttl=MINUTE)
    assert fresh and fresh != stale
    assert not cart_sync_lock_extend(cart_id=cart.pk, token=stale, ttl=MINUTE)


@pytest.mark.django_db(transaction=True)
def test_concurrent_acquirers_get_exactly_one_lock(company) -> None:
    cart = make_cart(company)
    barrier = threading.Barrier(8)
    tokens: list[str | None] = []

    def contend() -> None:
        barrier.wait()
        tokens.append(cart_sync_lock_acquire(cart_id=cart.pk, ttl=MINUTE))
        connection.close()

    threads = [threading.Thread(target=contend) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len([token for token in tokens if token]) == 1
