from django.contrib import admin

from companies.admin import CompanyScopedAdmin
from items.models import (
    AccountingDefaults,
    Item,
    ItemCartLink,
    ItemCsvUpload,
    ItemCsvUploadError,
    ItemCsvUploadRow,
    LedgerAccount,
    StockMovement,
)


@admin.register(LedgerAccount)
class LedgerAccountAdmin(CompanyScopedAdmin):
    list_display = ("name", "account_type", "company", "active")
    list_filter = ("account_type", "active")
    search_fields = ("name", "company__account_number")


@admin.register(AccountingDefaults)
class AccountingDefaultsAdmin(CompanyScopedAdmin):
    list_display = ("company", "income_account", "cost_of_goods_sold_account", "stock_asset_account", "unit_of_measure")
    search_fields = ("company__name", "company__account_number")


class ItemCartLinkInline(admin.TabularInline):
    model = ItemCartLink
    extra = 0
    fields = ("cart", "product_id", "variant_id", "cart_sku")
    readonly_fields = fields


@admin.register(Item)
class ItemAdmin(CompanyScopedAdmin):
    list_display = ("sku", "description", "unit_price", "on_hand", "unit_of_measure", "item_type", "company", "active",
                    "updated_at")
    list_filter = ("item_type", "active", "unit_of_measure")
    search_fields = ("sku", "description", "barcode", "company__account_number")
    readonly_fields = ("on_hand",)  # changed only by recorded stock movements (the item page's Adjust stock)
    inlines = [ItemCartLinkInline]


@admin.register(ItemCartLink)
class ItemCartLinkAdmin(CompanyScopedAdmin):
    list_display = ("item", "cart", "product_id", "variant_id", "cart_sku", "company")
    search_fields = ("item__sku", "cart_sku", "cart__name", "product_id", "variant_id")
    list_filter = ("cart",)


@admin.register(ItemCsvUpload)
class ItemCsvUploadAdmin(CompanyScopedAdmin):
    list_display = ("file_name", "company", "state", "uploaded_at", "committed_at", "summary")
    list_filter = ("state",)
    search_fields = ("file_name", "company__account_number")
    readonly_fields = ("file_name", "encoding", "uploaded_at", "state", "counts", "checked_at", "progress_done",
                       "progress_total", "last_progress_at", "committed_at", "summary", "content")


@admin.register(ItemCsvUploadRow)
class ItemCsvUploadRowAdmin(CompanyScopedAdmin):
    """What an upload's check kept of each valid line (paginated: a file has up to 100,000)."""

    list_display = ("upload", "line", "sku", "action", "company")
    list_filter = ("action",)
    search_fields = ("sku", "upload__file_name", "company__account_number")
    readonly_fields = ("upload", "line", "sku", "values", "action")


@admin.register(ItemCsvUploadError)
class ItemCsvUploadErrorAdmin(CompanyScopedAdmin):
    """What an upload's check found wrong, line by line."""

    list_display = ("upload", "line", "column", "value", "message", "company")
    search_fields = ("value", "message", "upload__file_name", "company__account_number")
    readonly_fields = ("upload", "line", "column", "value", "message")


@admin.register(StockMovement)
class StockMovementAdmin(CompanyScopedAdmin):
    """Every change of an item's quantity on hand; a record, never edited."""

    list_display = ("item", "kind", "quantity", "on_hand_after", "reason", "user", "created_at", "company")
    list_filter = ("kind",)
    search_fields = ("item__sku", "reason", "reference", "company__account_number")
    readonly_fields = ("item", "kind", "quantity", "on_hand_after", "reason", "user", "reference", "created_at")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
