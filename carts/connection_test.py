"""Test Connection: the key and every permission the integration needs, proved with the cheapest calls."""
from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from carts.models import Cart, CartLog, CartLogKind, CartLogStatus
from carts.platforms import platform_named
from carts.platforms.base import (
    RequestStats,
    StoreAccess,
    StoreAccessMissing,
    StoreError,
    StoreFeature,
    StoreProfile,
    StoreSession,
)
from carts.platforms.budget import StorePlan
from carts.runs import cart_log_finish, cart_log_start, log_closed_on_error
from carts.stores import QUICK_RETRY, cart_store_open, store_failure_reason

TEST_PASSED = "TEST PASSED: SUCCESSFULLY CONNECTED TO CART"
TEST_FAILED = "TEST FAILED: "


@dataclass(frozen=True)
class ConnectionTestResult:
    passed: bool
    message: str
    detail: str = ""


# Beyond the imports (whose scopes Test Connection requires), each feature is checked on its own: a missing
# permission is named for its feature and blocks nothing else.
FEATURES_CHECKED = (StoreFeature.SHIPMENTS, StoreFeature.STOCK_PUSH)
IMPORT_NEEDS = frozenset(StoreFeature.IMPORTS.needs)


def feature_scopes(*, platform: str) -> list[tuple[str, list[str]]]:
    """Each feature with the permissions it needs, in the platform's words (the cart form's instructions)."""
    named = platform_named(platform)
    return [(feature.value, named.scope_names(feature)) for feature in StoreFeature]


def _feature_state(cart: Cart, store: StoreSession, feature: StoreFeature) -> str:
    """'Shipments: ready', or why the feature cannot work (a missing permission); other failures raise."""
    for need in feature.needs:
        if need in IMPORT_NEEDS:
            continue  # proved by the import checks
        try:
            store.check_access(need)
        except StoreAccessMissing as error:
            return f"{feature.value}: not available: " + store_failure_reason(cart=cart, error=error, need=need)
    return f"{feature.value}: ready"


def plan_text(plan: StorePlan | None) -> str:
    """The store's plan quota, as Test Connection states it."""
    if plan is None:
        return "Plan quota: not limited (the store sent no rate-limit headers)"
    return f"Plan quota: {plan}"


def cart_test_connection(*, cart: Cart) -> ConnectionTestResult:
    """Check the key and every permission the integration needs, with the cheapest calls; record the result."""
    log = cart_log_start(cart=cart, kind=CartLogKind.CONNECTION_TEST)
    with log_closed_on_error(log):
        return _test_connection(cart, log)


def _test_connection(cart: Cart, log: CartLog) -> ConnectionTestResult:
    profile: StoreProfile | None = None
    labels: dict[int, str] = {}
    stats: RequestStats | None = None
    plan: StorePlan | None = None
    features: list[str] = []
    need = StoreAccess.STORE_INFORMATION
    try:
        with cart_store_open(cart=cart, retry=QUICK_RETRY) as store:
            stats = store.stats
            profile = store.store_profile()
            need = StoreAccess.CATALOG_READ
            store.check_access(need)
            need = StoreAccess.ORDERS_READ
            labels = store.order_status_labels()
            features = [_feature_state(cart, store, feature) for feature in FEATURES_CHECKED]
            plan = store.store_plan()
    except StoreError as error:
        result = ConnectionTestResult(False, TEST_FAILED + store_failure_reason(cart=cart, error=error, need=need))
    else:
        result = ConnectionTestResult(
            True, TEST_PASSED, f"Store: {profile.name} · Currency: {profile.currency} · Time zone: {profile.timezone}"
                               f" · {plan_text(plan)}" + "".join(f" · {state}" for state in features)
        )
    with transaction.atomic():
        cart.last_test_at = timezone.now()
        cart.last_test_passed = result.passed
        cart.last_test_message = " ".join(part for part in (result.message, result.detail) if part)
        if result.passed:
            cart.store_name = profile.name[:255]
            cart.store_currency = profile.currency[:3]
            cart.store_timezone = profile.timezone[:100]
            cart.store_domain = profile.domain[:255]
            cart.status_labels = {str(status_id): label for status_id, label in labels.items()}
        cart.save()
        cart_log_finish(
            log=log,
            status=CartLogStatus.SUCCEEDED if result.passed else CartLogStatus.FAILED,
            summary=cart.last_test_message,
            stats=stats,
        )
    return result
