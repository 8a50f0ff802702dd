"""HTTP client for one BigCommerce store: pooled session, retries, rate limits, typed errors, paging.

It knows HTTP and BigCommerce's conventions and nothing of Django. Callers iterate orders or
products and never see page numbers; every failure arrives as a BigCommerceError subclass.
"""
from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

import requests

from carts.platforms.base import ClosedOnExit, OrderQuery, RequestStats, RetryPolicy, backoff_seconds
from carts.platforms.budget import RESET_MARGIN_SECONDS, QuotaReading, RequestBudget, process_budget
from carts.platforms.bigcommerce.answers import (
    MAX_RESET_MS,
    answer_count,
    int_header,
    quota_reading,
    read_body,
    refuse_repeated_page,
    without_nul_characters,
)
from carts.platforms.bigcommerce.constants import HEADER_RATE_LIMIT_RESET_MS, MAX_PAGE_SIZE
from carts.platforms.bigcommerce.credentials import AllowedHosts, ApiKey, ApiPath
from carts.platforms.bigcommerce.errors import (
    BigCommerceError,
    HostNotAllowed,
    InvalidResponse,
    NetworkError,
    NotFound,
    RateLimited,
    error_for_response,
)
from carts.platforms.bigcommerce.order_paging import BOUND_BY_SORT, orders_from_a_moving_bound
from carts.platforms.bigcommerce.queries import (
    ORDER_WITH_LINES_PARAMS,
    REFUNDS_PATH,
    catalog_product_params,
    order_query_params,
)
from carts.platforms.bigcommerce.transport import PublicAddressAdapter

logger = logging.getLogger(__name__)

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})

@dataclass(frozen=True)
class V3Page:
    """One page of a v3 collection with its meta.pagination figures."""

    items: list[dict[str, Any]]
    current_page: int
    total_pages: int
    total: int


