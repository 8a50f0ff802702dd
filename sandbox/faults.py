"""Injected failures, deterministic by seed: the same seed and request sequence give the same faults."""

import random
import threading
from dataclasses import dataclass, field

SERVER_ERROR, RATE_LIMIT_NO_HEADERS, SLOW, DROP, TRUNCATE = "server_error", "rate_limit_no_headers", "slow", "drop", "truncate"
# The order of kinds fixes how one uniform draw per request maps to a fault; keep it stable.
FAULT_KINDS = (SERVER_ERROR, RATE_LIMIT_NO_HEADERS, SLOW, DROP, TRUNCATE)
SERVER_ERROR_STATUSES = (500, 502, 503, 504)
DEFAULT_SLOW_SECONDS = 35.0  # past a client's usual 30 s read timeout


@dataclass(frozen=True, slots=True)
class FaultSpec:
    """Probabilities per fault kind, the delay of a slow response and the draw seed."""

    probabilities: dict[str, float] = field(default_factory=dict)
    slow_seconds: float = DEFAULT_SLOW_SECONDS
    seed: int = 0

    @classmethod
    def parse(cls, text: str | None, *, default_seed: int) -> "FaultSpec":
        """Read 'server_error=0.05,slow=0.01,slow_seconds=3,seed=7'; raises ValueError saying what is wrong."""
        probabilities: dict[str, float] = {}
        slow_seconds, seed = DEFAULT_SLOW_SECONDS, default_seed
        for item in filter(None, (part.strip() for part in (text or "").split(","))):
            key, separator, raw_value = (part.strip() for part in item.partition("="))
            if key not in (*FAULT_KINDS, "slow_seconds", "seed"):
                raise ValueError(f"unknown fault {key!r}; known: {', '.join(FAULT_KINDS)}, slow_seconds, seed")
            if not separator:
                raise ValueError(f"fault setting {item!r} needs a value, e.g. {key}=0.01")
            value = _number(item, raw_value, int if key == "seed" else float)
            if key == "seed":
                seed = int(value)
            elif key == "slow_seconds":
                slow_seconds = value
            else:
                probabilities[key] = value
        if any(not 0 <= probability <= 1 for probability in probabilities.values()):
            raise ValueError("fault probabilities must be between 0 and 1")
        if sum(probabilities.values()) > 1:
            raise ValueError("fault probabilities add up to more than 1")
        if slow_seconds < 0:
            raise ValueError("slow_seconds must not be negative")
        return cls(probabilities=probabilities, slow_seconds=slow_seconds, seed=seed)

    def to_text(self) -> str:
        """The spec in the form parse() reads."""
        parts = [f"{kind}={self.probabilities[kind]:g}" for kind in FAULT_KINDS if self.probabilities.get(kind)]
        return ",".join([*parts, f"slow_seconds={self.slow_seconds:g}", f"seed={self.seed}"])


def _number(item: str, raw_value: str, kind: type[int] | type[float]) -> float:
    try:
        return kind(raw_value)
    except ValueError:
        raise ValueError(f"fault setting {item!r} has a value that is not a number") from None


@dataclass(frozen=True, slots=True)
class Fault:
    """The fault chosen for one request; status is set for server errors only."""

    kind: str
    status: int = 0


class FaultInjector:
    """Draws at most one fault per API request from a seeded sequence."""

    def __init__(self, spec: FaultSpec) -> None:
        self._lock = threading.Lock()
        self.set_spec(spec)

    def set_spec(self, spec: FaultSpec) -> None:
        """Replace the spec and restart its draw sequence from the spec's seed."""
        with self._lock:
            self.spec = spec
            self._rng = random.Random(spec.seed)

    def draw(self) -> Fault | None:
        """The fault for the next request, or None; exactly one draw per request keeps sequences reproducible."""
        with self._lock:
            if not self.spec.probabilities:
                return None
            value = self._rng.random()
            status_choice = self._rng.randrange(len(SERVER_ERROR_STATUSES))
            for kind in FAULT_KINDS:
                probability = self.spec.probabilities.get(kind, 0.0)
                if value < probability:
                    return Fault(kind, SERVER_ERROR_STATUSES[status_choice] if kind == SERVER_ERROR else 0)
                value -= probability
            return None
