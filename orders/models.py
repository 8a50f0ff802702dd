"""Customers and pending sales transactions (Cash Sales, Sales Orders, Sales Invoices) imported from carts."""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse

from companies.models import CompanyOwned, CompanyOwnedQuerySet, CompanyRecord
from items.models import MONEY_DIGITS, MONEY_PLACES, Item, LedgerAccount
from orders.results import MissingItem


def money_field(**kwargs: object) -> models.DecimalField:
    """An amount as the store sends it: 4 decimal places, never a float."""
    return models.DecimalField(max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES, default=Decimal("0"), **kwargs)


class Customer(CompanyOwned):
    """Who a transaction is for; imported orders find theirs by e-mail address within the company."""

    name = models.CharField(max_length=200)
    company_name = models.CharField("Company", max_length=200, blank=True)
    # Stored lower-cased, so matching is exact and the unique constraint is case-insensitive in effect.
    email = models.EmailField(max_length=254, blank=True)
    phone = models.CharField(max_length=50, blank=True)
    billing_address = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "email"], condition=~Q(email=""), name="customer_email_unique_per_company"
            ),
            # Orders without an e-mail address go to one named web customer per company.
            models.UniqueConstraint(
                "company", Lower("name"), condition=Q(email=""), name="customer_without_email_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.email else self.name


class TransactionType(models.TextChoices):
    # The values are the cart's ImportOrdersAs values, so a cart's setting names its type directly.
    CASH_SALE = "cash_sale", "Cash Sale"
    SALES_ORDER = "sales_order", "Sales Order"
    INVOICE = "invoice", "Sales Invoice"
    # A store's refund of a sale; as `order list --json` names it.
    CREDIT_NOTE = "credit-note", "Credit Note"


NUMBER_PREFIXES: dict[str, str] = {
    TransactionType.CASH_SALE: "CS",
    TransactionType.SALES_ORDER: "SO",
    TransactionType.INVOICE: "INV",
    TransactionType.CREDIT_NOTE: "CN",
}


class TransactionStatus(models.TextChoices):
    PENDING = "pending", "Pending"


class TransactionNumberSequence(CompanyOwned):
    """The last number given to a company's transactions of one type; locked while the next is taken."""

    transaction_type = models.CharField(max_length=20, choices=TransactionType.choices)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "transaction_type"], name="transaction_sequence_unique_per_type"),
        ]

    def __str__(self) -> str:
        return f"{self.get_transaction_type_display()} numbers of {self.company}: last {self.last_number}"


class SalesTransactionQuerySet(CompanyOwnedQuerySet):
    def sales(self) -> SalesTransactionQuerySet:
        """Cash sales, sales orders and invoices: one per imported order (credit notes carry a refund key)."""
        return self.filter(refund_key="")

    def credit_notes(self) -> SalesTransactionQuerySet:
        return self.exclude(refund_key="")


