"""What the books keep: a store order as a pending sale, and each of its refunds as a pending credit note.

Built first as unsaved rows (`sale_build`, `credit_note_build`), which is all a preview shows, then
written (`sale_book`, `credit_notes_book`): what a preview shows is what an import writes. Callers own
the database transaction: an import books the sale and its credit notes atomically, a later re-read
books a new credit note atomically on its own. Amounts are the mapping's, already in the currency's
minor unit.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from carts.models import Cart
from companies.models import Company
from items.models import Item, LedgerAccount
from orders.mapping import (
    CreditNoteDraft,
    CreditNoteLine,
    OrderAdjustment,
    OrderCharge,
    OrderMappingError,
    StoreOrder,
)
from orders.mapping.refunds import CUMULATIVE_KEY_PREFIX, is_cumulative, refund_increment, refunded_by_figures
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
    "customer", "cart", "cart_name", "cart_order_id", "cart_status_id", "cart_status_label", "currency",
    "prices_include_tax", "customer_email", "billing_address", "store_currency", "exchange_rate", "payment_method",
    "payment_status", "payment_transaction_id", "billing_name", "billing_form_fields", "cart_customer_id", "guest",
    "store_identity",
)


@dataclass
class BookedTransaction:
    """A transaction with its parts, as the screens show them: unsaved when built, saved once booked."""

    record: SalesTransaction
    lines: list[TransactionLine] = field(default_factory=list)
    charges: list[TransactionCharge] = field(default_factory=list)
    discounts: list[TransactionDiscount] = field(default_factory=list)
    adjustments: list[TransactionAdjustment] = field(default_factory=list)
    payments: list[TransactionPayment] = field(default_factory=list)


def transaction_number_next(*, company: Company, transaction_type: str) -> str:
    """Take the type's next number; the row lock makes concurrent imports wait, so none skip or repeat."""
    sequence, _ = TransactionNumberSequence.objects.select_for_update().get_or_create(
        company=company, transaction_type=transaction_type
    )
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return f"{NUMBER_PREFIXES[transaction_type]}-{sequence.last_number:06d}"


def refunded_total(order: StoreOrder) -> Decimal:
    """What the store refunded of an order not booked yet: its refunds when it lists them, else its own figure."""
    if order.credit_notes:
        return sum((draft.total for draft in order.credit_notes), ZERO)
    return order.refunded_amount


def credited_total(sale: SalesTransaction) -> Decimal:
    """What the sale's credit notes credit, whichever of the store's records each was booked from.

    A booked order's refunded total: an early refund credited from the v2 figures (the store kept no refund record
    of it) and a later one from its v3 record both count, as the store's own refunded amount does.
    """
    return sale.credit_notes.aggregate(credited=Sum("total"))["credited"] or ZERO


