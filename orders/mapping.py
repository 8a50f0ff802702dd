"""A BigCommerce v2 order, fetched with its lines, mapped to what a pending transaction records.

Pure functions, no database. Money is read as the store reports it (amounts, never recomputed from
rates) and the mapping refuses an order whose parts do not add up to its total_inc_tax to the cent.

The identity, from the field descriptions in orders.v2.oas2.yml: total_inc_tax is what the shopper
owes, = Σ line total_inc_tax + shipping, handling and wrapping cost_inc_tax + Σ fee cost_inc_tax
− coupon_discount − discount_amount. Gift certificates and store credit pay part of that total, so
they are payments, not discounts.
"""
from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from email.utils import parsedate_to_datetime
from typing import Any

from orders.models import ChargeKind, DiscountKind, PaymentKind

CENT = Decimal("0.01")
FOUR_PLACES = Decimal("0.0001")
ZERO = Decimal("0.0000")
GUEST_CUSTOMER_ID = 0
# Where include=consignments.line_items puts an order's lines (orderConsignment_Get).
CONSIGNMENT_GROUPS = ("pickups", "shipping", "downloads")
ADDRESS_FIELDS = ("first_name", "last_name", "company", "street_1", "street_2", "city", "state", "zip", "country",
                  "country_iso2", "phone", "email")


class OrderMappingError(ValueError):
    """An order that cannot become a transaction; the message says why, for the merchant."""


class OrderTotalsMismatch(OrderMappingError):
    """The order's parts do not add up to its total; `difference` is ours minus the store's."""

    def __init__(self, message: str, *, difference: Decimal) -> None:
        super().__init__(message)
        self.difference = difference


@dataclass(frozen=True)
class OrderLine:
    cart_line_id: int
    product_id: int | None
    variant_id: int | None
    sku: str
    name: str
    options: str
    quantity: int
    unit_price: Decimal  # including tax when the order's prices include tax
    base_price: Decimal  # the catalog price as the store enters it, for an item created from the line
    discount: Decimal  # this line's share of the order's discounts, for information
    amount_ex_tax: Decimal
    tax: Decimal
    amount_inc_tax: Decimal


@dataclass(frozen=True)
class OrderCharge:
    kind: str
    description: str
    amount_ex_tax: Decimal
    tax: Decimal
    amount_inc_tax: Decimal


@dataclass(frozen=True)
class OrderDiscount:
    kind: str
    description: str
    amount_ex_tax: Decimal
    tax: Decimal
    amount_inc_tax: Decimal


@dataclass(frozen=True)
class OrderPayment:
    kind: str
    description: str
    amount: Decimal


@dataclass(frozen=True)
class CustomerDetails:
    """Who placed the order, from its billing address; email is '' when the order has none."""

    email: str
    name: str
    company_name: str
    phone: str
    cart_customer_id: int
    billing_address: dict[str, str]

    @property
    def is_guest(self) -> bool:
        return self.cart_customer_id == GUEST_CUSTOMER_ID


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
    def payments_total(self) -> Decimal:
        return sum((payment.amount for payment in self.payments), ZERO)

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


def money(value: object, *, what: str) -> Decimal:
    """An amount from the API (a string with 4 decimals in v2, a number in consignments) as a Decimal."""
    if isinstance(value, bool) or value is None or value == "":
        raise OrderMappingError(f"{what} is missing or not an amount ({value!r}).")
    try:
        # str() first: a JSON number like 26.4 must become Decimal("26.4"), not its binary expansion.
        amount = Decimal(str(value))
    except InvalidOperation:
        raise OrderMappingError(f"{what} is not an amount ({value!r}).") from None
    if not amount.is_finite():
        raise OrderMappingError(f"{what} is not an amount ({value!r}).")
    return amount.quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)


