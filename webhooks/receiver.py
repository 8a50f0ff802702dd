"""Receiving one webhook delivery: the cart by its unguessable address, its secret, the event, the inbox, the queue.

Answers fast: no store call here. An unknown address is 404 (a deleted cart's too, so nothing tells whether a cart
exists), a wrong or missing secret 401 (compared in constant time, never logged), too many deliveries for the cart
in a minute 429, a body that is not an order event 400. A duplicate of an event already in the inbox is 200 and
costs nothing more; a new one is for the worker, which re-reads the order's current state (and notes when the
cart's hooks last delivered), queued unless a task for the cart is queued already. A burst is answered fast:
one query, one insert and one conditional update, each a single round trip, and two to the cache.
"""
from __future__ import annotations

import contextlib
import hmac
import json
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction

from carts.credential_storage import secret_decrypt
from carts.platforms import platform_named
from carts.platforms.base import InvalidInput, StoreEvent
from webhooks.deliveries import cart_hook_deliveries_queue_needed
from webhooks.models import CartHookEndpoint, HookDelivery

RATE_WINDOW_SECONDS = 60


@dataclass(frozen=True)
class DeliveryAnswer:
    """The HTTP status to answer the store with, and a short plain-text reason (never the secret)."""

    status: int
    text: str


def _rate_limited(token: str) -> bool:
    """Count the delivery against the cart's per-minute allowance (shared by every web process through the cache)."""
    key = f"webhooks:rate:{token}:{int(time.time() // RATE_WINDOW_SECONDS)}"
    try:
        count = cache.incr(key)
    except ValueError:  # the window's first delivery: the key is made (another web process may just have made it)
        count = 1 if cache.add(key, 1, timeout=RATE_WINDOW_SECONDS * 2) else cache.incr(key)
    return count > settings.WEBHOOK_RATE_LIMIT_PER_MINUTE


def _delivery_filed(endpoint: CartHookEndpoint, event: StoreEvent) -> bool:
    """Put the event in the cart's inbox; False when it is there already (a duplicate)."""
    # Outside a transaction (as a request runs) the INSERT commits by itself and a duplicate's error leaves nothing
    # to undo, so no BEGIN and COMMIT round trips; inside a caller's transaction a savepoint keeps it usable.
    guard = transaction.atomic() if transaction.get_connection().in_atomic_block else contextlib.nullcontext()
    try:
        with guard:
            HookDelivery.objects.create(company_id=endpoint.company_id, cart_id=endpoint.cart_id,
                                        event_hash=event.event_hash, scope=event.scope, order_id=event.order_id)
    except IntegrityError:
        return False
    return True


def hook_delivery_receive(*, token: str, secret: str, body: bytes) -> DeliveryAnswer:
    """Check and file one delivery to the receiver at `token`; what to answer."""
    endpoint = (CartHookEndpoint.objects.select_related("cart").only("cart_id", "company_id", "token", "secret_encrypted",
                                                                     "cart__platform").filter(token=token).first())
    if endpoint is None:
        return DeliveryAnswer(404, "Not found.")
    if _rate_limited(token):
        return DeliveryAnswer(429, "Too many deliveries for this receiver; send again later.")
    if not hmac.compare_digest(secret.encode(), secret_decrypt(endpoint.secret_encrypted).encode()):
        return DeliveryAnswer(401, "The secret header is missing or wrong.")
    try:
        payload = json.loads(body)
        event = platform_named(endpoint.cart.platform).order_event(payload)
    except (ValueError, UnicodeDecodeError):
        return DeliveryAnswer(400, "The body is not JSON.")
    except InvalidInput as refusal:
        return DeliveryAnswer(400, f"Not an order event: {refusal}")
    if not _delivery_filed(endpoint, event):
        return DeliveryAnswer(200, "Already received.")
    if cart_hook_deliveries_queue_needed(cart_id=endpoint.cart_id):
        from webhooks.tasks import cart_hook_deliveries_task  # the tasks module imports the services

        cart_hook_deliveries_task.delay(endpoint.cart_id)
    return DeliveryAnswer(200, "Received.")
