"""Dismissing refused orders: an order the merchant will never import (a test order, one settled by hand) stops
needing attention while it stays refused; restoring it brings it back. An import that books it removes it either way.
"""
from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from carts.models import Cart
from orders.models import OrderRefusal


def refusals_dismiss(*, cart: Cart, order_ids: Sequence[int], user: AbstractBaseUser | None) -> int:
    """Dismiss these refused orders of the cart (those already dismissed stay as they were); how many were."""
    return OrderRefusal.objects.filter(cart=cart, cart_order_id__in=order_ids, dismissed_at__isnull=True).update(
        dismissed_at=timezone.now(), dismissed_by=user)


def refusals_restore(*, cart: Cart, order_ids: Sequence[int]) -> int:
    """Bring dismissed refused orders back to the list that needs attention; how many came back."""
    return OrderRefusal.objects.filter(cart=cart, cart_order_id__in=order_ids, dismissed_at__isnull=False).update(
        dismissed_at=None, dismissed_by=None)
