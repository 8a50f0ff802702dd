"""Operator admin for carts and their log; cart settings are saved through the same service as the cart screen."""
from __future__ import annotations

from dataclasses import replace

from django import forms
from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from carts.models import Cart, CartLog, StoreRequestBudget
from carts.platforms.base import InvalidInput
from carts.setup import (
    CartSettings,
    cart_auto_sync_refusal,
    cart_differences_refusal,
    cart_order_status_ids,
    cart_update,
)
from companies.admin import CompanyScopedAdmin, OperatorOnlyAdmin

# The settings CartSettings carries that the admin form edits.
SETTINGS_FIELDS = ("name", "import_as", "import_status_ids", "import_orders_from", "auto_sync", "sync_interval_minutes",
                   "web_customer_name", "create_missing_items", "push_stock", "post_differences_up_to", "differences_account")


class CartAdminForm(forms.ModelForm):
    """The cart's fields; on change, its settings obey the cart screen's rules (Auto-sync, cursor reset)."""

    class Meta:
        model = Cart
        exclude = ("api_key_encrypted",)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if "differences_account" in self.fields and self.instance.pk is not None:
            accounts = self.fields["differences_account"].queryset
            self.fields["differences_account"].queryset = accounts.filter(company_id=self.instance.company_id)

    def clean(self) -> dict:
        cleaned = super().clean()
        self.settings = None
        if self.instance.pk is None or self.errors:
            return cleaned
        saved = Cart.objects.get(pk=self.instance.pk)
        changes = {name: cleaned[name] for name in SETTINGS_FIELDS if name in cleaned}
        wanted = changes.get("import_status_ids") or []
        try:
            if not isinstance(wanted, list):
                raise InvalidInput("The statuses are not a list.")
            changes["import_status_ids"] = cart_order_status_ids(cart=saved, wanted=[str(value) for value in wanted])
        except InvalidInput as error:
            self.add_error("import_status_ids", f"{error} Give the status ids as a list of numbers, e.g. [11, 9].")
            return cleaned
        self.settings = replace(CartSettings.of_cart(saved), **changes)
        refusal = cart_auto_sync_refusal(cart=saved, values=self.settings)
        if refusal:
            self.add_error("auto_sync" if "auto_sync" in self.fields else None, refusal)
        refusal = cart_differences_refusal(company=saved.company, values=self.settings)
        if refusal:
            self.add_error("post_differences_up_to" if "post_differences_up_to" in self.fields else None, refusal)
        return cleaned


@admin.register(Cart)
class CartAdmin(CompanyScopedAdmin):
    form = CartAdminForm
    list_display = ("name", "company", "platform", "store_hash", "auto_sync", "last_test_passed", "last_test_at",
                    "refused_orders")
    list_filter = ("platform", "auto_sync", "last_test_passed", "import_as")
    search_fields = ("name", "store_hash", "store_name", "company__account_number")
    # The encrypted key is never shown; the masked hint identifies the API account.
    exclude = ("api_key_encrypted",)
    readonly_fields = (
        "api_path",
        "client_id_hint",
        "store_hash",
        "last_test_at",
        "last_test_passed",
        "last_test_message",
        "store_name",
        "store_currency",
        "store_timezone",
        "store_domain",
        "status_labels",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(refused_count=Count("order_refusals", distinct=True))

    @admin.display(description="Refused orders", ordering="refused_count")
    def refused_orders(self, cart: Cart) -> int:
        """Orders refused by an import and not imported since (the merchant's Needs attention count)."""
        return cart.refused_count

    def save_model(self, request: HttpRequest, obj: Cart, form: CartAdminForm, change: bool) -> None:
        if not change or form.settings is None:
            super().save_model(request, obj, form, change)
            return
        saved = Cart.objects.get(pk=obj.pk)
        for name in form.changed_data:
            if name not in SETTINGS_FIELDS:  # the company, platform or API version: not settings the rules cover
                setattr(saved, name, getattr(obj, name))
        cart_update(cart=saved, values=form.settings)


@admin.register(CartLog)
class CartLogAdmin(CompanyScopedAdmin):
    list_display = ("cart", "company", "kind", "status", "started_at", "finished_at", "api_requests", "summary")
    list_filter = ("kind", "status")
    search_fields = ("cart__name", "summary", "company__account_number")
    readonly_fields = [field.name for field in CartLog._meta.fields]
    date_hierarchy = "started_at"


@admin.register(StoreRequestBudget)
class StoreRequestBudgetAdmin(OperatorOnlyAdmin):
    """Each store's request budget when no Redis is configured (operators only: a store may serve several companies)."""

    list_display = ("store_key", "state", "version")
    search_fields = ("store_key",)
    readonly_fields = ("store_key", "state", "version")
