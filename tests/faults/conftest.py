"""Fault-injection fixtures: a sandbox store that fails as the issue describes, a cart on it, and the store's truth.

The expectations are computed from the sandbox store's own records (its catalog and orders), never
from the product's mapping code, so an import that loses, doubles or mis-totals anything is caught.

An importer is one way the product brings the store's data in. `MANUAL` is the merchant clicking
Import all matching on the Items (Cart) tab and Import All Listed Orders on the Orders (Cart) tab;
`AUTO_SYNC` is an auto-sync pass (the beat's, or Sync now) importing the orders; every faults test
runs with both.
"""
from __future__ import annotations

import contextlib
import datetime
import email.utils
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest

from carts import runs
from carts.platforms.bigcommerce.constants import NOT_A_SALE_STATUSES
from carts.models import Cart, CartLog, CartLogKind, CartLogStatus
from carts.connection_test import cart_test_connection
from items.models import Item, ItemCartLink
from items.cart_import import CatalogSelection, cart_items_import
from orders.models import SalesTransaction
from orders.store_imports import orders_import_listed
from sync.passes import PassOutcome, cart_sync_pass
from sandbox.server import SandboxServer
from tests.items.conftest import eager_celery  # noqa: F401 - background imports run in the test process
from tests.orders.conftest import ALL_STATUSES, sandbox_cart

# The mix: 5% server errors, 2% 429s without headers, 1% timeouts, 1% dropped connections,
# 0.5% truncated JSON. "slow" answers just after the client's read timeout has given up.
READ_TIMEOUT_SECONDS = 1.0
SLOW_SECONDS = READ_TIMEOUT_SECONDS + 0.2
FAULTS = f"server_error=0.05,rate_limit_no_headers=0.02,slow=0.01,drop=0.01,truncate=0.005,slow_seconds={SLOW_SECONDS}"
FAULT_KINDS = ("server_error", "rate_limit_no_headers", "slow", "drop", "truncate")
# Every request but the first fails, so the run in progress exhausts its retries and stops.
STORE_DOWN = "server_error=1"
MERCHANT_PATIENCE = 10  # how many times a merchant clicks Import again before giving up


@dataclass(frozen=True)
class Run:
    """What one click did: whether it stopped early (retries exhausted) and the log entry it wrote."""

    stopped: bool
    log: CartLog


@dataclass(frozen=True)
class Importer:
    """One way the product imports a cart's catalog and orders; each returns the run's outcome."""

    name: str
    import_catalog: Callable[[Cart], Run]
    import_orders: Callable[[Cart], Run]


def _manual_catalog(cart: Cart) -> Run:
    log = cart_items_import(cart=cart, selection=CatalogSelection())
    return Run(stopped=log.status == CartLogStatus.FAILED, log=log)


def _manual_orders(cart: Cart) -> Run:
    result = orders_import_listed(cart=cart)
    return Run(stopped=bool(result.stopped_reason), log=CartLog.objects.get(pk=result.log_id))


def _auto_sync_orders(cart: Cart) -> Run:
    sync_pass = cart_sync_pass(cart_id=cart.pk, scheduled=False)
    return Run(stopped=sync_pass.outcome != PassOutcome.COMPLETED, log=CartLog.objects.get(pk=sync_pass.log_id))


MANUAL = Importer("by hand", _manual_catalog, _manual_orders)
# Auto-sync imports orders only; its catalog comes from the Items (Cart) tab as by hand.
AUTO_SYNC = Importer("by auto-sync", _manual_catalog, _auto_sync_orders)
IMPORTERS = [MANUAL, AUTO_SYNC]


@pytest.fixture
def fast_client(settings) -> None:
    """The product's client, made impatient so faults cost a test seconds, not minutes."""
    settings.BIGCOMMERCE_CONNECT_TIMEOUT_SECONDS = 1.0
    settings.BIGCOMMERCE_READ_TIMEOUT_SECONDS = READ_TIMEOUT_SECONDS
    settings.BIGCOMMERCE_MAX_ATTEMPTS = 2  # few enough that a run of faults exhausts them and an import stops
    settings.BIGCOMMERCE_MAX_RETRY_SECONDS = 10.0
    settings.BIGCOMMERCE_BACKOFF_BASE_SECONDS = 0.05
    settings.BIGCOMMERCE_BACKOFF_MAX_SECONDS = 0.2


