"""A cart's auto-sync bookkeeping: when its next pass is due, how far it has read, its lock, and how it is faring."""
from __future__ import annotations

from django.db import models

from carts.models import CartLog, CartLogKind
from companies.models import CompanyOwned


class AutoSyncState(CompanyOwned):
    """One per cart. The cursor is the store's newest date_modified a pass has seen, never the local clock."""

    cart = models.OneToOneField("carts.Cart", on_delete=models.CASCADE, primary_key=True, related_name="sync_state")
    next_pass_at = models.DateTimeField(null=True, blank=True, db_index=True)
    cursor = models.DateTimeField(null=True, blank=True)
    # One pass per cart at a time: a conditional update takes the lock; its expiry lets a killed worker's lapse.
    lock_until = models.DateTimeField(null=True, blank=True)
    lock_token = models.CharField(max_length=32, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    stopped_reason = models.TextField(blank=True, help_text="Why auto-sync switched itself off, for the merchant.")

    class Meta:
        verbose_name = "auto-sync state"

    def __str__(self) -> str:
        return f"Auto-sync of {self.cart}"

    @property
    def last_pass(self) -> CartLog | None:
        """The latest finished pass, for the one-line summary on every cart tab."""
        return (CartLog.objects.filter(cart_id=self.cart_id, kind=CartLogKind.SYNC, finished_at__isnull=False)
                .order_by("-started_at").first())
