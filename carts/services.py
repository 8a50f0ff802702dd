"""Cart business logic: saving settings, Test Connection, and building a client for other apps."""
from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from carts.bigcommerce.client import BigCommerceClient, RequestStats, RetryPolicy
from carts.bigcommerce.constants import (
    SCOPE_INFORMATION_READ,
    SCOPE_ORDERS_MODIFY,
    SCOPE_ORDERS_READ,
    SCOPE_PRODUCTS_READ,
    STANDARD_ORDER_STATUSES,
)
from carts.bigcommerce.credentials import AllowedHosts, ApiKey, ApiPath, InvalidCredentials, parse_api_path
from carts.bigcommerce.errors import (
    AuthenticationFailed,
    BigCommerceError,
    HostNotAllowed,
    InvalidResponse,
    MissingScope,
    NetworkError,
    NotFound,
    RateLimited,
    ServerError,
)
from carts.credential_storage import StoredKeyUnreadable, api_key_decrypt, api_key_encrypt, api_key_reencrypt
from carts.models import AutoSync, Cart, CartLog, CartLogKind, CartLogStatus, ImportOrdersAs
from companies.models import Company

TEST_PASSED = "TEST PASSED: SUCCESSFULLY CONNECTED TO CART"
TEST_FAILED = "TEST FAILED: "
STORED_KEY_UNREADABLE = "the stored API key cannot be read (the encryption keys changed): enter the API key again."
REQUIRED_SCOPES_TEXT = f"{SCOPE_INFORMATION_READ}, {SCOPE_PRODUCTS_READ} and {SCOPE_ORDERS_MODIFY}"


@dataclass(frozen=True)
class CartSettings:
    """Validated values from the cart settings screen or the `cart add` command."""

    name: str
    api_path: ApiPath
    api_key: ApiKey | None  # None on edit: keep the stored key
    import_as: str = ImportOrdersAs.CASH_SALE
    import_status_ids: tuple[int, ...] = ()
    import_orders_from: datetime.date | None = None
    auto_sync: str = AutoSync.STOPPED
    sync_interval_minutes: int = 15
    web_customer_name: str = "Web customer"
    create_missing_items: bool = False

    @classmethod
    def of_cart(cls, cart: Cart) -> CartSettings:
        """The cart's current settings, keeping its stored key."""
        return cls(
            name=cart.name,
            api_path=parse_api_path(cart.api_path, allowed_hosts=bigcommerce_allowed_hosts()),
            api_key=None,
            import_as=cart.import_as,
            import_status_ids=tuple(cart.import_status_ids),
            import_orders_from=cart.import_orders_from,
            auto_sync=cart.auto_sync,
            sync_interval_minutes=cart.sync_interval_minutes,
            web_customer_name=cart.web_customer_name,
            create_missing_items=cart.create_missing_items,
        )


@dataclass(frozen=True)
class ConnectionTestResult:
    passed: bool
    message: str
    detail: str = ""


@lru_cache(maxsize=8)
def _allowed_hosts_for(entries: tuple[str, ...]) -> AllowedHosts:
    return AllowedHosts.from_setting(entries)


def bigcommerce_allowed_hosts() -> AllowedHosts:
    """The official API host plus BIGCOMMERCE_EXTRA_API_HOSTS."""
    return _allowed_hosts_for(tuple(settings.BIGCOMMERCE_EXTRA_API_HOSTS))


def cart_client(*, cart: Cart, retry: RetryPolicy | None = None) -> BigCommerceClient:
    """A client for the cart's store, configured from settings; the caller closes it."""
    allowed_hosts = bigcommerce_allowed_hosts()
    try:
        api_path = parse_api_path(cart.api_path, allowed_hosts=allowed_hosts)
    except InvalidCredentials as error:  # the operator removed the host since the cart was saved
        raise HostNotAllowed(str(error)) from None
    return BigCommerceClient(
        api_path=api_path,
        api_key=api_key_decrypt(cart.api_key_encrypted),
        allowed_hosts=allowed_hosts,
        connect_timeout=settings.BIGCOMMERCE_CONNECT_TIMEOUT_SECONDS,
        read_timeout=settings.BIGCOMMERCE_READ_TIMEOUT_SECONDS,
        retry=retry
        or RetryPolicy(
            max_attempts=settings.BIGCOMMERCE_MAX_ATTEMPTS,
            max_total_seconds=settings.BIGCOMMERCE_MAX_RETRY_SECONDS,
            base_backoff_seconds=settings.BIGCOMMERCE_BACKOFF_BASE_SECONDS,
            max_backoff_seconds=settings.BIGCOMMERCE_BACKOFF_MAX_SECONDS,
        ),
    )


