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


@pytest.mark.django_db
def test_a_pass_renews_its_lock_before_the_stock_push_and_the_shipments(company, fresh_store, monkeypatch) -> None:
    """However long the import took, the steps after it start with the lock's full time ahead of them."""
    from django.utils import timezone

    from sync import passes
    from tests.orders.conftest import running_cart

    cart = running_cart(company, fresh_store, push_stock=True)
    time_left = {}

    def time_left_at(step):
        def record(**kwargs) -> None:
            until = AutoSyncState.objects.get(cart=cart).lock_until
            time_left[step] = until - timezone.now()
        return record

    def the_import_took_long(*args, **kwargs):  # as if the lock had almost run out by the end of the import
        AutoSyncState.objects.filter(cart=cart).update(lock_until=timezone.now() + datetime.timedelta(seconds=1))
        return original_advance(*args, **kwargs)

    original_advance = passes._advance
    monkeypatch.setattr(passes, "_advance", the_import_took_long)
    monkeypatch.setattr(passes, "cart_stock_push", time_left_at("stock push"))
    monkeypatch.setattr(passes, "_send_pending_shipments", lambda cart: time_left_at("shipments")())
    assert passes.cart_sync_pass(cart_id=cart.pk).outcome == passes.PassOutcome.COMPLETED
    full = passes._lock_ttl() - MINUTE / 2
    assert time_left["stock push"] > full and time_left["shipments"] > full
