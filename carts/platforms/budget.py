"""One request budget per store: what its rate-limit headers said, and who may send the next request.

A store's quota (requests per window, api-rate-limits.mdx) is shared by everything that talks to it.
Before each request a session claims one request of the budget (`take`); after each response it
reports what the store's headers said (`observe`). While the store's figures are known, requests are
granted until only `reserve` are left in the window, then the claimant waits for the window to reset,
so several processes never drive the store into 429s. The rule is pure (`budget_take`,
`budget_observe`); where the state lives is a `BudgetStorage` with compare-and-set: this process
(`ProcessBudgetStorage`, the default of a session given no budget), or a place every worker sees
(Redis or the database, carts/budgets.py). Pure Python, no Django.
"""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from typing import Protocol

# A window is taken to end this long after the store said, so a request sent at our reset never
# reaches the store just before its own (the answer's headers left the store before we read them).
RESET_MARGIN_SECONDS = 0.25
# A reading whose window ends this much later than the one we hold is the next window.
NEW_WINDOW_AFTER_SECONDS = 1.0
# Requests left unclaimed in each window: answers of requests still in flight may not count them yet.
DEFAULT_RESERVE = 5


@dataclass(frozen=True)
class QuotaReading:
    """What one answer's X-Rate-Limit-* headers said (quota and window are absent on some answers)."""

    left: int
    reset_ms: int
    quota: int | None = None
    window_ms: int | None = None


@dataclass(frozen=True)
class StorePlan:
    """The store's plan quota, as its headers state it."""

    quota: int
    window_ms: int

    def __str__(self) -> str:
        seconds = self.window_ms / 1000
        return f"{self.quota:,} requests per {seconds:g} seconds"


@dataclass(frozen=True)
class BudgetState:
    """The store's quota as last read, with the requests claimed since; unknown (left None) until a first answer."""

    left: int | None = None
    resets_at: float = 0.0  # wall-clock seconds (every process shares the clock)
    quota: int | None = None
    window_ms: int | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str | bytes | None) -> BudgetState:
        if not text:
            return cls()
        try:
            data = json.loads(text)
            return cls(left=data.get("left"), resets_at=float(data.get("resets_at", 0.0)), quota=data.get("quota"),
                       window_ms=data.get("window_ms"))
        except (ValueError, TypeError, AttributeError):
            return cls()  # an unreadable state is an unknown one: the next answer sets it again


def budget_take(state: BudgetState, *, now: float, reserve: int) -> tuple[BudgetState, float]:
    """Claim one request: (the new state, 0.0) when granted, else (the state, seconds until the window resets)."""
    if state.left is None:
        return state, 0.0  # never read: the first answers tell the quota
    if now >= state.resets_at:
        if state.quota is None:
            return BudgetState(), 0.0  # the window passed and its size is unknown: read it again
        window = (state.window_ms or 0) / 1000
        return replace(state, left=state.quota - 1, resets_at=now + window + RESET_MARGIN_SECONDS), 0.0
    if state.left > reserve:
        return replace(state, left=state.left - 1), 0.0
    return state, max(state.resets_at - now, 0.001)


def budget_observe(state: BudgetState, reading: QuotaReading, *, now: float) -> BudgetState:
    """Take in what an answer's headers said: a new window's figures as they are, the same window's at most as many
    left as we counted (claims in flight are not in the store's figure yet)."""
    ends = now + max(reading.reset_ms, 0) / 1000 + RESET_MARGIN_SECONDS
    quota = reading.quota if reading.quota is not None else state.quota
    window_ms = reading.window_ms if reading.window_ms is not None else state.window_ms
    left = max(reading.left, 0)
    same_window = state.left is not None and now < state.resets_at and ends <= state.resets_at + NEW_WINDOW_AFTER_SECONDS
    if same_window:
        return BudgetState(left=min(state.left, left), resets_at=min(state.resets_at, ends), quota=quota,
                           window_ms=window_ms)
    return BudgetState(left=left, resets_at=ends, quota=quota, window_ms=window_ms)


class BudgetStorage(Protocol):
    """Where one store's budget state lives, with compare-and-set so concurrent claimants never both win."""

    def load(self) -> tuple[BudgetState, object]:
        """The state and a version token for `replace`."""

    def replace(self, version: object, state: BudgetState) -> bool:
        """Store `state` if the state is still at `version`; False when someone changed it first."""


class RequestBudget:
    """A store's request budget over a storage: claim before each request, report each answer's headers."""

    def __init__(self, storage: BudgetStorage, *, reserve: int = DEFAULT_RESERVE,
                 clock: Callable[[], float] = time.time) -> None:
        self.storage = storage
        self.reserve = reserve
        self._clock = clock

    def take(self) -> float:
        """Claim one request of the store's quota: 0.0 when granted, else the seconds to wait before asking again."""
        while True:
            state, version = self.storage.load()
            new_state, wait = budget_take(state, now=self._clock(), reserve=self.reserve)
            if wait or new_state == state or self.storage.replace(version, new_state):
                return wait

    def observe(self, reading: QuotaReading) -> None:
        """Take in an answer's rate-limit headers (a 429's too)."""
        while True:
            state, version = self.storage.load()
            if self.storage.replace(version, budget_observe(state, reading, now=self._clock())):
                return

    def forget(self) -> None:
        """The store answered without rate-limit headers (an unlimited plan): nothing is known to count against."""
        while True:
            state, version = self.storage.load()
            if state == BudgetState() or self.storage.replace(version, BudgetState()):
                return

    def plan(self) -> StorePlan | None:
        """The store's plan quota as its headers last stated it (None before any answer stated it)."""
        state, _ = self.storage.load()
        if state.quota is None or not state.window_ms:
            return None
        return StorePlan(quota=state.quota, window_ms=state.window_ms)


class ProcessBudgetStorage:
    """A budget state held in this process (a session given no shared budget, and tests)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state = BudgetState()
        self._version = 0

    def load(self) -> tuple[BudgetState, object]:
        with self._lock:
            return self._state, self._version

    def replace(self, version: object, state: BudgetState) -> bool:
        with self._lock:
            if version != self._version:
                return False
            self._state, self._version = state, self._version + 1
            return True


def process_budget(*, reserve: int = DEFAULT_RESERVE, clock: Callable[[], float] = time.time) -> RequestBudget:
    """A budget seen by this process only."""
    return RequestBudget(ProcessBudgetStorage(), reserve=reserve, clock=clock)