def _apply_settings(cart: Cart, values: CartSettings) -> None:
    if set(values.import_status_ids) != set(cart.import_status_ids) or values.import_orders_from != cart.import_orders_from:
        # Orders in a newly chosen status, or before a moved cut-off, may predate the cursor: read them all again.
        cart.sync_cursor = None
    if values.auto_sync == AutoSync.RUNNING and cart.auto_sync != AutoSync.RUNNING:
        # Switched on: the first pass is due at the next beat tick, and an old stop reason no longer applies.
        cart.next_sync_at = timezone.now()
        cart.auto_sync_stopped_reason = ""
        cart.consecutive_sync_failures = 0
    cart.name = values.name
    cart.api_path = str(values.api_path)
    cart.store_hash = values.api_path.store_hash
    cart.import_as = values.import_as
    cart.import_status_ids = list(values.import_status_ids)
    cart.import_orders_from = values.import_orders_from
    cart.auto_sync = values.auto_sync
    cart.sync_interval_minutes = values.sync_interval_minutes
    cart.web_customer_name = values.web_customer_name
    cart.create_missing_items = values.create_missing_items
    if values.api_key is not None:
        cart.api_key_encrypted = api_key_encrypt(values.api_key)
        cart.client_id_hint = Cart.hint_for(values.api_key.client_id)


def cart_create(*, company: Company, values: CartSettings) -> Cart:
    """Create a BigCommerce cart for the company."""
    if values.api_key is None:
        raise ValueError("A new cart needs an API key.")
    cart = Cart(company=company)
    _apply_settings(cart, values)
    cart.save()
    return cart


def cart_credentials_changed(*, cart: Cart, api_path: ApiPath | None, api_key: ApiKey | None) -> bool:
    """Whether a new URL or key (None: unchanged) differs from what the cart stores."""
    path_changed = api_path is not None and str(api_path) != cart.api_path
    key_changed = api_key is not None and api_key != api_key_decrypt(cart.api_key_encrypted)
    return path_changed or key_changed


def cart_update(*, cart: Cart, values: CartSettings) -> Cart:
    """Save new settings; a changed URL or key forgets the last test, which no longer applies."""
    credentials_changed = cart_credentials_changed(cart=cart, api_path=values.api_path, api_key=values.api_key)
    _apply_settings(cart, values)
    if credentials_changed:
        cart.last_test_at = None
        cart.last_test_passed = None
        cart.last_test_message = ""
    cart.save()
    return cart


def cart_delete(*, cart: Cart) -> None:
    """Delete a cart with its log; imported items and transactions stay."""
    cart.delete()


def cart_order_status_choices(cart: Cart | None) -> list[tuple[int, str]]:
    """Statuses to offer: the store's labels from its last successful fetch, else the 15 standard ones."""
    labels = dict(STANDARD_ORDER_STATUSES)
    if cart is not None:
        labels.update({int(status_id): label for status_id, label in cart.status_labels.items()})
    return sorted(labels.items())


def cart_log_start(*, cart: Cart, kind: str, total: int | None = None) -> CartLog:
    """Open a log entry for something that runs on a cart (import, sync, test)."""
    return CartLog.objects.create(company_id=cart.company_id, cart=cart, kind=kind, progress_total=total)


def cart_log_progress(*, log: CartLog, done: int, total: int | None = None) -> None:
    """Record progress for the page's progress bar, without touching the rest of the entry."""
    fields = {"progress_done": done} if total is None else {"progress_done": done, "progress_total": total}
    CartLog.objects.filter(pk=log.pk).update(**fields)


def cart_log_finish(
    *,
    log: CartLog,
    status: str,
    summary: str,
    counts: dict[str, int] | None = None,
    failures: list[dict[str, str]] | None = None,
    stats: RequestStats | None = None,
) -> CartLog:
    """Close a log entry with its outcome, counts, each failure's reason, and the API cost."""
    log.status = status
    log.summary = summary
    log.finished_at = timezone.now()
    log.counts = counts or {}
    log.failures = failures or []
    fields = ["status", "summary", "finished_at", "counts", "failures"]
    if stats is not None:
        log.api_requests = stats.requests
        log.rate_limit_waits = stats.rate_limit_waits
        fields += ["api_requests", "rate_limit_waits"]
    log.save(update_fields=fields)  # progress is written by cart_log_progress; keep what it wrote
    return log


def cart_test_connection(*, cart: Cart) -> ConnectionTestResult:
    """Check the key and every OAuth scope the integration needs, with the cheapest calls; record the result."""
    log = cart_log_start(cart=cart, kind=CartLogKind.CONNECTION_TEST)
    store: dict = {}
    statuses: list[dict] = []
    client = None
    step = SCOPE_INFORMATION_READ
    try:
        client = cart_client(cart=cart, retry=RetryPolicy(max_attempts=3, max_total_seconds=20))
        store = client.store_information()
        step = SCOPE_PRODUCTS_READ
        client.products_probe()
        step = SCOPE_ORDERS_READ
        statuses = client.order_statuses()
        step = SCOPE_ORDERS_MODIFY
        client.orders_modify_probe()
    except (BigCommerceError, StoredKeyUnreadable) as error:
        result = ConnectionTestResult(False, TEST_FAILED + cart_store_error_reason(cart=cart, error=error, scope=step))
    else:
        timezone_name = (store.get("timezone") or {}).get("name", "")
        result = ConnectionTestResult(
            True,
            TEST_PASSED,
            f"Store: {store.get('name', '')} · Currency: {store.get('currency', '')} · Time zone: {timezone_name}",
        )
    finally:
        if client is not None:
            client.close()
    _record_test(cart, log, result, client, store, statuses)
    return result