def to_cents(amount: Decimal) -> Decimal:
    """Rounded to the cent, half up, for comparing totals."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def order_date(text: object) -> datetime.datetime:
    """A v2 date (RFC-2822, always UTC in responses) as an aware datetime."""
    try:
        moment = parsedate_to_datetime(str(text))
    except (TypeError, ValueError, IndexError):
        raise OrderMappingError(f"its date_created {text!r} is not an RFC-2822 date.") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def order_summary(payload: dict[str, Any]) -> OrderSummary:
    """The order list's row for an order (fetched with or without its lines)."""
    billing = payload.get("billing_address") or {}
    try:
        created_at: datetime.datetime | None = order_date(payload.get("date_created"))
    except OrderMappingError:
        created_at = None
    try:
        total = money(payload.get("total_inc_tax"), what="total_inc_tax")
    except OrderMappingError:
        total = ZERO
    return OrderSummary(
        order_id=int(payload["id"]),
        created_at=created_at,
        customer_name=_person_name(billing),
        customer_email=str(billing.get("email") or "").strip().lower(),
        status_id=int(payload.get("status_id") or 0),
        status_label=_status_label(payload),
        item_count=int(payload.get("items_total") or 0),
        total=total,
        currency=_currency(payload),
    )


def map_order(payload: dict[str, Any]) -> StoreOrder:
    """The transaction an order becomes; raises OrderMappingError (or OrderTotalsMismatch) saying why not."""
    prices_include_tax = bool(payload.get("is_tax_inclusive_pricing"))
    store_lines = _consignment_lines(payload)
    lines = tuple(_line(line, prices_include_tax) for line in store_lines)
    if not lines:
        raise OrderMappingError("the order has no lines.")
    charges = tuple(_charges(payload))
    tax_total = money(payload.get("total_tax"), what="total_tax")
    order = StoreOrder(
        order_id=int(payload["id"]),
        status_id=int(payload.get("status_id") or 0),
        status_label=_status_label(payload),
        created_at=order_date(payload.get("date_created")),
        currency=_currency(payload),
        prices_include_tax=prices_include_tax,
        customer=_customer(payload),
        customer_message=str(payload.get("customer_message") or ""),
        shipping_addresses=tuple(_shipping_addresses(payload)),
        lines=lines,
        charges=charges,
        discounts=tuple(_discounts(payload, store_lines, lines, charges, tax_total)),
        payments=tuple(_payments(payload)),
        tax_total=tax_total,
        total=money(payload.get("total_inc_tax"), what="total_inc_tax"),
    )
    _check_total(order)
    return order


def _check_total(order: StoreOrder) -> None:
    ours = order.subtotal + order.charges_total - order.discounts_total
    difference = to_cents(ours) - to_cents(order.total)
    if difference:
        raise OrderTotalsMismatch(
            f"its lines, charges and discounts add up to {to_cents(ours)} {order.currency} but the store's total "
            f"is {to_cents(order.total)} {order.currency} (a difference of {difference:+}). It was not imported, "
            "so your books do not get a wrong amount: check the order in BigCommerce for a charge or discount of "
            "that amount, and tell support@salesorder.com the order number.",
            difference=difference,
        )


def _currency(payload: dict[str, Any]) -> str:
    # default_currency_code is the transactional currency the shopper paid in (order_RespOnly);
    # currency_code is only the display currency.
    return str(payload.get("default_currency_code") or payload.get("currency_code") or "").upper()[:3]


def _status_label(payload: dict[str, Any]) -> str:
    return str(payload.get("custom_status") or payload.get("status") or "")


def _person_name(address: dict[str, Any]) -> str:
    name = " ".join(str(address.get(part) or "").strip() for part in ("first_name", "last_name")).strip()
    return name or str(address.get("company") or "").strip() or str(address.get("email") or "").strip()


def _address(source: dict[str, Any]) -> dict[str, str]:
    return {name: str(source.get(name) or "").strip() for name in ADDRESS_FIELDS}


def _customer(payload: dict[str, Any]) -> CustomerDetails:
    billing = payload.get("billing_address") or {}
    if not isinstance(billing, dict):
        raise OrderMappingError("its billing address is not an object.")
    return CustomerDetails(
        email=str(billing.get("email") or "").strip().lower(),
        name=_person_name(billing),
        company_name=str(billing.get("company") or "").strip(),
        phone=str(billing.get("phone") or "").strip(),
        cart_customer_id=int(payload.get("customer_id") or 0),
        billing_address=_address(billing),
    )


