"""Keeping registered hooks true to the cart: verified by the scheduled pass now and then, removed once unwanted.

A pass lists the store's hooks when the last verification is older than WEBHOOKS_VERIFY_MINUTES (one
request), re-registering one the store deactivated; the beat tick removes the hooks of carts no longer
Running (auto-sync stopped by itself when the key stopped working, which saves no settings), and a removal the
store did not answer is tried again every hour.
"""
from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from carts.models import AutoSync, Cart
from webhooks.models import CartHookEndpoint, StoreHookState
from webhooks.registration import HooksApplied, cart_hooks_apply, cart_hooks_wanted


def cart_hooks_verify_due(*, cart: Cart, now: datetime.datetime | None = None) -> bool:
    """Whether the cart's hooks should be (re)applied now: wanted and not verified lately, or unwanted but there."""
    has_hooks = StoreHookState.objects.filter(cart=cart).exists()
    if not cart_hooks_wanted(cart=cart):
        return has_hooks
    endpoint = CartHookEndpoint.objects.filter(cart=cart).first()
    since = (now or timezone.now()) - datetime.timedelta(minutes=settings.WEBHOOKS_VERIFY_MINUTES)
    return not has_hooks or endpoint is None or endpoint.verified_at is None or endpoint.verified_at < since


def cart_hooks_verify(*, cart_id: int) -> HooksApplied | None:
    """After a pass: apply the cart's hooks if a verification is due (None when it was not)."""
    cart = Cart.objects.filter(pk=cart_id).first()
    if cart is None or not cart_hooks_verify_due(cart=cart):
        return None
    return cart_hooks_apply(cart=cart)


def carts_with_unwanted_hooks(*, including_failed_removals: bool = False) -> list[int]:
    """Carts not Running that still have hooks on their store, in one query. The tick takes those whose removal has
    not failed; the hourly retry (webhooks.tasks.unwanted_hooks_remove_task) the failed ones too."""
    rows = StoreHookState.objects.exclude(cart__auto_sync=AutoSync.RUNNING)
    if not including_failed_removals:
        rows = rows.filter(Q(cart__hook_endpoint__isnull=True) | Q(cart__hook_endpoint__problem=""))
    return list(rows.order_by("cart_id").values_list("cart_id", flat=True).distinct())