def _record_test(
    cart: Cart,
    log: CartLog,
    result: ConnectionTestResult,
    client: BigCommerceClient | None,
    store: dict,
    statuses: list[dict],
) -> None:
    with transaction.atomic():
        cart.last_test_at = timezone.now()
        cart.last_test_passed = result.passed
        cart.last_test_message = " ".join(part for part in (result.message, result.detail) if part)
        if result.passed:
            cart.store_name = str(store.get("name", ""))[:255]
            cart.store_currency = str(store.get("currency", ""))[:3]
            cart.store_timezone = str((store.get("timezone") or {}).get("name", ""))[:100]
            cart.store_domain = str(store.get("secure_url") or store.get("domain") or "")[:255]
            cart.status_labels = {
                str(status["id"]): str(status.get("custom_label") or status.get("name") or "")
                for status in statuses
                if isinstance(status.get("id"), int)
            }
        cart.save()
        cart_log_finish(
            log=log,
            status=CartLogStatus.SUCCEEDED if result.passed else CartLogStatus.FAILED,
            summary=cart.last_test_message,
            stats=client.stats if client is not None else None,
        )


def cart_store_error_reason(*, cart: Cart, error: BigCommerceError | StoredKeyUnreadable, scope: str) -> str:
    """Why the store could not be reached or read, and the fix, for the merchant; `scope` is what the call needed."""
    if isinstance(error, StoredKeyUnreadable):
        return STORED_KEY_UNREADABLE
    if isinstance(error, AuthenticationFailed):
        return (
            "BigCommerce refused the access token (401): it was mistyped, or the API account was deleted. "
            "Check that the API Key is CLIENT ID:ACCESS TOKEN from the credentials file, or create a new "
            "API account and enter its key."
        )
    if isinstance(error, MissingScope):
        return (
            f"the API account lacks the OAuth scope '{scope}'. BigCommerce does not let you change an API "
            f"account's scopes: create a new API account with {REQUIRED_SCOPES_TEXT}, and enter its key here."
        )
    if isinstance(error, NotFound):
        return (
            f"BigCommerce has no store with the hash '{cart.store_hash}' (404). Copy the API PATH again "
            "from the credentials file into the Cart Connect URL."
        )
    if isinstance(error, RateLimited):
        return "BigCommerce's rate limit for this store is used up by other apps; try again in a minute."
    if isinstance(error, ServerError):
        return (
            f"BigCommerce answered with a server error ({error.status}); the store may be down for "
            "maintenance. Try again later."
        )
    if isinstance(error, NetworkError):
        return (
            f"BigCommerce did not answer: {error.message} Check the Cart Connect URL and try again in a few "
            "minutes; status.bigcommerce.com lists outages."
        )
    if isinstance(error, HostNotAllowed):
        return error.message
    if isinstance(error, InvalidResponse):
        return f"the Cart Connect URL answered, but not like BigCommerce's API: {error.message}"
    return error.message


def cart_sync_lock_acquire(*, cart_id: int, ttl: datetime.timedelta) -> str | None:
    """Take the cart's one-pass-at-a-time lock; None when a live lock is held (an expired one is taken over).

    A conditional UPDATE: under concurrency the database lets exactly one caller match the row.
    """
    token = uuid.uuid4().hex
    now = timezone.now()
    taken = (
        Cart.objects.filter(pk=cart_id)
        .filter(Q(sync_lock_until__isnull=True) | Q(sync_lock_until__lt=now))
        .update(sync_lock_until=now + ttl, sync_lock_token=token)
    )
    return token if taken else None


def cart_sync_lock_extend(*, cart_id: int, token: str, ttl: datetime.timedelta) -> bool:
    """Push the lock's expiry forward while a long pass makes progress; False if it was lost."""
    return bool(
        Cart.objects.filter(pk=cart_id, sync_lock_token=token).update(sync_lock_until=timezone.now() + ttl)
    )


def cart_sync_lock_release(*, cart_id: int, token: str) -> None:
    """Release the lock if this holder still has it."""
    Cart.objects.filter(pk=cart_id, sync_lock_token=token).update(sync_lock_until=None, sync_lock_token="")


def cart_rotate_credentials_keys() -> int:
    """Re-encrypt every stored API key with the newest CREDENTIALS_ENCRYPTION_KEYS entry."""
    rotated = 0
    for cart in Cart.objects.only("pk", "api_key_encrypted").iterator():
        Cart.objects.filter(pk=cart.pk).update(api_key_encrypted=api_key_reencrypt(cart.api_key_encrypted))
        rotated += 1
    return rotated


def cart_get_by_name(*, company: Company, name: str) -> Cart:
    """The company's cart with this name, or a ValueError naming the carts that exist."""
    try:
        return Cart.objects.for_company(company).get(name=name)
    except Cart.DoesNotExist:
        names = ", ".join(Cart.objects.for_company(company).values_list("name", flat=True)) or "none"
        raise ValueError(f"{company.account_number} has no cart named {name!r} (its carts: {names}).") from None
