"""A BigCommerce v2 order, fetched with its lines and fees, mapped to a StoreOrder; and its order-list row.

Fetched with GET /v2/orders?include=consignments.line_items,fees&consignment_structure=object
(orders.v2.oas2.yml: order_Resp, orderProducts, orderFees_Resp). Pure: no database.
"""
from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from carts.platforms.bigcommerce.constants import (
    CANCELLED_STATUS_ID,
    DECLINED_STATUS_ID,
    INCOMPLETE_STATUS_ID,
    STANDARD_ORDER_STATUSES,
)
from orders.mapping.charges import order_charges, shipping_consignments, store_charges
from orders.mapping.discounts import Figures, claim_candidates
from orders.mapping.errors import OrderMappingError, OrderShapeUnforeseen
from orders.mapping.fields import (
    as_object,
    flag,
    identifier,
    objects,
    optional_object,
    rfc2822_date,
    text,
    type_name,
    whole_number,
)
from orders.mapping.lines import line_amounts, order_lines, store_lines
from orders.mapping.money import ZERO, minor_unit, money, parse_decimal, to_minor_unit
from orders.mapping.refunds import credit_note_drafts
from orders.mapping.totals import StoreTotals, reconcile
from orders.mapping.types import (
    CustomerDetails,
    MappingOptions,
    OrderPayment,
    OrderSummary,
    PaymentDetails,
    PaymentKind,
    StoreOrder,
)

ADDRESS_FIELDS = ("first_name", "last_name", "company", "street_1", "street_2", "city", "state", "zip", "country",
                  "country_iso2", "phone", "email")
# Statuses whose orders are not sales to book (BigCommerce's standard order statuses).
NOT_SALES = {INCOMPLETE_STATUS_ID: "it was never completed in the store (Incomplete)",
             CANCELLED_STATUS_ID: "it was cancelled in the store", DECLINED_STATUS_ID: "its payment was declined in the store"}
# A programming slip on an unforeseen shape must still reach the merchant as a refusal, not a crash.
UNFORESEEN_SHAPE = (TypeError, KeyError, AttributeError, IndexError, ArithmeticError, InvalidOperation,
                    ValueError, RecursionError)


def map_order(
    payload: dict[str, Any],
    *,
    refunds: Sequence[dict[str, Any]] | None = None,
    coupons: Sequence[dict[str, Any]] | None = None,
    options: MappingOptions = MappingOptions(),
) -> StoreOrder:
    """The transaction an order becomes; raises OrderMappingError (or OrderTotalsMismatch) saying why not.

    `refunds` are v3 refund records (GET /v3/orders/payment_actions/refunds?order_id:in=…; records of
    other orders are ignored); `coupons` the order's GET /v2/orders/{id}/coupons answer.
    """
    try:
        return _map_order(payload, refunds=refunds, coupons=coupons, options=options)
    except OrderMappingError:
        raise
    except UNFORESEEN_SHAPE as error:
        raise OrderShapeUnforeseen(_unforeseen(payload, error)) from error


def order_summary(payload: dict[str, Any]) -> OrderSummary:
    """The order list's row for an order (fetched with or without its lines); absent fields show as blank."""
    payload = as_object(payload, what="the order")
    billing = payload.get("billing_address") if isinstance(payload.get("billing_address"), dict) else {}
    try:
        created_at: datetime.datetime | None = order_date(payload.get("date_created"))
    except OrderMappingError:
        created_at = None
    try:
        total = money(payload.get("total_inc_tax"), what="total_inc_tax")
    except OrderMappingError:
        total = ZERO
    status_id = _status_id(payload, default=-1)  # -1: absent or unreadable, shown as 0
    return OrderSummary(
        order_id=identifier(payload.get("id"), what="the order's id"),
        created_at=created_at,
        customer_name=_person_name(billing),
        customer_email=text(billing.get("email")).lower(),
        status_id=max(status_id, 0),
        status_label=_status_label(payload),
        item_count=_count(payload.get("items_total")),
        total=total,
        currency=_currency_code(payload) or "",
        not_a_sale_reason=NOT_SALES.get(status_id, ""),
    )


