"""What an order is rebuilt from (`OrderSpec`), what it renders to (`RenderedOrder`), and the store's pricing set-ups."""

import uuid
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from sandbox import statuses
from sandbox.seeded import record_random

FLAT_RATE_SHIPPING_CENTS = 1000
GIFT_WRAP_CENTS = 250

# The store's pricing set-ups: how prices are entered, and so how coupons and promotions affect tax.
EXCLUSIVE, INCLUSIVE, SWITCHED = "exclusive", "inclusive", "switched"
PRICING_SETUPS = (EXCLUSIVE, INCLUSIVE, SWITCHED)
# The tax an order placed today pays: a US store adds sales tax; a store entering prices with tax includes VAT.
STORE_TAX = {EXCLUSIVE: (Decimal("0.0825"), False), INCLUSIVE: (Decimal("0.20"), True), SWITCHED: (Decimal("0.20"), True)}


@dataclass(frozen=True, slots=True)
class Currency:
    """A transactional currency and its rate from the store's default (USD)."""

    code: str
    id: int
    rate: Decimal


STORE_CURRENCY = Currency("USD", 1, Decimal(1))
CURRENCIES = {currency.code: currency for currency in (
    STORE_CURRENCY, Currency("EUR", 2, Decimal("0.92")), Currency("GBP", 3, Decimal("0.79")), Currency("CAD", 4, Decimal("1.36")))}

# What the order's payment status is, from the status it was created in (captured for every other status).
_PAYMENT_STATUS = {
    statuses.INCOMPLETE: "", statuses.PENDING: "pending", statuses.AWAITING_PAYMENT: "pending",
    statuses.DECLINED: "declined", statuses.CANCELLED: "void", statuses.REFUNDED: "captured",
    statuses.PARTIALLY_REFUNDED: "captured", statuses.MANUAL_VERIFICATION_REQUIRED: "held for review",
}
UNPAID_PAYMENT_STATUSES = frozenset({"", "pending", "declined", "void"})


@dataclass(frozen=True, slots=True)
class Person:
    """A shopper: a registered customer or a guest."""

    first_name: str
    last_name: str
    email: str
    phone: str
    address_index: int


@dataclass(frozen=True, slots=True)
class Coupon:
    """A coupon code used on an order: type 1 takes `value` percent off, type 2 takes `value` off the total."""

    coupon_id: int
    code: str
    type: int
    value: Decimal


COUPONS = (Coupon(1, "SAVE10", 1, Decimal(10)), Coupon(2, "WELCOME5", 2, Decimal(5)), Coupon(3, "S2549JM0Y", 1, Decimal(15)))
COUPONS_BY_CODE = {coupon.code: coupon for coupon in COUPONS}


@dataclass(frozen=True, slots=True)
class LineSpec:
    """One order line as chosen by the shopper."""

    product_id: int
    variant_id: int
    quantity: int
    gift_wrapped: bool = False


@dataclass(frozen=True, slots=True)
class OrderSpec:
    """Everything an order is rebuilt from, apart from the mutable index fields (status, dates, archived)."""

    id: int
    customer_id: int
    person: Person
    lines: tuple[LineSpec, ...]
    original_status: int  # money fields (refunds, payments) follow the status the order was created in
    tax_rate: Decimal = STORE_TAX[EXCLUSIVE][0]
    tax_inclusive: bool = False
    currency_code: str = "USD"
    shipping_cents: int = FLAT_RATE_SHIPPING_CENTS
    handling_cents: int = 0
    coupons: tuple[Coupon, ...] = ()
    automatic_discount_percent: int = 0
    manual_discount_cents: int = 0
    gift_certificate_cents: int = 0
    store_credit_cents: int = 0
    shipping_address_count: int = 1
    payment_method: str = "Test Payment Gateway"
    payment_provider_id: str = ""  # the gateway's transaction id of a paid order
    billing_company: str = ""
    billing_form_fields: tuple[tuple[str, str], ...] = field(default=())
    order_source: str = "www"
    customer_message: str = ""
    staff_notes: str = ""

    @property
    def payment_status(self) -> str:
        """The payment status the order was created with."""
        return _PAYMENT_STATUS.get(self.original_status, "captured")

    @property
    def cart_id(self) -> str:
        """The storefront cart the order was checked out from."""
        return str(uuid.UUID(int=record_random(self.id, "cart", self.id).getrandbits(128), version=4))

    def to_json(self) -> dict[str, object]:
        """A JSON-safe dict for the state file."""
        data = asdict(self)
        data["tax_rate"] = str(self.tax_rate)
        data["coupons"] = [coupon.code for coupon in self.coupons]
        return data

    @classmethod
    def from_json(cls, data: dict) -> "OrderSpec":
        """The inverse of to_json."""
        return cls(**{
            **data,
            "person": Person(**data["person"]),
            "lines": tuple(LineSpec(**line) for line in data["lines"]),
            "tax_rate": Decimal(data["tax_rate"]),
            "coupons": tuple(COUPONS_BY_CODE[code] for code in data.get("coupons", ())),
            "billing_form_fields": tuple(tuple(pair) for pair in data.get("billing_form_fields", ())),
        })


@dataclass(frozen=True, slots=True)
class RenderedOrder:
    """An order in the v2 API's shapes, without the URLs (the API layer adds those)."""

    order: dict
    lines: list[dict]
    shipping_addresses: list[dict]
    coupons: list[dict]
    # Each line's tax after its discounts, by line id: not a v2 field, but what a refund of the line gives back.
    line_taxes: dict[int, Decimal] = field(default_factory=dict)
