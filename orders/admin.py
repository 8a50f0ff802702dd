from django.contrib import admin

from companies.admin import CompanyScopedAdmin
from orders.models import Customer, OrderRefusal, SalesTransaction, Shipment, ShipmentLine, TransactionNumberSequence
from orders.models import (
    TransactionAdjustment,
    TransactionCharge,
    TransactionDiscount,
    TransactionLine,
    TransactionPayment,
)


@admin.register(Customer)
class CustomerAdmin(CompanyScopedAdmin):
    list_display = ("name", "email", "company_name", "company", "created_at")
    search_fields = ("name", "email", "company_name", "company__account_number")
    list_filter = ("created_at",)


class ReadOnlyInline(admin.TabularInline):
    """The store's amounts: shown to operators, never edited here."""

    extra = 0
    can_delete = False
    exclude = ("company",)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields if field.name not in ("id", "company")]


def read_only_inline(model: type) -> type[ReadOnlyInline]:
    """An inline showing the transaction's rows of `model` (its lines, charges, discounts or payments)."""
    return type(f"{model.__name__}Inline", (ReadOnlyInline,), {"model": model})


@admin.register(SalesTransaction)
class SalesTransactionAdmin(CompanyScopedAdmin):
    list_display = ("number", "transaction_type", "status", "company", "cart_name", "cart_order_id", "total", "currency",
                    "transaction_date")
    list_filter = ("transaction_type", "status", "currency", "cart", "transaction_date")
    search_fields = ("number", "cart_order_id", "customer__email", "company__account_number")
    date_hierarchy = "transaction_date"
    readonly_fields = ("cart", "cart_name", "cart_order_id", "cart_status_id", "cart_status_label", "currency",
                       "prices_include_tax", "subtotal", "charges_total", "discounts_total", "tax_total", "total",
                       "payments_total", "billing_address", "shipping_addresses", "number", "transaction_type",
                       "store_currency", "exchange_rate", "payment_method", "payment_status", "payment_transaction_id",
                       "billing_name", "billing_form_fields", "cart_customer_id", "guest", "refunded_total",
                       "adjustments_total", "credited_transaction", "refund_key", "refund_reason")
    inlines = [read_only_inline(model) for model in (TransactionLine, TransactionCharge, TransactionDiscount,
                                                     TransactionAdjustment, TransactionPayment)]


@admin.register(OrderRefusal)
class OrderRefusalAdmin(CompanyScopedAdmin):
    list_display = ("cart_order_id", "cart", "company", "reason", "first_refused_at", "last_refused_at", "dismissed_at")
    list_filter = ("cart", "first_refused_at", ("dismissed_at", admin.EmptyFieldListFilter))
    search_fields = ("cart_order_id", "reason", "cart__name", "company__account_number")
    readonly_fields = ("cart", "cart_order_id", "reason", "missing_items", "first_refused_at", "last_refused_at",
                       "dismissed_at", "dismissed_by")

    def has_add_permission(self, request) -> bool:
        return False  # imports record refusals; a hand-made one would mislead the reconciliation


@admin.register(TransactionNumberSequence)
class TransactionNumberSequenceAdmin(CompanyScopedAdmin):
    """Shown so an operator can see where numbering stands; changing it here could repeat a number."""

    list_display = ("company", "transaction_type", "last_number")
    list_filter = ("transaction_type",)
    search_fields = ("company__name", "company__account_number")
    readonly_fields = ("company", "transaction_type", "last_number")

    def has_add_permission(self, request) -> bool:
        return False


class ShipmentLineInline(admin.TabularInline):
    model = ShipmentLine
    extra = 0
    fields = ("line", "quantity")
    readonly_fields = fields


@admin.register(Shipment)
class ShipmentAdmin(CompanyScopedAdmin):
    """Shipments recorded here and their state in the store (sent once, by orders.shipping)."""

    list_display = ("key", "transaction", "state", "carrier", "tracking_number", "store_shipment_id", "created_at",
                    "company")
    list_filter = ("state",)
    search_fields = ("key", "tracking_number", "transaction__number", "company__account_number")
    readonly_fields = ("transaction", "key", "state", "carrier", "tracking_number", "address_id", "store_shipment_id",
                       "note", "user", "created_at", "attempted_at")
    inlines = [ShipmentLineInline]
