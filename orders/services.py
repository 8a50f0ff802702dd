"""Order business logic: list a cart's orders, import them as pending transactions, edit and delete those.

`orders_import` is the heart: it takes order payloads already fetched with their lines (by the
screens here, or by an auto-sync pass) and imports each one atomically and exactly once.
"""
from __future__ import annotations

import datetime
import enum
import logging
import zoneinfo
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.utils import timezone

from carts.bigcommerce.client import BigCommerceClient, OrderFilter, RequestStats
from carts.bigcommerce.constants import MAX_PAGE_SIZE, OFFICIAL_API_HOST, SCOPE_ORDERS_READ
from carts.bigcommerce.errors import BigCommerceError
from carts.credential_storage import StoredKeyUnreadable
from carts.models import Cart, CartLog, CartLogKind, CartLogStatus
from carts.services import cart_client, cart_store_error_reason, cart_log_finish, cart_log_progress, cart_log_start
from companies.models import Company
from items.models import DESCRIPTION_MAX_LENGTH, Item
from items.services import item_new
from orders.mapping import OrderMappingError, OrderSummary, StoreOrder, map_order, order_summary
from orders.models import (
    NUMBER_PREFIXES,
    Customer,
    OrderRefusal,
    Transaction,
    TransactionCharge,
    TransactionDiscount,
    TransactionLine,
    TransactionNumberSequence,
    TransactionPayment,
    TransactionType,
)
from orders.selectors import ItemMatches, customers_by_email, item_matches, transactions_by_cart_order

logger = logging.getLogger(__name__)

LIST_PAGE_SIZE = 50
# Orders are imported (and their items and duplicates looked up) this many at a time: one API page.
IMPORT_BATCH_SIZE = MAX_PAGE_SIZE
# More selected orders than this are imported in the background, with a progress bar.
SYNCHRONOUS_IMPORT_LIMIT = 25
DATABASE_CONNECTION_LOST = (
    "the connection to the database was lost. The orders imported before it are kept, each one whole; "
    "import again to import the rest."
)


class CartNotReady(ValueError):
    """The cart's settings do not allow listing or importing orders yet; the message says which to set."""


class Outcome(enum.StrEnum):
    IMPORTED = "imported"
    ALREADY_IMPORTED = "already_imported"
    REFUSED = "refused"


@dataclass(frozen=True)
class MissingItem:
    """An order line's product that matches no item."""

    sku: str
    name: str
    product_id: int | None
    variant_id: int | None


@dataclass(frozen=True)
class OrderOutcome:
    """What happened to one order: imported, already imported (with its transaction), or refused and why."""

    order_id: int
    outcome: Outcome
    transaction_id: int | None = None
    transaction_number: str = ""
    reason: str = ""
    missing_items: tuple[MissingItem, ...] = ()

    @property
    def message(self) -> str:
        if self.outcome == Outcome.IMPORTED:
            return f"Order {self.order_id}: imported as {self.transaction_number}."
        if self.outcome == Outcome.ALREADY_IMPORTED:
            return f"Order {self.order_id}: already imported as {self.transaction_number}; nothing was created."
        return f"Order {self.order_id}: not imported — {self.reason}"

    def to_json(self) -> dict[str, Any]:
        return {
            "order_id": self.order_id,
            "outcome": self.outcome.value,
            "transaction": self.transaction_number or None,
            "reason": self.reason or None,
            "missing_skus": [item.sku for item in self.missing_items],
        }


