"""A cart's store: the session items/, orders/ and auto-sync read it through, and its failures in the merchant's words."""
from __future__ import annotations

from typing import Callable, TypeVar

from django.conf import settings

from carts.budgets import store_budget
from carts.credential_storage import StoredKeyUnreadable, api_key_decrypt
from carts.models import Cart
from carts.platforms import platform_named
from carts.platforms.base import RetryPolicy, StoreAccess, StoreConnection, StoreError, StoreSession

STORED_KEY_UNREADABLE = "the stored API key cannot be read (the encryption keys changed): enter the API key again."
# For a merchant waiting on a page (the Items tab, Test Connection): give up sooner than a background run.
QUICK_RETRY = RetryPolicy(max_attempts=3, max_total_seconds=20)

Read = TypeVar("Read")


def cart_store_open(*, cart: Cart, retry: RetryPolicy | None = None) -> StoreSession:
    """A session with the cart's store, configured from settings, spending the store's shared request budget;
    the caller closes it (or uses `with`)."""
    retry = retry or RetryPolicy(
        max_attempts=settings.BIGCOMMERCE_MAX_ATTEMPTS,
        max_total_seconds=settings.BIGCOMMERCE_MAX_RETRY_SECONDS,
        base_backoff_seconds=settings.BIGCOMMERCE_BACKOFF_BASE_SECONDS,
        max_backoff_seconds=settings.BIGCOMMERCE_BACKOFF_MAX_SECONDS,
    )
    connection = StoreConnection(
        api_path=cart.api_path,
        api_key=api_key_decrypt(cart.api_key_encrypted).joined,
        extra_hosts=tuple(settings.BIGCOMMERCE_EXTRA_API_HOSTS),
        connect_timeout=settings.BIGCOMMERCE_CONNECT_TIMEOUT_SECONDS,
        read_timeout=settings.BIGCOMMERCE_READ_TIMEOUT_SECONDS,
        retry=retry,
        budget=store_budget(store_key=cart.store_identity, reserve=retry.low_quota_threshold),
    )
    return platform_named(cart.platform).connect(connection)


def store_failure_reason(*, cart: Cart, error: StoreError, need: StoreAccess) -> str:
    """Why the cart's store could not be reached or read, and the fix; `need` is what the call needed."""
    if isinstance(error, StoredKeyUnreadable):
        return STORED_KEY_UNREADABLE
    return platform_named(cart.platform).failure_reason(error, need=need, store_reference=cart.store_hash)


def store_read_for_screen(read: Callable[[], Read], *, cart: Cart, need: StoreAccess,
                          failing: str) -> tuple[Read | None, str]:
    """What a screen reads from the store, or None and the sentence it shows instead: `failing` (what could not be
    done), then why and the fix."""
    try:
        return read(), ""
    except StoreError as error:
        return None, f"{failing}: {store_failure_reason(cart=cart, error=error, need=need)}"


def cart_order_admin_url(*, cart: Cart | None, order_id: int | None) -> str:
    """Where the merchant sees the order in the store's control panel ('' when unknown)."""
    if cart is None or not order_id:
        return ""
    return platform_named(cart.platform).order_admin_url(api_path=cart.api_path, store_reference=cart.store_hash,
                                                         order_id=order_id)
