"""What a store order becomes, in terms any cart platform can produce: no platform field names here.

Money on these types is in the currency's minor unit (JPY 0 places, USD 2, KWD 3) except unit and
base prices, which keep the store's 4 decimals. Within an order the parts add up exactly:
Σ lines inc + Σ charges inc − Σ discounts inc + adjustment inc = total, and
Σ line tax + Σ charge tax − Σ discount tax + adjustment tax = tax_total.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

ZERO = Decimal("0")


class ChargeKind(StrEnum):
    SHIPPING = "shipping"
    HANDLING = "handling"
    GIFT_WRAPPING = "gift_wrapping"
    FEE = "fee"


class DiscountKind(StrEnum):
    COUPON = "coupon"  # a code the shopper entered
    PROMOTION = "promotion"  # applied automatically by the store's rules
    MANUAL = "manual"  # typed in by staff on the order
    DISCOUNT = "discount"  # an order-level amount the store does not attribute to a coupon or promotion


class PaymentKind(StrEnum):
    GIFT_CERTIFICATE = "gift_certificate"
    STORE_CREDIT = "store_credit"


class AdjustmentKind(StrEnum):
    ORDER_DIFFERENCE = "order_difference"  # the store's total less what its parts explain, posted by opt-in
    ORDER_AMOUNT = "order_amount"  # an amount refunded on the order as a whole, not for a line or charge
    REFUND_ADJUSTMENT = "refund_adjustment"  # the part of a refund its lines and charges do not explain


@dataclass(frozen=True)
class MappingOptions:
    """Per-cart choices that change how an order is mapped."""

    # Post a difference between the store's total (or tax) and the order's parts up to this amount as an
    # explicit adjustment instead of refusing the order; None refuses every difference.
    post_differences_up_to: Decimal | None = None


@dataclass(frozen=True)
class OrderedProduct:
    """What an order line is for, as the store names it (a product deleted from the store since has no ids)."""

    product_id: int | None
    variant_id: int | None
    sku: str
    name: str
    options: str


@dataclass(frozen=True)
class OrderLine(OrderedProduct):
    """An order product as booked: its figures in the currency's minor unit, with its share of the discounts."""

    cart_line_id: int
    quantity: int
    unit_price: Decimal  # including tax when the order's prices include tax; the store's 4 decimals
    base_price: Decimal  # the catalog price as the store enters it, for an item created from the line
    discount: Decimal  # this line's share of the order's discounts, tax included (already in the discount lines)
    amount_ex_tax: Decimal  # before discounts, as the discount lines are separate
    tax: Decimal
    amount_inc_tax: Decimal
    discount_tax: Decimal = ZERO  # the tax part of `discount`
    tax_rate: Decimal | None = None  # a fraction (0.0825 for 8.25 %), when the store's figures give it exactly
    is_digital: bool = False
    quantity_refunded: int = 0
    is_refunded: bool = False

    @property
    def paid_inc_tax(self) -> Decimal:
        """What the shopper paid for the line after discounts, tax included."""
        return self.amount_inc_tax - self.discount

    @property
    def paid_tax(self) -> Decimal:
        return self.tax - self.discount_tax


@dataclass(frozen=True)
class OrderCharge:
    """Shipping, handling, gift wrapping or another charge the store added to the order (minor units)."""

    kind: str
    description: str
    amount_ex_tax: Decimal
    tax: Decimal
    amount_inc_tax: Decimal
    cart_reference_id: int | None = None  # the shipment address a shipping or handling charge belongs to


@dataclass(frozen=True)
class OrderDiscount:
    """A coupon, promotion or manual discount taken off the order, as a positive amount (minor units)."""

    kind: str
    description: str
    amount_ex_tax: Decimal
    tax: Decimal
    amount_inc_tax: Decimal
    code: str = ""  # the coupon code, for coupons
    reported_amount: Decimal = ZERO  # the amount the store reports for it (ex tax when taken off before tax)


@dataclass(frozen=True)
class OrderPayment:
    """What the shopper already paid towards the order (a gift certificate or store credit) by `kind`."""

    kind: str
    description: str
    amount: Decimal


