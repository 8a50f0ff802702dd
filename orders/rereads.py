"""An imported order read again: a later status change is flagged, a later refund becomes its credit note (once).

Any re-read does this: an auto-sync pass, an import of an order already imported, a re-read asked
for by a store's notification. Money already booked is never rewritten; the sale only learns its
order's current status, what was refunded of it, and when the store last changed it.
"""
from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass

from django.db import transaction

from carts.models import Cart
from carts.platforms.base import OrderRecord
from orders.booking import credit_notes_book, credited_total
from orders.mapping import OrderMappingError, StoreOrder
from orders.models import SalesTransaction

CHANGE_NOTE_PREFIX = "changed in cart"


@dataclass(frozen=True)
class Reread:
    """What a re-read found: the status note written ('' when the status is unchanged) and the credit notes made."""

    status_note: str = ""
    credit_notes: tuple[str, ...] = ()
    refund_refusal: str = ""  # why a refund the order shows could not be booked

    @property
    def text(self) -> str:
        """The change in one line for logs and results; '' when nothing changed."""
        parts = [self.status_note] if self.status_note else []
        if self.credit_notes:
            parts.append(f"refunded in the store: pending credit note{'s' if len(self.credit_notes) > 1 else ''} "
                         f"{', '.join(self.credit_notes)}")
        if self.refund_refusal:
            parts.append(f"a refund in the store could not be booked: {self.refund_refusal}")
        return "; ".join(parts)


def order_changed_since_read(*, sale: SalesTransaction, record: OrderRecord) -> bool:
    """Whether the store changed the order since the sale last read it (unknown dates count as changed).

    The status is compared too: the store's dates have whole seconds, and a change may fall in the same second.
    """
    return (sale.cart_date_modified is None or record.date_modified is None
            or record.date_modified > sale.cart_date_modified or record.status_id != sale.cart_status_id)


def status_change_note(*, cart: Cart, previous: str, current: str, when: datetime.datetime) -> str:
    """'changed in cart: status A → B on 2026-03-02 10:15 America/Chicago', in the store's time zone, named."""
    zone_name = cart.store_timezone or "UTC"
    try:
        zone: datetime.tzinfo = zoneinfo.ZoneInfo(zone_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone, zone_name = datetime.UTC, "UTC"
    return f"{CHANGE_NOTE_PREFIX}: status {previous} → {current} on {when.astimezone(zone):%Y-%m-%d %H:%M} {zone_name}"


def sale_reread(*, cart: Cart, sale_id: int, record: OrderRecord, order: StoreOrder | None,
                refund_refusal: str = "") -> Reread:
    """Apply what changed in the store to the sale, atomically: a status note, new credit notes, the refunded total.

    `order` is the re-read order mapped with its refunds when it shows any (None when it shows none or
    could not be mapped, then `refund_refusal` says why). A read older than the one the sale already has (two
    readers, the later one first) changes nothing; after a refund refusal the sale keeps its earlier date, so the
    next read of the order tries the refund again.
    """
    with transaction.atomic():
        # Locked so two re-reads of one order (a pass and a notification) write one note and one credit note.
        sale = SalesTransaction.objects.select_for_update().get(pk=sale_id)
        if (record.date_modified is not None and sale.cart_date_modified is not None
                and record.date_modified < sale.cart_date_modified):
            return Reread()
        updates = ["updated_at"]
        note = ""
        if record.status_id != sale.cart_status_id:
            previous = sale.cart_status_label or (cart.status_label(sale.cart_status_id)
                                                  if sale.cart_status_id is not None else "unknown")
            current = record.status_label or cart.status_label(record.status_id)
            note = status_change_note(cart=cart, previous=previous, current=current,
                                      when=record.date_modified or datetime.datetime.now(datetime.UTC))
            sale.cart_change_note = "\n".join(filter(None, [sale.cart_change_note, note]))
            sale.cart_status_id, sale.cart_status_label = record.status_id, current[:100]
            updates += ["cart_change_note", "cart_status_id", "cart_status_label"]
        written: list[SalesTransaction] = []
        if order is not None:
            try:
                with transaction.atomic():  # a refused refund writes none of the order's new credit notes
                    written = credit_notes_book(sale=sale, order=order)
            except OrderMappingError as refusal:
                refund_refusal = str(refusal)
            sale.refunded_total = credited_total(sale)
            updates.append("refunded_total")
        if record.date_modified is not None and not refund_refusal:
            sale.cart_date_modified = record.date_modified
            updates.append("cart_date_modified")
        sale.save(update_fields=updates)
    return Reread(status_note=note, credit_notes=tuple(credit_note.number for credit_note in written), refund_refusal=refund_refusal)