def faulty_store(settings, *, seed: int, products: int, orders: int, faults: str = FAULTS) -> Iterator[SandboxServer]:
    """A sandbox store injecting faults (the issue's by default), reachable by the product."""
    with SandboxServer(seed=seed, products=products, orders=orders, faults=faults) as server:
        settings.BIGCOMMERCE_EXTRA_API_HOSTS = [server.host_port]
        yield server


def connected_cart(company, store: SandboxServer, **settings_overrides: object) -> Cart:
    """A cart on the store that has passed Test Connection (clicked again while faults make it fail)."""
    cart = sandbox_cart(company, store, **{"import_status_ids": ALL_STATUSES,
                                           "import_orders_from": datetime.date(2000, 1, 1), **settings_overrides})
    for _ in range(MERCHANT_PATIENCE):
        if cart_test_connection(cart=cart).passed:
            cart.refresh_from_db()
            return cart
    raise AssertionError("Test Connection never passed through the faults")


def until_complete(run: Callable[[Cart], Run], cart: Cart) -> list[Run]:
    """Click Import until a run is not stopped early, as a merchant would; every run, in order."""
    runs = []
    for _ in range(MERCHANT_PATIENCE):
        runs.append(run(cart))
        if not runs[-1].stopped:
            return runs
    raise AssertionError(f"still stopped early after {MERCHANT_PATIENCE} runs: {runs[-1].log.summary}")


@contextlib.contextmanager
def store_goes_down_after_the_first_page(store: SandboxServer, monkeypatch, faults: str = FAULTS) -> Iterator[None]:
    """The store fails every request once the first page is written, so the run in progress stops early."""
    module = runs  # every run (items, orders, auto-sync) records its progress there
    original = module.cart_log_progress

    def progress_then_outage(**kwargs: object) -> None:
        original(**kwargs)
        if kwargs["done"]:  # a page is written (progress 0 is the count before the first page)
            store.store.set_faults(STORE_DOWN)

    monkeypatch.setattr(module, "cart_log_progress", progress_then_outage)
    try:
        yield
    finally:
        monkeypatch.setattr(module, "cart_log_progress", original)
        store.store.set_faults(faults)


# --- the store's truth --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExpectedCatalog:
    """Each SKU the catalog's variants can become (its first variant by product id) and the variants refused."""

    items: dict[str, tuple[int, int, Decimal]]  # SKU -> (product id, variant id, price)
    refused: dict[tuple[int, int], str]  # (product id, variant id) -> why, in the store's terms


def expected_catalog(store: SandboxServer) -> ExpectedCatalog:
    catalog = store.store.catalog
    items: dict[str, tuple[int, int, Decimal]] = {}
    refused: dict[tuple[int, int], str] = {}
    for product_id in sorted(catalog.live_ids):
        product = catalog.product(product_id)
        for variant in product.variants:
            sku = variant.sku.strip()
            if not sku:
                refused[(product_id, variant.id)] = "no SKU"
            elif len(sku) > 100:
                refused[(product_id, variant.id)] = "SKU too long"
            elif sku in items:
                refused[(product_id, variant.id)] = f"SKU {sku} is also on product {items[sku][0]}"
            else:
                items[sku] = (product_id, variant.id, variant.price if variant.price is not None else product.price)
    return ExpectedCatalog(items=items, refused=refused)


def assert_catalog_imported_exactly_once(cart: Cart, store: SandboxServer) -> ExpectedCatalog:
    """Every variant with a SKU is one item at the store's price, linked to it; every refused one has its reason."""
    expected = expected_catalog(store)
    items = {item.sku: item for item in Item.objects.filter(company=cart.company)}
    assert set(items) == set(expected.items), "items missing or extra"
    assert Item.objects.filter(company=cart.company).count() == len(expected.items)
    links = {(link.product_id, link.variant_id): link for link in ItemCartLink.objects.filter(cart=cart)}
    for sku, (product_id, variant_id, price) in expected.items.items():
        assert items[sku].unit_price == price, f"{sku}: {items[sku].unit_price} != the store's {price}"
        assert links[(product_id, variant_id)].item_id == items[sku].pk, f"{sku} is not linked to its variant"
    assert set(links) == {(product_id, variant_id) for product_id, variant_id, _ in expected.items.values()}
    reasons = logged_failures(cart, CartLogKind.ITEMS_IMPORT)
    for product_id, variant_id in expected.refused:
        assert any(f"(product {product_id}, variant {variant_id})" in reference and reason
                   for reference, reason in reasons), f"variant {variant_id} was refused without a reason"
    return expected


