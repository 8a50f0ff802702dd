"""Control endpoints under /_sandbox/ (JSON, no authentication: a loopback tool for tests and benchmarks)."""

import json
import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from sandbox.api_refunds import refund_json
from sandbox.orders import OrderNotPlaceable
from sandbox.ratelimit import PLAN_NAMES
from sandbox.refunds import RefundRequest

if TYPE_CHECKING:  # the server imports this module
    from sandbox.server import SandboxServer

Answer = tuple[int, object]


class _BadRequest(ValueError):
    """A control request that cannot be carried out; the message says why."""


def handle(sandbox: "SandboxServer", method: str, path: str, query: str, body: bytes) -> Answer:
    """Answer one /_sandbox/ request with (status, JSON payload); a GET's data is its query parameters."""
    for route_method, pattern, action in _ROUTES:
        match = re.fullmatch(pattern, path.rstrip("/"))
        if match and method == route_method:
            try:
                data = _json_object(body) if method in ("POST", "PUT") else dict(parse_qsl(query))
                return action(sandbox, data, *match.groups())
            except (_BadRequest, OrderNotPlaceable, ValueError) as error:
                return 400, {"error": str(error)}
            except KeyError as error:
                return 404, {"error": error.args[0]}
    return 404, {"error": f"no control endpoint {method} {path}; see docs/sandbox.md"}


