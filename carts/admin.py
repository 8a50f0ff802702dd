from django.contrib import admin

from carts.models import Cart, CartLog
from companies.admin import CompanyScopedAdmin


@admin.register(Cart)
class CartAdmin(CompanyScopedAdmin):
    list_display = ("name", "company", "platform", "store_hash", "auto_sync", "last_test_passed", "last_test_at")
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


@admin.register(CartLog)
class CartLogAdmin(CompanyScopedAdmin):
    list_display = ("cart", "company", "kind", "status", "started_at", "finished_at", "api_requests", "summary")
    list_filter = ("kind", "status")
    search_fields = ("cart__name", "summary", "company__account_number")
    readonly_fields = [field.name for field in CartLog._meta.fields]
    date_hierarchy = "started_at"