def order_date(value: object) -> datetime.datetime:
    """A v2 date (RFC-2822, always UTC in responses) as an aware datetime."""
    return rfc2822_date(value, what="date_created")


def _map_order(
    payload: dict[str, Any], *, refunds: Sequence[dict[str, Any]] | None,
    coupons: Sequence[dict[str, Any]] | None, options: MappingOptions,
) -> StoreOrder:
    payload = as_object(payload, what="the order")
    order_id = identifier(payload.get("id"), what="the order's id")
    currency = _currency_code(payload)
    if currency is None:
        raise OrderMappingError("its currency (default_currency_code) is missing or not a 3-letter currency code.")
    unit = minor_unit(currency)
    prices_include_tax = flag(payload.get("is_tax_inclusive_pricing"))
    lines = store_lines(payload)
    amounts = line_amounts(lines, prices_include_tax=prices_include_tax, unit=unit)
    charges = order_charges(store_charges(payload), prices_include_tax=prices_include_tax, unit=unit)
    totals = StoreTotals(
        total=to_minor_unit(money(payload.get("total_inc_tax"), what="total_inc_tax"), unit),
        tax=to_minor_unit(money(payload.get("total_tax"), what="total_tax"), unit),
        parts_inc=sum((inc for _, _, inc in amounts), ZERO) + sum((charge.amount_inc_tax for charge in charges), ZERO),
        parts_tax=sum((tax for _, tax, _ in amounts), ZERO) + sum((charge.tax for charge in charges), ZERO),
        currency=currency,
    )
    figures = Figures(
        discount_inc=totals.parts_inc - totals.total,
        removed_tax=totals.parts_tax - totals.tax,
        line_rates=tuple(tax / ex if ex > 0 else ZERO for ex, tax, _ in amounts),
        unit=unit,
    )
    reconciled = reconcile(claim_candidates(payload, lines, coupons), figures, totals, lines=lines,
                           prices_include_tax=prices_include_tax, options=options)
    booking = reconciled.booking
    status_id = _status_id(payload, default=None)
    store_currency, exchange_rate = _exchange(payload, currency)
    order = StoreOrder(
        order_id=order_id,
        status_id=status_id,
        status_label=_status_label(payload),
        created_at=order_date(payload.get("date_created")),
        currency=currency,
        prices_include_tax=prices_include_tax,
        customer=_customer(payload),
        customer_message=text(payload.get("customer_message")),
        shipping_addresses=tuple(_shipping_addresses(payload)),
        lines=order_lines(lines, amounts, prices_include_tax=prices_include_tax, unit=unit,
                          discounts_inc_tax=booking.line_shares_inc, discounts_tax=booking.line_shares_tax),
        charges=charges,
        discounts=booking.discounts,
        payments=tuple(_payments(payload, unit)),
        tax_total=totals.tax,
        total=totals.total,
        date_modified=_date_modified(payload),
        store_currency=store_currency,
        exchange_rate=exchange_rate,
        payment=_payment(payload),
        refunded_amount=to_minor_unit(money(payload.get("refunded_amount") or "0", what="refunded_amount"), unit),
        adjustment=reconciled.adjustment,
        not_a_sale_reason=NOT_SALES.get(status_id, ""),
    )
    return dataclasses.replace(order, credit_notes=credit_note_drafts(order, payload=payload, refunds=refunds))


def _currency_code(payload: dict[str, Any]) -> str | None:
    # default_currency_code is the transactional currency the shopper paid in (order_RespOnly);
    # currency_code is only the display currency.
    code = text(payload.get("default_currency_code")) or text(payload.get("currency_code"))
    return code.upper() if len(code) == 3 and code.isascii() and code.isalpha() else None


def _exchange(payload: dict[str, Any], currency: str) -> tuple[str | None, Decimal | None]:
    """The store's default currency and its rate to the order's, when the shopper paid in another one."""
    store_currency = text(payload.get("store_default_currency_code")).upper()
    if not store_currency or store_currency == currency:
        return None, None
    rate = parse_decimal(payload.get("store_default_to_transactional_exchange_rate"),
                         what="store_default_to_transactional_exchange_rate")
    if not rate:
        raise OrderMappingError("its exchange rate to the store's currency "
                                "(store_default_to_transactional_exchange_rate) is zero.")
    return store_currency, rate


