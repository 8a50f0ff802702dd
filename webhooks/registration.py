"""Registering a cart's webhooks on its store, and removing them: whoever asks (a save, a pass, the tab, the CLI).

A cart wants hooks while PUBLIC_BASE_URL is set, its Auto-sync is Running and Test Connection passed.
Then each of the platform's order events has one active hook on the store, sending to the cart's
receiver with the cart's secret in a custom header; otherwise the hooks it registered are removed.
Applying is idempotent: hooks already in place cost one listing and nothing else.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from carts.credential_storage import column_reencrypt, secret_decrypt, secret_encrypt
from carts.models import AutoSync, Cart
from carts.platforms import platform_named
from carts.platforms.base import StoreAccess, StoreError, StoreHook, StoreSession
from carts.stores import cart_store_open, store_failure_reason
from webhooks.models import CartHookEndpoint, StoreHookState

NO_PUBLIC_URL = ("Webhooks are off: PUBLIC_BASE_URL is not set, so the store cannot reach this portal. Auto-sync "
                 "polls the store at the cart's interval instead.")


@dataclass(frozen=True)
class HooksApplied:
    """What applying a cart's hooks did, in a sentence, and whether the store was reached."""

    ok: bool
    summary: str


def webhooks_configured() -> bool:
    """Whether PUBLIC_BASE_URL is set (validated at start-up), so stores can deliver to this portal."""
    return bool(settings.PUBLIC_BASE_URL)


def cart_hooks_wanted(*, cart: Cart) -> bool:
    """Whether the cart's store should push order events to it now."""
    return webhooks_configured() and cart.auto_sync == AutoSync.RUNNING and bool(cart.last_test_passed)


def cart_hook_endpoint_get(*, cart: Cart) -> CartHookEndpoint:
    """The cart's receiver, made with a new address and secret on first use."""
    endpoint = CartHookEndpoint.objects.filter(cart=cart).first()
    if endpoint is not None:
        return endpoint
    CartHookEndpoint.objects.get_or_create(cart=cart, defaults={
        "company_id": cart.company_id, "secret_encrypted": secret_encrypt(secrets.token_urlsafe(32)),
        "secret_rotated_at": timezone.now()})
    return CartHookEndpoint.objects.get(cart=cart)


def cart_hook_secret_rotate(*, cart: Cart) -> None:
    """A new secret for the cart's hooks (its API key changed): deliveries with the old one are refused from now."""
    cart_hook_endpoint_get(cart=cart)
    CartHookEndpoint.objects.filter(cart=cart).update(secret_encrypted=secret_encrypt(secrets.token_urlsafe(32)),
                                                      secret_rotated_at=timezone.now(), verified_at=None)


def hook_destination(endpoint: CartHookEndpoint) -> str:
    """Where the store delivers the cart's events: PUBLIC_BASE_URL and the receiver's unguessable path."""
    return settings.PUBLIC_BASE_URL + reverse("webhooks:receive", args=[endpoint.token])


def cart_hooks_apply(*, cart: Cart, store: StoreSession | None = None) -> HooksApplied:
    """Register the cart's hooks if it wants them (re-registering any the store deactivated), else remove them."""
    wanted = cart_hooks_wanted(cart=cart)
    if not wanted and not StoreHookState.objects.filter(cart=cart).exists():
        return HooksApplied(True, "No webhooks are registered." if webhooks_configured() else NO_PUBLIC_URL)
    try:
        if store is not None:
            return _register(cart, store) if wanted else _remove(cart, store)
        with cart_store_open(cart=cart) as opened:
            return _register(cart, opened) if wanted else _remove(cart, opened)
    except StoreError as error:
        reason = store_failure_reason(cart=cart, error=error, need=StoreAccess.STORE_INFORMATION)
        CartHookEndpoint.objects.filter(cart=cart).update(problem=reason)
        verb = "registered" if wanted else "removed"
        return HooksApplied(False, f"The webhooks could not be {verb}: {reason}")


