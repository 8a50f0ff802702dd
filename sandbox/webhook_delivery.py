"""Delivering webhook callbacks from background threads, with BigCommerce's retries and deactivation.

Each event makes one delivery per active hook. A delivery is POSTed with the hook's custom headers
and Standard Webhooks signature headers (webhooks-https.mdx); any 2xx acknowledges it. Anything else
(another status, a refused connection, no answer within the timeout) is retried after 60 s, 180 s,
300 s ... 86,400 s (webhooks-overview.mdx); after the last retry fails, the hook is deactivated
(`is_active` false). `time_scale` compresses that schedule for tests (0.001: 60 ms, 180 ms, ...).
"""

import base64
import hashlib
import heapq
import hmac
import itertools
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field

from sandbox.webhooks import Hook, HookRegistry

RETRY_INTERVALS = (60, 180, 300, 600, 900, 1_800, 3_600, 7_200, 21_600, 50_400, 86_400)
WORKERS = 4
DELIVERIES_KEPT = 10_000
PENDING, DELIVERED, FAILED, DROPPED = "pending", "delivered", "failed", "dropped"
# Never through a proxy: destinations are the merchant's own endpoint (or a loopback receiver).
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass(slots=True)
class Delivery:
    """One event on its way to one hook, with every attempt made."""

    id: int
    hook_id: int
    scope: str
    destination: str
    body: bytes
    emitted_at: float
    state: str = PENDING
    attempts: list[dict] = field(default_factory=list)
    next_attempt_at: float | None = None
    delivered_at: float | None = None

    def to_json(self) -> dict:
        """As GET /_sandbox/webhooks/deliveries lists it."""
        return {"id": self.id, "hook_id": self.hook_id, "scope": self.scope, "destination": self.destination,
                "payload": self.body.decode(), "state": self.state, "emitted_at": self.emitted_at,
                "delivered_at": self.delivered_at, "next_attempt_at": self.next_attempt_at, "attempts": self.attempts}


class Dispatcher:
    """Worker threads that send each delivery when it is due and schedule its retries."""

    def __init__(self, *, hooks: HookRegistry, secret_of: Callable[[str], str], time_scale: float = 1.0,
                 timeout: float = 10.0, on_deactivate: Callable[[Hook], None] | None = None) -> None:
        if time_scale <= 0:
            raise ValueError(f"the webhook time scale must be more than 0, got {time_scale}")
        self.hooks = hooks
        self.secret_of = secret_of
        self.time_scale = time_scale
        self.timeout = timeout
        self.on_deactivate = on_deactivate
        self.deliveries: dict[int, Delivery] = {}
        self._due: list[tuple[float, int, int]] = []  # (when, sequence, delivery id)
        self._sequence = itertools.count()
        self._ids = itertools.count(1)
        self._condition = threading.Condition()
        self._threads: list[threading.Thread] = []
        self._stopped = False

    def start(self) -> None:
        """Start the worker threads (daemons: a hanging destination never keeps the process alive)."""
        self._stopped = False
        self._threads = [threading.Thread(target=self._work, name=f"sandbox-webhooks-{number}", daemon=True)
                         for number in range(WORKERS)]
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        """Stop the workers; deliveries still due stay pending."""
        with self._condition:
            self._stopped = True
            self._condition.notify_all()
        for thread in self._threads:
            thread.join(timeout=self.timeout + 1)
        self._threads = []

    def emit(self, scope: str, body: bytes) -> list[Delivery]:
        """Queue one delivery of an event to every active hook of its scope."""
        deliveries = []
        with self._condition:
            for hook in self.hooks.active_for(scope):
                delivery = Delivery(id=next(self._ids), hook_id=hook.id, scope=scope, destination=hook.destination,
                                    body=body, emitted_at=time.time(), next_attempt_at=time.time())
                self.deliveries[delivery.id] = delivery
                heapq.heappush(self._due, (time.monotonic(), next(self._sequence), delivery.id))
                deliveries.append(delivery)
            while len(self.deliveries) > DELIVERIES_KEPT:
                self.deliveries.pop(next(iter(self.deliveries)))
            self._condition.notify_all()
        return deliveries

    def listing(self) -> list[dict]:
        """Every delivery kept, oldest first."""
        with self._condition:
            return [delivery.to_json() for delivery in self.deliveries.values()]

    def clear(self) -> None:
        """Forget the deliveries made (pending ones are still sent)."""
        with self._condition:
            self.deliveries = {delivery_id: delivery for delivery_id, delivery in self.deliveries.items() if delivery.state == PENDING}

    def _work(self) -> None:
        while True:
            with self._condition:
                while not self._stopped and (not self._due or self._due[0][0] > time.monotonic()):
                    self._condition.wait(self._due[0][0] - time.monotonic() if self._due else None)
                if self._stopped:
                    return
                _, _, delivery_id = heapq.heappop(self._due)
                delivery = self.deliveries.get(delivery_id)
            if delivery is not None:
                self._attempt(delivery)

    def _attempt(self, delivery: Delivery) -> None:
        hook = self.hooks.find(delivery.hook_id)
        if hook is None or not hook.is_active:
            delivery.state, delivery.next_attempt_at = DROPPED, None  # deleted or deactivated meanwhile
            return
        started = time.monotonic()
        status, error = self._post(delivery, hook)
        delivery.attempts.append({"at": time.time(), "status": status, "error": error,
                                  "duration_ms": round((time.monotonic() - started) * 1000, 1)})
        if status is not None and 200 <= status < 300:
            delivery.state, delivery.delivered_at, delivery.next_attempt_at = DELIVERED, time.time(), None
            return
        retries_made = len(delivery.attempts) - 1
        if retries_made < len(RETRY_INTERVALS):
            wait = RETRY_INTERVALS[retries_made] * self.time_scale
            delivery.next_attempt_at = time.time() + wait
            with self._condition:
                heapq.heappush(self._due, (time.monotonic() + wait, next(self._sequence), delivery.id))
                self._condition.notify_all()
            return
        delivery.state, delivery.next_attempt_at = FAILED, None
        if self.hooks.give_up(hook.id, now=int(time.time())) and self.on_deactivate:
            self.on_deactivate(hook)

    def _post(self, delivery: Delivery, hook: Hook) -> tuple[int | None, str]:
        timestamp = str(int(time.time()))
        message_id = f"msg_{delivery.id}"
        # Standard Webhooks: HMAC-SHA256 of "id.timestamp.body" keyed with the app's client secret.
        signed = hmac.new(self.secret_of(hook.client_id).encode(), f"{message_id}.{timestamp}.".encode() + delivery.body,
                          hashlib.sha256).digest()
        headers = {**(hook.headers or {}), "Content-Type": "application/json", "User-Agent": "BigCommerce-Sandbox-Webhooks/1.0",
                   "webhook-id": message_id, "webhook-timestamp": timestamp,
                   "webhook-signature": "v1," + base64.b64encode(signed).decode()}
        request = urllib.request.Request(delivery.destination, data=delivery.body, headers=headers, method="POST")
        try:
            with _OPENER.open(request, timeout=self.timeout) as response:
                return response.status, ""
        except urllib.error.HTTPError as error:
            return error.code, f"HTTP {error.code}"
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)  # a URLError wraps the socket's error
            return None, f"{type(reason).__name__}: {reason}" if isinstance(reason, Exception) else f"{type(error).__name__}: {reason}"
