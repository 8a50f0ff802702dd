"""HTTP client for one BigCommerce store: pooled session, retries, rate limits, typed errors, paging.

It knows HTTP and BigCommerce's conventions and nothing of Django. Callers iterate orders or
products and never see page numbers; every failure arrives as a BigCommerceError subclass.
"""
from __future__ import annotations

import ipaddress
import json
import logging
import random
import socket
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from carts.bigcommerce.constants import (
    HEADER_RATE_LIMIT_LEFT,
    HEADER_RATE_LIMIT_RESET_MS,
    MAX_PAGE_SIZE,
)
from carts.bigcommerce.credentials import AllowedHosts, ApiHost, ApiKey, ApiPath
from carts.bigcommerce.errors import (
    AuthenticationFailed,
    BigCommerceError,
    HostNotAllowed,
    InvalidResponse,
    MissingScope,
    NetworkError,
    NotFound,
    RateLimited,
    RequestRejected,
    ServerError,
    UnexpectedRedirect,
)

logger = logging.getLogger(__name__)

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
RETRYABLE_SERVER_STATUSES = frozenset({500, 502, 503, 504})
DNS_CACHE_SECONDS = 60.0
# The product fields an items import reads; the rest of a product record is not sent (smaller pages).
CATALOG_PRODUCT_FIELDS = "name,sku,price"


@dataclass(frozen=True)
class RetryPolicy:
    """How hard the client tries before giving up; bounded in attempts and in total time."""

    max_attempts: int = 6
    max_total_seconds: float = 120.0
    base_backoff_seconds: float = 0.5
    max_backoff_seconds: float = 20.0
    # Below this many requests left in the window, spread the rest over the time to reset.
    low_quota_threshold: int = 5


@dataclass
class RequestStats:
    """What a run cost, for sync logs and benchmarks."""

    requests: int = 0
    retries: int = 0
    rate_limit_waits: int = 0
    throttle_waits: int = 0
    seconds_waited: float = 0.0
    by_endpoint: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class OrderFilter:
    """The GET /v2/orders filters the integration uses; v2 takes one status id per request."""

    status_id: int | None = None
    created_from: datetime | None = None  # timezone-aware
    modified_from: datetime | None = None  # timezone-aware
    min_id: int | None = None
    max_id: int | None = None

    def params(self) -> dict[str, Any]:
        """The query parameters, without the ones left unset."""
        params: dict[str, Any] = {}
        if self.status_id is not None:
            params["status_id"] = self.status_id
        if self.created_from is not None:
            params["min_date_created"] = self.created_from.isoformat()
        if self.modified_from is not None:
            params["min_date_modified"] = self.modified_from.isoformat()
        if self.min_id is not None:
            params["min_id"] = self.min_id
        if self.max_id is not None:
            params["max_id"] = self.max_id
        return params


# Orders with their lines (and shipping addresses, in the consignments) and fees in the same call,
# so an import costs one request per page of orders, not one per order (orders.v2.oas2.yml, order_includes).
ORDER_WITH_LINES_PARAMS: dict[str, str] = {"include": "consignments.line_items,fees", "consignment_structure": "object"}


@dataclass(frozen=True)
class V3Page:
    """One page of a v3 collection with its meta.pagination figures."""

    items: list[dict[str, Any]]
    current_page: int
    total_pages: int
    total: int


def is_public_address(address: str) -> bool:
    """Whether an address is on the public internet (not loopback, private, link-local or reserved)."""
    return ipaddress.ip_address(address.split("%")[0]).is_global


