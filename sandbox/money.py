"""Money arithmetic: whole cents in Decimal, rendered the way each API version does."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
_FOUR_PLACES = Decimal("0.0001")


def to_cents(value: Decimal) -> Decimal:
    """Round to whole cents, half up, as a store's checkout does."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def from_cents(cents: int) -> Decimal:
    """An integer number of cents as a Decimal amount."""
    return (Decimal(cents) / 100).quantize(CENT)


def v2_money(value: Decimal) -> str:
    """The v2 API's money format: a string with four decimals, e.g. "12.5000"."""
    return str(value.quantize(_FOUR_PLACES))


def v3_money(value: Decimal | None) -> float | None:
    """The v3 Catalog API's money format: a JSON number."""
    return None if value is None else float(value)


def split_tax(amount: Decimal, rate: Decimal, *, tax_inclusive: bool) -> tuple[Decimal, Decimal, Decimal]:
    """(ex_tax, inc_tax, tax) for an amount entered with or without tax; ex + tax == inc exactly."""
    if tax_inclusive:
        inc_tax = amount
        ex_tax = to_cents(amount / (1 + rate))
    else:
        ex_tax = amount
        inc_tax = amount + to_cents(amount * rate)
    return ex_tax, inc_tax, inc_tax - ex_tax


def allocate(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Split `total` over `weights` in proportion, in whole cents that add up to it exactly.

    Each share is the rounded running total minus the rounded running total before it, so no share is
    negative and each is within a cent of its exact proportion; the last share absorbs what is left.
    """
    weight_sum = sum(weights, ZERO)
    if not weights:
        return []
    if weight_sum == 0:
        return [ZERO] * (len(weights) - 1) + [total]
    shares, running_weight, allocated = [], ZERO, ZERO
    for weight in weights[:-1]:
        running_weight += weight
        share = to_cents(total * running_weight / weight_sum) - allocated
        shares.append(share)
        allocated += share
    return [*shares, total - allocated]
