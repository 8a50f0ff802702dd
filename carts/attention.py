"""What needs a merchant's attention on each cart: refused orders, failing auto-sync, deactivated webhooks.

One registry for every screen that says it (the Shopping Carts list, the cart header, Sales Orders):
each counts from what the imports and passes recorded, never from the store, in one query per kind
for all the company's carts.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count

from carts.models import Cart
from companies.models import Company


@dataclass(frozen=True)
class CartAttention:
    """What needs doing on one cart; `needed` is False when nothing does."""

    cart: Cart
    refused_orders: int = 0  # refused by any import (screen, command line, auto-sync), not imported or dismissed since
    failed_syncs: int = 0  # auto-sync passes in a row that failed (it keeps retrying)
    sync_stopped_reason: str = ""  # why auto-sync switched itself off
    deactivated_webhooks: int = 0  # the store's webhooks for the cart it deactivated (see _deactivated_webhooks)

    @property
    def needed(self) -> bool:
        return bool(self.refused_orders or self.failed_syncs or self.sync_stopped_reason or self.deactivated_webhooks)

    @property
    def on_auto_sync_tab(self) -> bool:
        """Whether the Auto-sync tab is where it is fixed (failing or stopped passes, deactivated webhooks)."""
        return bool(self.failed_syncs or self.sync_stopped_reason or self.deactivated_webhooks)

    @property
    def problems(self) -> list[str]:
        """Each thing to look at, in a few words ("3 refused orders", "the last 2 syncs failed")."""
        found = []
        if self.refused_orders:
            found.append(f"{self.refused_orders:,} refused order{'' if self.refused_orders == 1 else 's'}")
        if self.sync_stopped_reason:
            found.append("auto-sync stopped")
        elif self.failed_syncs:
            found.append("the last sync failed" if self.failed_syncs == 1 else f"the last {self.failed_syncs:,} syncs failed")
        if self.deactivated_webhooks:
            found.append(f"{self.deactivated_webhooks:,} webhook{'' if self.deactivated_webhooks == 1 else 's'} "
                         "deactivated by the store")
        return found

    @property
    def text(self) -> str:
        return ", ".join(self.problems)


def carts_attention(*, carts: Iterable[Cart]) -> dict[int, CartAttention]:
    """What needs attention on each of these carts (one company's), by cart id: four queries in all."""
    from orders.models import OrderRefusal  # orders depends on carts, not the other way round
    from sync.models import AutoSyncState

    carts = list(carts)
    ids = [cart.pk for cart in carts]
    refused = dict(OrderRefusal.objects.filter(cart_id__in=ids, dismissed_at__isnull=True).values_list("cart_id")
                   .annotate(count=Count("pk")))
    syncs = {state["cart_id"]: state for state in AutoSyncState.objects.filter(cart_id__in=ids).values(
        "cart_id", "consecutive_failures", "stopped_reason")}
    hooks = _deactivated_webhooks(ids)
    return {
        cart.pk: CartAttention(
            cart=cart,
            refused_orders=refused.get(cart.pk, 0),
            failed_syncs=syncs.get(cart.pk, {}).get("consecutive_failures", 0),
            sync_stopped_reason=syncs.get(cart.pk, {}).get("stopped_reason", ""),
            deactivated_webhooks=hooks.get(cart.pk, 0),
        )
        for cart in carts
    }


def cart_attention(*, cart: Cart) -> CartAttention:
    """What needs attention on one cart."""
    return carts_attention(carts=[cart])[cart.pk]


def company_attention(*, company: Company) -> list[CartAttention]:
    """The company's carts that need attention, by name (for Sales Orders)."""
    found = carts_attention(carts=Cart.objects.for_company(company))
    return [attention for attention in found.values() if attention.needed]


def _deactivated_webhooks(cart_ids: list[int]) -> dict[int, int]:
    """The webhooks the store deactivated, per cart (as last seen on the store: webhooks/health.py)."""
    from webhooks.health import carts_deactivated_hooks_count  # webhooks depends on carts, not the other way round

    return carts_deactivated_hooks_count(cart_ids=cart_ids)
