"""A cart's auto-sync state: there for every cart, and kept in step with the cart's settings whoever saves them."""
from __future__ import annotations

from django.dispatch import receiver
from django.utils import timezone

from carts.models import Cart
from carts.setup import cart_settings_saved
from sync.models import AutoSyncState


def cart_sync_state_get(*, cart: Cart) -> AutoSyncState:
    """The cart's auto-sync state, made on first use for a cart saved without the settings service."""
    state, _ = AutoSyncState.objects.get_or_create(cart=cart, defaults={"company_id": cart.company_id})
    return state


@receiver(cart_settings_saved)
def auto_sync_settings_saved(sender: type, *, cart: Cart, scope_changed: bool, switched_on: bool,
                             **kwargs: object) -> None:
    """Reset what the cart's new settings make stale: the cursor, the schedule, an old stop reason and failure streak."""
    cart_sync_state_get(cart=cart)
    updates: dict[str, object] = {}
    if scope_changed:
        # Orders in a newly chosen status, or before a moved cut-off, may predate the cursor: read them all again.
        updates["cursor"] = None
    if switched_on:
        # Switched on: the first pass is due at the next beat tick, and an old stop reason no longer applies.
        updates.update(next_pass_at=timezone.now(), stopped_reason="", consecutive_failures=0)
    if updates:
        AutoSyncState.objects.filter(cart=cart).update(**updates)
