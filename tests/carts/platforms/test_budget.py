"""The request budget's rule: grant while more than the reserve is left in the window, then wait for its reset."""
from __future__ import annotations

import pytest

from carts.platforms.budget import (
    RESET_MARGIN_SECONDS,
    BudgetState,
    QuotaReading,
    StorePlan,
    budget_observe,
    budget_take,
    process_budget,
)


def test_an_unknown_budget_grants_until_an_answer_tells_the_quota() -> None:
    state, wait = budget_take(BudgetState(), now=100.0, reserve=5)
    assert (state, wait) == (BudgetState(), 0.0)


def test_a_first_answer_sets_left_and_the_windows_end() -> None:
    state = budget_observe(BudgetState(), QuotaReading(left=149, reset_ms=29_000, quota=150, window_ms=30_000), now=10.0)
    assert state == BudgetState(left=149, resets_at=10.0 + 29.0 + RESET_MARGIN_SECONDS, quota=150, window_ms=30_000)


def test_claims_are_granted_down_to_the_reserve_then_wait_for_the_reset() -> None:
    state = BudgetState(left=7, resets_at=50.0, quota=150, window_ms=30_000)
    waits = []
    for _ in range(4):
        state, wait = budget_take(state, now=40.0, reserve=5)
        waits.append(wait)
    assert waits == [0.0, 0.0, 10.0, 10.0]
    assert state.left == 5


def test_after_the_reset_a_full_window_is_assumed() -> None:
    state = BudgetState(left=5, resets_at=50.0, quota=150, window_ms=30_000)
    state, wait = budget_take(state, now=50.5, reserve=5)
    assert wait == 0.0
    assert state == BudgetState(left=149, resets_at=50.5 + 30.0 + RESET_MARGIN_SECONDS, quota=150, window_ms=30_000)


def test_an_answer_in_the_same_window_never_gives_back_claims_still_in_flight() -> None:
    # We claimed down to 90; an answer sent before those claims reached the store says 95.
    state = BudgetState(left=90, resets_at=60.0, quota=150, window_ms=30_000)
    assert budget_observe(state, QuotaReading(left=95, reset_ms=20_000), now=40.0).left == 90
    # Other apps spent some: the store says 70, which wins.
    assert budget_observe(state, QuotaReading(left=70, reset_ms=20_000), now=40.0).left == 70


def test_an_answer_from_the_next_window_is_taken_as_it_is() -> None:
    state = BudgetState(left=5, resets_at=60.0, quota=150, window_ms=30_000)
    observed = budget_observe(state, QuotaReading(left=148, reset_ms=29_500), now=59.0)
    assert observed.left == 148 and observed.resets_at == pytest.approx(59.0 + 29.5 + RESET_MARGIN_SECONDS)


def test_a_429_empties_the_window() -> None:
    state = BudgetState(left=40, resets_at=60.0, quota=150, window_ms=30_000)
    observed = budget_observe(state, QuotaReading(left=0, reset_ms=3_000), now=55.0)
    assert observed.left == 0
    assert budget_take(observed, now=55.0, reserve=5)[1] == pytest.approx(3.0 + RESET_MARGIN_SECONDS)


def test_an_unreadable_stored_state_is_an_unknown_one() -> None:
    assert BudgetState.from_json("not json") == BudgetState()
    state = BudgetState(left=3, resets_at=1.5, quota=150, window_ms=30_000)
    assert BudgetState.from_json(state.to_json()) == state


def test_the_plan_is_what_the_headers_stated() -> None:
    budget = process_budget(clock=lambda: 0.0)
    assert budget.plan() is None
    budget.observe(QuotaReading(left=449, reset_ms=30_000, quota=450, window_ms=30_000))
    assert budget.plan() == StorePlan(quota=450, window_ms=30_000)
    assert str(budget.plan()) == "450 requests per 30 seconds"