class SalesTransaction(CompanyRecord):
    """A pending sales transaction, usually one cart order, or a credit note for one of its refunds.

    Money exactly as the store reported it.
    """

    transaction_type = models.CharField("Type", max_length=20, choices=TransactionType.choices)
    status = models.CharField(max_length=20, choices=TransactionStatus.choices, default=TransactionStatus.PENDING)
    number = models.CharField(max_length=20)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="transactions")
    transaction_date = models.DateTimeField()
    memo = models.TextField(blank=True)

    # Where it came from: deleting the cart keeps the transaction and the cart's name.
    cart = models.ForeignKey("carts.Cart", on_delete=models.SET_NULL, null=True, blank=True, related_name="transactions")
    cart_name = models.CharField(max_length=100, blank=True)
    cart_order_id = models.PositiveBigIntegerField(null=True, blank=True)
    cart_status_id = models.PositiveSmallIntegerField(null=True, blank=True)
    cart_status_label = models.CharField(max_length=100, blank=True)
    # Set by later syncs when the order changes in the cart (e.g. cancelled) after it was imported.
    cart_change_note = models.TextField(blank=True)

    currency = models.CharField(max_length=3)
    prices_include_tax = models.BooleanField(default=False)
    customer_email = models.EmailField(max_length=254, blank=True)
    customer_message = models.TextField(blank=True)
    billing_address = models.JSONField(default=dict, blank=True)
    shipping_addresses = models.JSONField(default=list, blank=True)

    # Totals, all tax-inclusive except tax_total: total = subtotal + charges_total − discounts_total.
    subtotal = money_field()
    charges_total = money_field()
    discounts_total = money_field()
    tax_total = money_field(help_text="The tax the store reported for the whole order.")
    total = money_field()
    payments_total = money_field(help_text="Gift certificates and store credit already paid.")

    # What the books keep besides the money (all as the store reported them at import).
    store_currency = models.CharField(max_length=3, blank=True, help_text="The store's default currency when the "
                                      "order was paid in another; blank when the same.")
    exchange_rate = models.DecimalField(max_digits=20, decimal_places=10, null=True, blank=True,
                                        help_text="One unit of the store's currency in the order's currency.")
    payment_method = models.CharField(max_length=100, blank=True)
    payment_status = models.CharField(max_length=50, blank=True)
    payment_transaction_id = models.CharField("Gateway transaction id", max_length=255, blank=True)
    billing_name = models.CharField(max_length=200, blank=True, help_text="The order's billing name, kept even when "
                                    "the customer record was matched by e-mail address.")
    billing_form_fields = models.JSONField(default=dict, blank=True, help_text="Checkout form fields: label → value.")
    cart_customer_id = models.PositiveBigIntegerField(null=True, blank=True, help_text="The store's customer id; "
                                                      "empty for a guest checkout.")
    guest = models.BooleanField(default=False, help_text="Placed as a guest checkout.")
    refunded_total = money_field(help_text="What the store refunded of the order (its credit notes).")
    adjustments_total = money_field(help_text="Adjustments posted so the parts add up to the store's total.")
    # A credit note: the sale it credits and the store's refund it records (blank on sales).
    credited_transaction = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True,
                                             related_name="credit_notes")
    refund_key = models.CharField(max_length=100, blank=True)
    refund_reason = models.TextField(blank=True)
    # The store the order came from (Cart.store_identity), kept when the cart is deleted: with the
    # company and order id it keeps an order single however carts are deleted, re-added or doubled.
    store_identity = models.CharField(max_length=64, blank=True)
    # The order's date_modified in the store when it was last read: a re-read that finds it unchanged does nothing.
    cart_date_modified = models.DateTimeField(null=True, blank=True)

    objects = SalesTransactionQuerySet.as_manager()

    class Meta:
        ordering = ["-transaction_date", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["company", "transaction_type", "number"], name="transaction_number_unique"),
            # A store's order is imported once per company, by whichever of its carts: a second import, even a
            # concurrent one or through a re-added cart, fails here.
            models.UniqueConstraint(fields=["company", "store_identity", "cart_order_id"],
                                    condition=Q(refund_key="") & ~Q(store_identity=""),
                                    name="transaction_store_order_imported_once"),
            # And each of its refunds becomes one credit note.
            models.UniqueConstraint(fields=["company", "store_identity", "cart_order_id", "refund_key"],
                                    condition=~Q(refund_key="") & ~Q(store_identity=""),
                                    name="credit_note_once_per_refund"),
            models.CheckConstraint(
                condition=Q(transaction_type=TransactionType.CREDIT_NOTE, credited_transaction__isnull=False)
                & ~Q(refund_key="") | ~Q(transaction_type=TransactionType.CREDIT_NOTE) & Q(refund_key=""),
                name="credit_notes_and_only_they_credit_a_refund"),
        ]
        indexes = [models.Index(fields=["company", "status", "-transaction_date"])]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("orders:detail", args=[self.pk])

    @property
    def balance_due(self) -> Decimal:
        return self.total - self.payments_total

    @property
    def type_label(self) -> str:
        """'Pending Cash Sale' and so on, as the merchant's guide names them."""
        return f"{self.get_status_display()} {self.get_transaction_type_display()}"

    @property
    def is_credit_note(self) -> bool:
        return self.transaction_type == TransactionType.CREDIT_NOTE