def _register(cart: Cart, store: StoreSession) -> HooksApplied:
    platform = platform_named(cart.platform)
    endpoint = cart_hook_endpoint_get(cart=cart)
    destination = hook_destination(endpoint)
    headers = {platform.hook_secret_header: secret_decrypt(endpoint.secret_encrypted)}
    listed = store.hooks()
    recorded = set(StoreHookState.objects.filter(cart=cart).values_list("hook_id", flat=True))
    ours = {hook.scope: hook for hook in listed if hook.destination == destination}
    for hook in listed:  # ours at an old address (PUBLIC_BASE_URL changed), or a second one for a scope
        if (hook.hook_id in recorded or hook.destination == destination) and ours.get(hook.scope) is not hook:
            store.hook_delete(hook.hook_id)
    created = reactivated = 0
    for scope in platform.order_event_scopes:
        hook = ours.get(scope)
        if hook is None:
            hook, created = store.hook_create(scope=scope, destination=destination, headers=headers), created + 1
        elif not hook.is_active or hook.headers.get(platform.hook_secret_header) != headers[platform.hook_secret_header]:
            reactivated += not hook.is_active
            hook = store.hook_update(hook.hook_id, destination=destination, headers=headers)
            _record(cart, hook, deactivated=not ours[scope].is_active)
            continue
        _record(cart, hook, deactivated=False)
    for hook in ours.values():
        if hook.scope not in platform.order_event_scopes:
            store.hook_delete(hook.hook_id)
    StoreHookState.objects.filter(cart=cart).exclude(scope__in=platform.order_event_scopes).delete()
    CartHookEndpoint.objects.filter(cart=cart).update(verified_at=timezone.now(), problem="")
    parts = [f"{len(platform.order_event_scopes)} webhooks active"]
    if created:
        parts.append(f"{created} registered")
    if reactivated:
        parts.append(f"{reactivated} the store had deactivated re-registered")
    return HooksApplied(True, ", ".join(parts) + ".")


def _record(cart: Cart, hook: StoreHook, *, deactivated: bool) -> None:
    """Remember the hook as the store now has it; count a deactivation the store made."""
    with transaction.atomic():
        row, made = StoreHookState.objects.select_for_update().get_or_create(
            cart=cart, scope=hook.scope, defaults={"company_id": cart.company_id, "hook_id": hook.hook_id,
                                                   "destination": hook.destination, "is_active": hook.is_active,
                                                   "checked_at": timezone.now()})
        if not made:
            StoreHookState.objects.filter(pk=row.pk).update(
                hook_id=hook.hook_id, destination=hook.destination, is_active=hook.is_active, checked_at=timezone.now(),
                deactivations=F("deactivations") + int(deactivated))


def _remove(cart: Cart, store: StoreSession) -> HooksApplied:
    rows = list(StoreHookState.objects.filter(cart=cart))
    for row in rows:
        store.hook_delete(row.hook_id)
    StoreHookState.objects.filter(pk__in=[row.pk for row in rows]).delete()
    CartHookEndpoint.objects.filter(cart=cart).update(verified_at=None, problem="")
    return HooksApplied(True, f"{len(rows)} webhooks removed from the store.")


def store_hooks_delete(*, cart: Cart, hook_ids: list[int]) -> None:
    """Remove hooks of a cart being deleted (an unsaved copy holding its connection); failures are left to the store,
    which deactivates a hook whose deliveries keep failing."""
    try:
        with cart_store_open(cart=cart) as store:
            for hook_id in hook_ids:
                store.hook_delete(hook_id)
    except StoreError:
        pass


def hook_secrets_reencrypt() -> int:
    """Re-encrypt every cart's webhook secret with the newest CREDENTIALS_ENCRYPTION_KEYS entry (cart rotate-keys)."""
    return column_reencrypt(CartHookEndpoint.objects.all(), "secret_encrypted")


def cart_store_hooks(*, cart: Cart) -> list[StoreHook]:
    """The hooks on the cart's store that deliver to this cart (its receiver's address, or registered for it)."""
    endpoint = CartHookEndpoint.objects.filter(cart=cart).first()
    destination = hook_destination(endpoint) if endpoint is not None and webhooks_configured() else None
    recorded = set(StoreHookState.objects.filter(cart=cart).values_list("hook_id", flat=True))
    with cart_store_open(cart=cart) as store:
        return [hook for hook in store.hooks() if hook.hook_id in recorded or hook.destination == destination]


def cart_hooks_remove(*, cart: Cart) -> HooksApplied:
    """Remove the cart's hooks from its store whatever its settings (a Running cart's next check registers them again)."""
    try:
        with cart_store_open(cart=cart) as store:
            return _remove(cart, store)
    except StoreError as error:
        reason = store_failure_reason(cart=cart, error=error, need=StoreAccess.STORE_INFORMATION)
        return HooksApplied(False, f"The webhooks could not be removed: {reason}")