class BigCommerceClient(ClosedOnExit):
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
        budget: RequestBudget | None = None,
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
        # The store's request budget: shared by every worker when given, else this client's own.
        self.budget = budget or process_budget(reserve=self.retry.low_quota_threshold, clock=clock)
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
        self, *, page: int, limit: int = MAX_PAGE_SIZE, keyword: str = "", product_ids: Sequence[int] = (),
        sort: str = "id", direction: str = "asc",
    ) -> V3Page:
        """One page of products with their variants (GET /v3/catalog/products?include=variants), by `sort` (id)."""
        params = catalog_product_params(keyword=keyword, product_ids=product_ids, sort=sort, direction=direction)
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
        yield from self.iter_v3_pages("/catalog/products", catalog_product_params(keyword=keyword))

    def catalog_variants_with_sku(self, sku: str) -> list[dict[str, Any]]:
        """The variants (base variants of simple products included) whose SKU is exactly `sku`."""
        return self.get_v3_page("/catalog/variants", {"sku": sku}, page=1, limit=MAX_PAGE_SIZE).items

    # --- orders ------------------------------------------------------------------------------

    def get_orders_page(
        self, query: OrderQuery, *, page: int, limit: int, sort: str = "id:asc", with_lines: bool = False
    ) -> list[dict[str, Any]]:
        """One page of GET /v2/orders; with_lines adds each order's lines, shipping consignments and fees."""
        return self.get_v2_page("/orders", self._order_params(query, sort, with_lines), page=page, limit=limit)

    def iter_orders(
        self, query: OrderQuery, *, sort: str = "id:asc", with_lines: bool = False, page_size: int = MAX_PAGE_SIZE
    ) -> Iterator[dict[str, Any]]:
        """Every order matching the query, a page at a time; with_lines as in get_orders_page. Ascending sorts are
        read from a moving lower bound (order_paging.py), so an order changing meanwhile shifts no page."""
        params = self._order_params(query, sort, with_lines)
        if sort not in BOUND_BY_SORT:
            yield from self.iter_v2("/orders", params, page_size=page_size)
            return
        yield from orders_from_a_moving_bound(
            lambda page_params, page: self.get_v2_page("/orders", page_params, page=page, limit=page_size),
            params, sort=sort, page_size=page_size)

    def orders_count_by_status(self, query: OrderQuery) -> dict[int, int]:
        """GET /v2/orders/count: how many orders match the query, by status id, in one call."""
        body = self._expect_object(self.request("GET", "v2", "/orders/count", params=order_query_params(query)),
                                   "/orders/count")
        statuses = body.get("statuses")
        if not isinstance(statuses, list):
            raise InvalidResponse("BigCommerce's order count lacked the statuses list.", path="/orders/count")
        if not all(isinstance(row, dict) for row in statuses):
            raise InvalidResponse("BigCommerce's order count held a status that is not an object.", path="/orders/count")
        return {answer_count(row.get("id"), "a status id", "/orders/count"):
                answer_count(row.get("count", 0), "an order count", "/orders/count") for row in statuses}

    def iter_refunds(self, order_ids: Sequence[int]) -> Iterator[dict[str, Any]]:
        """Every refund of these orders (GET /v3/orders/payment_actions/refunds?order_id:in=…), 250 a page."""
        params = {"order_id:in": ",".join(str(order_id) for order_id in order_ids)}
        for page in self.iter_v3_pages(REFUNDS_PATH, params):
            yield from page.items

    @staticmethod
    def _order_params(query: OrderQuery, sort: str, with_lines: bool) -> dict[str, Any]:
        return {**order_query_params(query), "sort": sort, **(ORDER_WITH_LINES_PARAMS if with_lines else {})}

    # --- paging ------------------------------------------------------------------------------

    def get_v3_page(self, path: str, params: dict[str, Any] | None, *, page: int, limit: int) -> V3Page:
        """One page of a v3 collection; meta.pagination's figures must be counts (absent ones are taken from the page)."""
        body = self._expect_object(
            self.request("GET", "v3", path, params={**(params or {}), "page": page, "limit": limit}), path
        )
        data = body.get("data")
        meta = body.get("meta") if body.get("meta") is not None else {}
        pagination = meta.get("pagination") if isinstance(meta, dict) and meta.get("pagination") is not None else {}
        if not isinstance(data, list) or not isinstance(pagination, dict):
            raise InvalidResponse("BigCommerce's answer lacked the data list or meta.pagination.", path=path)
        if not all(isinstance(item, dict) for item in data):
            raise InvalidResponse("BigCommerce's data list held something other than objects.", path=path)
        return V3Page(
            items=data,
            current_page=answer_count(pagination.get("current_page", page), "meta.pagination.current_page", path),
            total_pages=answer_count(pagination.get("total_pages", 0), "meta.pagination.total_pages", path),
            total=answer_count(pagination.get("total", len(data)), "meta.pagination.total", path),
        )

    def iter_v3_pages(self, path: str, params: dict[str, Any] | None = None, *,
                      page_size: int = MAX_PAGE_SIZE) -> Iterator[V3Page]:
        """Every page of a v3 collection, each fetched as the caller consumes the last (meta.pagination ends it).

        Pages are asked for in turn whatever the answer's current_page says, and a page sent again
        where the next was asked is refused, so no answer can keep the loop going for ever.
        """
        page_number, previous = 1, None
        while True:
            page = self.get_v3_page(path, params, page=page_number, limit=page_size)
            refuse_repeated_page(page.items, previous, page_number, path)
            yield page
            if not page.items or page_number >= page.total_pages:
                return
            page_number, previous = page_number + 1, page.items

    def get_v2_page(self, path: str, params: dict[str, Any] | None, *, page: int, limit: int) -> list[dict[str, Any]]:
        """One page of a v2 collection; past the last page BigCommerce answers 204 (an empty list here)."""
        body = self.request("GET", "v2", path, params={**(params or {}), "page": page, "limit": limit})
        return [] if body is None else self._expect_list(body, path)

    def iter_v2(self, path: str, params: dict[str, Any] | None = None, *, page_size: int = MAX_PAGE_SIZE) -> Iterator[dict[str, Any]]:
        """Every item of a v2 collection (bare arrays); a short page is the last, saving a request.

        A page sent again where the next was asked is refused, so no answer can keep the loop going for ever.
        """
        page_number, previous = 1, None
        while True:
            items = self.get_v2_page(path, params, page=page_number, limit=page_size)
            refuse_repeated_page(items, previous, page_number, path)
            yield from items
            if len(items) < page_size:
                return
            page_number, previous = page_number + 1, items

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
                self._claim(started, path)
                return self._send_once(method, url, endpoint, path, params, json_body)
            except _RateLimitedWithReset as limited:
                wait = limited.reset_seconds + RESET_MARGIN_SECONDS  # as the shared budget waits
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
                stream=True,  # the body is read below, up to MAX_ANSWER_BYTES
            )
            read_body(response, path)
        except requests.Timeout:
            raise NetworkError("BigCommerce did not answer in time.", path=path) from None
        except requests.RequestException as error:
            raise NetworkError(f"Could not reach BigCommerce ({error.__class__.__name__}).", path=path) from None
        logger.debug("%s -> %s", endpoint, response.status_code)
        reading = quota_reading(response)
        if response.status_code == 429:
            reset_ms = int_header(response, HEADER_RATE_LIMIT_RESET_MS)
            if reset_ms is not None:
                # Every worker sharing the budget waits for this reset, not only this one.
                self.budget.observe(replace(reading, left=0) if reading else QuotaReading(left=0, reset_ms=reset_ms))
                raise _RateLimitedWithReset(min(reset_ms, MAX_RESET_MS) / 1000)
        if reading is not None:
            self.budget.observe(reading)
        elif response.status_code < 300:
            self.budget.forget()
        if response.status_code == 429:
            raise RateLimited("BigCommerce is under heavy load (429 without a reset time).", status=429, path=path)
        if response.status_code >= 400 or 300 <= response.status_code < 400:
            raise error_for_response(response, path)
        if response.status_code == 204 or not response.content:
            return None
        try:
            answer = response.json()
        except ValueError:
            raise InvalidResponse(
                "BigCommerce's answer was not valid JSON (it may have been cut off).", status=response.status_code, path=path
            ) from None
        return without_nul_characters(answer) if b"\\u0000" in response.content else answer

    def _should_retry(self, error: BigCommerceError, method: str, attempt: int, started: float) -> bool:
        if not error.transient or attempt >= self.retry.max_attempts:
            return False
        if method not in IDEMPOTENT_METHODS:
            return False  # a POST may have been applied even though its answer was lost
        return self._clock() - started + self._backoff_seconds(attempt) <= self.retry.max_total_seconds

    def _backoff_seconds(self, attempt: int) -> float:
        return backoff_seconds(attempt, base=self.retry.base_backoff_seconds, cap=self.retry.max_backoff_seconds,
                               jitter=self._jitter)

    def _claim(self, started: float, path: str) -> None:
        """Wait until the store's budget grants one request, instead of running into 429s."""
        while (wait := self.budget.take()) > 0:
            if self._clock() - started + wait > self.retry.max_total_seconds:
                raise RateLimited("This store's request quota is used up for now; try again in a minute.",
                                  status=429, path=path)
            self.stats.throttle_waits += 1
            self._wait(wait)

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