@dataclass
class ImportResult:
    """Per-order outcomes of an import, plus what stopped it early (a store that failed to answer)."""

    outcomes: list[OrderOutcome] = field(default_factory=list)
    stopped_reason: str = ""
    created_item_skus: list[str] = field(default_factory=list)
    api_requests: int = 0
    log_id: int | None = None
    stats: RequestStats | None = field(default=None, repr=False)

    def _with(self, outcome: Outcome) -> list[OrderOutcome]:
        return [entry for entry in self.outcomes if entry.outcome == outcome]

    @property
    def imported(self) -> list[OrderOutcome]:
        return self._with(Outcome.IMPORTED)

    @property
    def already_imported(self) -> list[OrderOutcome]:
        return self._with(Outcome.ALREADY_IMPORTED)

    @property
    def refused(self) -> list[OrderOutcome]:
        return self._with(Outcome.REFUSED)

    @property
    def missing_items(self) -> list[MissingItem]:
        """Every product that kept an order out, once each, by SKU."""
        by_sku = {item.sku: item for entry in self.refused for item in entry.missing_items}
        return [by_sku[sku] for sku in sorted(by_sku)]

    @property
    def succeeded(self) -> bool:
        return not self.refused and not self.stopped_reason

    @property
    def counts(self) -> dict[str, int]:
        return {
            "imported": len(self.imported),
            "already_imported": len(self.already_imported),
            "refused": len(self.refused),
            "items_created": len(self.created_item_skus),
        }

    @property
    def failures(self) -> list[dict[str, str]]:
        """Each refusal as the cart log records it."""
        failures = [{"reference": f"Order {entry.order_id}", "reason": entry.reason} for entry in self.refused]
        if self.stopped_reason:
            failures.append({"reference": "Store", "reason": self.stopped_reason})
        return failures

    @property
    def summary(self) -> str:
        parts = [f"{len(self.imported)} imported"]
        if self.already_imported:
            parts.append(f"{len(self.already_imported)} already imported")
        if self.refused:
            parts.append(f"{len(self.refused)} not imported")
        if self.created_item_skus:
            parts.append(f"{len(self.created_item_skus)} missing items created")
        text = "Orders: " + ", ".join(parts) + "."
        return f"{text} Stopped early: {self.stopped_reason}" if self.stopped_reason else text

    def to_json(self) -> dict[str, Any]:
        return {
            "summary": self.summary,
            "counts": self.counts,
            "stopped_reason": self.stopped_reason or None,
            "orders": [entry.to_json() for entry in self.outcomes],
            "created_items": self.created_item_skus,
        }


# --- what a cart imports ---------------------------------------------------------------------


def cart_orders_window(*, cart: Cart) -> tuple[list[int], datetime.datetime | None]:
    """The cart's import statuses and the moment 'Import orders from' starts (midnight, store time)."""
    status_ids = sorted(int(status_id) for status_id in cart.import_status_ids)
    if not cart.import_orders_from:
        return status_ids, None
    try:
        zone: datetime.tzinfo = zoneinfo.ZoneInfo(cart.store_timezone) if cart.store_timezone else datetime.UTC
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = datetime.UTC
    return status_ids, datetime.datetime.combine(cart.import_orders_from, datetime.time.min, tzinfo=zone)


def cart_orders_require_status(*, cart: Cart) -> None:
    """Raise CartNotReady unless the cart names at least one status to import, as the guide warns."""
    if not cart.import_status_ids:
        raise CartNotReady(
            "Orders cannot be listed or imported until 'Import Orders with Status' is set on the cart's Settings "
            "tab (start with Awaiting Fulfillment)."
        )


def cart_order_admin_url(*, cart: Cart | None, order_id: int | None) -> str:
    """Where the merchant sees the order in the store's control panel ('' when unknown)."""
    if cart is None or not order_id:
        return ""
    api_url = urlsplit(cart.api_path)
    if api_url.hostname == OFFICIAL_API_HOST:
        return f"https://store-{cart.store_hash}.mybigcommerce.com/manage/orders/{order_id}"
    return f"{api_url.scheme}://{api_url.netloc}/admin/"  # a sandbox store's admin page lists its orders


# --- the Orders (Cart) list --------------------------------------------------------------------


@dataclass(frozen=True)
class OrderListRow:
    summary: OrderSummary
    transaction: Transaction | None


@dataclass(frozen=True)
class OrderListPage:
    """A page of the cart's orders, newest first, with the cursor for the next (older) page."""

    rows: list[OrderListRow]
    total: int
    older_than: int | None


