"""A BigCommerce order's discounts, each convention derived from the order's own figures.

From the lines and charges (in minor units) and the order's totals:
    removed_tax  = Σ line tax + Σ charge tax − total_tax          (the tax the discounts took off)
    discount_inc = Σ line inc + Σ charge inc − total_inc_tax      (the discounts' tax-inclusive effect)
and R, the discounts the store reports (per coupon code, promotion and manual discount). The readings
(the three conventions real stores produce):
    before tax  discount_inc = R + removed_tax   a tax-exclusive store taking discounts off before tax:
                                                 R is ex tax, the tax on it comes on top
    inside      discount_inc = R                 a tax-inclusive store (the tax is inside R) or a manual
                                                 discount off the inclusive total (removed_tax = 0)
A reading holds when both identities hold to the minor unit and 0 ≤ removed_tax ≤ R.
"""
from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from orders.mapping.fields import objects, text
from orders.mapping.lines import StoreLine
from orders.mapping.money import FOUR_PLACES, ZERO, allocate, money, round_series, to_minor_unit
from orders.mapping.types import DiscountKind, OrderDiscount


class Reading(enum.Enum):
    BEFORE_TAX = "before tax"
    INSIDE = "inside"


@dataclass
class DiscountClaim:
    """One discount as the store reports it: its total and what each line carries of it (4 decimals)."""

    kind: DiscountKind
    description: str
    code: str
    reported: Decimal
    per_line: list[Decimal] = field(default_factory=list)


@dataclass(frozen=True)
class Figures:
    """The order's own figures in minor units, and the per-line tax factors the readings use."""

    discount_inc: Decimal
    removed_tax: Decimal
    line_rates: tuple[Decimal, ...]  # line tax / line ex tax, 0 for a line without an ex-tax amount
    unit: Decimal


@dataclass(frozen=True)
class Booking:
    """The discounts as booked, with each line's share of them."""

    discounts: tuple[OrderDiscount, ...]
    line_shares_inc: tuple[Decimal, ...]
    line_shares_tax: tuple[Decimal, ...]


def claim_candidates(
    payload: dict[str, Any], lines: Sequence[StoreLine], coupons: Sequence[dict[str, Any]] | None
) -> list[list[DiscountClaim]]:
    """The ways the store's figures name the discounts: per line entry first, then by the order's fields."""
    by_entries = _claims_from_entries(lines, coupons)
    by_order = _claims_led_by_order(payload, by_entries, coupons)
    candidates = [by_entries] if by_entries else []
    if _signature(by_order) != _signature(by_entries):
        candidates.append(by_order)
    return candidates or [[]]


def reconciles(claims: Sequence[DiscountClaim], reading: Reading, figures: Figures) -> bool:
    """Whether this reading of these discounts gives the order's total and tax exactly."""
    reported = reported_total(claims, figures.unit)
    if not ZERO <= figures.removed_tax <= reported:
        return False
    if reading is Reading.BEFORE_TAX:
        return bool(reported) and figures.discount_inc == reported + figures.removed_tax
    return figures.discount_inc == reported


def reported_total(claims: Sequence[DiscountClaim], unit: Decimal) -> Decimal:
    return to_minor_unit(sum((claim.reported for claim in claims), ZERO), unit)


def book(claims: Sequence[DiscountClaim], reading: Reading, figures: Figures, *, discount_tax: Decimal,
         lines: Sequence[StoreLine]) -> Booking:
    """The discount lines: each reported amount in minor units, the removed tax spread by the lines' rates."""
    reported = round_series([claim.reported for claim in claims], unit=figures.unit)
    taxes = allocate(discount_tax, _tax_weights(claims, reading, figures), unit=figures.unit) if claims else []
    discounts = []
    for claim, amount, tax in zip(claims, reported, taxes):
        inc = amount + tax if reading is Reading.BEFORE_TAX else amount
        discounts.append(OrderDiscount(claim.kind, claim.description, inc - tax, tax, inc, claim.code, amount))
    total_inc = sum((discount.amount_inc_tax for discount in discounts), ZERO)
    return Booking(tuple(discounts), *_line_shares(lines, claims, reading, figures, total_inc, discount_tax))


def _claims_from_entries(lines: Sequence[StoreLine], coupons: Sequence[dict[str, Any]] | None) -> list[DiscountClaim]:
    claims: dict[tuple[str, str], DiscountClaim] = {}
    for index, line in enumerate(lines):
        for entry in line.applied_discounts:
            if entry.code:
                key, kind, description = ("coupon", entry.code), DiscountKind.COUPON, f"Coupon {entry.code}"
            elif entry.is_manual:
                key, kind, description = ("manual", ""), DiscountKind.MANUAL, "Manual discount"
            else:
                name = entry.name or entry.discount_id or "Promotion"
                key, kind, description = ("promotion", entry.discount_id or name), DiscountKind.PROMOTION, name
            claim = claims.setdefault(key, DiscountClaim(kind, description, entry.code, ZERO, [ZERO] * len(lines)))
            claim.reported += entry.amount
            claim.per_line[index] += entry.amount
    for code, amount in _coupon_amounts(coupons).items():  # GET /orders/{id}/coupons, when fetched, names the amount
        claim = claims.setdefault(("coupon", code), DiscountClaim(DiscountKind.COUPON, f"Coupon {code}", code, ZERO,
                                                                  [ZERO] * len(lines)))
        claim.reported = amount
    return list(claims.values())


