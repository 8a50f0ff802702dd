"""What items/, orders/ and auto-sync may ask of a store, whatever cart platform runs it.

A platform (one folder under carts/platforms/) implements `StorePlatform`: it connects to a store
(`StoreSession`), reads its catalog and orders as the neutral records below, maps an order record
to what a transaction records, and words its failures for the merchant. Only the platform's own
folder talks HTTP. Every request a session sends is claimed from the store's request budget
(carts/platforms/budget.py), which the connection may share with every worker. A session also registers
the store's webhooks (`StoreHook`) and the platform reads a delivered event (`StoreEvent`).

Pure Python, no Django. The `PortalError` family (carts/platforms/errors.py) is the one root the
platforms' errors and the services' errors share, which views, forms, the admin and the command line
catch; it is importable from here too, beside the protocol that raises it.
"""
from __future__ import annotations

import datetime
import enum
import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol, Self

from carts.platforms.budget import RequestBudget, StorePlan
from carts.platforms.errors import (  # noqa: F401 - the protocol's errors, importable beside it
    InvalidInput,
    NotReady,
    PortalError,
    StoreAccessMissing,
    StoreAddressRefused,
    StoreAnswerInvalid,
    StoreAuthenticationFailed,
    StoreError,
    StoreNotFound,
    StoreRateLimited,
    StoreRequestRejected,
    StoreUnavailable,
)
from carts.platforms.fulfilment import ShipmentOrder, StockBatch, StockSetting, StoreShipment, VariantStock

if TYPE_CHECKING:  # the neutral order types live with the order mapping for now
    from orders.mapping import MappingOptions, OrderSummary, StoreOrder


# --- what a session reads and reports -------------------------------------------------------------


class StoreAccess(enum.StrEnum):
    """What a call needs the store's credentials to allow; platforms name it in their own terms."""

    STORE_INFORMATION = "store information"
    CATALOG_READ = "catalog read"
    ORDERS_READ = "orders read"
    ORDERS_MODIFY = "orders modify"
    INVENTORY_MODIFY = "inventory modify"  # setting stock levels


class CatalogSort(enum.StrEnum):
    """The orders a page of products can come in (each ascending, or descending when asked)."""

    PRODUCT_ID = "product id"
    NAME = "name"
    SKU = "sku"
    PRICE = "price"


class StoreFeature(enum.StrEnum):
    """What the product does with a store, each needing its own permissions (Test Connection names each one's)."""

    IMPORTS = "Items and orders import"
    SHIPMENTS = "Shipments"
    STOCK_PUSH = "Stock push"

    @property
    def needs(self) -> tuple[StoreAccess, ...]:
        return {
            StoreFeature.IMPORTS: (StoreAccess.STORE_INFORMATION, StoreAccess.CATALOG_READ, StoreAccess.ORDERS_READ),
            StoreFeature.SHIPMENTS: (StoreAccess.ORDERS_READ, StoreAccess.ORDERS_MODIFY),
            StoreFeature.STOCK_PUSH: (StoreAccess.CATALOG_READ, StoreAccess.INVENTORY_MODIFY),
        }[self]


class OrderSort(enum.StrEnum):
    OLDEST_FIRST = "oldest first"  # by order id
    NEWEST_FIRST = "newest first"  # by order id
    LEAST_RECENTLY_MODIFIED_FIRST = "least recently modified first"


@dataclass(frozen=True)
class RetryPolicy:
    """How hard a session tries before giving up; bounded in attempts and in total time."""

    max_attempts: int = 6
    max_total_seconds: float = 120.0
    base_backoff_seconds: float = 0.5
    max_backoff_seconds: float = 20.0
    # Requests of each window the store's budget leaves unclaimed: at this many left, wait for the reset.
    low_quota_threshold: int = 5


def backoff_seconds(attempt: int, *, base: float, cap: float, jitter: Callable[[], float] = random.random) -> float:
    """Capped exponential backoff with equal jitter: half the ceiling, plus up to half again at random."""
    ceiling = min(cap, base * 2 ** (attempt - 1))
    return ceiling / 2 + jitter() * ceiling / 2


@dataclass
class RequestStats:
    """What a session cost, for run logs and benchmarks."""

    by_endpoint: dict[str, int] = field(default_factory=dict)  # "GET /v2/orders" -> requests sent
    requests: int = 0
    retries: int = 0
    rate_limit_waits: int = 0
    throttle_waits: int = 0
    seconds_waited: float = 0.0


