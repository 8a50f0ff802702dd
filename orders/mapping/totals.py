"""Reconciling an order's parts with its totals: the first reading that holds, else the merchant's way forward.

A difference no reading explains is refused with the amounts, unless the cart posts differences up
to a limit, when it becomes an explicit adjustment line on the transaction.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from orders.mapping.discounts import Booking, DiscountClaim, Figures, Reading, book, reconciles, reported_total
from orders.mapping.errors import OrderTotalsMismatch
from orders.mapping.lines import StoreLine
from orders.mapping.money import ZERO
from orders.mapping.types import AdjustmentKind, MappingOptions, OrderAdjustment

DIFFERENCE_SETTING = "Post differences up to"


@dataclass(frozen=True)
class Reconciled:
    """How the discounts are booked, the reading of the store's figures that made the order add up, and the
    adjustment posted for what was left (None when nothing was)."""

    booking: Booking
    reading: Reading
    adjustment: OrderAdjustment | None


@dataclass(frozen=True)
class StoreTotals:
    """What the store says the order comes to, and what its lines and charges add up to (minor units)."""

    total: Decimal
    tax: Decimal
    parts_inc: Decimal  # Σ lines inc + Σ charges inc
    parts_tax: Decimal  # Σ lines tax + Σ charges tax
    currency: str


def reconcile(
    candidates: Sequence[Sequence[DiscountClaim]],
    figures: Figures,
    totals: StoreTotals,
    *,
    lines: Sequence[StoreLine],
    prices_include_tax: bool,
    options: MappingOptions,
) -> Reconciled:
    """The discounts booked by the first reading that reconciles; an adjustment or a refusal when none does."""
    readings = (Reading.INSIDE, Reading.BEFORE_TAX) if prices_include_tax else (Reading.BEFORE_TAX, Reading.INSIDE)
    for claims in candidates:
        for reading in readings:
            if reconciles(claims, reading, figures):
                return Reconciled(book(claims, reading, figures, discount_tax=figures.removed_tax, lines=lines),
                                  reading, None)
    # No reading holds: take the closest, and post or refuse what it leaves unexplained.
    options_tried = [(claims, reading) for claims in candidates for reading in readings]
    claims, reading = min(options_tried, key=lambda option: _differences(*option, figures, magnitude=True))
    difference, tax_difference = _differences(claims, reading, figures)
    limit = options.post_differences_up_to
    if limit is None or abs(difference) > limit or abs(tax_difference) > limit:
        raise OrderTotalsMismatch(_refusal(difference, tax_difference, totals, limit),
                                  difference=difference, tax_difference=tax_difference)
    discount_tax = figures.removed_tax - tax_difference
    booking = book(claims, reading, figures, discount_tax=discount_tax, lines=lines)
    adjustment = OrderAdjustment(
        AdjustmentKind.ORDER_DIFFERENCE, "Difference to the store's total",
        amount_ex_tax=-difference + tax_difference, tax=-tax_difference, amount_inc_tax=-difference,
    )
    return Reconciled(booking, reading, adjustment)


def _differences(claims: Sequence[DiscountClaim], reading: Reading, figures: Figures, *, magnitude: bool = False
                 ) -> tuple[Decimal, Decimal]:
    """(total, tax) of ours minus the store's when the discounts are booked by this reading."""
    reported = reported_total(claims, figures.unit)
    discount_tax = min(max(figures.removed_tax, ZERO), reported)
    on_top = discount_tax if reading is Reading.BEFORE_TAX else ZERO
    difference = figures.discount_inc - (reported + on_top)
    tax_difference = figures.removed_tax - discount_tax
    if magnitude:
        return abs(difference), abs(tax_difference)
    return difference, tax_difference


def _refusal(difference: Decimal, tax_difference: Decimal, totals: StoreTotals, limit: Decimal | None) -> str:
    currency = totals.currency
    ours = totals.total + difference
    message = (f"its lines, charges and discounts add up to {ours} {currency} but the store's total is "
               f"{totals.total} {currency} (a difference of {difference:+})")
    if tax_difference:
        message += (f", and their tax adds up to {totals.tax + tax_difference} {currency} but the store's tax is "
                    f"{totals.tax} {currency} (a difference of {tax_difference:+})")
    largest = max(abs(difference), abs(tax_difference))
    message += (". It was not imported, so your books do not get a wrong amount. Check the order in BigCommerce "
                "for a charge or discount of that amount and import it again once it is corrected; ")
    if limit is None:
        return message + (f"or, to import orders like this with the difference on its own line, posted to an account "
                          f"you choose, set '{DIFFERENCE_SETTING}' on the cart's Settings tab to at least "
                          f"{largest} {currency}.")
    return message + (f"or raise the cart's '{DIFFERENCE_SETTING}' setting (now {limit} {currency}) to at least "
                      f"{largest} {currency} on the cart's Settings tab to post this difference on its own line.")
