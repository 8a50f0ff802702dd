"""A BigCommerce v2 order's lines: read from its consignments, rounded to the minor unit, with their tax rates.

Lines come with the order when it is fetched with include=consignments.line_items (orderConsignment_Get);
each is an order product (orderProducts in orders.v2.oas2.yml).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from orders.mapping.errors import OrderMappingError
from orders.mapping.fields import (
    flag,
    identifier,
    objects,
    optional_identifier,
    optional_object,
    text,
    whole_number,
)
from orders.mapping.money import money, round_amounts, to_minor_unit
from orders.mapping.types import OrderedProduct, OrderLine

CONSIGNMENT_GROUPS = ("pickups", "shipping", "downloads")
# Tax rates are tried as percentages with up to this many decimals (8.875 % has three).
RATE_PERCENT_PLACES = 4


@dataclass(frozen=True)
class AppliedDiscount:
    """One entry of a line's applied_discounts: a coupon (with a code), a promotion, or the manual discount."""

    discount_id: str
    name: str
    code: str
    amount: Decimal

    @property
    def is_manual(self) -> bool:
        return self.discount_id == "manual-discount" or (not self.code and self.name.lower() == "manual discount")


@dataclass(frozen=True)
class StoreLine(OrderedProduct):
    """An order product's figures as the store sent them (4 decimals)."""

    line_id: int
    quantity: int
    price_ex_tax: Decimal
    price_inc_tax: Decimal
    price_tax: Decimal
    base_price: Decimal
    total_ex_tax: Decimal
    total_tax: Decimal
    total_inc_tax: Decimal
    discounted_total_inc_tax: Decimal | None
    applied_discounts: tuple[AppliedDiscount, ...]
    is_digital: bool
    quantity_refunded: int
    is_refunded: bool
    wrapping_ex_tax: Decimal
    wrapping_tax: Decimal
    wrapping_inc_tax: Decimal


def store_lines(payload: dict[str, Any]) -> list[StoreLine]:
    """The order's lines, once each, in line id order; refuses an order fetched without them."""
    found: dict[int, StoreLine] = {}
    for consignment in _consignments(payload):
        items = consignment.get("line_items")
        # A digital consignment's example shows one object where the others have a list.
        for raw in objects([items] if isinstance(items, dict) else items, what="a consignment's line_items"):
            if "id" not in raw or "quantity" not in raw:
                raise OrderMappingError("the store sent links instead of its lines (include=consignments.line_items).")
            line = _store_line(raw)
            found.setdefault(line.line_id, line)
    if not found:
        raise OrderMappingError("the order has no lines.")
    return [found[line_id] for line_id in sorted(found)]


def line_amounts(
    lines: Sequence[StoreLine], *, prices_include_tax: bool, unit: Decimal
) -> list[tuple[Decimal, Decimal, Decimal]]:
    """Each line's (ex tax, tax, inc tax) in the currency's minor unit, before discounts."""
    # is_tax_inclusive_pricing says which figures are the actual ones, the others estimates.
    return round_amounts([(line.total_ex_tax, line.total_tax, line.total_inc_tax) for line in lines],
                         inclusive_is_actual=prices_include_tax, unit=unit)


def order_lines(
    lines: Sequence[StoreLine],
    amounts: Sequence[tuple[Decimal, Decimal, Decimal]],
    *,
    prices_include_tax: bool,
    unit: Decimal,
    discounts_inc_tax: Sequence[Decimal],
    discounts_tax: Sequence[Decimal],
) -> tuple[OrderLine, ...]:
    """The lines as booked, with each line's share of the discounts already decided."""
    return tuple(
        OrderLine(
            cart_line_id=line.line_id,
            product_id=line.product_id,
            variant_id=line.variant_id,
            sku=line.sku,
            name=line.name or line.sku or f"Product {line.product_id or line.line_id}",
            options=line.options,
            quantity=line.quantity,
            unit_price=line.price_inc_tax if prices_include_tax else line.price_ex_tax,
            base_price=line.base_price,
            discount=discount,
            amount_ex_tax=ex,
            tax=line_tax,
            amount_inc_tax=inc,
            discount_tax=discount_tax,
            tax_rate=line_tax_rate(line, prices_include_tax=prices_include_tax, unit=unit),
            is_digital=line.is_digital,
            quantity_refunded=line.quantity_refunded,
            is_refunded=line.is_refunded,
        )
        for line, (ex, line_tax, inc), discount, discount_tax in zip(lines, amounts, discounts_inc_tax, discounts_tax)
    )