def logged_failures(cart: Cart, *kinds: str) -> list[tuple[str, str]]:
    """(reference, reason) of every failure every log entry of these kinds recorded on the cart."""
    return [(failure["reference"], failure["reason"]) for log in CartLog.objects.filter(cart=cart, kind__in=kinds)
            for failure in log.failures]


@dataclass(frozen=True)
class StoreOrder:
    order_id: int
    total: Decimal
    currency: str
    lines: list[tuple[int, int, str]]  # (product id, variant id, SKU)
    refunded: Decimal
    status_id: int


def expected_orders(store: SandboxServer, cart: Cart) -> dict[int, StoreOrder]:
    """The store's orders the cart takes: its statuses, created since its cut-off (store time), not archived."""
    cut_off = datetime.datetime.min.replace(tzinfo=datetime.UTC)
    if cart.import_orders_from:
        # Midnight in the store's time zone; UTC before Test Connection has told us the zone.
        zone = zoneinfo.ZoneInfo(cart.store_timezone) if cart.store_timezone else datetime.UTC
        cut_off = datetime.datetime.combine(cart.import_orders_from, datetime.time.min, tzinfo=zone)
    orders = {}
    for order_id in range(100, store.store.orders.max_order_id + 1):
        rendered = store.store.order(order_id)
        order = rendered.order
        created = email.utils.parsedate_to_datetime(order["date_created"])
        if order["is_deleted"] or order["status_id"] not in cart.import_status_ids or created < cut_off:
            continue
        orders[order_id] = StoreOrder(order_id, Decimal(order["total_inc_tax"]), order["currency_code"],
                                      [(line["product_id"], line["variant_id"], line["sku"].strip())
                                       for line in rendered.lines], Decimal(order["refunded_amount"]),
                                      order["status_id"])
    return orders


def assert_orders_imported_exactly_once(cart: Cart, store: SandboxServer) -> tuple[int, int]:
    """Every order the cart takes is one sale at the store's total, or refused with its reason.

    An order is importable when it is a sale (not Incomplete, Cancelled or Declined) and each line's
    variant is linked to an item or its SKU is an item's; importable orders must be imported, and what
    the store refunded of them is in their credit notes.
    Returns (imported, refused).
    """
    expected = expected_orders(store, cart)
    transactions = list(SalesTransaction.objects.sales().filter(cart=cart).prefetch_related("credit_notes"))
    by_order = {record.cart_order_id: record for record in transactions}
    assert len(by_order) == len(transactions), "an order was imported twice"
    assert set(by_order) <= set(expected), f"orders outside the cart's window imported: {set(by_order) - set(expected)}"
    skus = set(Item.objects.filter(company=cart.company).values_list("sku", flat=True))
    linked = set(ItemCartLink.objects.filter(cart=cart).values_list("product_id", "variant_id"))
    reasons = dict(logged_failures(cart, CartLogKind.ORDERS_IMPORT, CartLogKind.SYNC))
    for order_id, order in expected.items():
        importable = order.status_id not in NOT_A_SALE_STATUSES and all(
            (product_id, variant_id) in linked or (sku and sku in skus) for product_id, variant_id, sku in order.lines)
        record = by_order.get(order_id)
        if record is None:
            assert not importable, f"order {order_id} could be imported but is not"
            assert reasons.get(f"Order {order_id}"), f"order {order_id} is not imported and no reason was logged"
            continue
        assert record.total == order.total, f"order {order_id}: {record.total} != the store's {order.total}"
        assert record.currency == order.currency and record.lines.count() == len(order.lines), f"order {order_id}"
        credited = sum((note.total for note in record.credit_notes.all()), Decimal(0))
        assert credited == order.refunded, f"order {order_id}: credit notes of {credited}, the store refunded {order.refunded}"
    for currency in {order.currency for order in expected.values()}:
        ours = sum((record.total for record in transactions if record.currency == currency), Decimal(0))
        theirs = sum((order.total for order_id, order in expected.items() if order_id in by_order
                      and order.currency == currency), Decimal(0))
        assert ours == theirs, f"{currency} totals differ"
    return len(by_order), len(expected) - len(by_order)


def cut_off_for(store: SandboxServer, orders: int) -> datetime.date:
    """The 'Import orders from' date that leaves at least `orders` of the store's newest orders in the window."""
    newest_first = range(store.store.orders.max_order_id, 99, -1)
    order_id = list(newest_first)[orders + 60]  # a day's margin: the cut-off is midnight of that order's date
    created = email.utils.parsedate_to_datetime(store.store.order(order_id).order["date_created"])
    return created.date()