@dataclass(frozen=True)
class StoreConnection:
    """Where a store is and how patient to be with it; the key never appears in a repr."""

    api_path: str
    api_key: str = field(repr=False)
    extra_hosts: tuple[str, ...] = ()
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    retry: RetryPolicy = RetryPolicy()
    # The store's request budget, shared by every worker (carts/budgets.py); None: the session's own.
    budget: RequestBudget | None = field(default=None, compare=False)


@dataclass(frozen=True)
class StoreProfile:
    """The store's name, currency, time zone and storefront domain, as Test Connection records them."""

    name: str
    currency: str
    timezone: str
    domain: str


@dataclass(frozen=True)
class CatalogVariant:
    """One sellable variant of a cart product, as an item would take it."""

    product_id: int
    variant_id: int
    sku: str  # trimmed of surrounding spaces; "" when the store has none
    description: str  # the product name, plus option labels for a variant with options
    unit_price: Decimal | None  # None when the store sent no usable price
    product_name: str
    is_digital: bool = False  # a download: becomes a non-stock item

    @property
    def reference(self) -> str:
        """How a merchant recognises the variant in the cart: SKU and name, with the ids."""
        sku = f"SKU {self.sku}" if self.sku else "(no SKU)"
        return f"{sku} · {self.description} (product {self.product_id}, variant {self.variant_id})"

    @property
    def key(self) -> tuple[int, int]:
        return self.product_id, self.variant_id


@dataclass(frozen=True)
class CatalogPage:
    """One page of the store's products, as their variants, with the store's totals."""

    variants: list[CatalogVariant]
    products: int  # products on this page
    page: int
    total_pages: int
    total_products: int


@dataclass(frozen=True)
class OrderQuery:
    """Which orders to read; unset fields do not narrow. Dates are timezone-aware."""

    status_id: int | None = None
    created_from: datetime.datetime | None = None
    modified_from: datetime.datetime | None = None
    min_id: int | None = None
    max_id: int | None = None
    email: str = ""  # the customer's whole e-mail address, as the store matches it


@dataclass(frozen=True)
class OrderRecord:
    """An order as the store sent it (`payload`, the platform's own shape) with the fields every reader needs."""

    order_id: int
    status_id: int
    status_label: str  # the store's own label; '' when it sent none
    date_modified: datetime.datetime | None  # in UTC; None when absent or unreadable
    payload: dict[str, Any] = field(repr=False)
    # The store's refund records of the order (the platform's own shape) once read by
    # StoreSession.refunds_of; None when they were not read.
    refunds: tuple[dict[str, Any], ...] | None = field(default=None, repr=False)


@dataclass(frozen=True)
class StoreHook:
    """A webhook registered on the store: the event it sends, where to, whether the store still sends it."""

    hook_id: int
    scope: str
    destination: str
    is_active: bool
    headers: dict[str, str] = field(default_factory=dict, repr=False)  # may carry a secret: never in a repr


@dataclass(frozen=True)
class StoreEvent:
    """One delivered webhook event about an order: its scope, the order, and a key of the event."""

    scope: str
    order_id: int
    event_hash: str  # 40 hexadecimal digits, the same for every retry and duplicate of the event, and only for them


# --- the protocol --------------------------------------------------------------------------------


