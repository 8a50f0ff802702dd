"""The REST API under /stores/{store_hash}/: routing, authentication, scopes and error bodies.

Order of checks, as on BigCommerce's gateway: store hash (404), token (401), quota (429), route
(404/405), scope (403) — scopes before the resource is looked up, so PUT /v2/orders/0 answers 403
without the Orders modify scope and 404 with it.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl

from sandbox import api_hooks, api_inventory, api_refunds, api_shipments, api_v2, api_v3
from sandbox.accounts import ANY, INFORMATION, INVENTORY, ORDERS, PRODUCTS, TRANSACTIONS
from sandbox.apitypes import ApiError, ApiRequest, ApiResponse, error_body
from sandbox.ratelimit import RateLimitDecision
from sandbox.store import SandboxStore

_STORE_PATH = re.compile(r"^/stores/(?P<store_hash>[^/]+)/(?P<version>v2|v3)(?P<path>/.*)?$")


Handler = Callable[..., ApiResponse]


@dataclass(frozen=True, slots=True)
class Route:
    """One endpoint: method, version, path template and the OAuth resources whose scopes (any one) allow it."""

    method: str
    version: str
    template: str
    resource: str | tuple[str, ...]
    handler: Handler

    @property
    def resources(self) -> tuple[str, ...]:
        """The resources any of whose scopes lets a request through."""
        return self.resource if isinstance(self.resource, tuple) else (self.resource,)

    @property
    def pattern(self) -> re.Pattern[str]:
        """The template as a regular expression; path parameters are numeric ids."""
        return re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>\\d+)", self.template) + "$")


ROUTES = (
    Route("GET", "v2", "/store", INFORMATION, api_v2.get_store),
    Route("GET", "v2", "/time", INFORMATION, api_v2.get_time),
    Route("GET", "v2", "/order_statuses", ORDERS, api_v2.list_order_statuses),
    Route("GET", "v2", "/order_statuses/{status_id}", ORDERS, api_v2.get_order_status),
    Route("GET", "v2", "/orders", ORDERS, api_v2.list_orders),
    Route("POST", "v2", "/orders", ORDERS, api_v2.create_order),
    Route("GET", "v2", "/orders/count", ORDERS, api_v2.count_orders),
    Route("GET", "v2", "/orders/{order_id}", ORDERS, api_v2.get_order),
    Route("PUT", "v2", "/orders/{order_id}", ORDERS, api_v2.update_order),
    Route("GET", "v2", "/orders/{order_id}/products", ORDERS, api_v2.list_order_products),
    Route("GET", "v2", "/orders/{order_id}/products/{line_id}", ORDERS, api_v2.get_order_product),
    Route("GET", "v2", "/orders/{order_id}/shipping_addresses", ORDERS, api_v2.list_shipping_addresses),
    # The order's own resource links say "shippingaddresses"; BigCommerce answers on both spellings.
    Route("GET", "v2", "/orders/{order_id}/shippingaddresses", ORDERS, api_v2.list_shipping_addresses),
    Route("GET", "v2", "/orders/{order_id}/coupons", ORDERS, api_v2.list_order_coupons),
    Route("GET", "v2", "/orders/{order_id}/shipments", ORDERS, api_shipments.list_shipments),
    Route("POST", "v2", "/orders/{order_id}/shipments", ORDERS, api_shipments.create_shipment),
    Route("GET", "v2", "/orders/{order_id}/shipments/count", ORDERS, api_shipments.count_shipments),
    Route("GET", "v2", "/orders/{order_id}/shipments/{shipment_id}", ORDERS, api_shipments.get_shipment),
    Route("GET", "v3", "/catalog/summary", PRODUCTS, api_v3.get_catalog_summary),
    Route("GET", "v3", "/catalog/products", PRODUCTS, api_v3.list_products),
    Route("GET", "v3", "/catalog/products/{product_id}", PRODUCTS, api_v3.get_product),
    Route("GET", "v3", "/catalog/products/{product_id}/variants", PRODUCTS, api_v3.list_product_variants),
    Route("GET", "v3", "/catalog/products/{product_id}/variants/{variant_id}", PRODUCTS, api_v3.get_product_variant),
    Route("GET", "v3", "/catalog/variants", PRODUCTS, api_v3.list_variants),
    Route("GET", "v3", "/orders/{order_id}/payment_actions/refunds", (ORDERS, TRANSACTIONS), api_refunds.list_order_refunds),
    Route("GET", "v3", "/orders/payment_actions/refunds", (ORDERS, TRANSACTIONS), api_refunds.list_refunds),
    Route("GET", "v3", "/orders/payment_actions/refunds/{refund_id}", (ORDERS, TRANSACTIONS), api_refunds.get_refund),
    Route("PUT", "v3", "/inventory/adjustments/absolute", INVENTORY, api_inventory.adjust_absolute),
    Route("GET", "v3", "/inventory/items", INVENTORY, api_inventory.list_items),
    Route("GET", "v3", "/hooks", ANY, api_hooks.list_hooks),
    Route("POST", "v3", "/hooks", ANY, api_hooks.create_hook),
    Route("GET", "v3", "/hooks/{webhook_id}", ANY, api_hooks.get_hook),
    Route("PUT", "v3", "/hooks/{webhook_id}", ANY, api_hooks.update_hook),
    Route("DELETE", "v3", "/hooks/{webhook_id}", ANY, api_hooks.delete_hook),
)
_COMPILED_ROUTES = [(route, route.pattern) for route in ROUTES]


def is_api_path(path: str) -> bool:
    """Whether a URL path is under /stores/{store_hash}/v2 or /v3."""
    return _STORE_PATH.match(path) is not None


def api_version(path: str) -> str:
    """'v2' or 'v3' for a path under /stores/."""
    return _STORE_PATH.match(path)["version"]


def endpoint_template(method: str, path: str) -> str:
    """The counters' name for a request: 'GET /v2/orders/{order_id}', or '<unmatched>' for no route."""
    match = _STORE_PATH.match(path)
    route, _, _ = _find_route(match["version"], _relative_path(match), method)
    return f"{method} /{match['version']}{route.template if route else '<unmatched>'}"


