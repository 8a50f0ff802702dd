"""BigCommerce as a StorePlatform: each protocol call made with the client, each failure in the merchant's words."""
from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from carts.platforms.base import (
    CatalogPage,
    CatalogSort,
    ClosedOnExit,
    OrderQuery,
    OrderRecord,
    OrderSort,
    StoreAccess,
    StoreConnection,
    StoreError,
    StoreFeature,
    StoreEvent,
    StoreProfile,
)
from carts.platforms.fulfilment import ShipmentOrder, StockBatch, StockSetting, StoreShipment, VariantStock
from carts.platforms.budget import StorePlan
from carts.platforms.bigcommerce.catalog import product_variants
from carts.platforms.bigcommerce import scopes, shipments
from carts.platforms.bigcommerce.stock import inventory_modify_probe, read_variant_stock, set_stock_levels
from carts.platforms.bigcommerce.client import BigCommerceClient, V3Page
from carts.platforms.bigcommerce.queries import REFUNDS_PATH
from carts.platforms.bigcommerce.constants import (
    MAX_PAGE_SIZE,
    NOT_A_SALE_STATUSES,
    OFFICIAL_API_HOST,
    REFUNDED_STATUSES,
    STANDARD_ORDER_STATUSES,
)
from carts.platforms.bigcommerce.credentials import AllowedHosts, InvalidCredentials, parse_api_key, parse_api_path
from carts.platforms.bigcommerce.answers import answer_read
from carts.platforms.bigcommerce.errors import HostNotAllowed, InvalidResponse
from carts.platforms.bigcommerce.hooks import HOOK_SECRET_HEADER, ORDER_EVENT_SCOPES, HookOperations, order_event

if TYPE_CHECKING:
    from orders.mapping import MappingOptions, OrderSummary, StoreOrder

# Longest status label kept (the cart's status choices and lists show it).
STATUS_LABEL_MAX_LENGTH = 100
# products_catalog.v3.yml, getProducts: the sort parameter's values.
CATALOG_SORTS = {CatalogSort.PRODUCT_ID: "id", CatalogSort.NAME: "name", CatalogSort.SKU: "sku", CatalogSort.PRICE: "price"}
SORTS = {
    OrderSort.OLDEST_FIRST: "id:asc",
    OrderSort.NEWEST_FIRST: "id:desc",
    OrderSort.LEAST_RECENTLY_MODIFIED_FIRST: "date_modified:asc",
}


def catalog_page(page: V3Page) -> CatalogPage:
    """A v3 products page as the neutral catalog page."""
    return CatalogPage(
        variants=[variant for product in page.items for variant in product_variants(product)],
        products=len(page.items),
        page=page.current_page,
        total_pages=page.total_pages,
        total_products=page.total,
    )


def order_record(payload: dict[str, Any]) -> OrderRecord:
    """A v2 order (with or without its lines) as the neutral record, the payload kept whole for mapping.

    An order without a usable id or status id is InvalidResponse naming it; everything else is read
    by the order mapping, which refuses that one order with its reason.
    """
    from orders.mapping.fields import identifier, text, whole_number  # the typed readers, until they move here

    with answer_read("/orders"):
        order_id = identifier(payload.get("id"), what="an order's id")
        status_id = whole_number(payload.get("status_id"), what=f"order {order_id}'s status_id", maximum=1000)
    return OrderRecord(
        order_id=order_id,
        status_id=status_id,
        status_label=(text(payload.get("custom_status")) or text(payload.get("status")))[:STATUS_LABEL_MAX_LENGTH],
        date_modified=_utc_date(payload.get("date_modified")),
        payload=payload,
    )


def order_shows_refund(payload: dict[str, Any]) -> bool:
    """Whether a v2 order shows a refund: its status, payment status, refunded amount or a line's refunded units.

    Any one is enough: merchants change a refunded order's status, and refunded_amount may read 0.
    """
    if payload.get("status_id") in REFUNDED_STATUSES:
        return True
    if str(payload.get("payment_status") or "").strip().lower() in ("refunded", "partially refunded"):
        return True
    try:
        if Decimal(str(payload.get("refunded_amount") or "0").strip()) > 0:
            return True
    except (InvalidOperation, ValueError):
        pass  # the mapping refuses an unreadable amount with its reason
    return any(line.get("is_refunded") is True or _positive(line.get("quantity_refunded")) for line in _lines(payload))


