"""Writing what the books keep: a store order as a pending sale, and each of its refunds as a pending credit note.

Callers own the database transaction: an import books the sale and its credit notes atomically,
a later re-read books a new credit note atomically on its own. Amounts are the mapping's, already
in the currency's minor unit.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.utils import timezone

from carts.models import Cart
from companies.models import Company
from items.models import Item, LedgerAccount
from orders.mapping import CreditNoteDraft, OrderAdjustment, OrderCharge, StoreOrder
from orders.mapping.money import FOUR_PLACES, ZERO
from orders.models import (
    NUMBER_PREFIXES,
    Customer,
    SalesTransaction,
    TransactionAdjustment,
    TransactionCharge,
    TransactionDiscount,
    TransactionLine,
    TransactionNumberSequence,
    TransactionPayment,
    TransactionType,
)

# Copied from a sale to each of its credit notes: where it came from and whom it is for.
SALE_FIELDS_ON_CREDIT_NOTES = (
    "customer_id", "cart_id", "cart_name", "cart_order_id", "cart_status_id", "cart_status_label", "currency",
    "prices_include_tax", "customer_email", "billing_address", "store_currency", "exchange_rate", "payment_method",
    "payment_status", "payment_transaction_id", "billing_name", "billing_form_fields", "cart_customer_id", "guest",
    "store_identity",
)


def transaction_number_next(*, company: Company, transaction_type: str) -> str:
    """Take the type's next number; the row lock makes concurrent imports wait, so none skip or repeat."""
    sequence, _ = TransactionNumberSequence.objects.select_for_update().get_or_create(
        company=company, transaction_type=transaction_type
    )
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return f"{NUMBER_PREFIXES[transaction_type]}-{sequence.last_number:06d}"


def refunded_total(order: StoreOrder) -> Decimal:
    """What the store refunded of the order: its refunds when it lists them, else the order's own figure."""
    if order.credit_notes:
        return sum((draft.total for draft in order.credit_notes), ZERO)
    return order.refunded_amount


def sale_book(*, cart: Cart, order: StoreOrder, customer: Customer, line_items: dict[int, Item | None],
              difference_account: LedgerAccount | None = None) -> SalesTransaction:
    """Write the order as a pending transaction of the cart's type, with every line and part, and its credit notes."""
    transaction_type = TransactionType(cart.import_as)
    details = order.customer
    record = SalesTransaction.objects.create(
        company_id=cart.company_id, transaction_type=transaction_type,
        number=transaction_number_next(company=cart.company, transaction_type=transaction_type),
        customer=customer, transaction_date=order.created_at,
        cart=cart, cart_name=cart.name, store_identity=cart.store_identity, cart_order_id=order.order_id,
        cart_status_id=order.status_id,
        cart_status_label=order.status_label, currency=order.currency, prices_include_tax=order.prices_include_tax,
        customer_email=details.email, customer_message=order.customer_message,
        billing_address=details.billing_address, shipping_addresses=list(order.shipping_addresses),
        subtotal=order.subtotal, charges_total=order.charges_total, discounts_total=order.discounts_total,
        adjustments_total=order.adjustment_total, tax_total=order.tax_total, total=order.total,
        payments_total=order.payments_total,
        store_currency=order.store_currency or "", exchange_rate=order.exchange_rate,
        payment_method=order.payment.method[:100], payment_status=order.payment.status[:50],
        payment_transaction_id=order.payment.transaction_id[:255], billing_name=details.name[:200],
        billing_form_fields=dict(details.form_fields),
        cart_customer_id=None if details.is_guest else details.cart_customer_id, guest=details.is_guest,
        refunded_total=refunded_total(order), cart_date_modified=order.date_modified,
    )
    company_id = cart.company_id
    TransactionLine.objects.bulk_create(
        TransactionLine(
            company_id=company_id, transaction=record, position=position, item=line_items[line.cart_line_id],
            sku=line.sku, description=line.name[:255], options=line.options, quantity=line.quantity,
            unit_price=line.unit_price, discount=line.discount, amount_ex_tax=line.amount_ex_tax, tax=line.tax,
            amount_inc_tax=line.amount_inc_tax, cart_line_id=line.cart_line_id, cart_product_id=line.product_id,
            cart_variant_id=line.variant_id, tax_rate=line.tax_rate,
        )
        for position, line in enumerate(order.lines, start=1)
    )
    _charges_write(record, order.charges)
    TransactionDiscount.objects.bulk_create(
        TransactionDiscount(company_id=company_id, transaction=record, kind=discount.kind, code=discount.code[:100],
                            description=discount.description[:255], amount_ex_tax=discount.amount_ex_tax,
                            tax=discount.tax, amount_inc_tax=discount.amount_inc_tax)
        for discount in order.discounts
    )
    TransactionPayment.objects.bulk_create(
        TransactionPayment(company_id=company_id, transaction=record, kind=payment.kind,
                           description=payment.description, amount=payment.amount)
        for payment in order.payments
    )
    if order.adjustment is not None:
        _adjustments_write(record, [order.adjustment], ledger_account=difference_account)
    credit_notes_book(sale=record, drafts=order.credit_notes)
    return record


