"""Importing order records as pending transactions: each atomically and exactly once, refusals with their reason.

`orders_import` takes records already fetched with their lines (by the Orders tab's services here,
or by an auto-sync pass) and never raises for one bad order. Orders are taken a page of 250 at a
time: their existing transactions, items and customers are looked up once per page.
"""
from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.db import DataError, IntegrityError, OperationalError, transaction
from django.utils import timezone

from carts.models import Cart, CartLog
from carts.platforms import platform_named
from carts.platforms.base import OrderRecord, StoreAccess, StoreSession
from carts.runs import cart_log_progress, run_stops_on_failure
from items.matching import VariantMatches, variant_matches
from items.models import Item
from items.selectors import in_batches
from orders.mapping import MappingOptions, OrderMappingError, StoreOrder
from orders.booking import sale_book
from orders.missing_items import item_create_from_order_line, variants_in_store
from orders.models import Customer, OrderRefusal, SalesTransaction
from orders.rereads import order_changed_since_read, sale_reread
from orders.results import ImportResult, MissingItem, OrderOutcome, Outcome
from orders.rules import order_items_refusal, order_outside_rules
from orders.selectors import customers_by_email, store_sales, transactions_by_cart_order, web_customer
from orders.window import cart_orders_window

logger = logging.getLogger(__name__)

# Orders are imported (and their items and duplicates looked up) this many at a time: one API page.
IMPORT_BATCH_SIZE = 250
CONNECTION_LOST = "The orders imported before it are kept, each one whole; import again to import the rest."
# Column lengths of what an order's customer is written into.
CUSTOMER_NAME_MAX_LENGTH = 200
PHONE_MAX_LENGTH = 50


@dataclass
class _Batch:
    """What a batch of orders needs from the database, looked up once for the whole batch."""

    imported: dict[int, SalesTransaction]
    items: VariantMatches
    customers: dict[str, Customer]
    # Of the variants no item matches, those the store's catalog still has (None: not asked, or no answer).
    in_store: set[tuple[int, int]] | None = None


class OrdersImport:
    """One import's progress through order records; its `result` holds an outcome per order taken so far."""

    def __init__(self, *, cart: Cart, progress: Callable[[int], None] | None = None,
                 store: Callable[[], StoreSession] | None = None, skip_outside_statuses: bool = False) -> None:
        self.cart = cart
        self.result = ImportResult()
        self.progress = progress
        # Reaches the store (opening the session only when first needed) to read refunds; without it only the
        # orders' own figures tell them.
        self.store = store
        # An auto-sync pass reads every changed order: those not yet imported outside the cart's statuses are
        # passed over, not refused.
        self.skip_outside_statuses = skip_outside_statuses
        self.platform = platform_named(cart.platform)
        self.status_ids, self.created_from = cart_orders_window(cart=cart)
        self.options = cart_mapping_options(cart=cart)

    def take(self, orders: Iterable[OrderRecord]) -> None:
        """Import the records a page at a time; a store error while they are read propagates to the caller."""
        for batch in in_batches(orders, IMPORT_BATCH_SIZE):
            recorded = len(self.result.outcomes)
            self._import_batch(batch)
            _record_refusals(self.cart, self.result.outcomes[recorded:])
            if self.progress is not None:
                self.progress(len(self.result.outcomes))

    def _import_batch(self, records: list[OrderRecord]) -> None:
        cart, result = self.cart, self.result
        first = len(result.outcomes)
        imported = transactions_by_cart_order(cart=cart, order_ids=[record.order_id for record in records],
                                              fields=("pk", "number", "cart_order_id", "cart_date_modified",
                                                      "cart_status_id"))
        if self.skip_outside_statuses:
            records = [record for record in records
                       if record.order_id in imported or record.status_id in self.status_ids]
        changed = {record.order_id for record in records if record.order_id in imported
                   and order_changed_since_read(sale=imported[record.order_id], record=record)}
        records = self._with_refunds(records, imported, changed)
        mapped: list[StoreOrder] = []
        for record in records:
            if record.order_id in imported:
                sale = imported[record.order_id]
                result.outcomes.append(self._reread(record, sale) if record.order_id in changed
                                       else _already_imported(record.order_id, sale))
                continue
            try:
                order = self.platform.store_order(record, options=self.options)
            except OrderMappingError as error:
                result.outcomes.append(OrderOutcome(record.order_id, Outcome.REFUSED, reason=str(error)))
                continue
            refusal = order_outside_rules(cart=cart, order=order, status_ids=self.status_ids,
                                          created_from=self.created_from)
            if refusal:
                result.outcomes.append(OrderOutcome(record.order_id, Outcome.REFUSED, reason=refusal))
            else:
                mapped.append(order)
        batch = _Batch(
            imported=imported,
            items=variant_matches(
                cart=cart,
                variants=[(line.product_id, line.variant_id) for order in mapped for line in order.lines
                          if line.product_id and line.variant_id],
                skus=[line.sku for order in mapped for line in order.lines],
            ),
            customers=customers_by_email(company=cart.company, emails=[order.customer.email for order in mapped]),
        )
        batch.in_store = self._variants_in_store(mapped, batch.items)
        for order in mapped:
            result.outcomes.append(_import_one(cart, order, batch, result))
        position = {record.order_id: index for index, record in enumerate(records)}
        result.outcomes[first:] = sorted(result.outcomes[first:], key=lambda entry: position[entry.order_id])

    def _variants_in_store(self, orders: list[StoreOrder], items: VariantMatches) -> set[tuple[int, int]] | None:
        """Which unmatched lines' variants the store still has, so a refusal says whether importing them can fix it."""
        if self.store is None or self.cart.create_missing_items:
            return None
        unmatched = {(line.product_id, line.variant_id) for order in orders for line in order.lines
                     if line.product_id and line.variant_id
                     and items.item_for(product_id=line.product_id, variant_id=line.variant_id, sku=line.sku) is None}
        return variants_in_store(self.store(), unmatched) if unmatched else None

    def _with_refunds(self, records: list[OrderRecord], imported: dict[int, SalesTransaction],
                      changed: set[int]) -> list[OrderRecord]:
        """The records, those to import or re-read that show a refund with their refunds: one request per batch."""
        wanted = [record.order_id for record in records
                  if (record.order_id not in imported or record.order_id in changed)
                  and self.platform.order_shows_refund(record)]
        if self.store is None or not wanted:
            return records
        refunds = self.store().refunds_of(wanted)
        return [dataclasses.replace(record, refunds=refunds[record.order_id]) if record.order_id in refunds else record
                for record in records]


    def _reread(self, record: OrderRecord, sale: SalesTransaction) -> OrderOutcome:
        """An imported order the store changed since: flag a new status, book new refunds; the money stays as booked."""
        order, refusal = None, ""
        if self.platform.order_shows_refund(record):
            try:
                order = self.platform.store_order(record, options=self.options)
            except OrderMappingError as error:
                refusal = str(error)
        try:
            reread = sale_reread(cart=self.cart, sale_id=sale.pk, record=record, order=order, refund_refusal=refusal)
        except OperationalError as error:  # e.g. a lock not granted in time: the next read records it
            logger.warning("Order %s of cart %s not re-read: %s", record.order_id, self.cart.pk, error)
            return _already_imported(record.order_id, sale)
        if reread.text:
            self.result.changes[record.order_id] = reread.text
            self.result.credit_note_numbers.extend(reread.credit_notes)
        return _already_imported(record.order_id, sale, change=reread.text)