def sale_build(*, cart: Cart, order: StoreOrder, customer: Customer, line_items: dict[int, Item | None],
               difference_account: LedgerAccount | None = None, number: str = "") -> BookedTransaction:
    """The pending transaction of the cart's type the order becomes, with every line and part; nothing is saved."""
    details = order.customer
    record = SalesTransaction(
        company_id=cart.company_id, transaction_type=TransactionType(cart.import_as), number=number,
        customer=customer, transaction_date=order.created_at,
        cart=cart, cart_name=cart.name, store_identity=cart.store_identity, cart_order_id=order.order_id,
        cart_status_id=order.status_id, cart_status_label=order.status_label[:100], currency=order.currency,
        prices_include_tax=order.prices_include_tax, customer_email=details.email,
        customer_message=order.customer_message, billing_address=details.billing_address,
        shipping_addresses=list(order.shipping_addresses),
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
    return BookedTransaction(
        record=record,
        lines=[
            TransactionLine(
                company_id=company_id, transaction=record, position=position, item=line_items[line.cart_line_id],
                sku=line.sku, description=line.name[:255], options=line.options, quantity=line.quantity,
                unit_price=line.unit_price, discount=line.discount, amount_ex_tax=line.amount_ex_tax, tax=line.tax,
                amount_inc_tax=line.amount_inc_tax, cart_line_id=line.cart_line_id, cart_product_id=line.product_id,
                cart_variant_id=line.variant_id, tax_rate=line.tax_rate,
            )
            for position, line in enumerate(order.lines, start=1)
        ],
        charges=_charges(record, order.charges),
        discounts=[
            TransactionDiscount(company_id=company_id, transaction=record, kind=discount.kind, code=discount.code[:100],
                                description=discount.description[:255], amount_ex_tax=discount.amount_ex_tax,
                                tax=discount.tax, amount_inc_tax=discount.amount_inc_tax)
            for discount in order.discounts
        ],
        adjustments=_adjustments(record, [order.adjustment] if order.adjustment else [],
                                 ledger_account=difference_account),
        payments=[
            TransactionPayment(company_id=company_id, transaction=record, kind=payment.kind,
                               description=payment.description, amount=payment.amount)
            for payment in order.payments
        ],
    )


def credit_note_build(*, sale: SalesTransaction, draft: CreditNoteDraft, sale_lines: dict[int, TransactionLine],
                      number: str = "") -> BookedTransaction:
    """The pending credit note a refund of the sale becomes, with its lines, charges and adjustments; nothing is saved.

    `sale_lines` are the sale's lines by cart line id: a refunded line takes its item and tax rate. A refund of a
    line the sale does not have (added to the order in the store after the import) is refused, saying what to do.
    """
    for line in draft.lines:
        if line.cart_line_id not in sale_lines:
            raise OrderMappingError(
                f"a refund of line {line.cart_line_id} ({line.sku or line.name}), which was added to the order in the "
                f"store after it was imported as {sale.number}: delete {sale.number} and import the order again to "
                f"book it as it is now, with its refunds")
    record = SalesTransaction(
        company_id=sale.company_id, transaction_type=TransactionType.CREDIT_NOTE, number=number,
        transaction_date=draft.created_at or timezone.now(), credited_transaction=sale, refund_key=draft.key[:100],
        refund_reason=draft.reason, subtotal=sum((line.amount_inc_tax for line in draft.lines), ZERO),
        charges_total=sum((charge.amount_inc_tax for charge in draft.charges), ZERO),
        adjustments_total=sum((adjustment.amount_inc_tax for adjustment in draft.adjustments), ZERO),
        tax_total=draft.tax_total, total=draft.total,
        **{name: getattr(sale, name) for name in SALE_FIELDS_ON_CREDIT_NOTES},
    )
    return BookedTransaction(
        record=record,
        lines=[
            TransactionLine(
                company_id=sale.company_id, transaction=record, position=position,
                item=sale_lines[line.cart_line_id].item, tax_rate=sale_lines[line.cart_line_id].tax_rate,
                sku=line.sku, description=line.name[:255], quantity=line.quantity,
                unit_price=_unit_price(line.amount_inc_tax if sale.prices_include_tax else line.amount_ex_tax,
                                       line.quantity),
                amount_ex_tax=line.amount_ex_tax, tax=line.tax, amount_inc_tax=line.amount_inc_tax,
                cart_line_id=line.cart_line_id,
            )
            for position, line in enumerate(draft.lines, start=1)
        ],
        charges=_charges(record, draft.charges),
        adjustments=_adjustments(record, draft.adjustments),
    )


def sale_book(*, cart: Cart, order: StoreOrder, customer: Customer, line_items: dict[int, Item | None],
              difference_account: LedgerAccount | None = None) -> SalesTransaction:
    """Write the order as a pending transaction of the cart's type, with every line and part, and its credit notes."""
    number = transaction_number_next(company=cart.company, transaction_type=TransactionType(cart.import_as))
    record = _save(sale_build(cart=cart, order=order, customer=customer, line_items=line_items,
                              difference_account=difference_account, number=number))
    credit_notes_book(sale=record, order=order)
    return record


def credit_notes_book(*, sale: SalesTransaction, order: StoreOrder) -> list[SalesTransaction]:
    """Write each of the order's refunds the sale has no credit note for yet as a pending credit note; returns those
    written. Never more is credited than the store refunded, by its refund records or its order figures."""
    drafts = list(order.credit_notes)
    if not drafts:
        return []
    notes = list(sale.credit_notes.values_list("refund_key", "total"))
    booked = {key for key, _ in notes}
    if not is_cumulative(drafts[0]):
        drafts = _records_not_credited_from_figures(order, [draft for draft in drafts if draft.key not in booked], notes)
    sale_lines = {line.cart_line_id: line for line in sale.lines.select_related("item")}
    written = []
    for draft in drafts:
        if draft.key in booked:
            continue
        if is_cumulative(draft):  # v2 figures: only what was refunded since the credit notes booked from them
            draft = refund_increment(draft, [_booked_draft(note) for note in sale.credit_notes.filter(
                refund_key__startswith=CUMULATIVE_KEY_PREFIX).prefetch_related("lines", "charges", "adjustments")])
            if draft is None:
                continue
        number = transaction_number_next(company=sale.company, transaction_type=TransactionType.CREDIT_NOTE)
        written.append(_save(credit_note_build(sale=sale, draft=draft, sale_lines=sale_lines, number=number)))
        booked.add(draft.key)
    return written


def _records_not_credited_from_figures(order: StoreOrder, new: list[CreditNoteDraft],
                                       notes: Sequence[tuple[str, Decimal]]) -> list[CreditNoteDraft]:
    """The refund records (not booked yet) to credit when earlier credit notes may have come from the v2 figures.

    Those notes credited refunds the store listed no record of at the time. A refund may never get one (older than
    the store's refund records): the figures then say more was refunded than the records do, and the notes hold
    that much. The rest of what they hold are refunds whose records the store lists now, the earliest ones: those
    are not credited again. And no more is credited than the store refunded in all.
    """
    from_figures = sum((total for key, total in notes if key.startswith(CUMULATIVE_KEY_PREFIX)), ZERO)
    if not from_figures or not new:
        return new
    records_total = sum((draft.total for draft in order.credit_notes), ZERO)
    refunded = max(refunded_by_figures(order), records_total)
    covered = from_figures - (refunded - records_total)  # what the notes from the figures hold of listed records
    room = refunded - sum((total for _, total in notes), ZERO)
    kept, skipped = [], ZERO
    for draft in sorted(new, key=lambda draft: (draft.created_at is None, draft.created_at, draft.refund_id or 0)):
        if skipped + draft.total <= covered:
            skipped += draft.total
        elif draft.total <= room:
            kept.append(draft)
            room -= draft.total
    return kept


def _booked_draft(note: SalesTransaction) -> CreditNoteDraft:
    """A booked credit note's figures, as the draft it was written from."""
    return CreditNoteDraft(
        key=note.refund_key, order_id=note.cart_order_id or 0, refund_id=None, created_at=note.transaction_date,
        reason=note.refund_reason,
        lines=tuple(CreditNoteLine(line.cart_line_id or 0, line.sku, line.description, line.quantity,
                                   line.amount_ex_tax, line.tax, line.amount_inc_tax) for line in note.lines.all()),
        charges=tuple(OrderCharge(charge.kind, charge.description, charge.amount_ex_tax, charge.tax,
                                  charge.amount_inc_tax) for charge in note.charges.all()),
        adjustments=tuple(OrderAdjustment(adjustment.kind, adjustment.description, adjustment.amount_ex_tax,
                                          adjustment.tax, adjustment.amount_inc_tax)
                          for adjustment in note.adjustments.all()),
        tax_total=note.tax_total, total=note.total)


def _save(booked: BookedTransaction) -> SalesTransaction:
    """Write a built transaction and its parts: the transaction, then each kind of part in one statement."""
    booked.record.save()
    for parts in (booked.lines, booked.charges, booked.discounts, booked.adjustments, booked.payments):
        for part in parts:
            part.transaction = booked.record  # now saved: the parts take its id
        if parts:
            type(parts[0]).objects.bulk_create(parts)
    return booked.record


def _unit_price(amount: Decimal, quantity: int) -> Decimal:
    """What one refunded unit comes to, to the store's 4 decimals."""
    return (amount / quantity).quantize(FOUR_PLACES)


def _charges(record: SalesTransaction, charges: Sequence[OrderCharge]) -> list[TransactionCharge]:
    return [TransactionCharge(company_id=record.company_id, transaction=record, kind=charge.kind,
                              description=charge.description[:255], amount_ex_tax=charge.amount_ex_tax, tax=charge.tax,
                              amount_inc_tax=charge.amount_inc_tax)
            for charge in charges]


def _adjustments(record: SalesTransaction, adjustments: Sequence[OrderAdjustment],
                 ledger_account: LedgerAccount | None = None) -> list[TransactionAdjustment]:
    return [TransactionAdjustment(company_id=record.company_id, transaction=record, kind=adjustment.kind,
                                  description=adjustment.description[:255], amount_ex_tax=adjustment.amount_ex_tax,
                                  tax=adjustment.tax, amount_inc_tax=adjustment.amount_inc_tax,
                                  ledger_account=ledger_account)
            for adjustment in adjustments]