def orders_list(*, cart: Cart, older_than: int | None = None, page_size: int = LIST_PAGE_SIZE) -> OrderListPage:
    """The store's orders in the cart's import statuses since its start date; raises CartNotReady or BigCommerceError.

    v2 filters by one status per request, so each page asks every status for its newest orders
    below the cursor and merges them: one request per status per page, plus one to count them all.
    """
    cart_orders_require_status(cart=cart)
    status_ids, created_from = cart_orders_window(cart=cart)
    with cart_client(cart=cart) as client:
        counts = client.orders_count_by_status(OrderFilter(created_from=created_from))
        found: list[dict[str, Any]] = []
        more = False
        for status_id in status_ids:
            order_filter = OrderFilter(
                status_id=status_id, created_from=created_from, max_id=older_than - 1 if older_than else None
            )
            page = client.get_orders_page(order_filter, page=1, limit=page_size, sort="id:desc")
            found.extend(page)
            more = more or len(page) == page_size
    found.sort(key=lambda order: int(order["id"]), reverse=True)
    shown = [order_summary(order) for order in found[:page_size]]
    more = more or len(found) > page_size
    imported = transactions_by_cart_order(cart=cart, order_ids=[summary.order_id for summary in shown])
    return OrderListPage(
        rows=[OrderListRow(summary, imported.get(summary.order_id)) for summary in shown],
        total=sum(counts.get(status_id, 0) for status_id in status_ids),
        older_than=shown[-1].order_id if more and shown else None,
    )


# --- importing -------------------------------------------------------------------------------


@dataclass
class _Batch:
    """What a batch of orders needs from the database, looked up once for the whole batch."""

    imported: dict[int, Transaction]
    items: ItemMatches
    customers: dict[str, Customer]


def orders_import(*, cart: Cart, orders: Iterable[dict[str, Any]], log: CartLog | None = None) -> ImportResult:
    """Import order payloads (fetched with their lines) as pending transactions; never raises for one order.

    Each order is imported atomically and exactly once; one that cannot be is refused with its
    reason, and the others still import. A store error while `orders` is being fetched stops the
    import and is reported in `stopped_reason`. With `log`, progress is recorded on it.
    """
    result = ImportResult(log_id=log.pk if log else None)
    status_ids, created_from = cart_orders_window(cart=cart)
    try:
        for batch in _batches(orders, IMPORT_BATCH_SIZE):
            recorded = len(result.outcomes)
            _import_batch(cart, batch, result, status_ids, created_from)
            _record_refusals(cart, result.outcomes[recorded:])
            if log is not None:
                cart_log_progress(log=log, done=len(result.outcomes))
    except BigCommerceError as error:
        result.stopped_reason = store_failure_reason(cart=cart, error=error)
    except (OperationalError, InterfaceError):
        if connection.in_atomic_block:
            raise  # the caller's transaction is lost with the connection: the caller decides what to do
        # A failover or a network cut between two orders: the orders committed stay, and the run ends
        # with its reason instead of its log being left running forever.
        logger.exception("Orders import on cart %s lost its database connection", cart.pk)
        connection.close_if_unusable_or_obsolete()  # the next query opens a new connection
        result.stopped_reason = DATABASE_CONNECTION_LOST
    return result


def _record_refusals(cart: Cart, outcomes: Sequence[OrderOutcome]) -> None:
    """Remember each refused order with its latest reason; forget the ones that are now imported."""
    settled = [entry.order_id for entry in outcomes if entry.outcome != Outcome.REFUSED]
    OrderRefusal.objects.filter(cart=cart, cart_order_id__in=settled).delete()
    now = timezone.now()
    OrderRefusal.objects.bulk_create(
        [
            OrderRefusal(company_id=cart.company_id, cart=cart, cart_order_id=entry.order_id, reason=entry.reason,
                         last_refused_at=now)
            for entry in outcomes
            if entry.outcome == Outcome.REFUSED
        ],
        update_conflicts=True,
        unique_fields=["cart", "cart_order_id"],
        update_fields=["reason", "last_refused_at"],
    )