def cart_mapping_options(*, cart: Cart) -> MappingOptions:
    """How the cart's orders are mapped: differences posted up to its limit only when it names the account too."""
    limit = cart.post_differences_up_to if cart.differences_account_id is not None else None
    return MappingOptions(post_differences_up_to=limit)


def orders_import(*, cart: Cart, orders: Iterable[OrderRecord], log: CartLog | None = None,
                  store: StoreSession | None = None, skip_outside_statuses: bool = False) -> ImportResult:
    """Import order records (fetched with their lines) as pending transactions; never raises for one order.

    Each order is imported atomically and exactly once; one that cannot be is refused with its
    reason, and the others still import. A store error while `orders` is being read, or a database
    connection lost between two orders, stops the import and is reported in `stopped_reason`.
    With `log`, progress is recorded on it; with `store`, the refunds of orders that show one are
    read from it (one request per batch), else the orders' own figures tell them. An order already
    imported that the store changed since is re-read (orders/rereads.py). With
    `skip_outside_statuses`, orders not imported yet whose status the cart does not import are passed
    over rather than refused (a re-read of whatever order the store says changed).
    """
    progress = (lambda done: cart_log_progress(log=log, done=done)) if log is not None else None
    importer = OrdersImport(cart=cart, progress=progress, store=(lambda: store) if store is not None else None,
                            skip_outside_statuses=skip_outside_statuses)
    importer.result.log_id = log.pk if log else None
    with run_stops_on_failure(cart=cart, need=StoreAccess.ORDERS_READ, connection_lost=CONNECTION_LOST) as stop:
        importer.take(orders)
    importer.result.stopped_reason = stop.reason
    return importer.result


def _record_refusals(cart: Cart, outcomes: Sequence[OrderOutcome]) -> None:
    """Remember each refused order with its latest reason; forget the ones that are now imported."""
    settled = {entry.order_id for entry in outcomes if entry.outcome != Outcome.REFUSED}
    OrderRefusal.objects.filter(cart=cart, cart_order_id__in=settled).delete()
    # One row per order, even when the store sent an order twice: the last reason, unless a copy was imported.
    refused = {entry.order_id: entry for entry in outcomes
               if entry.outcome == Outcome.REFUSED and entry.order_id not in settled}
    now = timezone.now()
    OrderRefusal.objects.bulk_create(
        [
            OrderRefusal(company_id=cart.company_id, cart=cart, cart_order_id=order_id, reason=entry.reason,
                         missing_items=[item.to_json() for item in entry.missing_items], last_refused_at=now)
            for order_id, entry in refused.items()
        ],
        update_conflicts=True,
        unique_fields=["cart", "cart_order_id"],
        update_fields=["reason", "missing_items", "last_refused_at"],
    )