def _json_object(body: bytes) -> dict:
    try:
        data = json.loads(body or b"{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _BadRequest("the body must be a JSON object") from None
    if not isinstance(data, dict):
        raise _BadRequest("the body must be a JSON object")
    return data


def _integer(data: dict, name: str, default: int | None = None) -> int:
    value = data.get(name, default)
    if not isinstance(value, int) or isinstance(value, bool):
        raise _BadRequest(f"'{name}' must be an integer")
    return value


def _strings(data: dict, name: str) -> list[str]:
    value = data.get(name, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _BadRequest(f"'{name}' must be a list of strings")
    return value


def _stats(sandbox: "SandboxServer", data: dict) -> Answer:
    return 200, sandbox.store.stats()


def _reset_stats(sandbox: "SandboxServer", data: dict) -> Answer:
    sandbox.store.reset_stats()
    return 200, sandbox.store.stats()


def _faults(sandbox: "SandboxServer", data: dict) -> Answer:
    spec = sandbox.store.faults.spec
    return 200, {"spec": spec.to_text(), "probabilities": spec.probabilities, "slow_seconds": spec.slow_seconds, "seed": spec.seed}


def _set_faults(sandbox: "SandboxServer", data: dict) -> Answer:
    if not isinstance(data.get("spec", ""), str):
        raise _BadRequest("'spec' must be a string such as 'server_error=0.05,slow=0.01,slow_seconds=3'")
    sandbox.store.set_faults(data.get("spec", ""))
    return _faults(sandbox, data)


def _place_order(sandbox: "SandboxServer", data: dict) -> Answer:
    lines = data.get("lines")
    if not isinstance(lines, list) or not all(isinstance(line, dict) for line in lines):
        raise _BadRequest("'lines' must be a list of {product_id, variant_id, quantity}")
    order_id = sandbox.store.place_order(
        lines=[(_integer(line, "product_id"), line.get("variant_id"), _integer(line, "quantity", 1)) for line in lines],
        email=data.get("email"), customer_id=_integer(data, "customer_id", 0),
        status_id=_integer(data, "status_id", 11), coupon_codes=tuple(_strings(data, "coupons")))
    return 201, {"id": order_id, "order": sandbox.store.order(order_id).order}


def _set_status(sandbox: "SandboxServer", data: dict, order_id: str) -> Answer:
    sandbox.store.set_order_status(int(order_id), _integer(data, "status_id"))
    return 200, sandbox.store.order(int(order_id)).order


def _refund_request(data: dict) -> RefundRequest:
    lines = data.get("lines", [])
    shipping = data.get("shipping", [])
    if not isinstance(lines, list) or not all(isinstance(line, dict) for line in lines):
        raise _BadRequest("'lines' must be a list of {id, quantity} (order product ids and units to refund)")
    if not isinstance(shipping, list) or not all(isinstance(entry, dict) for entry in shipping):
        raise _BadRequest("'shipping' must be a list of {address_id, amount}; leave out amount for all that is left")
    if not isinstance(data.get("all", False), bool):
        raise _BadRequest("'all' must be true or false")
    amounts = {}
    for entry in shipping:
        try:
            amounts[_integer(entry, "address_id")] = None if entry.get("amount") is None else Decimal(str(entry["amount"]))
        except InvalidOperation:
            raise _BadRequest(f"the shipping amount {entry['amount']!r} is not a number, e.g. \"4.50\"") from None
    return RefundRequest(lines={_integer(line, "id"): _integer(line, "quantity") for line in lines}, shipping=amounts,
                         everything=data.get("all", False), reason=str(data.get("reason", "")))


def _refund(sandbox: "SandboxServer", data: dict, order_id: str) -> Answer:
    refund = sandbox.store.refund_order(int(order_id), _refund_request(data))
    return 201, {"refund": refund_json(refund), "order": sandbox.store.order(int(order_id)).order}


def _refunds(sandbox: "SandboxServer", data: dict, order_id: str) -> Answer:
    return 200, [refund_json(refund) for refund in sandbox.store.refunds_of(int(order_id))]


def _cancel(sandbox: "SandboxServer", data: dict, order_id: str) -> Answer:
    sandbox.store.cancel_order(int(order_id))
    return 200, sandbox.store.order(int(order_id)).order


def _adjust_inventory(sandbox: "SandboxServer", data: dict) -> Answer:
    if not isinstance(data.get("items"), list):
        raise _BadRequest("'items' must be a list of {variant_id | product_id | sku, location_id, quantity}")
    adjustment = sandbox.store.adjust_inventory(data["items"], reason=str(data.get("reason", "Set by the control API")),
                                                source="admin")
    return 201, adjustment.to_json()


def _inventory_history(sandbox: "SandboxServer", data: dict) -> Answer:
    return 200, [adjustment.to_json() for adjustment in sandbox.store.inventory.snapshot()]


def _create_shipment(sandbox: "SandboxServer", data: dict, order_id: str) -> Answer:
    return 201, sandbox.store.create_shipment(int(order_id), data, source="control")


def _shipment_requests(sandbox: "SandboxServer", data: dict) -> Answer:
    return 200, sandbox.store.shipments.requests


def _reset_shipment_requests(sandbox: "SandboxServer", data: dict) -> Answer:
    sandbox.store.shipments.requests.clear()
    return 200, []


def _deliveries(sandbox: "SandboxServer", data: dict) -> Answer:
    deliveries = sandbox.store.webhooks.dispatcher.listing()
    for name in ("hook_id", "state", "scope"):
        if name in data:
            deliveries = [delivery for delivery in deliveries if str(delivery[name]) == data[name]]
    return 200, deliveries


def _reset_deliveries(sandbox: "SandboxServer", data: dict) -> Answer:
    sandbox.store.webhooks.dispatcher.clear()
    return 200, sandbox.store.webhooks.dispatcher.listing()


def _hooks(sandbox: "SandboxServer", data: dict) -> Answer:
    store = sandbox.store
    return 200, [{**hook.to_json(store.store_hash), "failures": hook.failures} for hook in store.webhooks.registry.hooks.values()]


def _set_hook_active(sandbox: "SandboxServer", data: dict, hook_id: str) -> Answer:
    if not isinstance(data.get("is_active"), bool):
        raise _BadRequest("'is_active' must be true or false")
    try:
        hook = sandbox.store.webhooks.set_active(int(hook_id), data["is_active"])
    except KeyError:
        raise KeyError(f"there is no webhook {hook_id}") from None
    return 200, hook.to_json(sandbox.store.store_hash)


def _rename_status(sandbox: "SandboxServer", data: dict, status_id: str) -> Answer:
    if not isinstance(data.get("label"), str):
        raise _BadRequest("'label' must be a string")
    sandbox.store.rename_status(int(status_id), data["label"])
    return 200, {"id": int(status_id), "custom_label": sandbox.store.status_labels[int(status_id)]}


def _revoke(sandbox: "SandboxServer", data: dict, name: str) -> Answer:
    sandbox.store.revoke_account(name)
    return 200, sandbox.store.accounts[name].to_json()


def _set_scopes(sandbox: "SandboxServer", data: dict, name: str) -> Answer:
    scopes = data.get("scopes")
    if not isinstance(scopes, list):
        raise _BadRequest("'scopes' must be a list of scope names")
    sandbox.store.set_scopes(name, scopes)
    return 200, sandbox.store.accounts[name].to_json()


def _add_account(sandbox: "SandboxServer", data: dict) -> Answer:
    if not isinstance(data.get("name"), str) or not isinstance(data.get("scopes"), list):
        raise _BadRequest("send {\"name\": \"cart-7\", \"scopes\": [...scope names]}")
    account = sandbox.store.add_account(data["name"], data["scopes"])
    return 201, {**account.to_json(), "api_key": sandbox.api_key(account.name), "credentials_text": sandbox.credentials_text(account.name)}


def _credentials(sandbox: "SandboxServer", data: dict) -> Answer:
    return 200, {
        "api_path": sandbox.api_path,
        "accounts": {name: {**account.to_json(), "api_key": sandbox.api_key(name),
                            "credentials_text": sandbox.credentials_text(name)}
                     for name, account in sandbox.accounts.items()},
    }


def _plan(sandbox: "SandboxServer", data: dict) -> Answer:
    plan = sandbox.store.rate_limiter.plan
    return 200, {"plan": sandbox.store.plan_name, "plan_name": PLAN_NAMES[sandbox.store.plan_name],
                 "quota": plan.quota if plan else None, "window_ms": plan.window_ms if plan else None}


def _examples(sandbox: "SandboxServer", data: dict) -> Answer:
    return 200, sandbox.store.examples()


_ROUTES = (
    ("GET", r"/_sandbox/stats", _stats),
    ("POST", r"/_sandbox/stats/reset", _reset_stats),
    ("GET", r"/_sandbox/faults", _faults),
    ("PUT", r"/_sandbox/faults", _set_faults),
    ("POST", r"/_sandbox/orders", _place_order),
    ("POST", r"/_sandbox/orders/(\d+)/status", _set_status),
    ("POST", r"/_sandbox/orders/(\d+)/refunds", _refund),
    ("GET", r"/_sandbox/orders/(\d+)/refunds", _refunds),
    ("POST", r"/_sandbox/orders/(\d+)/cancel", _cancel),
    ("POST", r"/_sandbox/orders/(\d+)/shipments", _create_shipment),
    ("GET", r"/_sandbox/shipments/requests", _shipment_requests),
    ("POST", r"/_sandbox/shipments/requests/reset", _reset_shipment_requests),
    ("POST", r"/_sandbox/statuses/(\d+)/label", _rename_status),
    ("POST", r"/_sandbox/accounts/([\w-]+)/revoke", _revoke),
    ("PUT", r"/_sandbox/accounts/([\w-]+)/scopes", _set_scopes),
    ("GET", r"/_sandbox/credentials", _credentials),
    ("POST", r"/_sandbox/accounts", _add_account),
    ("GET", r"/_sandbox/examples", _examples),
    ("GET", r"/_sandbox/plan", _plan),
    ("POST", r"/_sandbox/inventory/adjustments", _adjust_inventory),
    ("GET", r"/_sandbox/webhooks", _hooks),
    ("PUT", r"/_sandbox/webhooks/(\d+)", _set_hook_active),
    ("GET", r"/_sandbox/webhooks/deliveries", _deliveries),
    ("POST", r"/_sandbox/webhooks/deliveries/reset", _reset_deliveries),
    ("GET", r"/_sandbox/inventory/adjustments", _inventory_history),
)