def _status_id(payload: dict[str, Any], *, default: int | None) -> int:
    value = payload.get("status_id")
    if value is None and default is not None:
        return default
    try:
        return whole_number(value, what="its status_id", maximum=1000)
    except OrderMappingError:
        if default is None:
            raise
        return default


def _status_label(payload: dict[str, Any]) -> str:
    label = text(payload.get("custom_status")) or text(payload.get("status"))
    if label:
        return label
    status_id = payload.get("status_id")
    return STANDARD_ORDER_STATUSES.get(status_id, "") if isinstance(status_id, int) else ""


def _count(value: object) -> int:
    try:
        return whole_number(value, what="items_total")
    except OrderMappingError:
        return 0


def _date_modified(payload: dict[str, Any]) -> datetime.datetime | None:
    value = payload.get("date_modified")
    return None if value in (None, "") else rfc2822_date(value, what="date_modified")


def _person_name(address: dict[str, Any]) -> str:
    name = " ".join(part for part in (text(address.get("first_name")), text(address.get("last_name"))) if part)
    return name or text(address.get("company")) or text(address.get("email"))


def _address(source: dict[str, Any]) -> dict[str, str]:
    return {name: text(source.get(name)) for name in ADDRESS_FIELDS}


def _customer(payload: dict[str, Any]) -> CustomerDetails:
    billing = optional_object(payload.get("billing_address"), what="its billing address")
    return CustomerDetails(
        email=text(billing.get("email")).lower(),
        name=_person_name(billing),
        company_name=text(billing.get("company")),
        phone=text(billing.get("phone")),
        cart_customer_id=whole_number(payload.get("customer_id") or 0, what="its customer_id", maximum=2**63 - 1),
        billing_address=_address(billing),
        form_fields=_form_fields(billing.get("form_fields")),
    )


def _form_fields(value: object) -> dict[str, str]:
    """Checkout form fields (formFields): label → value; a list value (checkboxes) joined with commas."""
    fields: dict[str, str] = {}
    for entry in objects(value, what="its billing form_fields"):
        label = text(entry.get("name"))
        raw = entry.get("value")
        shown = ", ".join(text(item) for item in raw if text(item)) if isinstance(raw, list) else text(raw)
        if label:
            fields[label] = shown
    return fields


def _payment(payload: dict[str, Any]) -> PaymentDetails:
    return PaymentDetails(
        method=text(payload.get("payment_method")),
        transaction_id=text(payload.get("payment_provider_id")),
        status=text(payload.get("payment_status")),
        card_type=text(payload.get("credit_card_type")),
    )


def _shipping_addresses(payload: dict[str, Any]) -> list[dict[str, str]]:
    addresses = []
    for consignment in shipping_consignments(payload):
        address = _address(consignment)
        address["shipping_method"] = text(consignment.get("shipping_method"))
        addresses.append(address)
    return addresses


def _payments(payload: dict[str, Any], unit: Decimal) -> list[OrderPayment]:
    found = []
    for kind, field_name, description in (
        (PaymentKind.GIFT_CERTIFICATE, "gift_certificate_amount", "Gift certificate"),
        (PaymentKind.STORE_CREDIT, "store_credit_amount", "Store credit"),
    ):
        amount = to_minor_unit(money(payload.get(field_name) or "0", what=field_name), unit)
        if amount:
            found.append(OrderPayment(kind, description, amount))
    return found


def _unforeseen(payload: object, error: Exception) -> str:
    order_id = payload.get("id") if isinstance(payload, dict) else None
    return (f"the store's answer for order {text(order_id) or '?'} is not shaped as BigCommerce documents it "
            f"({type(error).__name__} reading it; the order is {type_name(payload)}). Nothing of it was imported; "
            "fetch it again, and if it keeps failing send the order number to your store's developer.")
