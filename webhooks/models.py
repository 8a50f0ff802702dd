"""A cart's webhooks: its receiver (unguessable address and secret), the hooks on its store, and the delivery inbox."""
from __future__ import annotations

import secrets

from django.db import models

from companies.models import CompanyOwned


def endpoint_token_new() -> str:
    """The receiver's address part: 32 random bytes, so a cart's URL cannot be guessed (never its pk)."""
    return secrets.token_urlsafe(32)


class CartHookEndpoint(CompanyOwned):
    """One per cart: where its store delivers (`token` in the URL), the secret it sends (encrypted), how it fares."""

    cart = models.OneToOneField("carts.Cart", on_delete=models.CASCADE, primary_key=True, related_name="hook_endpoint")
    token = models.CharField(max_length=64, unique=True, default=endpoint_token_new, editable=False)
    secret_encrypted = models.TextField(editable=False)
    secret_rotated_at = models.DateTimeField()
    # When the hooks were last listed or registered on the store and found active (a pass re-checks them).
    verified_at = models.DateTimeField(null=True, blank=True)
    last_delivery_at = models.DateTimeField(null=True, blank=True)
    # When the receiver last queued a task for the cart's deliveries that has not started yet (None: none
    # queued): a burst then queues one task per cart at a time, not one per delivery (webhooks/deliveries.py).
    deliveries_queued_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Why the last registration failed ('' when it succeeded), for the Auto-sync tab.
    problem = models.TextField(blank=True)

    class Meta:
        verbose_name = "cart webhook endpoint"

    def __str__(self) -> str:
        return f"Webhooks of {self.cart}"


class StoreHookState(CompanyOwned):
    """A hook registered on the cart's store for one event, as last seen there."""

    cart = models.ForeignKey("carts.Cart", on_delete=models.CASCADE, related_name="store_hooks")
    scope = models.CharField(max_length=100)
    hook_id = models.PositiveBigIntegerField()
    destination = models.CharField(max_length=500)
    is_active = models.BooleanField(default=True)
    # Times the store was found to have deactivated it (its deliveries kept failing); re-registered each time.
    deactivations = models.PositiveIntegerField(default=0)
    last_delivery_at = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField()

    class Meta:
        ordering = ["scope"]
        constraints = [models.UniqueConstraint(fields=["cart", "scope"], name="store_hook_one_per_scope")]

    def __str__(self) -> str:
        return f"{self.scope} hook {self.hook_id} of {self.cart}"


class HookDelivery(CompanyOwned):
    """The inbox: one row per distinct event (its key: the store's hash, scope and time) per cart, so duplicates
    cost nothing.

    A worker claims the cart's unprocessed rows with a conditional update (`claimed_until` lapses if it
    dies), re-reads their orders in one request, and marks them processed.
    """

    cart = models.ForeignKey("carts.Cart", on_delete=models.CASCADE, related_name="hook_deliveries")
    event_hash = models.CharField(max_length=40)
    scope = models.CharField(max_length=100)
    order_id = models.PositiveBigIntegerField()
    received_at = models.DateTimeField(auto_now_add=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "hook deliveries"
        constraints = [models.UniqueConstraint(fields=["cart", "event_hash"], name="hook_delivery_once_per_event")]
        indexes = [models.Index(fields=["cart", "processed_at"], name="hook_delivery_pending")]

    def __str__(self) -> str:
        return f"{self.scope} for order {self.order_id} of {self.cart}"