def _claims_led_by_order(
    payload: dict[str, Any], by_entries: list[DiscountClaim], coupons: Sequence[dict[str, Any]] | None
) -> list[DiscountClaim]:
    """The order's coupon_discount and discount_amount, split over the entries' discounts of each kind."""
    coupon_total = money(payload.get("coupon_discount") or "0", what="coupon_discount")
    other_total = money(payload.get("discount_amount") or "0", what="discount_amount")
    coupon_claims = [claim for claim in by_entries if claim.kind is DiscountKind.COUPON]
    other_claims = [claim for claim in by_entries if claim.kind is not DiscountKind.COUPON]
    codes = ", ".join(_coupon_amounts(coupons))
    return [
        *_split(coupon_total, coupon_claims, DiscountKind.COUPON, f"Coupon {codes}" if codes else "Coupon"),
        *_split(other_total, other_claims, DiscountKind.DISCOUNT, "Discount"),
    ]


def _split(total: Decimal, claims: list[DiscountClaim], kind: DiscountKind, description: str) -> list[DiscountClaim]:
    if not claims:
        return [DiscountClaim(kind, description, "", total)] if total else []
    if not total:  # the order does not state this kind's total: the entries do
        return claims
    shares = allocate(total, [claim.reported for claim in claims], unit=FOUR_PLACES)
    return [DiscountClaim(claim.kind, claim.description, claim.code, share, claim.per_line)
            for claim, share in zip(claims, shares)]


def _coupon_amounts(coupons: Sequence[dict[str, Any]] | None) -> dict[str, Decimal]:
    amounts: dict[str, Decimal] = {}
    for coupon in objects(coupons, what="its coupons"):
        code = text(coupon.get("code")) or f"#{text(coupon.get('coupon_id')) or text(coupon.get('id'))}"
        amounts[code] = amounts.get(code, ZERO) + money(coupon.get("discount"), what=f"coupon {code} discount")
    return amounts


def _signature(claims: Sequence[DiscountClaim]) -> list[tuple[str, str, Decimal]]:
    return [(claim.kind, claim.description, claim.reported) for claim in claims]


def _factor(rate: Decimal, reading: Reading) -> Decimal:
    """The tax on one unit of a discount: on top of an ex-tax amount, or inside a tax-inclusive one."""
    return rate if reading is Reading.BEFORE_TAX else rate / (1 + rate)


def _tax_weights(claims: Sequence[DiscountClaim], reading: Reading, figures: Figures) -> list[Decimal]:
    """How much tax each discount took off, estimated from the rates of the lines it applies to.

    A manual discount off the inclusive total leaves tax alone, so it weighs nothing unless it is all
    there is.
    """
    rates = figures.line_rates
    average = sum(rates, ZERO) / len(rates) if rates else ZERO
    weights = []
    for claim in claims:
        if claim.kind is DiscountKind.MANUAL:
            weights.append(ZERO)
        elif any(claim.per_line):
            weights.append(sum((amount * _factor(rate, reading) for amount, rate in zip(claim.per_line, rates)), ZERO))
        else:
            weights.append(claim.reported * _factor(average, reading))
    if not any(weights):
        weights = [claim.reported for claim in claims]
    return weights


def _line_shares(
    lines: Sequence[StoreLine], claims: Sequence[DiscountClaim], reading: Reading, figures: Figures,
    total_inc: Decimal, total_tax: Decimal,
) -> tuple[tuple[Decimal, ...], tuple[Decimal, ...]]:
    """Each line's part of the discounts: by discounted_total_inc_tax where given, else by its entries."""
    inc_weights = []
    tax_weights = []
    for index, line in enumerate(lines):
        entries = sum((claim.per_line[index] for claim in claims if claim.per_line), ZERO)
        taxed = sum((claim.per_line[index] for claim in claims
                     if claim.per_line and claim.kind is not DiscountKind.MANUAL), ZERO)
        if line.discounted_total_inc_tax is not None and line.discounted_total_inc_tax <= line.total_inc_tax:
            inc_weights.append(line.total_inc_tax - line.discounted_total_inc_tax)
        else:
            inc_weights.append(entries)
        tax_weights.append(taxed * _factor(figures.line_rates[index], reading))
    if not any(inc_weights):
        inc_weights = [line.total_inc_tax for line in lines]
    if not any(tax_weights):
        tax_weights = inc_weights
    return (tuple(allocate(total_inc, inc_weights, unit=figures.unit)),
            tuple(allocate(total_tax, tax_weights, unit=figures.unit)))