def _batches(orders: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for order in orders:
        batch.append(order)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _import_batch(
    cart: Cart,
    payloads: list[dict[str, Any]],
    result: ImportResult,
    status_ids: list[int],
    created_from: datetime.datetime | None,
) -> None:
    imported = transactions_by_cart_order(cart=cart, order_ids=[int(payload["id"]) for payload in payloads])
    mapped: list[StoreOrder] = []
    for payload in payloads:
        order_id = int(payload["id"])
        if order_id in imported:
            result.outcomes.append(_already_imported(order_id, imported[order_id]))
            continue
        try:
            order = map_order(payload)
        except OrderMappingError as error:
            result.outcomes.append(OrderOutcome(order_id, Outcome.REFUSED, reason=str(error)))
            continue
        refusal = _outside_window(cart, order, status_ids, created_from)
        if refusal:
            result.outcomes.append(OrderOutcome(order_id, Outcome.REFUSED, reason=refusal))
        else:
            mapped.append(order)
    batch = _Batch(
        imported=imported,
        items=item_matches(
            cart=cart,
            variants=[(line.product_id, line.variant_id) for order in mapped for line in order.lines
                      if line.product_id and line.variant_id],
            skus=[line.sku for order in mapped for line in order.lines],
        ),
        customers=customers_by_email(company=cart.company, emails=[order.customer.email for order in mapped]),
    )
    for order in mapped:
        result.outcomes.append(_import_one(cart, order, batch, result))
    position = {int(payload["id"]): index for index, payload in enumerate(payloads)}
    first = len(result.outcomes) - len(payloads)
    result.outcomes[first:] = sorted(result.outcomes[first:], key=lambda entry: position[entry.order_id])


def _outside_window(
    cart: Cart, order: StoreOrder, status_ids: list[int], created_from: datetime.datetime | None
) -> str:
    if order.status_id not in status_ids:
        allowed = ", ".join(cart.status_label(status_id) for status_id in status_ids) or "none"
        return (
            f"its status in the store is {order.status_label or cart.status_label(order.status_id)}, which is not one "
            f"of the cart's 'Import Orders with Status' ({allowed}). Add the status on the cart's Settings tab to "
            "import it."
        )
    if created_from is not None and order.created_at < created_from:
        return (
            f"it was created on {order.created_at:%Y-%m-%d}, before the cart's 'Import orders from' date "
            f"({cart.import_orders_from:%Y-%m-%d}). Move that date back on the cart's Settings tab to import it."
        )
    return ""


def _import_one(cart: Cart, order: StoreOrder, batch: _Batch, result: ImportResult) -> OrderOutcome:
    if order.order_id in batch.imported:  # the same order twice in one run
        return _already_imported(order.order_id, batch.imported[order.order_id])
    line_items = {line.cart_line_id: batch.items.item_for(product_id=line.product_id, variant_id=line.variant_id,
                                                          sku=line.sku) for line in order.lines}
    unmatched = [line for line in order.lines if line_items[line.cart_line_id] is None]
    without_sku = [line for line in unmatched if not line.sku]
    if without_sku:
        names = ", ".join(line.name for line in without_sku)
        return OrderOutcome(order.order_id, Outcome.REFUSED, reason=(
            f"its line for {names} has no SKU and no item is linked to that product, so no item can match it. "
            "Give the product a SKU in BigCommerce and import it from the Items (Cart) tab, then import the order again."
        ))
    missing = tuple({line.sku: MissingItem(line.sku, line.name, line.product_id, line.variant_id)
                     for line in unmatched}.values())
    if missing and not cart.create_missing_items:
        return OrderOutcome(order.order_id, Outcome.REFUSED, reason=_missing_items_reason(missing),
                            missing_items=missing)
    try:
        with transaction.atomic():
            created_skus = _create_missing_items(cart, order, line_items)
            customer = _customer_for(cart, order, batch)
            record = _write_transaction(cart, order, customer, line_items)
    except OperationalError as error:  # e.g. a lock not granted in time: this order only, the rest go on
        logger.warning("Order %s of cart %s: %s", order.order_id, cart.pk, error)
        return OrderOutcome(order.order_id, Outcome.REFUSED,
                            reason="the database did not take it (it was busy, or the connection was lost); nothing "
                                   "of it was saved. Import it again.")
    except IntegrityError:
        # Another import of the same order committed first: the unique constraint kept it single.
        existing = Transaction.objects.filter(cart=cart, cart_order_id=order.order_id).only("pk", "number").first()
        if existing is None:
            logger.exception("Order %s of cart %s failed to import", order.order_id, cart.pk)
            return OrderOutcome(order.order_id, Outcome.REFUSED,
                                reason="the database refused it; try again, and tell support@salesorder.com if it recurs.")
        return _already_imported(order.order_id, existing)
    if customer.email:
        batch.customers[customer.email] = customer
    for line in order.lines:
        if line.sku in created_skus:
            batch.items.by_sku[line.sku] = line_items[line.cart_line_id]
    result.created_item_skus.extend(created_skus)
    batch.imported[order.order_id] = record
    return OrderOutcome(order.order_id, Outcome.IMPORTED, transaction_id=record.pk, transaction_number=record.number)


def _already_imported(order_id: int, existing: Transaction) -> OrderOutcome:
    return OrderOutcome(order_id, Outcome.ALREADY_IMPORTED, transaction_id=existing.pk,
                        transaction_number=existing.number, reason="already imported")


def _missing_items_reason(missing: tuple[MissingItem, ...]) -> str:
    skus = ", ".join(item.sku for item in missing)
    noun = "SKU" if len(missing) == 1 else "SKUs"
    return (
        f"no item matches its {noun} {skus}. Import {'it' if len(missing) == 1 else 'them'} from the cart's "
        "Items (Cart) tab, or switch on 'Create missing items' in the cart's settings, then import the order again."
    )


def _create_missing_items(cart: Cart, order: StoreOrder, line_items: dict[int, Item | None]) -> list[str]:
    """Create items with the company's accounting defaults for lines no item matches; returns their SKUs."""
    created: list[str] = []
    # In SKU order, so concurrent imports take the new SKUs' index locks in the same order and cannot deadlock.
    for line in sorted(order.lines, key=lambda line: line.sku):
        if line_items[line.cart_line_id] is not None:
            continue
        item = item_new(company=cart.company, sku=line.sku)
        item.description = line.name[:DESCRIPTION_MAX_LENGTH]
        item.unit_price = line.base_price
        try:
            with transaction.atomic():
                item.save()
            created.append(line.sku)
        except IntegrityError:  # another import created the SKU meanwhile: use that item
            item = Item.objects.for_company(cart.company).get(sku=line.sku)
        for same_sku in order.lines:
            if same_sku.sku == line.sku:
                line_items[same_sku.cart_line_id] = item
    return created


def _customer_for(cart: Cart, order: StoreOrder, batch: _Batch) -> Customer:
    details = order.customer
    if not details.email:
        customer, _ = Customer.objects.get_or_create(company=cart.company, email="", name=cart.web_customer_name)
        return customer
    cached = batch.customers.get(details.email)
    if cached is not None:
        return cached
    customer, _ = Customer.objects.get_or_create(
        company=cart.company,
        email=details.email,
        defaults={
            "name": details.name or details.email,
            "company_name": details.company_name,
            "phone": details.phone,
            "billing_address": details.billing_address,
        },
    )
    return customer


def _next_number(company: Company, transaction_type: str) -> str:
    """Take the type's next number; the row lock makes concurrent imports wait, so none skip or repeat."""
    sequence, _ = TransactionNumberSequence.objects.select_for_update().get_or_create(
        company=company, transaction_type=transaction_type
    )
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return f"{NUMBER_PREFIXES[transaction_type]}-{sequence.last_number:06d}"


def _write_transaction(cart: Cart, order: StoreOrder, customer: Customer, line_items: dict[int, Item | None]) -> Transaction:
    transaction_type = TransactionType(cart.import_as)
    company_id = cart.company_id
    record = Transaction.objects.create(
        company_id=company_id,
        transaction_type=transaction_type,
        number=_next_number(cart.company, transaction_type),
        customer=customer,
        transaction_date=order.created_at,
        cart=cart,
        cart_name=cart.name,
        cart_order_id=order.order_id,
        cart_status_id=order.status_id,
        cart_status_label=order.status_label,
        currency=order.currency,
        prices_include_tax=order.prices_include_tax,
        customer_email=order.customer.email,
        customer_message=order.customer_message,
        billing_address=order.customer.billing_address,
        shipping_addresses=list(order.shipping_addresses),
        subtotal=order.subtotal,
        charges_total=order.charges_total,
        discounts_total=order.discounts_total,
        tax_total=order.tax_total,
        total=order.total,
        payments_total=order.payments_total,
    )
    TransactionLine.objects.bulk_create(
        TransactionLine(
            company_id=company_id, transaction=record, position=position, item=line_items[line.cart_line_id],
            sku=line.sku, description=line.name[:255], options=line.options, quantity=line.quantity,
            unit_price=line.unit_price, discount=line.discount, amount_ex_tax=line.amount_ex_tax, tax=line.tax,
            amount_inc_tax=line.amount_inc_tax, cart_line_id=line.cart_line_id, cart_product_id=line.product_id,
            cart_variant_id=line.variant_id,
        )
        for position, line in enumerate(order.lines, start=1)
    )
    TransactionCharge.objects.bulk_create(
        TransactionCharge(company_id=company_id, transaction=record, kind=charge.kind, description=charge.description[:255],
                          amount_ex_tax=charge.amount_ex_tax, tax=charge.tax, amount_inc_tax=charge.amount_inc_tax)
        for charge in order.charges
    )
    TransactionDiscount.objects.bulk_create(
        TransactionDiscount(company_id=company_id, transaction=record, kind=discount.kind,
                            description=discount.description[:255], amount_ex_tax=discount.amount_ex_tax,
                            tax=discount.tax, amount_inc_tax=discount.amount_inc_tax)
        for discount in order.discounts
    )
    TransactionPayment.objects.bulk_create(
        TransactionPayment(company_id=company_id, transaction=record, kind=payment.kind,
                           description=payment.description, amount=payment.amount)
        for payment in order.payments
    )
    return record


def store_failure_reason(*, cart: Cart, error: BigCommerceError | StoredKeyUnreadable) -> str:
    """Why the store's orders could not be read, and the fix, for the merchant."""
    return cart_store_error_reason(cart=cart, error=error, scope=SCOPE_ORDERS_READ)


# --- fetching and importing from the store -------------------------------------------------------


def orders_fetch_by_ids(client: BigCommerceClient, order_ids: Sequence[int]) -> Iterator[dict[str, Any]]:
    """The orders with these ids, with their lines: one request per span of up to 250 ids, not one per order."""
    wanted = sorted(set(order_ids))
    start = 0
    while start < len(wanted):
        end = start
        while end + 1 < len(wanted) and wanted[end + 1] - wanted[start] < MAX_PAGE_SIZE:
            end += 1
        span = OrderFilter(min_id=wanted[start], max_id=wanted[end])
        chosen = set(wanted[start:end + 1])
        for order in client.get_orders_page(span, page=1, limit=MAX_PAGE_SIZE, with_lines=True):
            if int(order["id"]) in chosen:
                yield order
        start = end + 1


def orders_fetch_listed(client: BigCommerceClient, *, cart: Cart) -> Iterator[dict[str, Any]]:
    """Every order the cart's Orders tab lists, with its lines, a page of 250 at a time per status."""
    status_ids, created_from = cart_orders_window(cart=cart)
    for status_id in status_ids:
        yield from client.iter_orders(OrderFilter(status_id=status_id, created_from=created_from), with_lines=True)


def orders_import_selected(*, cart: Cart, order_ids: Sequence[int], log: CartLog | None = None) -> ImportResult:
    """Fetch the selected orders with their lines and import them; orders the store lacks are refused."""
    wanted = sorted(set(order_ids))
    log = log or cart_log_start(cart=cart, kind=CartLogKind.ORDERS_IMPORT, total=len(wanted))
    return _import_from_store(cart=cart, log=log, fetch=lambda client: orders_fetch_by_ids(client, wanted),
                              expected_ids=wanted)


def orders_import_listed(*, cart: Cart, log: CartLog | None = None) -> ImportResult:
    """Import every order the Orders (Cart) tab lists, counting them first for the progress bar."""
    log = log or cart_log_start(cart=cart, kind=CartLogKind.ORDERS_IMPORT)

    def fetch(client: BigCommerceClient) -> Iterator[dict[str, Any]]:
        status_ids, created_from = cart_orders_window(cart=cart)
        counts = client.orders_count_by_status(OrderFilter(created_from=created_from))
        cart_log_progress(log=log, done=0, total=sum(counts.get(status_id, 0) for status_id in status_ids))
        yield from orders_fetch_listed(client, cart=cart)

    return _import_from_store(cart=cart, log=log, fetch=fetch)


def _import_from_store(
    *,
    cart: Cart,
    log: CartLog,
    fetch: Callable[[BigCommerceClient], Iterable[dict[str, Any]]],
    expected_ids: Sequence[int] = (),
) -> ImportResult:
    """Run an import whose orders `fetch` reads lazily from the store, and close its log entry."""
    try:
        cart_orders_require_status(cart=cart)
        client = cart_client(cart=cart)
    except (CartNotReady, StoredKeyUnreadable, BigCommerceError) as error:
        reason = str(error) if isinstance(error, CartNotReady) else store_failure_reason(cart=cart, error=error)
        return _finish_log(log, ImportResult(log_id=log.pk, stopped_reason=reason))
    with client:
        result = orders_import(cart=cart, orders=fetch(client), log=log)
    result.api_requests = client.stats.requests
    result.stats = client.stats
    seen = {entry.order_id for entry in result.outcomes}
    if not result.stopped_reason:
        result.outcomes.extend(
            OrderOutcome(order_id, Outcome.REFUSED,
                         reason="the store has no such order (it may have been deleted or archived in BigCommerce).")
            for order_id in expected_ids if order_id not in seen
        )
    return _finish_log(log, result)


def _finish_log(log: CartLog, result: ImportResult) -> ImportResult:
    if result.stopped_reason and not result.outcomes:
        status = CartLogStatus.FAILED
    elif result.succeeded:
        status = CartLogStatus.SUCCEEDED
    else:
        status = CartLogStatus.PARTIAL
    cart_log_progress(log=log, done=len(result.outcomes))
    cart_log_finish(log=log, status=status, summary=result.summary, counts=result.counts, failures=result.failures,
                    stats=result.stats)
    return result


def orders_import_start(*, cart: Cart, order_ids: Sequence[int] | None) -> CartLog:
    """Queue a background import (selected ids, or every listed order for None); the log shows its progress."""
    from orders.tasks import orders_import_task

    cart_orders_require_status(cart=cart)
    ids = sorted(set(order_ids)) if order_ids is not None else None
    log = cart_log_start(cart=cart, kind=CartLogKind.ORDERS_IMPORT, total=len(ids) if ids is not None else None)
    transaction.on_commit(lambda: orders_import_task.delay(log.pk, ids))
    return log


# --- pending transactions ----------------------------------------------------------------------


@dataclass(frozen=True)
class TransactionChanges:
    """What a merchant may change on a pending transaction; its money mirrors the store's order."""

    customer: Customer
    transaction_date: datetime.datetime
    memo: str


def transaction_update(*, record: Transaction, changes: TransactionChanges) -> Transaction:
    """Save a pending transaction's customer, date and memo."""
    if changes.customer.company_id != record.company_id:
        raise ValueError("That customer belongs to another company.")
    record.customer = changes.customer
    record.transaction_date = changes.transaction_date
    record.memo = changes.memo
    record.save(update_fields=["customer", "transaction_date", "memo", "updated_at"])
    return record


@transaction.atomic
def transaction_delete(*, record: Transaction) -> None:
    """Delete a pending transaction with its lines; its cart order can then be imported again."""
    record.delete()