class PublicAddressAdapter(HTTPAdapter):
    """Connects only to public addresses it has checked itself (SSRF and DNS-rebinding guard).

    A host name is resolved here, every address it has must be public, and the connection then
    goes to the checked address (TLS still verifies the certificate for the name), so a second,
    different DNS answer at connect time cannot lead the request elsewhere. IP literals and
    localhost are checked against the allow-list only: an operator who lists 127.0.0.1:8001 for a
    sandbox store means it.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._checked: dict[str, tuple[str, float]] = {}

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        parts = requests.utils.urlparse(request.url)
        if self._pinned_address(parts.hostname or "") != parts.hostname:
            request.headers["Host"] = parts.netloc  # the pool connects to the address; the server sees the name
        return super().send(request, *args, **kwargs)

    def get_connection_with_tls_context(self, request: requests.PreparedRequest, verify: Any, proxies: Any = None,
                                        cert: Any = None) -> Any:
        host = requests.utils.urlparse(request.url).hostname or ""
        address = self._pinned_address(host)
        if address == host:
            return super().get_connection_with_tls_context(request, verify, proxies=proxies, cert=cert)
        host_params, pool_kwargs = self.build_connection_pool_key_attributes(request, verify, cert)
        if host_params["scheme"] == "https":
            pool_kwargs = {**pool_kwargs, "server_hostname": host, "assert_hostname": host}
        return self.poolmanager.connection_from_host(**{**host_params, "host": address}, pool_kwargs=pool_kwargs)

    def _pinned_address(self, host: str) -> str:
        """The vetted address to connect to for `host` (the host itself for IP literals and localhost)."""
        if ApiHost(host, 0).is_ip_literal or host == "localhost":
            return host
        address, expires = self._checked.get(host, ("", 0.0))
        if expires > time.monotonic():
            return address
        try:
            addresses = [info[4][0] for info in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)]
        except OSError as error:
            raise NetworkError(f"The address {host} could not be resolved ({error.__class__.__name__}).") from None
        for candidate in addresses:
            if not is_public_address(candidate):
                raise HostNotAllowed(f"{host} resolves to a non-public address; the request was not sent.")
        if not addresses:
            raise NetworkError(f"The address {host} could not be resolved.")
        self._checked[host] = (addresses[0], time.monotonic() + DNS_CACHE_SECONDS)
        return addresses[0]


class BigCommerceClient:
    """A session with one store's API; create one per job and close it (or use `with`)."""

    def __init__(
        self,
        *,
        api_path: ApiPath,
        api_key: ApiKey,
        allowed_hosts: AllowedHosts,
        connect_timeout: float = 5.0,
        read_timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        if not allowed_hosts.allows(api_path.host):
            raise HostNotAllowed(f"{api_path.origin} is not an allowed BigCommerce API host; nothing was sent.")
        self.api_path = api_path
        self.timeout = (connect_timeout, read_timeout)
        self.retry = retry or RetryPolicy()
        self.stats = RequestStats()
        self._sleep = sleep
        self._clock = clock
        self._jitter = jitter
        self._session = session or requests.Session()
        adapter = PublicAddressAdapter(pool_connections=2, pool_maxsize=4, max_retries=0)
        self._session.mount("https://", adapter)
        self._session.mount("http://", adapter)
        self._session.headers.update(
            {
                "X-Auth-Client": api_key.client_id,
                "X-Auth-Token": api_key.access_token,
                "Accept": "application/json",
                "Content-Type": "application/json",
                "User-Agent": "Salesorder-BigCommerce-Connector/1.0",
            }
        )

    def __repr__(self) -> str:
        return f"BigCommerceClient({self.api_path})"

    def __enter__(self) -> BigCommerceClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Release pooled connections."""
        self._session.close()

    # --- the store ---------------------------------------------------------------------------

    def store_information(self) -> dict[str, Any]:
        """GET /v2/store: name, currency, time zone (needs Information & Settings: read-only)."""
        return self._expect_object(self.request("GET", "v2", "/store"), "/store")

    def order_statuses(self) -> list[dict[str, Any]]:
        """GET /v2/order_statuses: the 15 statuses with the store's own labels (needs Orders: read)."""
        return self._expect_list(self.request("GET", "v2", "/order_statuses"), "/order_statuses")

    def products_probe(self) -> None:
        """The cheapest products call, to prove the Products scope: one product id."""
        self.get_v3_page("/catalog/products", {"include_fields": "id"}, page=1, limit=1)

    def orders_modify_probe(self) -> None:
        """Prove the Orders: modify scope without changing anything.

        BigCommerce checks scopes before looking the order up, so a PUT to order 0 (ids start
        at 100) answers 404 with the scope and 403 without it; nothing is ever modified.
        """
        try:
            self.request("PUT", "v2", "/orders/0", json_body={})
        except NotFound:
            return

    # --- the catalog ---------------------------------------------------------------------------

    def catalog_products_page(
        self, *, page: int, limit: int = MAX_PAGE_SIZE, keyword: str = "", product_ids: Sequence[int] = ()
    ) -> V3Page:
        """One page of products with their variants (GET /v3/catalog/products?include=variants), by id."""
        params: dict[str, Any] = {"include": "variants", "include_fields": CATALOG_PRODUCT_FIELDS, "sort": "id"}
        if keyword:
            params["keyword"] = keyword
        if product_ids:
            params["id:in"] = ",".join(str(product_id) for product_id in product_ids)
        return self.get_v3_page("/catalog/products", params, page=page, limit=limit)

    def iter_catalog_product_pages(self, *, keyword: str = "", product_ids: Sequence[int] = ()) -> Iterator[V3Page]:
        """Products with their variants, 250 a page, each page fetched as the caller consumes the last.

        With product_ids: only those products, one request per 250 ids (ids missing from the
        store are simply absent).
        """
        if product_ids:
            for start in range(0, len(product_ids), MAX_PAGE_SIZE):
                yield self.catalog_products_page(page=1, product_ids=product_ids[start:start + MAX_PAGE_SIZE])
            return
        page_number = 1
        while True:
            page = self.catalog_products_page(page=page_number, keyword=keyword)
            yield page
            if not page.items or page.current_page >= page.total_pages:
                return
            page_number = page.current_page + 1

    def catalog_variants_with_sku(self, sku: str) -> list[dict[str, Any]]:
        """The variants (base variants of simple products included) whose SKU is exactly `sku`."""
        return self.get_v3_page("/catalog/variants", {"sku": sku}, page=1, limit=MAX_PAGE_SIZE).items

    # --- orders ------------------------------------------------------------------------------

    def get_orders_page(
        self, order_filter: OrderFilter, *, page: int, limit: int, sort: str = "id:asc", with_lines: bool = False
    ) -> list[dict[str, Any]]:
        """One page of GET /v2/orders; with_lines adds each order's lines, shipping consignments and fees."""
        return self.get_v2_page("/orders", self._order_params(order_filter, sort, with_lines), page=page, limit=limit)

    def iter_orders(
        self, order_filter: OrderFilter, *, sort: str = "id:asc", with_lines: bool = False, page_size: int = MAX_PAGE_SIZE
    ) -> Iterator[dict[str, Any]]:
        """Every order matching the filter, a page at a time; with_lines as in get_orders_page."""
        yield from self.iter_v2("/orders", self._order_params(order_filter, sort, with_lines), page_size=page_size)

    def orders_count_by_status(self, order_filter: OrderFilter) -> dict[int, int]:
        """GET /v2/orders/count: how many orders match the filter, by status id, in one call."""
        body = self._expect_object(self.request("GET", "v2", "/orders/count", params=order_filter.params()), "/orders/count")
        statuses = body.get("statuses")
        if not isinstance(statuses, list):
            raise InvalidResponse("BigCommerce's order count lacked the statuses list.", path="/orders/count")
        try:
            return {int(row["id"]): int(row.get("count", 0)) for row in statuses if isinstance(row, dict)}
        except (KeyError, TypeError, ValueError):
            raise InvalidResponse("BigCommerce's order count was not numeric.", path="/orders/count") from None

    @staticmethod
    def _order_params(order_filter: OrderFilter, sort: str, with_lines: bool) -> dict[str, Any]:
        return {**order_filter.params(), "sort": sort, **(ORDER_WITH_LINES_PARAMS if with_lines else {})}

    # --- paging ------------------------------------------------------------------------------

    def get_v3_page(self, path: str, params: dict[str, Any] | None, *, page: int, limit: int) -> V3Page:
        """One page of a v3 collection."""
        body = self._expect_object(
            self.request("GET", "v3", path, params={**(params or {}), "page": page, "limit": limit}), path
        )
        data = body.get("data")
        pagination = (body.get("meta") or {}).get("pagination") or {}
        if not isinstance(data, list) or not isinstance(pagination, dict):
            raise InvalidResponse("BigCommerce's answer lacked the data list or meta.pagination.", path=path)
        try:
            return V3Page(
                items=data,
                current_page=int(pagination.get("current_page", page)),
                total_pages=int(pagination.get("total_pages", 0)),
                total=int(pagination.get("total", len(data))),
            )
        except (TypeError, ValueError):
            raise InvalidResponse("BigCommerce's meta.pagination was not numeric.", path=path) from None

    def iter_v3(self, path: str, params: dict[str, Any] | None = None, *, page_size: int = MAX_PAGE_SIZE) -> Iterator[dict[str, Any]]:
        """Every item of a v3 collection, fetching pages as the caller consumes them."""
        page_number = 1
        while True:
            page = self.get_v3_page(path, params, page=page_number, limit=page_size)
            yield from page.items
            if not page.items or page.current_page >= page.total_pages:
                return
            page_number = page.current_page + 1

    def get_v2_page(self, path: str, params: dict[str, Any] | None, *, page: int, limit: int) -> list[dict[str, Any]]:
        """One page of a v2 collection; past the last page BigCommerce answers 204 (an empty list here)."""
        body = self.request("GET", "v2", path, params={**(params or {}), "page": page, "limit": limit})
        return [] if body is None else self._expect_list(body, path)

    def iter_v2(self, path: str, params: dict[str, Any] | None = None, *, page_size: int = MAX_PAGE_SIZE) -> Iterator[dict[str, Any]]:
        """Every item of a v2 collection (bare arrays); a short page is the last, saving a request."""
        page_number = 1
        while True:
            items = self.get_v2_page(path, params, page=page_number, limit=page_size)
            yield from items
            if len(items) < page_size:
                return
            page_number += 1

    # --- one request, with retries ------------------------------------------------------------

    def request(
        self,
        method: str,
        version: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json_body: Any = None,
    ) -> Any:
        """Send one API call, retrying what is safe to retry; returns parsed JSON (None for 204)."""
        base = self.api_path.v3_base if version == "v3" else self.api_path.v2_base
        url = base + path
        endpoint = f"{method} /{version}{path}"
        started = self._clock()
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._send_once(method, url, endpoint, path, params, json_body)
            except _RateLimitedWithReset as limited:
                wait = limited.reset_seconds + self._jitter() * 0.25
                if self._clock() - started + wait > self.retry.max_total_seconds:
                    raise RateLimited(
                        "BigCommerce's rate limit for this store is used up; try again in a minute.",
                        status=429,
                        path=path,
                    ) from None
                self.stats.rate_limit_waits += 1
                attempt -= 1  # a documented wait for the quota is not a failed attempt
                self._wait(wait)
            except BigCommerceError as error:
                if not self._should_retry(error, method, attempt, started):
                    raise
                self.stats.retries += 1
                logger.info("Retrying %s after %s (attempt %d)", endpoint, error.__class__.__name__, attempt)
                self._wait(self._backoff_seconds(attempt))

    def _send_once(
        self, method: str, url: str, endpoint: str, path: str, params: dict[str, Any] | None, json_body: Any
    ) -> Any:
        self.stats.requests += 1
        self.stats.by_endpoint[endpoint] = self.stats.by_endpoint.get(endpoint, 0) + 1
        try:
            response = self._session.request(
                method,
                url,
                params=params,
                data=None if json_body is None else json.dumps(json_body),
                timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.Timeout:
            raise NetworkError("BigCommerce did not answer in time.", path=path) from None
        except requests.RequestException as error:
            raise NetworkError(f"Could not reach BigCommerce ({error.__class__.__name__}).", path=path) from None
        logger.debug("%s -> %s", endpoint, response.status_code)
        if response.status_code == 429:
            reset_ms = _int_header(response, HEADER_RATE_LIMIT_RESET_MS)
            if reset_ms is not None:
                raise _RateLimitedWithReset(reset_ms / 1000)
            raise RateLimited("BigCommerce is under heavy load (429 without a reset time).", status=429, path=path)
        if response.status_code >= 400 or 300 <= response.status_code < 400:
            raise _error_for(response, path)
        self._throttle(response)
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise InvalidResponse(
                "BigCommerce's answer was not valid JSON (it may have been cut off).", status=response.status_code, path=path
            ) from None

    def _should_retry(self, error: BigCommerceError, method: str, attempt: int, started: float) -> bool:
        if not error.transient or attempt >= self.retry.max_attempts:
            return False
        if method not in IDEMPOTENT_METHODS:
            return False  # a POST may have been applied even though its answer was lost
        return self._clock() - started + self._backoff_seconds(attempt) <= self.retry.max_total_seconds

    def _backoff_seconds(self, attempt: int) -> float:
        """Capped exponential backoff with equal jitter."""
        ceiling = min(self.retry.max_backoff_seconds, self.retry.base_backoff_seconds * 2 ** (attempt - 1))
        return ceiling / 2 + self._jitter() * ceiling / 2

    def _throttle(self, response: requests.Response) -> None:
        """Slow down before the quota runs out, instead of running into 429s."""
        left = _int_header(response, HEADER_RATE_LIMIT_LEFT)
        reset_ms = _int_header(response, HEADER_RATE_LIMIT_RESET_MS)
        if left is None or reset_ms is None or left >= self.retry.low_quota_threshold:
            return
        self.stats.throttle_waits += 1
        self._wait(reset_ms / 1000 / (left + 1))

    def _wait(self, seconds: float) -> None:
        if seconds > 0:
            self.stats.seconds_waited += seconds
            self._sleep(seconds)

    @staticmethod
    def _expect_object(body: Any, path: str) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise InvalidResponse("BigCommerce's answer was not the expected JSON object.", path=path)
        return body

    @staticmethod
    def _expect_list(body: Any, path: str) -> list[dict[str, Any]]:
        if not isinstance(body, list) or not all(isinstance(item, dict) for item in body):
            raise InvalidResponse("BigCommerce's answer was not the expected JSON list.", path=path)
        return body


class _RateLimitedWithReset(Exception):
    """Internal: a 429 that says when the quota resets."""

    def __init__(self, reset_seconds: float) -> None:
        super().__init__(reset_seconds)
        self.reset_seconds = max(reset_seconds, 0.0)


def _int_header(response: requests.Response, name: str) -> int | None:
    try:
        return int(response.headers[name])
    except (KeyError, ValueError):
        return None


def _error_for(response: requests.Response, path: str) -> BigCommerceError:
    """Map a failed response to the error class a caller can act on."""
    status = response.status_code
    detail = _api_error_detail(response)
    suffix = f" BigCommerce said: {detail}" if detail else ""
    if 300 <= status < 400:
        return UnexpectedRedirect(
            f"BigCommerce answered with a redirect (HTTP {status}); redirects are not followed. "
            "Check the Cart Connect URL.",
            status=status,
            path=path,
        )
    if status == 401:
        return AuthenticationFailed("The access token was refused (401)." + suffix, status=status, path=path)
    if status == 403:
        return MissingScope("The API account lacks a required OAuth scope (403)." + suffix, status=status, path=path)
    if status == 404:
        return NotFound("Not found (404)." + suffix, status=status, path=path)
    if status >= 500:
        return ServerError(f"BigCommerce had a server error ({status})." + suffix, status=status, path=path)
    return RequestRejected(f"BigCommerce refused the request ({status})." + suffix, status=status, path=path)


def _api_error_detail(response: requests.Response) -> str:
    """The title/message from a v3 ({title}) or v2 ([{message}]) error body, shortened."""
    try:
        body = response.json()
    except ValueError:
        return ""
    if isinstance(body, list) and body and isinstance(body[0], dict):
        body = body[0]
    if not isinstance(body, dict):
        return ""
    detail = body.get("title") or body.get("message") or ""
    return str(detail)[:200]
