"""Reads of transactions and customers shared by screens, commands and order imports."""
from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Count, Max, Q, QuerySet

from carts.models import Cart, CartLog, CartLogKind
from carts.runs import cart_runs_of_kind
from companies.models import Company
from items.selectors import in_batches
from orders.booking import BookedTransaction
from orders.models import Customer, OrderRefusal, SalesTransaction, TransactionStatus


@dataclass(frozen=True)
class PendingFilter:
    """What List Pending Orders narrows to; empty fields do not filter."""

    transaction_type: str = ""
    cart_id: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    customer: str = ""
    search: str = ""


def transactions_for_company(*, company: Company) -> QuerySet[SalesTransaction]:
    """The company's transactions with what their lists show."""
    return SalesTransaction.objects.for_company(company).select_related("customer", "cart", "credited_transaction")


def transactions_pending(*, company: Company, filters: PendingFilter | None = None) -> QuerySet[SalesTransaction]:
    """The company's pending transactions of every type, newest first, narrowed by `filters`."""
    filters = filters or PendingFilter()
    transactions = transactions_for_company(company=company).filter(status=TransactionStatus.PENDING)
    if filters.transaction_type:
        transactions = transactions.filter(transaction_type=filters.transaction_type)
    if filters.cart_id:
        transactions = transactions.filter(cart_id=filters.cart_id)
    if filters.date_from:
        transactions = transactions.filter(transaction_date__date__gte=filters.date_from)
    if filters.date_to:
        transactions = transactions.filter(transaction_date__date__lte=filters.date_to)
    if filters.customer.strip():
        text = filters.customer.strip()
        transactions = transactions.filter(Q(customer__name__icontains=text) | Q(customer__email__icontains=text))
    if filters.search.strip():
        transactions = transactions.filter(number_search(filters.search))
    return transactions


def number_search(text: str) -> Q:
    """What a search by number finds (README, Orders: Finding a transaction).

    "#250" is the store's order 250 only; "250" is the store's order 250 and every transaction numbered
    250 (CS-000250, SO-000250 …), never order 1250 or CS-002501; other text is found inside numbers,
    ignoring case ("CS-000250" is that transaction, "INV-0002" finds INV-000200 to INV-000299).
    """
    text = text.strip()
    if text.startswith("#") and text[1:].isdigit():
        return _cart_order_is(int(text[1:]))
    if text.isdigit():
        return _cart_order_is(int(text)) | Q(number__regex=rf"^[A-Z]+-0*{int(text)}$")
    return Q(number__icontains=text)


def _cart_order_is(order_id: int) -> Q:
    # An id past the column's range names no order (rather than an error from the database).
    return Q(cart_order_id=order_id) if order_id < 2**63 else Q(pk__in=[])


def store_sales(*, cart: Cart) -> QuerySet[SalesTransaction]:
    """The sales imported from the cart's store by any of the company's carts, deleted ones included."""
    return SalesTransaction.objects.for_company(cart.company).sales().filter(store_identity=cart.store_identity)


def transactions_by_cart_order(*, cart: Cart, order_ids: Iterable[int],
                               fields: Sequence[str] = ("pk", "number", "cart_order_id")) -> dict[int, SalesTransaction]:
    """The sales of the cart's store for these order ids, by order id (orders not imported are absent).

    By store, not by cart row: an order a deleted or another cart of the same store imported counts.
    """
    ids = sorted(set(order_ids))
    found: dict[int, SalesTransaction] = {}
    for batch in in_batches(ids):
        for transaction in store_sales(cart=cart).filter(cart_order_id__in=batch).only(*fields):
            found[transaction.cart_order_id] = transaction
    return found


def transaction_parts(*, record: SalesTransaction) -> BookedTransaction:
    """A transaction's lines (with their items), charges, discounts, adjustments (with their accounts) and payments."""
    return BookedTransaction(
        record=record,
        lines=list(record.lines.select_related("item")),
        charges=list(record.charges.all()),
        discounts=list(record.discounts.all()),
        adjustments=list(record.adjustments.select_related("ledger_account")),
        payments=list(record.payments.all()),
    )


def customers_by_email(*, company: Company, emails: Iterable[str]) -> dict[str, Customer]:
    """The company's customers with these (lower-cased) e-mail addresses."""
    found: dict[str, Customer] = {}
    for batch in in_batches(sorted({email for email in emails if email})):
        found.update((customer.email, customer) for customer in Customer.objects.for_company(company).filter(email__in=batch))
    return found


def web_customer(*, cart: Cart) -> Customer | None:
    """The customer for the cart's orders without an e-mail address, matched regardless of case as its constraint is."""
    return (Customer.objects.for_company(cart.company).filter(email="", name__iexact=cart.web_customer_name)
            .order_by("pk").first())


def customers_for_company(*, company: Company, search: str = "") -> QuerySet[Customer]:
    """The company's customers, narrowed by name or e-mail address."""
    customers = Customer.objects.for_company(company)
    if search.strip():
        customers = customers.filter(Q(name__icontains=search.strip()) | Q(email__icontains=search.strip()))
    return customers


def customers_with_activity(*, company: Company, search: str = "") -> QuerySet[Customer]:
    """The company's customers (narrowed as customers_for_company) with their transactions' count and latest date."""
    return customers_for_company(company=company, search=search).annotate(
        transaction_count=Count("transactions"), last_transaction=Max("transactions__transaction_date"))


CUSTOMER_LABEL = re.compile(r"(?:.*<)?\s*(?P<email>[^<>\s]+@[^<>\s]+?)\s*>?\s*")


def customers_labelled(*, company: Company, label: str) -> list[Customer]:
    """The customers a picker's text names: 'Name <e-mail>' or an e-mail address exactly, else the name (any case).

    More than one means the name is shared and the e-mail address must be given.
    """
    customers = Customer.objects.for_company(company)
    label = label.strip()
    if address := CUSTOMER_LABEL.fullmatch(label):
        return list(customers.filter(email=address["email"].lower()))
    return list(customers.filter(name__iexact=label)[:5])


def cart_order_imports(*, cart: Cart) -> tuple[list[CartLog], CartLog | None]:
    """The cart's order imports still running (for progress bars) and the latest finished one."""
    return cart_runs_of_kind(cart=cart, kind=CartLogKind.ORDERS_IMPORT)


def cart_refusals(*, cart: Cart, dismissed: bool = False) -> QuerySet[OrderRefusal]:
    """The cart's refused orders not imported since, from every import (screen, command line, auto-sync), oldest
    first: those needing attention, or (`dismissed`) those the merchant dismissed, last dismissed first."""
    rows = OrderRefusal.objects.filter(cart=cart, dismissed_at__isnull=not dismissed)
    return rows.order_by("-dismissed_at", "cart_order_id") if dismissed else rows.order_by("first_refused_at",
                                                                                              "cart_order_id")


def cart_refused_order_ids(*, cart: Cart, needing_items_from_lines: bool = False) -> list[int]:
    """Every refused order of the cart needing attention (or only those an item made from an order line would fix)."""
    rows = cart_refusals(cart=cart).only("cart_order_id", "missing_items")
    if not needing_items_from_lines:
        return sorted(rows.values_list("cart_order_id", flat=True))
    return sorted(row.cart_order_id for row in rows.iterator() if row.lines_to_create)
