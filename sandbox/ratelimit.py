"""The store-wide request quota, refreshed every window, and its X-Rate-Limit-* headers (api-rate-limits.mdx)."""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RateLimitPlan:
    """A quota of requests per window of milliseconds."""

    quota: int
    window_ms: int


# Standard and Plus share a quota; the Unlimited Rate Plan has none (None).
PLANS: dict[str, RateLimitPlan | None] = {
    "standard": RateLimitPlan(quota=150, window_ms=30_000),
    "plus": RateLimitPlan(quota=150, window_ms=30_000),
    "pro": RateLimitPlan(quota=450, window_ms=30_000),
    "unlimited": None,
}
# What GET /v2/store calls each plan (plan_name, plan_level); the Unlimited Rate Plan is for Enterprise stores.
PLAN_NAMES = {"standard": "Standard", "plus": "Plus", "pro": "Pro", "unlimited": "Enterprise"}


@dataclass(frozen=True, slots=True)
class RateLimitDecision:
    """Whether one request may proceed, and the quota state to report with it."""

    allowed: bool
    quota: int
    left: int
    window_ms: int
    reset_ms: int

    def headers(self) -> dict[str, str]:
        """The four headers BigCommerce sends with every response of a rate-limited store."""
        return {
            "X-Rate-Limit-Time-Window-Ms": str(self.window_ms),
            "X-Rate-Limit-Time-Reset-Ms": str(self.reset_ms),
            "X-Rate-Limit-Requests-Quota": str(self.quota),
            "X-Rate-Limit-Requests-Left": str(self.left),
        }


class RateLimiter:
    """One quota per store, shared by all its API accounts; a fixed window starting at its first request."""

    def __init__(self, plan: RateLimitPlan | None, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.plan = plan
        self._clock = clock
        self._lock = threading.Lock()
        self._window_started = 0.0
        self._used = 0

    def consume(self) -> RateLimitDecision | None:
        """Spend one request of the quota (None on an unlimited plan): refused once the window's quota is spent."""
        if self.plan is None:
            return None
        with self._lock:
            now = self._clock()
            elapsed_ms = (now - self._window_started) * 1000
            if self._used == 0 or elapsed_ms >= self.plan.window_ms:
                self._window_started, self._used, elapsed_ms = now, 0, 0.0
            allowed = self._used < self.plan.quota
            if allowed:
                self._used += 1
            return RateLimitDecision(allowed=allowed, quota=self.plan.quota, left=self.plan.quota - self._used,
                                     window_ms=self.plan.window_ms,
                                     reset_ms=max(0, int(self.plan.window_ms - elapsed_ms)))

    def peek(self) -> RateLimitDecision | None:
        """The current state without spending quota (for responses refused before the quota is charged)."""
        if self.plan is None:
            return None
        with self._lock:
            elapsed_ms = (self._clock() - self._window_started) * 1000
            used = self._used if self._used and elapsed_ms < self.plan.window_ms else 0
            return RateLimitDecision(allowed=used < self.plan.quota, quota=self.plan.quota, left=self.plan.quota - used,
                                     window_ms=self.plan.window_ms,
                                     reset_ms=int(self.plan.window_ms - elapsed_ms) if used else self.plan.window_ms)