def credit_notes_book(*, sale: SalesTransaction, drafts: Iterable[CreditNoteDraft]) -> list[SalesTransaction]:
    """Write each draft the sale has no credit note for yet as a pending credit note; returns those written."""
    drafts = list(drafts)
    if not drafts:
        return []
    booked = set(sale.credit_notes.values_list("refund_key", flat=True))
    items = {line.cart_line_id: line.item_id for line in sale.lines.only("cart_line_id", "item_id")}
    written = []
    for draft in drafts:
        if draft.key in booked:
            continue
        written.append(_credit_note_write(sale, draft, items))
        booked.add(draft.key)
    return written


def _credit_note_write(sale: SalesTransaction, draft: CreditNoteDraft, items: dict[int | None, int]) -> SalesTransaction:
    note = SalesTransaction.objects.create(
        company_id=sale.company_id, transaction_type=TransactionType.CREDIT_NOTE,
        number=transaction_number_next(company=sale.company, transaction_type=TransactionType.CREDIT_NOTE),
        transaction_date=draft.created_at or timezone.now(), credited_transaction=sale, refund_key=draft.key[:100],
        refund_reason=draft.reason, subtotal=sum((line.amount_inc_tax for line in draft.lines), ZERO),
        charges_total=sum((charge.amount_inc_tax for charge in draft.charges), ZERO),
        adjustments_total=sum((adjustment.amount_inc_tax for adjustment in draft.adjustments), ZERO),
        tax_total=draft.tax_total, total=draft.total,
        **{name: getattr(sale, name) for name in SALE_FIELDS_ON_CREDIT_NOTES},
    )
    TransactionLine.objects.bulk_create(
        TransactionLine(
            company_id=sale.company_id, transaction=note, position=position, item_id=items[line.cart_line_id],
            sku=line.sku, description=line.name[:255], quantity=line.quantity,
            unit_price=_unit_price(line.amount_inc_tax if sale.prices_include_tax else line.amount_ex_tax,
                                   line.quantity),
            amount_ex_tax=line.amount_ex_tax, tax=line.tax, amount_inc_tax=line.amount_inc_tax,
            cart_line_id=line.cart_line_id,
        )
        for position, line in enumerate(draft.lines, start=1)
    )
    _charges_write(note, draft.charges)
    _adjustments_write(note, draft.adjustments)
    return note


def _unit_price(amount: Decimal, quantity: int) -> Decimal:
    """What one refunded unit comes to, to the store's 4 decimals."""
    return (amount / quantity).quantize(FOUR_PLACES)


def _charges_write(record: SalesTransaction, charges: Sequence[OrderCharge]) -> None:
    TransactionCharge.objects.bulk_create(
        TransactionCharge(company_id=record.company_id, transaction=record, kind=charge.kind,
                          description=charge.description[:255], amount_ex_tax=charge.amount_ex_tax, tax=charge.tax,
                          amount_inc_tax=charge.amount_inc_tax)
        for charge in charges
    )


def _adjustments_write(record: SalesTransaction, adjustments: Sequence[OrderAdjustment],
                       ledger_account: LedgerAccount | None = None) -> None:
    TransactionAdjustment.objects.bulk_create(
        TransactionAdjustment(company_id=record.company_id, transaction=record, kind=adjustment.kind,
                              description=adjustment.description[:255], amount_ex_tax=adjustment.amount_ex_tax,
                              tax=adjustment.tax, amount_inc_tax=adjustment.amount_inc_tax,
                              ledger_account=ledger_account)
        for adjustment in adjustments
    )