def _consignment_groups(payload: dict[str, Any]) -> Iterable[dict[str, Any]]:
    consignments = payload.get("consignments")
    if not isinstance(consignments, dict) or not any(group in consignments for group in (*CONSIGNMENT_GROUPS, "email")):
        raise OrderMappingError(
            "the store's answer did not include its lines (it must be fetched with include=consignments.line_items)."
        )
    for group in CONSIGNMENT_GROUPS:
        yield from (consignment for consignment in consignments.get(group) or [] if isinstance(consignment, dict))
    email = consignments.get("email") or {}
    yield from (consignment for consignment in email.get("gift_certificates") or [] if isinstance(consignment, dict))


def _consignment_lines(payload: dict[str, Any]) -> list[dict[str, Any]]:
    lines: dict[int, dict[str, Any]] = {}
    for consignment in _consignment_groups(payload):
        items = consignment.get("line_items") or []
        for line in items if isinstance(items, list) else [items]:
            if not isinstance(line, dict) or "id" not in line or "quantity" not in line:
                raise OrderMappingError("the store sent links instead of its lines (include=consignments.line_items).")
            lines.setdefault(int(line["id"]), line)
    return [lines[line_id] for line_id in sorted(lines)]


def _optional_id(value: object) -> int | None:
    try:
        return int(value) or None
    except (TypeError, ValueError):
        return None


def _options_text(line: dict[str, Any]) -> str:
    options = line.get("product_options") or []
    parts = []
    for option in options if isinstance(options, list) else []:
        name = option.get("display_name_merchant") or option.get("display_name") or option.get("name") or ""
        value = option.get("display_value_merchant") or option.get("display_value") or option.get("value") or ""
        parts.append(f"{name}: {value}" if name else str(value))
    return ", ".join(part for part in parts if part)


def _line(line: dict[str, Any], prices_include_tax: bool) -> OrderLine:
    line_id = int(line["id"])
    what = f"line {line_id}"
    try:
        quantity = int(line["quantity"])
    except (TypeError, ValueError):
        raise OrderMappingError(f"{what} has no whole quantity ({line.get('quantity')!r}).") from None
    sku = str(line.get("sku") or "").strip()  # may be empty: the product link can still match an item
    name = str(line.get("name_merchant") or line.get("name") or "").strip()
    discounts = line.get("applied_discounts") or []
    return OrderLine(
        cart_line_id=line_id,
        product_id=_optional_id(line.get("product_id")),
        variant_id=_optional_id(line.get("variant_id")),
        sku=sku,
        name=name or sku or f"Product {line.get('product_id')}",
        options=_options_text(line),
        quantity=quantity,
        unit_price=money(line.get("price_inc_tax" if prices_include_tax else "price_ex_tax"), what=f"{what} price"),
        base_price=money(line.get("base_price") or "0", what=f"{what} base_price"),
        discount=sum((money(discount.get("amount"), what=f"{what} discount") for discount in discounts), ZERO),
        amount_ex_tax=money(line.get("total_ex_tax"), what=f"{what} total_ex_tax"),
        tax=money(line.get("total_tax"), what=f"{what} total_tax"),
        amount_inc_tax=money(line.get("total_inc_tax"), what=f"{what} total_inc_tax"),
    )


def _shipping_methods(payload: dict[str, Any]) -> str:
    shipping = (payload.get("consignments") or {}).get("shipping") or []
    methods = [str(consignment.get("shipping_method") or "").strip() for consignment in shipping]
    return ", ".join(dict.fromkeys(method for method in methods if method))


def _shipping_addresses(payload: dict[str, Any]) -> Iterable[dict[str, str]]:
    for consignment in (payload.get("consignments") or {}).get("shipping") or []:
        address = _address(consignment)
        address["shipping_method"] = str(consignment.get("shipping_method") or "").strip()
        yield address