@dataclass(frozen=True)
class OrderAdjustment:
    """An amount shown on its own line so the parts add up to the store's figures, never hidden in another."""

    kind: str
    description: str
    amount_ex_tax: Decimal
    tax: Decimal
    amount_inc_tax: Decimal


@dataclass(frozen=True)
class PaymentDetails:
    """How the shopper paid; empty strings when the store does not say."""

    method: str  # as the store names it, e.g. "Credit Card", "Test Payment Gateway", "Cash"
    transaction_id: str  # the payment provider's (gateway's) id for the payment
    status: str  # e.g. "captured", "authorized", "refunded"
    card_type: str = ""


@dataclass(frozen=True)
class CustomerDetails:
    """Who placed the order, from its billing address; email is '' when the order has none."""

    email: str
    name: str  # the billing name, kept on the transaction even when a customer record is matched by e-mail
    company_name: str
    phone: str
    cart_customer_id: int  # the store's customer id; 0 for a guest checkout
    billing_address: dict[str, str]
    form_fields: dict[str, str] = field(default_factory=dict)  # label → value, e.g. {"VAT number": "GB123"}

    @property
    def is_guest(self) -> bool:
        return self.cart_customer_id == 0


@dataclass(frozen=True)
class CreditNoteLine:
    """A refunded order line: the quantity given back and what was refunded for it (minor units)."""

    cart_line_id: int
    sku: str
    name: str
    quantity: int
    amount_ex_tax: Decimal
    tax: Decimal
    amount_inc_tax: Decimal


@dataclass(frozen=True)
class CreditNoteDraft:
    """One refund, ready to become a credit note; `key` is stable so each is created exactly once."""

    key: str
    order_id: int
    refund_id: int | None
    created_at: datetime.datetime | None
    reason: str
    lines: tuple[CreditNoteLine, ...]
    charges: tuple[OrderCharge, ...]
    adjustments: tuple[OrderAdjustment, ...]
    tax_total: Decimal
    total: Decimal


@dataclass(frozen=True)
class StoreOrder:
    """One order, ready to be written as a transaction."""

    order_id: int
    status_id: int
    status_label: str
    created_at: datetime.datetime
    currency: str
    prices_include_tax: bool
    customer: CustomerDetails
    customer_message: str
    shipping_addresses: tuple[dict[str, str], ...]
    lines: tuple[OrderLine, ...]
    charges: tuple[OrderCharge, ...]
    discounts: tuple[OrderDiscount, ...]
    payments: tuple[OrderPayment, ...]
    tax_total: Decimal
    total: Decimal
    date_modified: datetime.datetime | None = None
    # The store's default currency and its rate to this order's currency; None when they are the same.
    store_currency: str | None = None
    exchange_rate: Decimal | None = None
    payment: PaymentDetails = PaymentDetails("", "", "")
    refunded_amount: Decimal = ZERO
    adjustment: OrderAdjustment | None = None
    credit_notes: tuple[CreditNoteDraft, ...] = ()
    # Why the order is not a sale to book (cancelled, declined, never completed); '' when it is one.
    not_a_sale_reason: str = ""

    @property
    def subtotal(self) -> Decimal:
        return sum((line.amount_inc_tax for line in self.lines), ZERO)

    @property
    def charges_total(self) -> Decimal:
        return sum((charge.amount_inc_tax for charge in self.charges), ZERO)

    @property
    def discounts_total(self) -> Decimal:
        return sum((discount.amount_inc_tax for discount in self.discounts), ZERO)

    @property
    def adjustment_total(self) -> Decimal:
        return self.adjustment.amount_inc_tax if self.adjustment else ZERO

    @property
    def payments_total(self) -> Decimal:
        return sum((payment.amount for payment in self.payments), ZERO)

    @property
    def is_guest(self) -> bool:
        return self.customer.is_guest

    @property
    def skus(self) -> list[str]:
        return sorted({line.sku for line in self.lines if line.sku})


@dataclass(frozen=True)
class OrderSummary:
    """One row of the cart's order list."""

    order_id: int
    created_at: datetime.datetime | None
    customer_name: str
    customer_email: str
    status_id: int
    status_label: str
    item_count: int
    total: Decimal
    currency: str
    not_a_sale_reason: str = ""  # why it is listed but never imported (cancelled, declined, never completed)
