"""Counts of API requests by endpoint and status, 429s and injected faults, for benchmarks."""

import threading
import time
from collections import Counter, defaultdict


class RequestStats:
    """Thread-safe counters behind GET /_sandbox/stats."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Start counting from zero."""
        with self._lock:
            self._since = time.time()
            self._by_endpoint: defaultdict[str, Counter[str]] = defaultdict(Counter)
            self._faults: Counter[str] = Counter()

    def record(self, endpoint: str, status: int | str, fault: str | None = None) -> None:
        """Count one request to an endpoint template ('GET /v2/orders/{id}') by its status ('dropped' if none)."""
        with self._lock:
            self._by_endpoint[endpoint][str(status)] += 1
            if fault:
                self._faults[fault] += 1

    def snapshot(self) -> dict[str, object]:
        """Totals since the last reset, as JSON-ready data."""
        with self._lock:
            by_status: Counter[str] = Counter()
            for statuses in self._by_endpoint.values():
                by_status.update(statuses)
            return {
                "since": self._since,
                "total_requests": sum(by_status.values()),
                "by_status": dict(by_status),
                "rate_limited": by_status.get("429", 0),
                "endpoints": {endpoint: dict(statuses) for endpoint, statuses in sorted(self._by_endpoint.items())},
                "faults": dict(self._faults),
            }
