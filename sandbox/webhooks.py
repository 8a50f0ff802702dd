"""Webhooks (webhooks.v3.yml, webhooks-overview.mdx): registrations per API account, and the events the store sends.

A hook belongs to the API account (client id) that created it and only that account sees it. Its
destination must be https on the default port, as BigCommerce requires, or plain http to a loopback
address (any port), so tests and `make run` can receive deliveries locally.
"""

import hashlib
import ipaddress
import json
import threading
from dataclasses import dataclass, field
from urllib.parse import urlsplit

# The events the sandbox sends, and the wildcards that cover them (webhooks-events.mdx).
ORDER_CREATED, ORDER_UPDATED, ORDER_ARCHIVED = "store/order/created", "store/order/updated", "store/order/archived"
ORDER_STATUS_UPDATED, ORDER_REFUND_CREATED = "store/order/statusUpdated", "store/order/refund/created"
SHIPMENT_CREATED = "store/shipment/created"
EVENT_SCOPES = (ORDER_CREATED, ORDER_UPDATED, ORDER_ARCHIVED, ORDER_STATUS_UPDATED, ORDER_REFUND_CREATED, SHIPMENT_CREATED)
SCOPES = (*EVENT_SCOPES, "store/order/*", "store/shipment/*")
MAX_HOOKS_PER_SCOPE = 10  # per store, API account and scope (webhooks-overview.mdx, "Platform limits")
_LOOPBACK_NAMES = {"localhost"}


