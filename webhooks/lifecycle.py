"""A cart's hooks follow its settings: switched on or off, a new key (a new secret), the cart deleted.

The store is contacted on the worker after the change commits, never while the merchant waits.
"""
from __future__ import annotations

from django.db import transaction
from django.db.models.signals import pre_delete
from django.dispatch import receiver

from carts.models import Cart
from carts.setup import cart_settings_saved
from webhooks.models import StoreHookState
from webhooks.registration import cart_hook_secret_rotate, webhooks_configured


def _connection(cart: Cart) -> dict[str, str]:
    """What the worker needs to reach the store as this cart did (the key stays encrypted in the message)."""
    return {"platform": cart.platform, "api_path": cart.api_path, "api_key_encrypted": cart.api_key_encrypted,
            "store_hash": cart.store_hash}


def _hooks_delete_on_commit(cart: Cart, connection: dict[str, str]) -> None:
    """Remove the hooks registered for the cart with `connection`, on the worker once the change commits."""
    from webhooks.tasks import store_hooks_delete_task

    hook_ids = list(StoreHookState.objects.filter(cart=cart).values_list("hook_id", flat=True))
    if hook_ids:
        transaction.on_commit(lambda: store_hooks_delete_task.delay(connection, hook_ids))


@receiver(cart_settings_saved)
def cart_hooks_follow_settings(sender: type, *, cart: Cart, switched_on: bool = False, switched_off: bool = False,
                               credentials_changed: bool = False, previous: Cart | None = None,
                               **kwargs: object) -> None:
    """Rotate the secret with the key; register or remove the hooks when Auto-sync is switched."""
    from webhooks.tasks import cart_hooks_apply_task

    if credentials_changed:
        # Hooks belong to the API account that registered them: another account (or store) cannot see or remove
        # them, so they are removed with the old connection and registered afresh once the new one is tested.
        if previous is not None:
            _hooks_delete_on_commit(cart, _connection(previous))
            StoreHookState.objects.filter(cart=cart).delete()
        cart_hook_secret_rotate(cart=cart)
    if (switched_on and webhooks_configured()) or switched_off or credentials_changed:
        if switched_on or StoreHookState.objects.filter(cart=cart).exists():
            transaction.on_commit(lambda: cart_hooks_apply_task.delay(cart.pk))


@receiver(pre_delete, sender=Cart)
def cart_hooks_remove_with_cart(sender: type, *, instance: Cart, **kwargs: object) -> None:
    """A deleted cart's hooks are removed from its store (with its connection, kept for the worker until then)."""
    _hooks_delete_on_commit(instance, _connection(instance))