def _relative_path(match: re.Match[str]) -> str:
    return (match["path"] or "/").rstrip("/") or "/"


def handle_api_request(store: SandboxStore, *, method: str, path: str, query_string: str, headers: dict[str, str],
                       body: bytes, base_url: str) -> ApiResponse:
    """Answer one request under /stores/; the caller adds fault injection and counting."""
    match = _STORE_PATH.match(path)
    version = match["version"]
    return _answer(store, match["store_hash"], version, _relative_path(match), method, query_string, headers, body, base_url)


def _answer(store: SandboxStore, store_hash: str, version: str, path: str, method: str, query_string: str,
            headers: dict[str, str], body: bytes, base_url: str) -> ApiResponse:
    route, parameters, allowed_methods = _find_route(version, path, method)
    endpoint = f"{method} /{version}{route.template if route else '<unmatched>'}"
    if store_hash != store.store_hash:
        return _error(version, 404, "Store not found.", store.rate_limiter.peek(), endpoint)
    account = store.account_for_token(headers.get("x-auth-token", ""))
    if account is None:
        return _error(version, 401, "You are not authorized to access this resource: the X-Auth-Token is missing, "
                      "wrong or revoked.", store.rate_limiter.peek(), endpoint)
    quota = store.rate_limiter.consume()
    if quota is not None and not quota.allowed:
        return _error(version, 429, "Too many requests: the store's API quota for this window is spent.", quota, endpoint)
    if route is None:
        if allowed_methods:
            return _error(version, 405, f"The method {method} is not supported on this resource.", quota, endpoint,
                          {"Allow": ", ".join(sorted(allowed_methods))})
        return _error(version, 404, "The requested resource was not found.", quota, endpoint)
    if not any(account.allows(resource, method) for resource in route.resources):
        return _error(version, 403, "You don't have a required scope to access the endpoint.", quota, endpoint)
    request = ApiRequest(method=method, version=version, path=path, query=dict(parse_qsl(query_string, keep_blank_values=True)),
                         body=body, api_root=f"{base_url}/stores/{store.store_hash}", client_id=account.client_id)
    try:
        response = route.handler(store, request, **{name: int(value) for name, value in parameters.items()})
    except ApiError as error:
        return _error(version, error.status, error.message, quota, endpoint)
    response.headers.update(quota.headers() if quota else {})
    response.endpoint = endpoint
    return response


def _find_route(version: str, path: str, method: str) -> tuple[Route | None, dict[str, str], set[str]]:
    allowed_methods = set()
    for route, pattern in _COMPILED_ROUTES:
        if route.version != version:
            continue
        match = pattern.match(path)
        if match:
            if route.method == method or (method == "HEAD" and route.method == "GET"):
                return route, match.groupdict(), allowed_methods
            allowed_methods.add(route.method)
    return None, {}, allowed_methods


def _error(version: str, status: int, message: str, quota: RateLimitDecision | None, endpoint: str,
           headers: dict[str, str] | None = None) -> ApiResponse:
    return ApiResponse(status=status, body=error_body(version, status, message),
                       headers={**(quota.headers() if quota else {}), **(headers or {})}, endpoint=endpoint)
