"""Importing order records as pending transactions: each atomically and exactly once, refusals with their reason.

`orders_import` takes records already fetched with their lines (by the Orders tab's services here,
or by an auto-sync pass) and never raises for one bad order. Orders are taken a page of 250 at a
time: their existing transactions, items and customers are looked up once per page.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.db import DataError, IntegrityError, OperationalError, transaction
from django.utils import timezone

from carts.models import Cart, CartLog
from carts.platforms import platform_named
from carts.platforms.base import OrderRecord, StoreAccess
from carts.runs import cart_log_progress, run_stops_on_failure
from companies.models import Company
from items.editing import item_new
from items.matching import VariantMatches, variant_matches
from items.models import DESCRIPTION_MAX_LENGTH, SKU_MAX_LENGTH, Item
from items.selectors import in_batches
from orders.mapping import OrderMappingError, StoreOrder
from orders.models import (
    NUMBER_PREFIXES,
    Customer,
    OrderRefusal,
    SalesTransaction,
    TransactionCharge,
    TransactionDiscount,
    TransactionLine,
    TransactionNumberSequence,
    TransactionPayment,
    TransactionType,
)
from orders.results import ImportResult, MissingItem, OrderOutcome, Outcome
from orders.selectors import customers_by_email, transactions_by_cart_order
from orders.window import cart_orders_outside_window, cart_orders_window

logger = logging.getLogger(__name__)

# Orders are imported (and their items and duplicates looked up) this many at a time: one API page.
IMPORT_BATCH_SIZE = 250
CONNECTION_LOST = "The orders imported before it are kept, each one whole; import again to import the rest."
# Column lengths of what an order's customer and status are written into.
CUSTOMER_NAME_MAX_LENGTH = 200
PHONE_MAX_LENGTH = 50
EMAIL_MAX_LENGTH = 254
STATUS_LABEL_MAX_LENGTH = 100


@dataclass
class _Batch:
    """What a batch of orders needs from the database, looked up once for the whole batch."""

    imported: dict[int, SalesTransaction]
    items: VariantMatches
    customers: dict[str, Customer]


class OrdersImport:
    """One import's progress through order records; its `result` holds an outcome per order taken so far."""

    def __init__(self, *, cart: Cart, progress: Callable[[int], None] | None = None) -> None:
        self.cart = cart
        self.result = ImportResult()
        self.progress = progress
        self.platform = platform_named(cart.platform)
        self.status_ids, self.created_from = cart_orders_window(cart=cart)

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
        imported = transactions_by_cart_order(cart=cart, order_ids=[record.order_id for record in records])
        mapped: list[StoreOrder] = []
        for record in records:
            if record.order_id in imported:
                result.outcomes.append(_already_imported(record.order_id, imported[record.order_id]))
                continue
            try:
                order = self.platform.store_order(record)
            except OrderMappingError as error:
                result.outcomes.append(OrderOutcome(record.order_id, Outcome.REFUSED, reason=str(error)))
                continue
            refusal = cart_orders_outside_window(cart=cart, status_id=order.status_id, status_label=order.status_label,
                                                 created_at=order.created_at, status_ids=self.status_ids,
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
        for order in mapped:
            result.outcomes.append(_import_one(cart, order, batch, result))
        position = {record.order_id: index for index, record in enumerate(records)}
        first = len(result.outcomes) - len(records)
        result.outcomes[first:] = sorted(result.outcomes[first:], key=lambda entry: position[entry.order_id])


def orders_import(*, cart: Cart, orders: Iterable[OrderRecord], log: CartLog | None = None) -> ImportResult:
    """Import order records (fetched with their lines) as pending transactions; never raises for one order.

    Each order is imported atomically and exactly once; one that cannot be is refused with its
    reason, and the others still import. A store error while `orders` is being read, or a database
    connection lost between two orders, stops the import and is reported in `stopped_reason`.
    With `log`, progress is recorded on it.
    """
    progress = (lambda done: cart_log_progress(log=log, done=done)) if log is not None else None
    importer = OrdersImport(cart=cart, progress=progress)
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
    refused = {entry.order_id: entry.reason for entry in outcomes
               if entry.outcome == Outcome.REFUSED and entry.order_id not in settled}
    now = timezone.now()
    OrderRefusal.objects.bulk_create(
        [
            OrderRefusal(company_id=cart.company_id, cart=cart, cart_order_id=order_id, reason=reason,
                         last_refused_at=now)
            for order_id, reason in refused.items()
        ],
        update_conflicts=True,
        unique_fields=["cart", "cart_order_id"],
        update_fields=["reason", "last_refused_at"],
    )


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
    if len(order.customer.email) > EMAIL_MAX_LENGTH:
        return OrderOutcome(order.order_id, Outcome.REFUSED, reason=(
            f"its billing e-mail address is {len(order.customer.email)} characters long; an address holds at most "
            f"{EMAIL_MAX_LENGTH}. Correct it in BigCommerce, then import the order again."
        ))
    too_long = [line for line in unmatched if len(line.sku) > SKU_MAX_LENGTH]
    if too_long:
        return OrderOutcome(order.order_id, Outcome.REFUSED, reason=(
            f"its line for {too_long[0].name or 'a product'} has a SKU of {len(too_long[0].sku)} characters; Salesorder "
            f"SKUs hold at most {SKU_MAX_LENGTH}, so no item can match it. Shorten the SKU in BigCommerce, import the "
            "product from the Items (Cart) tab, then import the order again."
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
    except DataError:  # a value no check foresaw is too long or too large for its column: this order only
        logger.exception("Order %s of cart %s did not fit the database", order.order_id, cart.pk)
        return OrderOutcome(order.order_id, Outcome.REFUSED,
                            reason="a value in it (a name, code or address) is longer than Salesorder stores; nothing "
                                   "of it was saved. Send the order number to support@salesorder.com.")
    except IntegrityError:
        # Another import of the same order committed first: the unique constraint kept it single.
        existing = SalesTransaction.objects.filter(cart=cart, cart_order_id=order.order_id).only("pk", "number").first()
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
    batch.imported[order.order_id] = record
    return OrderOutcome(order.order_id, Outcome.IMPORTED, transaction_id=record.pk, transaction_number=record.number)


def _already_imported(order_id: int, existing: SalesTransaction) -> OrderOutcome:
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
        defaults={  # cut to the columns' lengths, as a line's description is; the billing address keeps it all
            "name": (details.name or details.email)[:CUSTOMER_NAME_MAX_LENGTH],
            "company_name": details.company_name[:CUSTOMER_NAME_MAX_LENGTH],
            "phone": details.phone[:PHONE_MAX_LENGTH],
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


# What a transaction takes from the store's order as it is.
ORDER_FIELDS = ("currency", "prices_include_tax", "customer_message", "subtotal", "charges_total", "discounts_total",
                "tax_total", "total", "payments_total")


def _write_transaction(cart: Cart, order: StoreOrder, customer: Customer,
                       line_items: dict[int, Item | None]) -> SalesTransaction:
    transaction_type = TransactionType(cart.import_as)
    company_id = cart.company_id
    record = SalesTransaction.objects.create(
        company_id=company_id, transaction_type=transaction_type, number=_next_number(cart.company, transaction_type),
        customer=customer, transaction_date=order.created_at,
        cart=cart, cart_name=cart.name, cart_order_id=order.order_id, cart_status_id=order.status_id,
        cart_status_label=order.status_label[:STATUS_LABEL_MAX_LENGTH], customer_email=order.customer.email,
        billing_address=order.customer.billing_address, shipping_addresses=list(order.shipping_addresses),
        **{name: getattr(order, name) for name in ORDER_FIELDS},
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
