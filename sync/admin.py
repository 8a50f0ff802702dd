from django.contrib import admin

from companies.admin import CompanyScopedAdmin
from sync.models import AutoSyncState


@admin.register(AutoSyncState)
class AutoSyncStateAdmin(CompanyScopedAdmin):
    """Shown so an operator can see where a cart's auto-sync stands; passes and the cart's settings change it."""

    list_display = ("cart", "company", "next_pass_at", "cursor", "lock_until", "consecutive_failures", "stopped_reason")
    search_fields = ("cart__name", "company__account_number")
    list_filter = ("cart__auto_sync", "consecutive_failures")
    readonly_fields = ("cart", "company", "next_pass_at", "cursor", "lock_until", "lock_token", "consecutive_failures",
                       "stopped_reason")

    def has_add_permission(self, request) -> bool:
        return False  # made with the cart