def _order_charge(payload: dict[str, Any], kind: str, prefix: str, description: str) -> OrderCharge | None:
    amount_inc_tax = money(payload.get(f"{prefix}_inc_tax"), what=f"{prefix}_inc_tax")
    amount_ex_tax = money(payload.get(f"{prefix}_ex_tax"), what=f"{prefix}_ex_tax")
    if not amount_inc_tax and not amount_ex_tax:
        return None
    tax = money(payload.get(f"{prefix}_tax", amount_inc_tax - amount_ex_tax), what=f"{prefix}_tax")
    return OrderCharge(kind, description, amount_ex_tax, tax, amount_inc_tax)


def _charges(payload: dict[str, Any]) -> Iterable[OrderCharge]:
    methods = _shipping_methods(payload)
    candidates = (
        _order_charge(payload, ChargeKind.SHIPPING, "shipping_cost", f"Shipping: {methods}" if methods else "Shipping"),
        _order_charge(payload, ChargeKind.HANDLING, "handling_cost", "Handling"),
        _order_charge(payload, ChargeKind.GIFT_WRAPPING, "wrapping_cost", "Gift wrapping"),
    )
    yield from (charge for charge in candidates if charge is not None)
    fees = payload.get("fees")
    for fee in fees if isinstance(fees, list) else []:
        name = str(fee.get("display_name_merchant") or fee.get("display_name_customer") or "Fee")
        # The spec's own example spells it cost_exc_tax once; accept both.
        ex_tax = money(fee.get("cost_ex_tax", fee.get("cost_exc_tax")), what=f"fee {name} cost_ex_tax")
        inc_tax = money(fee.get("cost_inc_tax"), what=f"fee {name} cost_inc_tax")
        tax = money(fee.get("cost_tax", inc_tax - ex_tax), what=f"fee {name} cost_tax")
        yield OrderCharge(ChargeKind.FEE, name, ex_tax, tax, inc_tax)


def _applied_discount_labels(store_lines: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """(coupon codes, names of the other discounts) from the lines' applied_discounts."""
    codes: dict[str, None] = {}
    names: dict[str, None] = {}
    for store_line in store_lines:
        for discount in store_line.get("applied_discounts") or []:
            code = str(discount.get("code") or "").strip()
            if code:
                codes[code] = None
            elif discount.get("name"):
                names[str(discount["name"]).strip()] = None
    return list(codes), list(names)


def _discounts(
    payload: dict[str, Any],
    store_lines: list[dict[str, Any]],
    lines: tuple[OrderLine, ...],
    charges: tuple[OrderCharge, ...],
    tax_total: Decimal,
) -> Iterable[OrderDiscount]:
    coupon = money(payload.get("coupon_discount") or "0", what="coupon_discount")
    other = money(payload.get("discount_amount") or "0", what="discount_amount")
    codes, names = _applied_discount_labels(store_lines)
    found = [
        (DiscountKind.COUPON, f"Coupon {', '.join(codes)}" if codes else "Coupon", coupon),
        (DiscountKind.DISCOUNT, "; ".join(names) if names else "Discount", other),
    ]
    found = [entry for entry in found if entry[2]]
    # The tax the discounts took off is what the lines and charges carry beyond the order's total tax,
    # shared between the discounts in proportion to their amounts.
    removed_tax = sum((line.tax for line in lines), ZERO) + sum((charge.tax for charge in charges), ZERO) - tax_total
    shares = allocate(removed_tax, [amount for _, _, amount in found])
    for (kind, description, amount), tax in zip(found, shares):
        yield OrderDiscount(kind, description, amount - tax, tax, amount)


def allocate(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Split `total` in proportion to `weights` to 4 places, the last share taking the remainder."""
    if not weights:
        return []
    weight_sum = sum(weights, ZERO)
    if not weight_sum:
        return [ZERO] * (len(weights) - 1) + [total]
    shares = [(total * weight / weight_sum).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP) for weight in weights[:-1]]
    return shares + [total - sum(shares, ZERO)]


def _payments(payload: dict[str, Any]) -> Iterable[OrderPayment]:
    for kind, field_name, description in (
        (PaymentKind.GIFT_CERTIFICATE, "gift_certificate_amount", "Gift certificate"),
        (PaymentKind.STORE_CREDIT, "store_credit_amount", "Store credit"),
    ):
        amount = money(payload.get(field_name) or "0", what=field_name)
        if amount:
            yield OrderPayment(kind, description, amount)
