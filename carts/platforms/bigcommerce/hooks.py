"""BigCommerce webhooks (webhooks.v3.yml, webhooks-events.mdx): the /v3/hooks calls and a delivered order event.

Hooks belong to the API account that created them: a session sees and changes only its own.
"""
from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from carts.platforms.base import InvalidInput, StoreEvent, StoreHook
from carts.platforms.bigcommerce.client import BigCommerceClient
from carts.platforms.bigcommerce.errors import InvalidResponse, NotFound

HOOKS_PATH = "/hooks"
# The order events the receiver re-reads an order for (webhooks-events.mdx, "Orders").
ORDER_EVENT_SCOPES = ("store/order/created", "store/order/updated", "store/order/statusUpdated",
                      "store/order/refund/created")
# The custom header (webhooks.v3.yml, `headers`) each hook carries the cart's secret in.
HOOK_SECRET_HEADER = "X-Salesorder-Hook-Secret"
_HASH = re.compile(r"^[0-9a-f]{40}$")
LARGEST_ORDER_ID = 2**31 - 1


def hook_record(data: object) -> StoreHook:
    """A hook as webhooks.v3 answers it; InvalidResponse naming what is missing."""
    if not isinstance(data, dict):
        raise InvalidResponse("BigCommerce's webhook was not an object.", path=HOOKS_PATH)
    hook_id, scope, destination = data.get("id"), data.get("scope"), data.get("destination")
    if not (isinstance(hook_id, int) and not isinstance(hook_id, bool) and hook_id > 0):
        raise InvalidResponse("BigCommerce's webhook lacked a whole-number id.", path=HOOKS_PATH)
    if not isinstance(scope, str) or not isinstance(destination, str):
        raise InvalidResponse(f"BigCommerce's webhook {hook_id} lacked its scope or destination.", path=HOOKS_PATH)
    headers = data.get("headers") if isinstance(data.get("headers"), dict) else {}
    return StoreHook(hook_id=hook_id, scope=scope, destination=destination, is_active=data.get("is_active") is True,
                     headers={str(name): str(value) for name, value in headers.items()})


def _one(body: Any) -> StoreHook:
    if not isinstance(body, dict):
        raise InvalidResponse("BigCommerce's answer was not the expected JSON object.", path=HOOKS_PATH)
    return hook_record(body.get("data"))


class HookOperations:
    """The StoreSession's webhook calls, for a session holding `client`."""

    client: BigCommerceClient

    def hooks(self) -> list[StoreHook]:
        """GET /v3/hooks, every page: the hooks this API account registered."""
        return [hook_record(item) for page in self.client.iter_v3_pages(HOOKS_PATH) for item in page.items]

    def hook_create(self, *, scope: str, destination: str, headers: dict[str, str]) -> StoreHook:
        """POST /v3/hooks: an active hook for one scope, with custom headers."""
        body = {"scope": scope, "destination": destination, "is_active": True, "headers": headers}
        return _one(self.client.request("POST", "v3", HOOKS_PATH, json_body=body))

    def hook_update(self, hook_id: int, *, destination: str, headers: dict[str, str], is_active: bool = True) -> StoreHook:
        """PUT /v3/hooks/{id}: destination, headers and is_active (true reactivates a hook the store deactivated)."""
        body = {"destination": destination, "headers": headers, "is_active": is_active}
        return _one(self.client.request("PUT", "v3", f"{HOOKS_PATH}/{hook_id}", json_body=body))

    def hook_delete(self, hook_id: int) -> None:
        """DELETE /v3/hooks/{id}; a hook already gone is fine."""
        try:
            self.client.request("DELETE", "v3", f"{HOOKS_PATH}/{hook_id}")
        except NotFound:
            pass


def order_event(payload: object) -> StoreEvent:
    """A webhooks-events.mdx order callback as a StoreEvent; InvalidInput naming the field that is wrong."""
    if not isinstance(payload, dict):
        raise InvalidInput("The body is not a JSON object.")
    scope, data = payload.get("scope"), payload.get("data")
    if scope not in ORDER_EVENT_SCOPES:
        raise InvalidInput(f"scope must be one of {', '.join(ORDER_EVENT_SCOPES)}.")
    if not isinstance(data, dict) or data.get("type") != "order":
        raise InvalidInput("data must be an object with type 'order'.")
    order_id = data.get("id")
    if not (isinstance(order_id, int) and not isinstance(order_id, bool) and 0 < order_id <= LARGEST_ORDER_ID):
        raise InvalidInput("data.id must be the order's id, a whole number.")
    store_hash = payload.get("hash")
    if store_hash is None:  # "The SHA-1 hash of the JSON-encoded payload data": make one when it is absent
        store_hash = _sha1(json.dumps(payload, sort_keys=True))
    if not isinstance(store_hash, str) or not _HASH.match(store_hash):
        raise InvalidInput("hash must be the event's SHA-1 hash, 40 hexadecimal digits.")
    # The hash may be of `data` alone ({"type": "order", "id": …}), the same for every event of an order: with the
    # scope and the event's time it tells a later update from a retry of the same delivery.
    event_key = _sha1(f"{scope} {store_hash} {payload.get('created_at')!r}")
    return StoreEvent(scope=scope, order_id=order_id, event_hash=event_key)


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()