def _lines(payload: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The order's lines as included (consignment_structure=object); nothing when absent or of another shape."""
    consignments = payload.get("consignments")
    if not isinstance(consignments, dict):
        return
    for group in ("pickups", "shipping", "downloads"):
        entries = consignments.get(group)
        for consignment in entries if isinstance(entries, list) else ():
            items = consignment.get("line_items") if isinstance(consignment, dict) else None
            for line in [items] if isinstance(items, dict) else items if isinstance(items, list) else ():
                if isinstance(line, dict):
                    yield line


def _positive(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0 or (
        isinstance(value, str) and value.strip().isdigit() and int(value) > 0)


def _refund_order_id(refund: object) -> int:
    """The order a refund record (orders.v3.yml, Refund) belongs to; InvalidResponse when it names none."""
    from orders.mapping.fields import as_object, identifier  # the typed readers, until they move here

    with answer_read(REFUNDS_PATH):
        return identifier(as_object(refund, what="a refund").get("order_id"), what="a refund's order_id")


def _utc_date(value: object) -> datetime.datetime | None:
    """A v2 date (RFC-2822, any offset) in UTC; None when absent or unreadable."""
    from orders.mapping import OrderMappingError, order_date  # the one RFC-2822 reader, until it moves here

    if not isinstance(value, str) or not value:
        return None
    try:
        return order_date(value).astimezone(datetime.UTC)
    except OrderMappingError:
        return None


def _is_time_zone(name: str) -> bool:
    """Whether `name` is a time zone the order window can use (an IANA name such as Europe/London)."""
    if not name or len(name) > 100:
        return False
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


class BigCommerceSession(HookOperations, ClosedOnExit):
    """A StoreSession over one BigCommerceClient (its webhook calls in hooks.py)."""

    def __init__(self, client: BigCommerceClient) -> None:
        self.client = client
        self.stats = client.stats
        self._by_product: set[int] = set()  # products whose one level is set by product id (read by variant_stock)

    def __repr__(self) -> str:
        return f"BigCommerceSession({self.client.api_path})"

    def close(self) -> None:
        """Release pooled connections."""
        self.client.close()

    def store_profile(self) -> StoreProfile:
        """GET /v2/store: name, currency, time zone and domain; an answer without a usable currency or zone is InvalidResponse."""
        from orders.mapping.fields import as_object, text  # the typed readers, until they move here

        store = self.client.store_information()
        with answer_read("/store"):
            zone = text(as_object(store.get("timezone"), what="the store's time zone (timezone)").get("name"))
        currency = text(store.get("currency")).upper()
        if not (len(currency) == 3 and currency.isascii() and currency.isalpha()):
            raise InvalidResponse(f"the store's currency {currency[:40]!r} is not a 3-letter currency code such as USD.",
                                  path="/store")
        if not _is_time_zone(zone):
            raise InvalidResponse(f"the store's time zone {zone[:40]!r} is not a time zone name such as America/Chicago.",
                                  path="/store")
        return StoreProfile(
            name=text(store.get("name")),
            currency=currency,
            timezone=zone,
            domain=text(store.get("secure_url")) or text(store.get("domain")),
        )

    def store_plan(self) -> StorePlan | None:
        """The quota the store's X-Rate-Limit-Requests-Quota and -Time-Window-Ms headers state."""
        return self.client.budget.plan()

    def order_status_labels(self) -> dict[int, str]:
        """GET /v2/order_statuses: the store's label for each status (merchants rename them)."""
        from orders.mapping.fields import text, whole_number

        labels = {}
        with answer_read("/order_statuses"):
            for status in self.client.order_statuses():
                status_id = whole_number(status.get("id"), what="an order status's id", maximum=1000)
                label = text(status.get("custom_label")) or text(status.get("name"))
                labels[status_id] = label[:STATUS_LABEL_MAX_LENGTH]
        return labels

    def check_access(self, need: StoreAccess) -> None:
        """The cheapest call that needs the scope, changing nothing."""
        if need == StoreAccess.CATALOG_READ:
            self.client.products_probe()
        elif need == StoreAccess.ORDERS_MODIFY:
            self.client.orders_modify_probe()
        elif need == StoreAccess.INVENTORY_MODIFY:
            inventory_modify_probe(self.client)
        elif need == StoreAccess.ORDERS_READ:
            self.client.order_statuses()
        else:
            self.client.store_information()

    def catalog_page(self, *, page: int, page_size: int, keyword: str = "", sort: CatalogSort = CatalogSort.PRODUCT_ID,
                     descending: bool = False) -> CatalogPage:
        """One page of products with their variants: one request."""
        return catalog_page(self.client.catalog_products_page(
            page=page, limit=page_size, keyword=keyword, sort=CATALOG_SORTS[sort], direction="desc" if descending else "asc"))

    def catalog_pages(self, *, keyword: str = "", product_ids: Sequence[int] = ()) -> Iterator[CatalogPage]:
        """Products with their variants, 250 a page, each fetched as the caller consumes the last."""
        for page in self.client.iter_catalog_product_pages(keyword=keyword, product_ids=product_ids):
            yield catalog_page(page)

    def variants_with_sku(self, sku: str) -> list[tuple[int, int]]:
        """GET /v3/catalog/variants?sku=: the variants (base variants included) whose trimmed SKU is exactly `sku`."""
        from orders.mapping.fields import identifier, text

        with answer_read("/catalog/variants"):
            return [(identifier(variant.get("product_id"), what="a variant's product_id"),
                     identifier(variant.get("id"), what="a variant's id"))
                    for variant in self.client.catalog_variants_with_sku(sku) if text(variant.get("sku")) == sku]

    def orders(self, query: OrderQuery, *, sort: OrderSort = OrderSort.OLDEST_FIRST,
               with_lines: bool = False) -> Iterator[OrderRecord]:
        """GET /v2/orders, 250 a page; with_lines includes lines, consignments and fees in the same answer."""
        for payload in self.client.iter_orders(query, sort=SORTS[sort], with_lines=with_lines):
            yield order_record(payload)

    def orders_page(self, query: OrderQuery, *, page_size: int, sort: OrderSort) -> list[OrderRecord]:
        """The first page of GET /v2/orders, without lines."""
        return [order_record(payload)
                for payload in self.client.get_orders_page(query, page=1, limit=page_size, sort=SORTS[sort])]

    def orders_by_id(self, order_ids: Iterable[int]) -> Iterator[OrderRecord]:
        """The orders with their lines: one request per span of up to 250 ids (min_id/max_id), not one per order."""
        wanted = sorted(set(order_ids))
        start = 0
        while start < len(wanted):
            end = start
            while end + 1 < len(wanted) and wanted[end + 1] - wanted[start] < MAX_PAGE_SIZE:
                end += 1
            chosen = set(wanted[start:end + 1])
            span = OrderQuery(min_id=wanted[start], max_id=wanted[end])
            for payload in self.client.get_orders_page(span, page=1, limit=MAX_PAGE_SIZE, with_lines=True):
                record = order_record(payload)
                if record.order_id in chosen:
                    yield record
            start = end + 1

    def order_counts(self, query: OrderQuery) -> dict[int, int]:
        """GET /v2/orders/count: by status id, in one call."""
        return self.client.orders_count_by_status(query)

    def variant_stock(self, variants: Sequence[tuple[int, int]]) -> Iterator[VariantStock]:
        """Each variant's tracking and level from the Catalog API: one request per 250 products."""
        return read_variant_stock(self.client, variants, self._by_product)

    def stock_set(self, settings: Sequence[StockSetting], *, reason: str) -> Iterator[StockBatch]:
        """Absolute inventory adjustments, 2,000 items a request (after variant_stock read the same variants)."""
        return set_stock_levels(self.client, settings, reason=reason, by_product=self._by_product)

    def order_line_addresses(self, order_id: int) -> dict[int, int]:
        """The order with its consignments (one request): each shipping line's order_address_id."""
        return shipments.order_line_addresses(self.client, order_id)

    def order_shipments(self, order_id: int) -> list[StoreShipment]:
        """GET /v2/orders/{order_id}/shipments."""
        return shipments.order_shipments(self.client, order_id)

    def shipment_create(self, shipment: ShipmentOrder) -> StoreShipment:
        """POST /v2/orders/{order_id}/shipments, once."""
        return shipments.shipment_create(self.client, shipment)

    def refunds_of(self, order_ids: Sequence[int]) -> dict[int, tuple[dict[str, Any], ...]]:
        """GET /v3/orders/payment_actions/refunds?order_id:in=…: one request per 250 orders (a further page only when
        they have over 250 refunds between them); every id asked is in the answer."""
        found: dict[int, list[dict[str, Any]]] = {order_id: [] for order_id in order_ids}
        wanted = sorted(found)
        for start in range(0, len(wanted), MAX_PAGE_SIZE):
            for refund in self.client.iter_refunds(wanted[start:start + MAX_PAGE_SIZE]):
                found.setdefault(_refund_order_id(refund), []).append(refund)
        return {order_id: tuple(refunds) for order_id, refunds in found.items()}


class BigCommercePlatform:
    """BigCommerce stores, reached through the v2 and v3 REST APIs."""

    name = "bigcommerce"
    standard_order_statuses = STANDARD_ORDER_STATUSES
    not_a_sale_statuses = NOT_A_SALE_STATUSES
    order_event_scopes = ORDER_EVENT_SCOPES
    hook_secret_header = HOOK_SECRET_HEADER

    def connect(self, connection: StoreConnection) -> BigCommerceSession:
        """A session with the store; a host the operator no longer allows is refused before anything is sent."""
        allowed_hosts = AllowedHosts.from_setting(connection.extra_hosts)
        try:
            api_path = parse_api_path(connection.api_path, allowed_hosts=allowed_hosts)
        except InvalidCredentials as error:  # the operator removed the host since the cart was saved
            raise HostNotAllowed(str(error)) from None
        return BigCommerceSession(BigCommerceClient(
            api_path=api_path,
            api_key=parse_api_key(connection.api_key),
            allowed_hosts=allowed_hosts,
            connect_timeout=connection.connect_timeout,
            read_timeout=connection.read_timeout,
            retry=connection.retry,
            budget=connection.budget,
        ))

    def failure_reason(self, error: StoreError, *, need: StoreAccess, store_reference: str) -> str:
        """Why BigCommerce could not be reached or read, and the fix, for the merchant."""
        return scopes.failure_reason(error, need=need, store_reference=store_reference)

    def scope_names(self, feature: StoreFeature) -> list[str]:
        """The scopes the feature needs, as BigCommerce's API account screen names them."""
        return scopes.feature_scopes(feature)

    def order_admin_url(self, *, api_path: str, store_reference: str, order_id: int) -> str:
        """The order's page in the store's control panel (a sandbox store's admin page lists its orders)."""
        url = urlsplit(api_path)
        if url.hostname == OFFICIAL_API_HOST:
            return f"https://store-{store_reference}.mybigcommerce.com/manage/orders/{order_id}"
        return f"{url.scheme}://{url.netloc}/admin/"

    def store_order(self, record: OrderRecord, *, options: MappingOptions | None = None) -> StoreOrder:
        """The transaction an order becomes (orders.mapping reads BigCommerce's v2 payload and v3 refunds)."""
        from orders.mapping import MappingOptions, map_order

        refunds = list(record.refunds) if record.refunds is not None else None
        return map_order(record.payload, refunds=refunds, options=options or MappingOptions())

    def order_shows_refund(self, record: OrderRecord) -> bool:
        """Whether the v2 order shows a refund (status, payment status, refunded amount or a line's refunded units)."""
        return order_shows_refund(record.payload)

    def order_summary(self, record: OrderRecord) -> OrderSummary:
        """The order list's row for an order."""
        from orders.mapping import order_summary

        with answer_read("/orders"):
            return order_summary(record.payload)

    def order_event(self, payload: object) -> StoreEvent:
        """A delivered order callback (webhooks-events.mdx) as a StoreEvent; InvalidInput says what is wrong."""
        return order_event(payload)
