"""Whether a cart's hooks are healthy, for the beat tick (the long interval), the Auto-sync tab and attention counts.

Healthy: PUBLIC_BASE_URL is set, every order event has an active hook on the store, the last registration
raised no problem, and the hooks were verified on the store (or delivered) recently. A pass verifies them
every WEBHOOKS_VERIFY_MINUTES, so hooks that keep working stay healthy; anything else falls back to polling.
"""
from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from carts.models import AutoSync, Cart
from carts.platforms import platform_named
from webhooks.models import CartHookEndpoint, StoreHookState
from webhooks.registration import NO_PUBLIC_URL, webhooks_configured


def _recent(now: datetime.datetime) -> datetime.datetime:
    """Verified or delivered since then counts as recent: one verification interval plus one long pass of slack."""
    return now - datetime.timedelta(minutes=settings.WEBHOOKS_VERIFY_MINUTES + settings.WEBHOOKS_HEALTHY_PASS_MINUTES)


def carts_with_healthy_hooks(*, cart_ids: Iterable[int], now: datetime.datetime | None = None) -> set[int]:
    """Of these carts, the ones whose hooks are healthy: one query, whatever their number."""
    if not webhooks_configured():
        return set()
    recent = _recent(now or timezone.now())
    rows = (CartHookEndpoint.objects.filter(cart_id__in=list(cart_ids), problem="")
            .filter(Q(verified_at__gte=recent) | Q(last_delivery_at__gte=recent))
            .annotate(active=Count("cart__store_hooks", filter=Q(cart__store_hooks__is_active=True)),
                      inactive=Count("cart__store_hooks", filter=Q(cart__store_hooks__is_active=False)))
            .values_list("cart_id", "cart__platform", "active", "inactive"))
    return {cart_id for cart_id, platform, active, inactive in rows
            if inactive == 0 and active >= len(platform_named(platform).order_event_scopes)}


def carts_deactivated_hooks_count(*, cart_ids: Iterable[int] | None = None,
                                  company_id: int | None = None) -> dict[int, int]:
    """Hooks the store deactivated, by cart id (carts without any are absent), for the 'needs attention' counts
    (carts/attention.py): one query."""
    hooks = StoreHookState.objects.filter(is_active=False)
    if company_id is not None:
        hooks = hooks.filter(company_id=company_id)
    if cart_ids is not None:
        hooks = hooks.filter(cart_id__in=list(cart_ids))
    return dict(hooks.values("cart_id").annotate(count=Count("pk")).values_list("cart_id", "count"))


@dataclass(frozen=True)
class CartHooksStatus:
    """What the Auto-sync tab and `cart webhooks` say about a cart's hooks and the interval its passes run at."""

    configured: bool
    wanted: bool
    healthy: bool
    interval_minutes: int
    why: str  # which interval applies, and why
    problem: str = ""
    last_delivery_at: datetime.datetime | None = None
    verified_at: datetime.datetime | None = None
    hooks: list[StoreHookState] = field(default_factory=list)

    @property
    def deactivated(self) -> list[StoreHookState]:
        return [hook for hook in self.hooks if not hook.is_active]


def cart_hooks_status(*, cart: Cart) -> CartHooksStatus:
    """The cart's hooks as last seen on its store, whether they are healthy, and which pass interval applies."""
    from webhooks.registration import cart_hooks_wanted

    endpoint = CartHookEndpoint.objects.filter(cart=cart).first()
    hooks = list(StoreHookState.objects.filter(cart=cart))
    healthy = cart.pk in carts_with_healthy_hooks(cart_ids=[cart.pk]) and cart.auto_sync == AutoSync.RUNNING
    long = max(cart.sync_interval_minutes, settings.WEBHOOKS_HEALTHY_PASS_MINUTES)
    wanted = cart_hooks_wanted(cart=cart)
    if not webhooks_configured():
        why = NO_PUBLIC_URL
    elif healthy:
        why = (f"The store pushes new orders and changes as they happen, so the scheduled pass only catches what a "
               f"lost event missed: it runs every {long} minutes while the webhooks stay healthy.")
    elif not wanted:
        why = "Webhooks are registered while Auto-sync is Running (after Test Connection passed)."
    else:
        why = (f"The webhooks are not all active and verified, so auto-sync polls every {cart.sync_interval_minutes} "
               "minutes until they are; the next pass re-registers them, or click Re-register webhooks.")
    return CartHooksStatus(
        configured=webhooks_configured(), wanted=wanted, healthy=healthy,
        interval_minutes=long if healthy else cart.sync_interval_minutes, why=why,
        problem=endpoint.problem if endpoint else "", last_delivery_at=endpoint.last_delivery_at if endpoint else None,
        verified_at=endpoint.verified_at if endpoint else None, hooks=hooks)