def line_tax_rate(line: StoreLine, *, prices_include_tax: bool, unit: Decimal) -> Decimal | None:
    """The rate (a fraction) that reproduces the line's unit tax and line tax to the minor unit, else None.

    v2 order products carry no rate; the shortest percentage (up to 4 decimals) that gives back both
    taxes is the rate, since any rate the store applied does.
    """
    base = line.total_inc_tax - line.total_tax if prices_include_tax else line.total_ex_tax
    if base <= 0:
        return None
    estimate = line.total_tax / base * 100
    for places in range(RATE_PERCENT_PLACES + 1):
        rate = estimate.quantize(Decimal(1).scaleb(-places)) / 100
        if _reproduces(line, rate, prices_include_tax=prices_include_tax, unit=unit):
            return rate.normalize() if rate else Decimal("0")
    return None


def _reproduces(line: StoreLine, rate: Decimal, *, prices_include_tax: bool, unit: Decimal) -> bool:
    def tax_of(amount: Decimal) -> Decimal:
        return to_minor_unit(amount * rate / (1 + rate) if prices_include_tax else amount * rate, unit)

    unit_tax = tax_of(line.price_inc_tax if prices_include_tax else line.price_ex_tax)
    line_tax = tax_of(line.total_inc_tax if prices_include_tax else line.total_ex_tax)
    expected_unit = to_minor_unit(line.price_tax, unit)
    expected_line = to_minor_unit(line.total_tax, unit)
    # Stores round either the line's tax or each unit's tax; both are the rate applied exactly.
    return unit_tax == expected_unit and expected_line in (line_tax, unit_tax * line.quantity)


def _consignments(payload: dict[str, Any]) -> Iterable[dict[str, Any]]:
    consignments = payload.get("consignments")
    if not isinstance(consignments, dict) or not any(group in consignments for group in (*CONSIGNMENT_GROUPS, "email")):
        raise OrderMappingError(
            "the store's answer did not include its lines (it must be fetched with include=consignments.line_items)."
        )
    for group in CONSIGNMENT_GROUPS:
        yield from objects(consignments.get(group), what=f"its {group} consignments")
    email = optional_object(consignments.get("email"), what="its email consignments")
    yield from objects(email.get("gift_certificates"), what="its gift certificate consignments")


def _store_line(raw: dict[str, Any]) -> StoreLine:
    line_id = identifier(raw.get("id"), what="a line's id")
    what = f"line {line_id}"
    quantity = whole_number(raw.get("quantity"), what=f"{what} quantity", minimum=1)
    refunded = whole_number(raw.get("quantity_refunded") or 0, what=f"{what} quantity_refunded", maximum=quantity)
    sku = text(raw.get("sku"))  # may be empty: the product link can still match an item
    discounted = raw.get("discounted_total_inc_tax")

    def amount(name: str, default: object = None) -> Decimal:
        value = raw.get(name, default)
        return money(value if value is not None else default, what=f"{what} {name}")

    return StoreLine(
        line_id=line_id,
        product_id=optional_identifier(raw.get("product_id")),
        variant_id=optional_identifier(raw.get("variant_id")),
        sku=sku,
        name=text(raw.get("name_merchant")) or text(raw.get("name")),
        options=_options_text(raw),
        quantity=quantity,
        price_ex_tax=amount("price_ex_tax"),
        price_inc_tax=amount("price_inc_tax"),
        price_tax=amount("price_tax", "0"),
        base_price=amount("base_price", "0"),
        total_ex_tax=amount("total_ex_tax"),
        total_tax=amount("total_tax"),
        total_inc_tax=amount("total_inc_tax"),
        discounted_total_inc_tax=None if discounted in (None, "") else amount("discounted_total_inc_tax"),
        applied_discounts=tuple(_applied(raw, what)),
        is_digital=text(raw.get("type")).lower() == "digital",
        quantity_refunded=refunded,
        is_refunded=flag(raw.get("is_refunded")),
        wrapping_ex_tax=amount("wrapping_cost_ex_tax", "0"),
        wrapping_tax=amount("wrapping_cost_tax", "0"),
        wrapping_inc_tax=amount("wrapping_cost_inc_tax", "0"),
    )


def _applied(raw: dict[str, Any], what: str) -> Iterable[AppliedDiscount]:
    for entry in objects(raw.get("applied_discounts"), what=f"{what} applied_discounts"):
        yield AppliedDiscount(
            discount_id=text(entry.get("id")),
            name=text(entry.get("name")),
            code=text(entry.get("code")),
            amount=money(entry.get("amount"), what=f"{what} applied discount amount"),
        )


def _options_text(raw: dict[str, Any]) -> str:
    parts = []
    for option in objects(raw.get("product_options"), what="a line's product_options"):
        name = text(option.get("display_name_merchant")) or text(option.get("display_name")) or text(option.get("name"))
        value = (text(option.get("display_value_merchant")) or text(option.get("display_value"))
                 or text(option.get("value")))
        parts.append(f"{name}: {value}" if name else value)
    return ", ".join(part for part in parts if part)

