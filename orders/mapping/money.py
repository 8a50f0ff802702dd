"""Money helpers for any store's figures: one parser, the currency's minor unit, rounding, one allocation.

No cart-platform knowledge here: amounts in, Decimals out.
"""
from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import get_currency_precision

from orders.mapping.errors import OrderMappingError
from orders.mapping.fields import shown

CENT = Decimal("0.01")
FOUR_PLACES = Decimal("0.0001")
ZERO = Decimal("0")
# Far above any real order, far below what breaks Decimal arithmetic or a 16-digit column: beyond it a
# figure is a corrupt answer, not an amount.
LARGEST_AMOUNT = Decimal("999999999999")


def parse_decimal(value: object, *, what: str, allow_negative: bool = False) -> Decimal:
    """A number from a store's answer (a string or a JSON number) as an exact Decimal; refuses anything else."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)) or value == "":
        raise OrderMappingError(f"{what} is missing or not an amount ({shown(value)}).")
    try:
        # str() first: a JSON number like 26.4 must become Decimal("26.4"), not its binary expansion.
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise OrderMappingError(f"{what} is not an amount ({shown(value)}).") from None
    if not number.is_finite() or abs(number) > LARGEST_AMOUNT:
        raise OrderMappingError(f"{what} is not a believable amount ({shown(value)}).")
    if number < 0 and not allow_negative:
        raise OrderMappingError(f"{what} is negative ({shown(value)}); the store never sends a negative amount there.")
    return number


def money(value: object, *, what: str, allow_negative: bool = False) -> Decimal:
    """An amount from a store's answer as a Decimal with the store's 4 decimal places."""
    return parse_decimal(value, what=what, allow_negative=allow_negative).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)


def minor_unit(currency: str) -> Decimal:
    """The smallest amount of the currency (JPY 1, USD 0.01, KWD 0.001), from the CLDR data Babel ships."""
    return Decimal(1).scaleb(-get_currency_precision(currency))


def to_minor_unit(amount: Decimal, unit: Decimal) -> Decimal:
    """The amount rounded half up to the currency's minor unit."""
    return amount.quantize(unit, rounding=ROUND_HALF_UP)


def to_cents(amount: Decimal) -> Decimal:
    """Rounded to the cent, half up."""
    return to_minor_unit(amount, CENT)


def allocate(total: Decimal, weights: Sequence[Decimal], *, unit: Decimal) -> list[Decimal]:
    """Split `total` (in minor units) over non-negative `weights`, in minor units, summing exactly to it.

    Each share is the floor of its cumulative proportion less the shares before it, so every share is
    within one minor unit of its exact proportion and whatever rounding leaves over goes to the last.
    Weights that are already the parts of the total come back unchanged. All-zero weights put the
    total on the last share.
    """
    if not weights:
        if total:
            raise ValueError(f"cannot allocate {total} over no shares")
        return []
    if any(weight < 0 for weight in weights):
        raise ValueError("allocation weights must not be negative")
    total = to_minor_unit(total, unit)
    weight_sum = sum(weights, ZERO)
    if not weight_sum:
        return [ZERO.quantize(unit)] * (len(weights) - 1) + [total]
    shares: list[Decimal] = []
    running_weight = ZERO
    allocated = ZERO.quantize(unit)
    for weight in weights[:-1]:
        running_weight += weight
        reached = (total * running_weight / weight_sum).quantize(unit, rounding=ROUND_FLOOR)
        shares.append(reached - allocated)
        allocated = reached
    shares.append(total - allocated)
    return shares


def round_series(amounts: Sequence[Decimal], *, unit: Decimal) -> list[Decimal]:
    """Amounts rounded to the minor unit so that they add up to their rounded sum (the remainder on the last)."""
    return allocate(to_minor_unit(sum(amounts, ZERO), unit), amounts, unit=unit) if amounts else []



def round_amounts(
    rows: Sequence[tuple[Decimal, Decimal, Decimal]], *, inclusive_is_actual: bool, unit: Decimal
) -> list[tuple[Decimal, Decimal, Decimal]]:
    """(ex tax, tax, inc tax) rows in minor units: tax and the actual column rounded as series, the third derived.

    The actual column is the one the store prices in (inc tax for tax-inclusive prices), so it keeps
    its sum; ex + tax = inc holds on every row.
    """
    tax = round_series([row[1] for row in rows], unit=unit)
    if inclusive_is_actual:
        inc_tax = round_series([row[2] for row in rows], unit=unit)
        return [(inc - row_tax, row_tax, inc) for inc, row_tax in zip(inc_tax, tax)]
    ex_tax = round_series([row[0] for row in rows], unit=unit)
    return [(ex, row_tax, ex + row_tax) for ex, row_tax in zip(ex_tax, tax)]
