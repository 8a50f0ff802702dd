"""Webhooks on the worker: register or remove a cart's hooks, remove a deleted cart's, re-read delivered orders."""
from __future__ import annotations

from celery import shared_task

from carts.models import Cart
from webhooks.deliveries import cart_hook_deliveries_process, hook_deliveries_waiting
from webhooks.registration import cart_hooks_apply, store_hooks_delete
from webhooks.verification import carts_with_unwanted_hooks


@shared_task(ignore_result=True)
def cart_hooks_apply_task(cart_id: int) -> str:
    """Register the cart's hooks, or remove them, as its settings say now."""
    cart = Cart.objects.filter(pk=cart_id).first()
    return cart_hooks_apply(cart=cart).summary if cart is not None else "The cart no longer exists."


@shared_task(ignore_result=True)
def unwanted_hooks_remove_task() -> int:
    """Beat: try again to remove the hooks of carts that no longer want them (the store did not answer before)."""
    cart_ids = carts_with_unwanted_hooks(including_failed_removals=True)
    for cart_id in cart_ids:
        cart_hooks_apply_task.delay(cart_id)
    return len(cart_ids)


@shared_task(ignore_result=True)
def store_hooks_delete_task(connection: dict, hook_ids: list[int]) -> None:
    """Remove a deleted cart's hooks from its store (its connection as it was: the key stays encrypted)."""
    store_hooks_delete(cart=Cart(**connection), hook_ids=hook_ids)


@shared_task(ignore_result=True)
def cart_hook_deliveries_task(cart_id: int) -> int:
    """Re-read the orders the cart's waiting deliveries name (a task finding them taken does nothing)."""
    return cart_hook_deliveries_process(cart_id=cart_id)


@shared_task(ignore_result=True)
def hook_deliveries_sweep_task() -> int:
    """Beat: queue the carts whose deliveries nobody is working on (a killed worker's, a lost task's)."""
    cart_ids = hook_deliveries_waiting()
    for cart_id in cart_ids:
        cart_hook_deliveries_task.delay(cart_id)
    return len(cart_ids)