class Amounts(models.Model):
    """An amount excluding tax, its tax, and including tax, as the store reported them."""

    amount_ex_tax = money_field()
    tax = money_field()
    amount_inc_tax = money_field()

    class Meta:
        abstract = True


class TransactionLine(Amounts, CompanyOwned):
    """An item sold: the store's line with its quantity, price, discounts and tax."""

    transaction = models.ForeignKey(SalesTransaction, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="transaction_lines")
    sku = models.CharField("SKU", max_length=255)
    description = models.CharField(max_length=255)
    options = models.TextField(blank=True, help_text="The product options chosen, e.g. 'Size: M, Colour: Blue'.")
    quantity = models.PositiveIntegerField()
    # Units shipped by the shipments recorded for this line (orders.shipping); the rest is committed stock.
    quantity_shipped = models.PositiveIntegerField(default=0)
    unit_price = money_field(help_text="Including tax when the transaction's prices include tax.")
    discount = money_field(help_text="This line's share of the order's discounts (already in the discount lines).")
    cart_line_id = models.PositiveBigIntegerField(null=True, blank=True)
    cart_product_id = models.PositiveBigIntegerField(null=True, blank=True)
    cart_variant_id = models.PositiveBigIntegerField(null=True, blank=True)
    tax_rate = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True,
                                   help_text="A fraction (0.0825 for 8.25 %), when the store's figures give it exactly.")

    class Meta:
        ordering = ["transaction", "position"]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.sku}"


class TransactionPart(CompanyOwned):
    """A described part of a transaction beside its lines: a charge, a discount or a payment, in the store's order."""

    description = models.CharField(max_length=255)

    class Meta:
        abstract = True
        ordering = ["transaction", "pk"]

    def __str__(self) -> str:
        return self.description


class ChargeKind(models.TextChoices):
    SHIPPING = "shipping", "Shipping"
    HANDLING = "handling", "Handling"
    GIFT_WRAPPING = "gift_wrapping", "Gift wrapping"
    FEE = "fee", "Fee"


class TransactionCharge(TransactionPart, Amounts):
    """Shipping, handling, gift wrapping or a fee on the order."""

    transaction = models.ForeignKey(SalesTransaction, on_delete=models.CASCADE, related_name="charges")
    kind = models.CharField(max_length=20, choices=ChargeKind.choices)


class DiscountKind(models.TextChoices):
    COUPON = "coupon", "Coupon"
    PROMOTION = "promotion", "Promotion"
    MANUAL = "manual", "Manual discount"
    DISCOUNT = "discount", "Discount"


class TransactionDiscount(TransactionPart, Amounts):
    """A coupon, promotion or other discount, taken off the total (amounts are positive)."""

    kind = models.CharField(max_length=20, choices=DiscountKind.choices)
    transaction = models.ForeignKey(SalesTransaction, on_delete=models.CASCADE, related_name="discounts")
    code = models.CharField(max_length=100, blank=True, help_text="The coupon code, for coupons.")


class AdjustmentKind(models.TextChoices):
    ORDER_DIFFERENCE = "order_difference", "Difference to the store's total"
    ORDER_AMOUNT = "order_amount", "Order amount refunded"
    REFUND_ADJUSTMENT = "refund_adjustment", "Refund adjustment"


class TransactionAdjustment(TransactionPart, Amounts):
    """An amount on its own line so the parts add up to the store's figures (may be negative)."""

    kind = models.CharField(max_length=20, choices=AdjustmentKind.choices)
    transaction = models.ForeignKey(SalesTransaction, on_delete=models.CASCADE, related_name="adjustments")
    ledger_account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+", help_text="Where a posted difference goes.")