def _import_one(cart: Cart, order: StoreOrder, batch: _Batch, result: ImportResult) -> OrderOutcome:
    if order.order_id in batch.imported:  # the same order twice in one run
        return _already_imported(order.order_id, batch.imported[order.order_id])
    line_items = {line.cart_line_id: batch.items.item_for(product_id=line.product_id, variant_id=line.variant_id,
                                                          sku=line.sku) for line in order.lines}
    refusal, missing = order_items_refusal(cart=cart, order=order, line_items=line_items, in_store=batch.in_store)
    if refusal:
        return OrderOutcome(order.order_id, Outcome.REFUSED, reason=refusal, missing_items=missing)
    try:
        with transaction.atomic():
            created_skus = _create_missing_items(cart, order, line_items)
            customer = _customer_for(cart, order, batch)
            record = sale_book(cart=cart, order=order, customer=customer, line_items=line_items,
                               difference_account=cart.differences_account)
    except OperationalError as error:  # e.g. a lock not granted in time: this order only, the rest go on
        logger.warning("Order %s of cart %s: %s", order.order_id, cart.pk, error)
        return OrderOutcome(order.order_id, Outcome.REFUSED,
                            reason="the database did not take it (it was busy, or the connection was lost); nothing "
                                   "of it was saved. Import it again.")
    except DataError:  # a value no check foresaw is too long or too large for its column: this order only
        logger.exception("Order %s of cart %s did not fit the database", order.order_id, cart.pk)
        return OrderOutcome(order.order_id, Outcome.REFUSED,
                            reason="a value in it (a name, code or address) is longer than Salesorder stores; nothing "
                                   "of it was saved. Send the order number to support@salesorder.com.")
    except IntegrityError:
        # Another import of the same order committed first: the unique constraint kept it single.
        existing = store_sales(cart=cart).filter(cart_order_id=order.order_id).only("pk", "number").first()
        if existing is None:
            logger.exception("Order %s of cart %s failed to import", order.order_id, cart.pk)
            return OrderOutcome(order.order_id, Outcome.REFUSED,
                                reason="the database refused it; try again, and tell support@salesorder.com if it recurs.")
        return _already_imported(order.order_id, existing)
    if customer.email:
        batch.customers[customer.email] = customer
    for line in order.lines:
        if line.sku in created_skus:
            batch.items.remember(line_items[line.cart_line_id])
    result.created_item_skus.extend(created_skus)
    if order.credit_notes:
        result.credit_note_numbers.extend(record.credit_notes.values_list("number", flat=True))
    batch.imported[order.order_id] = record
    return OrderOutcome(order.order_id, Outcome.IMPORTED, transaction_id=record.pk, transaction_number=record.number)


def _already_imported(order_id: int, existing: SalesTransaction, change: str = "") -> OrderOutcome:
    return OrderOutcome(order_id, Outcome.ALREADY_IMPORTED, transaction_id=existing.pk,
                        transaction_number=existing.number, reason="already imported", change=change)


def _create_missing_items(cart: Cart, order: StoreOrder, line_items: dict[int, Item | None]) -> list[str]:
    """Create items with the company's accounting defaults for lines no item matches; returns their SKUs."""
    created: list[str] = []
    # In SKU order, so concurrent imports take the new SKUs' index locks in the same order and cannot deadlock.
    for line in sorted(order.lines, key=lambda line: line.sku):
        if line_items[line.cart_line_id] is not None:
            continue
        item, was_created = item_create_from_order_line(cart=cart, line=MissingItem(
            line.sku, line.name, line.product_id, line.variant_id, unit_price=line.base_price, is_digital=line.is_digital))
        if was_created:
            created.append(line.sku)
        for same_sku in order.lines:
            if same_sku.sku == line.sku:
                line_items[same_sku.cart_line_id] = item
    return created


def _web_customer(cart: Cart) -> Customer:
    """The cart's web customer, made on first use."""
    existing = web_customer(cart=cart)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Customer.objects.create(company=cart.company, email="", name=cart.web_customer_name)
    except IntegrityError:  # another import created it meanwhile
        return web_customer(cart=cart)


def _customer_for(cart: Cart, order: StoreOrder, batch: _Batch) -> Customer:
    details = order.customer
    if not details.email:
        return _web_customer(cart)
    cached = batch.customers.get(details.email)
    if cached is not None:
        return cached
    customer, _ = Customer.objects.get_or_create(
        company=cart.company,
        email=details.email,
        defaults={  # cut to the columns' lengths, as a line's description is; the billing address keeps it all
            "name": (details.name or details.email)[:CUSTOMER_NAME_MAX_LENGTH],
            "company_name": details.company_name[:CUSTOMER_NAME_MAX_LENGTH],
            "phone": details.phone[:PHONE_MAX_LENGTH],
            "billing_address": details.billing_address,
        },
    )
    return customer
