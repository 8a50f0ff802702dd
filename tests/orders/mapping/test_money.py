"""Money helpers: one parser, the currency's minor unit, and the one allocation, proved by properties."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orders.mapping import OrderMappingError, allocate, minor_unit, money

UNITS = [Decimal("1"), Decimal("0.01"), Decimal("0.001")]


def test_minor_units_come_from_the_currency() -> None:
    assert (minor_unit("JPY"), minor_unit("USD"), minor_unit("KWD"), minor_unit("EUR")) == (
        Decimal("1"), Decimal("0.01"), Decimal("0.001"), Decimal("0.01"))


def test_money_reads_strings_and_json_numbers_exactly() -> None:
    assert money("12.5000", what="x") == Decimal("12.5000")
    assert money(26.4, what="x") == Decimal("26.4000")
    assert money(0.1, what="x") + money(0.2, what="x") == Decimal("0.3000")


@pytest.mark.parametrize("bad", [None, "", True, "NaN", "Infinity", "-1.00", 1e30, "n/a", [], {}, "1e400"])
def test_money_refuses_anything_that_is_not_a_believable_amount(bad) -> None:
    with pytest.raises(OrderMappingError, match="^x "):
        money(bad, what="x")


def test_the_allocation_puts_the_remainder_on_the_last_share() -> None:
    assert allocate(Decimal("0.10"), [Decimal(1)] * 3, unit=Decimal("0.01")) == [
        Decimal("0.03"), Decimal("0.03"), Decimal("0.04")]
    assert allocate(Decimal("1.00"), [Decimal("80"), Decimal("20")], unit=Decimal("0.01")) == [
        Decimal("0.80"), Decimal("0.20")]


weights_strategy = st.lists(st.decimals(min_value=0, max_value=100000, places=4), min_size=1, max_size=30)


@given(total_units=st.integers(min_value=-10**9, max_value=10**9), weights=weights_strategy, unit=st.sampled_from(UNITS))
def test_allocation_properties(total_units: int, weights: list[Decimal], unit: Decimal) -> None:
    total = total_units * unit
    shares = allocate(total, weights, unit=unit)
    assert len(shares) == len(weights)
    assert sum(shares) == total  # exact sum
    assert all(share == share.quantize(unit) for share in shares)  # in minor units
    weight_sum = sum(weights)
    if not weight_sum:
        assert shares[-1] == total and not any(shares[:-1])
        return
    running_share, running_weight = Decimal(0), Decimal(0)
    for share, weight in zip(shares, weights):
        exact = total * weight / weight_sum
        assert abs(share - exact) < unit  # proportional within one minor unit
        running_share += share
        running_weight += weight
        # rounding never gets ahead of the exact running amount: what is left over lands on the last share
        assert running_share <= total * running_weight / weight_sum


@given(parts=st.lists(st.integers(min_value=0, max_value=10**8), min_size=1, max_size=20), unit=st.sampled_from(UNITS))
def test_weights_that_are_the_parts_of_the_total_come_back_unchanged(parts: list[int], unit: Decimal) -> None:
    amounts = [part * unit for part in parts]
    assert allocate(sum(amounts), amounts, unit=unit) == amounts