class PaymentKind(models.TextChoices):
    GIFT_CERTIFICATE = "gift_certificate", "Gift certificate"
    STORE_CREDIT = "store_credit", "Store credit"


class TransactionPayment(TransactionPart):
    """Part of the total already paid in the store with a gift certificate or store credit."""

    amount = money_field()
    kind = models.CharField(max_length=20, choices=PaymentKind.choices)
    transaction = models.ForeignKey(SalesTransaction, on_delete=models.CASCADE, related_name="payments")


class OrderRefusal(CompanyOwned):
    """A cart order that could not be imported, with the latest reason; gone once it imports.

    Kept so the cart page can reconcile the store's orders against what was imported or refused,
    and offer to retry each refused order once its cause is fixed.
    """

    cart = models.ForeignKey("carts.Cart", on_delete=models.CASCADE, related_name="order_refusals")
    cart_order_id = models.PositiveBigIntegerField()
    reason = models.TextField()
    # The order lines no item matched (MissingItem.to_json each), so their fix is offered without asking the store.
    missing_items = models.JSONField(default=list, blank=True)
    first_refused_at = models.DateTimeField(auto_now_add=True)
    last_refused_at = models.DateTimeField(auto_now=True)
    # Dismissed by the merchant (an order never to be imported): still refused, no longer needing attention.
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismissed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")

    class Meta:
        ordering = ["-last_refused_at"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "cart_order_id"], name="order_refusal_unique_per_cart_order"),
        ]

    def __str__(self) -> str:
        return f"Order {self.cart_order_id} of {self.cart}: {self.reason[:60]}"

    @property
    def lines_missing(self) -> list[MissingItem]:
        """The order lines no item matched, as the refusal recorded them."""
        return [MissingItem.from_json(data) for data in self.missing_items]

    @property
    def lines_to_create(self) -> list[MissingItem]:
        """Lines whose product the store no longer has: an item made from the line fixes them."""
        return [line for line in self.lines_missing if not line.importable_from_cart and line.sku]

    @property
    def lines_to_import(self) -> list[MissingItem]:
        """Lines whose product the store still has: importing it from the cart fixes them."""
        return [line for line in self.lines_missing if line.importable_from_cart]


class ShipmentState(models.TextChoices):
    """Where a shipment is between its record here and the store's."""

    RECORDED = "recorded", "Recorded, not sent yet"
    POSTING = "posting", "Being sent"
    UNCERTAIN = "uncertain", "Sent, answer lost: checked in the store before sending again"
    POSTED = "posted", "In the store"
    REFUSED = "refused", "Refused by the store"


class Shipment(CompanyOwned):
    """Units of a pending sale shipped to one of its order's shipping addresses, recorded before the store is asked.

    Its key is unique: whatever retries, the store gets one shipment per record (orders.shipping).
    """

    transaction = models.ForeignKey(SalesTransaction, on_delete=models.CASCADE, related_name="shipments")
    key = models.CharField(max_length=40)
    state = models.CharField(max_length=12, choices=ShipmentState.choices, default=ShipmentState.RECORDED)
    carrier = models.CharField(max_length=100)
    tracking_number = models.CharField(max_length=50)
    address_id = models.PositiveBigIntegerField(help_text="The store's order_address_id it ships to.")
    store_shipment_id = models.PositiveBigIntegerField(null=True, blank=True)
    note = models.TextField(blank=True, help_text="Why it was refused, or what the last attempt met.")
    user = models.ForeignKey("companies.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    attempted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["company", "key"], name="shipment_key_unique")]

    def __str__(self) -> str:
        return f"Shipment {self.key} of {self.transaction}"


class ShipmentLine(CompanyOwned):
    """How many units of one transaction line a shipment carries."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey(TransactionLine, on_delete=models.CASCADE, related_name="shipment_lines")
    quantity = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.quantity} × {self.line.sku}"