class ClosedOnExit:
    """Usable in `with`: leaving the block closes it."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class StoreSession(Protocol):
    """A connection to one store for one job; close it (or use `with`)."""

    stats: RequestStats

    def __enter__(self) -> StoreSession: ...

    def __exit__(self, *exc_info: object) -> None: ...

    def close(self) -> None: ...

    def store_profile(self) -> StoreProfile:
        """The store's name, currency, time zone and domain."""

    def store_plan(self) -> StorePlan | None:
        """The store's plan quota as its answers' rate-limit headers state it (None: not stated, e.g. unlimited)."""

    def order_status_labels(self) -> dict[int, str]:
        """The store's label for each order status id."""

    def check_access(self, need: StoreAccess) -> None:
        """Prove the credentials allow `need` with the cheapest call, changing nothing; raises StoreError."""

    def catalog_page(self, *, page: int, page_size: int, keyword: str = "", sort: CatalogSort = CatalogSort.PRODUCT_ID,
                     descending: bool = False) -> CatalogPage:
        """One page of products matching the keyword, in the sort's order (then by product id)."""

    def catalog_pages(self, *, keyword: str = "", product_ids: Sequence[int] = ()) -> Iterator[CatalogPage]:
        """Every product matching the keyword (or only these products), a page at a time."""

    def variants_with_sku(self, sku: str) -> list[tuple[int, int]]:
        """(product id, variant id) of each variant whose SKU is exactly `sku`."""

    def orders(self, query: OrderQuery, *, sort: OrderSort = OrderSort.OLDEST_FIRST,
               with_lines: bool = False) -> Iterator[OrderRecord]:
        """Every order matching the query; with_lines adds what mapping an order needs (lines, fees, addresses)."""

    def orders_page(self, query: OrderQuery, *, page_size: int, sort: OrderSort) -> list[OrderRecord]:
        """The first `page_size` orders matching the query, without their lines."""

    def orders_by_id(self, order_ids: Iterable[int]) -> Iterator[OrderRecord]:
        """These orders with their lines, in few requests; ids the store lacks are absent."""

    def order_counts(self, query: OrderQuery) -> dict[int, int]:
        """How many orders match the query, by status id."""

    def variant_stock(self, variants: Sequence[tuple[int, int]]) -> Iterator[VariantStock]:
        """The store's stock of these (product id, variant id) pairs, read a page of products at a time;
        variants the store lacks are absent."""

    def stock_set(self, settings: Sequence[StockSetting], *, reason: str) -> Iterator[StockBatch]:
        """Set these absolute levels, as few requests as the platform allows; each batch as it is sent.

        A batch the store refuses is yielded with the reason (the rest go on); other failures raise StoreError.
        """

    def order_line_addresses(self, order_id: int) -> dict[int, int]:
        """The order's lines that ship to an address: the store's line id -> its shipping address id."""

    def order_shipments(self, order_id: int) -> list[StoreShipment]:
        """Every shipment the store has for the order."""

    def shipment_create(self, shipment: ShipmentOrder) -> StoreShipment:
        """Create the shipment (the store marks the order shipped and tells the shopper). Never retried: after a
        StoreError that is `transient` the store may have created it, so look its shipments up before sending again."""

    def refunds_of(self, order_ids: Sequence[int]) -> dict[int, tuple[dict[str, Any], ...]]:
        """The refund records of these orders (the platform's own shape), by order id, every id present.

        Read in batches (one request per batch of orders, never one per order): ask only for the
        orders that show a refund (StorePlatform.order_shows_refund), so that others cost nothing.
        """

    def hooks(self) -> list[StoreHook]:
        """Every webhook these credentials registered on the store (others' hooks are not visible)."""

    def hook_create(self, *, scope: str, destination: str, headers: dict[str, str]) -> StoreHook:
        """Register an active webhook sending `scope` events to `destination` with these custom headers."""

    def hook_update(self, hook_id: int, *, destination: str, headers: dict[str, str], is_active: bool = True) -> StoreHook:
        """Change a webhook's destination and headers, and (re)activate it; StoreNotFound when it is gone."""

    def hook_delete(self, hook_id: int) -> None:
        """Remove a webhook; one already gone is not an error."""


class StorePlatform(Protocol):
    """A cart platform: how to connect to one of its stores and how to read what they send."""

    name: str
    standard_order_statuses: dict[int, str]
    # Statuses of orders that were never a sale (never completed, cancelled, declined): listed, never booked.
    not_a_sale_statuses: frozenset[int]

    # The webhook events that say an order was created or changed (the receiver re-reads the order).
    order_event_scopes: tuple[str, ...]
    # The custom header a registered hook carries its secret in.
    hook_secret_header: str

    def connect(self, connection: StoreConnection) -> StoreSession:
        """A session with the store; raises StoreError (e.g. StoreAddressRefused) before sending anything."""

    def failure_reason(self, error: StoreError, *, need: StoreAccess, store_reference: str) -> str:
        """Why the store failed, and the fix, in the merchant's words."""

    def scope_names(self, feature: StoreFeature) -> list[str]:
        """The permissions the feature needs, as the platform's API account screen names them."""

    def order_admin_url(self, *, api_path: str, store_reference: str, order_id: int) -> str:
        """Where the merchant sees the order in the store's control panel."""

    def store_order(self, record: OrderRecord, *, options: MappingOptions | None = None) -> StoreOrder:
        """What the order (with its refunds, when read) becomes as a transaction; OrderMappingError says why not."""

    def order_shows_refund(self, record: OrderRecord) -> bool:
        """Whether the order (as listed, with its lines) shows that something of it was refunded."""

    def order_summary(self, record: OrderRecord) -> OrderSummary:
        """The order as a row of the cart's order list."""

    def order_event(self, payload: object) -> StoreEvent:
        """A delivered webhook body about an order as a StoreEvent; InvalidInput says what is wrong with it."""