class HookInvalid(ValueError):
    """A webhook body that cannot be accepted: `errors` names each field and what is wrong with it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{name}: {problem}" for name, problem in errors.items()))
        self.errors = errors


@dataclass(slots=True)
class Hook:
    """One webhook registration."""

    id: int
    client_id: str
    scope: str
    destination: str
    is_active: bool
    headers: dict[str, str] | None
    created_at: int
    updated_at: int
    failures: int = field(default=0)  # deliveries given up on since it was last (re)activated

    def covers(self, scope: str) -> bool:
        """Whether an event of this scope goes to this hook (exactly, or through a wildcard like store/order/*)."""
        return self.scope == scope or (self.scope.endswith("/*") and scope.startswith(self.scope[:-1]))

    def to_json(self, store_hash: str) -> dict:
        """The hook as webhooks.v3 shows it."""
        return {"id": self.id, "client_id": self.client_id, "store_hash": store_hash, "scope": self.scope,
                "destination": self.destination, "is_active": self.is_active, "headers": self.headers,
                "created_at": self.created_at, "updated_at": self.updated_at}


def destination_problem(destination: object) -> str | None:
    """Why a destination is not acceptable, or None."""
    if not isinstance(destination, str) or not destination.strip():
        return "error.path.missing: a destination URL is required"
    parts = urlsplit(destination)
    if parts.scheme == "https" and parts.hostname:
        if parts.port not in (None, 443):
            return "The destination must be served on port 443; custom ports are not supported"
        return None
    if parts.scheme == "http" and parts.hostname:
        if parts.hostname in _LOOPBACK_NAMES or _is_loopback(parts.hostname):
            return None
        return "The destination must be https; plain http is accepted only for a loopback address (127.0.0.1, ::1, localhost)"
    return "The destination must be an https URL"


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def validate(body: object, *, partial: bool) -> dict:
    """The fields of a create (all required ones) or update (any of them) body; raises HookInvalid."""
    if not isinstance(body, dict):
        raise HookInvalid({"body": "JSON data is missing or invalid: send an object"})
    errors = {}
    unknown = sorted(set(body) - {"scope", "destination", "is_active", "headers"})
    if unknown:
        errors[unknown[0]] = "is not a webhook field (scope, destination, is_active, headers)"
    if "scope" in body or not partial:
        if body.get("scope") not in SCOPES:
            errors["scope"] = f"must be one of the events the sandbox sends: {', '.join(SCOPES)}"
    if "destination" in body or not partial:
        problem = destination_problem(body.get("destination"))
        if problem:
            errors["destination"] = problem
    if "is_active" in body and not isinstance(body["is_active"], bool):
        errors["is_active"] = "must be true or false"
    headers = body.get("headers")
    if headers is not None and not (isinstance(headers, dict) and all(isinstance(name, str) and isinstance(value, str)
                                                                      for name, value in headers.items())):
        errors["headers"] = "must be an object of header names to string values"
    if partial and not body:
        errors["body"] = "at least one field is required to update a webhook"
    if errors:
        raise HookInvalid(errors)
    return body


class HookRegistry:
    """Every webhook of a store, by id, under its own lock (deliveries read it from their threads)."""

    def __init__(self) -> None:
        self.hooks: dict[int, Hook] = {}
        self._lock = threading.Lock()

    def create(self, client_id: str, body: object, *, now: int) -> Hook:
        """Register a hook (POST /hooks); raises HookInvalid for a bad body, a duplicate or one hook too many."""
        fields = validate(body, partial=False)
        with self._lock:
            self._check_limits(client_id, fields["scope"], fields["destination"], ignore=None)
            hook = Hook(id=max(self.hooks, default=0) + 1, client_id=client_id, scope=fields["scope"],
                        destination=fields["destination"], is_active=fields.get("is_active", True),
                        headers=fields.get("headers"), created_at=now, updated_at=now)
            self.hooks[hook.id] = hook
            return hook

    def update(self, client_id: str, hook_id: int, body: object, *, now: int) -> Hook | None:
        """Change a hook (PUT /hooks/{id}); reactivating it starts its failure count again. None: not this account's."""
        fields = validate(body, partial=True)
        with self._lock:
            hook = self._own(client_id, hook_id)
            if hook is None:
                return None
            self._check_limits(client_id, fields.get("scope", hook.scope), fields.get("destination", hook.destination), ignore=hook.id)
            if fields.get("is_active") and not hook.is_active:
                hook.failures = 0
            for name in ("scope", "destination", "is_active", "headers"):
                if name in fields:
                    setattr(hook, name, fields[name])
            hook.updated_at = now
            return hook

    def delete(self, client_id: str, hook_id: int) -> Hook | None:
        """Remove a hook (DELETE /hooks/{id}); None when the account has no such hook."""
        with self._lock:
            hook = self._own(client_id, hook_id)
            return self.hooks.pop(hook_id) if hook else None

    def of(self, client_id: str) -> list[Hook]:
        """The account's hooks, by id."""
        with self._lock:
            return [hook for hook in self.hooks.values() if hook.client_id == client_id]

    def get(self, client_id: str, hook_id: int) -> Hook | None:
        """One of the account's hooks, or None."""
        with self._lock:
            return self._own(client_id, hook_id)

    def active_for(self, scope: str) -> list[Hook]:
        """The active hooks an event of this scope goes to."""
        with self._lock:
            return [hook for hook in self.hooks.values() if hook.is_active and hook.covers(scope)]

    def find(self, hook_id: int) -> Hook | None:
        """Any account's hook by id, or None."""
        with self._lock:
            return self.hooks.get(hook_id)

    def give_up(self, hook_id: int, *, now: int) -> bool:
        """Count a delivery given up on and deactivate the hook, as BigCommerce does after the last retry; True if it was active."""
        with self._lock:
            hook = self.hooks.get(hook_id)
            if hook is None:
                return False
            hook.failures += 1
            was_active, hook.is_active = hook.is_active, False
            if was_active:
                hook.updated_at = now
            return was_active

    def set_active(self, hook_id: int, active: bool, *, now: int) -> Hook:
        """Deactivate a hook after its deliveries kept failing, or reactivate it (admin page); raises KeyError."""
        with self._lock:
            hook = self.hooks[hook_id]
            hook.is_active, hook.updated_at = active, now
            if active:
                hook.failures = 0
            return hook

    def _own(self, client_id: str, hook_id: int) -> Hook | None:
        hook = self.hooks.get(hook_id)
        return hook if hook and hook.client_id == client_id else None

    def _check_limits(self, client_id: str, scope: str, destination: str, *, ignore: int | None) -> None:
        same_scope = [hook for hook in self.hooks.values() if hook.client_id == client_id and hook.scope == scope and hook.id != ignore]
        duplicate = next((hook for hook in same_scope if hook.destination == destination), None)
        if duplicate:
            raise HookInvalid({"destination": f"webhook {duplicate.id} already sends {scope} to this destination; "
                                              "only one is allowed per scope and destination"})
        if len(same_scope) >= MAX_HOOKS_PER_SCOPE:
            raise HookInvalid({"scope": f"at most {MAX_HOOKS_PER_SCOPE} webhooks per scope; delete one first"})

    def to_json(self) -> list[dict]:
        """Every hook, for the state file."""
        with self._lock:
            return [{**hook.to_json(""), "failures": hook.failures} for hook in self.hooks.values()]

    def restore(self, saved: list[dict]) -> None:
        """Load the hooks of a state file."""
        for data in saved:
            data = {name: value for name, value in data.items() if name != "store_hash"}
            self.hooks[data["id"]] = Hook(**data)


def event_payload(*, scope: str, store_id: int, store_hash: str, data: dict, created_at: int) -> bytes:
    """The callback body BigCommerce posts: the same bytes (and hash) for every hook and every retry of the event."""
    event = {"scope": scope, "store_id": str(store_id), "data": data, "created_at": created_at,
             "producer": f"stores/{store_hash}"}
    # webhooks-events.mdx: "The SHA-1 hash of the JSON-encoded payload data. Ensures users can detect duplicate events."
    digest = hashlib.sha1(json.dumps(event, sort_keys=True).encode(), usedforsecurity=False).hexdigest()
    return json.dumps({**event, "hash": digest}).encode()
