"""Ship: units of a pending sale from a cart order go out, and the store gets the shipment exactly once.

A shipment is recorded here first, under a unique key, in the same transaction that counts its units as
shipped and takes them off stock on hand; only then is the store asked. Sending is claimed by a
conditional update, so two workers never send one record. An answer that is lost (a timeout, a server
error) leaves the record *uncertain*: before it is sent again the store's shipments of the order are
looked up, and one with the same address, tracking number and lines is taken as this one. A shipment
the store refuses is undone here (units and stock back) with the store's reason.
"""
from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Mapping

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from carts.platforms.base import InvalidInput, NotReady, StoreAccess, StoreError, StoreRateLimited, StoreSession
from carts.platforms.fulfilment import ShipmentOrder
from carts.stores import cart_store_open, store_failure_reason
from companies.models import User
from items.models import ItemType
from items.stock import stock_take
from orders.models import SalesTransaction, Shipment, ShipmentLine, ShipmentState, TransactionLine, TransactionStatus

CARRIER_MAX_LENGTH = 100
TRACKING_MAX_LENGTH = 50  # orders.v2.oas2.yml: the store keeps at most 50 characters
# A send still 'posting' this long after it began was cut off (its worker died): check the store, then send.
POSTING_STALE_AFTER = datetime.timedelta(minutes=5)


def _require_shippable(record: SalesTransaction) -> None:
    if record.is_credit_note or record.status != TransactionStatus.PENDING:
        raise InvalidInput(f"{record.number} is not a pending sale: only pending sales are shipped.")
    if record.cart is None or not record.cart_order_id:
        raise NotReady(f"{record.number} did not come from a cart order (or its cart was deleted): there is no store "
                       "order to ship.")


def _clean(carrier: str, tracking_number: str) -> tuple[str, str]:
    carrier, tracking_number = " ".join(carrier.split()), tracking_number.strip()
    if not carrier or len(carrier) > CARRIER_MAX_LENGTH:
        raise InvalidInput(f"Give the carrier's name (for example UPS or DHL), at most {CARRIER_MAX_LENGTH} characters.")
    if not tracking_number or len(tracking_number) > TRACKING_MAX_LENGTH:
        raise InvalidInput(f"Give the tracking number, at most {TRACKING_MAX_LENGTH} characters (the store keeps 50).")
    return carrier, tracking_number


def _chosen(lines: list[TransactionLine], wanted: Mapping[str, int] | None) -> dict[TransactionLine, int]:
    """Units to ship per line: what is left of every stock line when nothing is named, else the named SKUs'."""
    left = {line: line.quantity - line.quantity_shipped for line in lines}
    if wanted is None:
        chosen = {line: units for line, units in left.items() if units > 0 and line.item.item_type == ItemType.STOCK}
        if not chosen:
            raise InvalidInput("Nothing is left to ship on this sale: every stock line is shipped.")
        return chosen
    chosen: dict[TransactionLine, int] = {}
    for sku, quantity in wanted.items():
        matching = [line for line in lines if line.sku == sku]
        if not matching:
            raise InvalidInput(f"SKU {sku} is not on this sale: ship one of {', '.join(line.sku for line in lines)}.")
        if matching[0].item.item_type != ItemType.STOCK:
            raise InvalidInput(f"SKU {sku} is a {matching[0].item.get_item_type_display().lower()}: nothing to ship.")
        if quantity < 1:
            raise InvalidInput(f"SKU {sku}: ship 1 or more units, not {quantity}.")
        remaining = sum(left[line] for line in matching)
        if quantity > remaining:
            raise InvalidInput(f"SKU {sku}: {remaining} left to ship (ordered {sum(line.quantity for line in matching)}, "
                               f"shipped {sum(line.quantity_shipped for line in matching)}), so {quantity} cannot be shipped.")
        for line in matching:
            take = min(quantity, left[line])
            if take:
                chosen[line], quantity = take, quantity - take
    return chosen


def _record(record: SalesTransaction, wanted: Mapping[str, int] | None, addresses: dict[int, int], carrier: str,
            tracking_number: str, user: User | None) -> list[Shipment]:
    """Record the shipments (one per address), count their units shipped and take them off stock, in one transaction."""
    with transaction.atomic():
        lines = list(TransactionLine.objects.select_for_update().filter(transaction=record).select_related("item")
                     .order_by("position"))
        chosen = _chosen(lines, wanted)
        by_address: dict[int, dict[TransactionLine, int]] = defaultdict(dict)
        for line, units in chosen.items():
            address = addresses.get(line.cart_line_id or 0)
            if address is None:
                raise InvalidInput(f"SKU {line.sku} does not ship to an address in the store's order {record.cart_order_id}"
                                   " (a download or a pickup): it cannot be shipped here.")
            by_address[address][line] = units
        shipments = []
        for address, units_by_line in sorted(by_address.items()):
            shipment = Shipment.objects.create(company_id=record.company_id, transaction=record, key=uuid.uuid4().hex,
                                               carrier=carrier, tracking_number=tracking_number, address_id=address,
                                               user=user)
            for line, units in units_by_line.items():
                ShipmentLine.objects.create(company_id=record.company_id, shipment=shipment, line=line, quantity=units)
                TransactionLine.objects.filter(pk=line.pk).update(quantity_shipped=F("quantity_shipped") + units)
                stock_take(item_id=line.item_id, quantity=units, user=user, reference=shipment.key,
                           reason=f"Shipped on {record.number} ({carrier} {tracking_number})")
            shipments.append(shipment)
    return shipments


def _undo(shipment: Shipment, reason: str) -> None:
    """The store refused the shipment: its units are no longer shipped and go back to stock."""
    with transaction.atomic():
        if not Shipment.objects.filter(pk=shipment.pk, state=ShipmentState.POSTING).update(
                state=ShipmentState.REFUSED, note=reason):
            return
        for shipment_line in shipment.lines.select_related("line"):
            TransactionLine.objects.filter(pk=shipment_line.line_id).update(
                quantity_shipped=F("quantity_shipped") - shipment_line.quantity)
            stock_take(item_id=shipment_line.line.item_id, quantity=-shipment_line.quantity, user=None,
                       reference=shipment.key, reason=f"Shipment refused by the store: {reason}"[:255])
    shipment.state, shipment.note = ShipmentState.REFUSED, reason


def _claim(shipment: Shipment) -> str | None:
    """Take the right to send the shipment: the state it was in, or None when it is sent or being sent."""
    now = timezone.now()
    for was, condition in ((ShipmentState.RECORDED, Q(state=ShipmentState.RECORDED)),
                           (ShipmentState.UNCERTAIN, Q(state=ShipmentState.UNCERTAIN)
                            | Q(state=ShipmentState.POSTING, attempted_at__lt=now - POSTING_STALE_AFTER))):
        if Shipment.objects.filter(condition, pk=shipment.pk).update(state=ShipmentState.POSTING, attempted_at=now):
            return was
    return None


def _order(shipment: Shipment) -> ShipmentOrder:
    lines = tuple(sorted((line.line.cart_line_id, line.quantity) for line in shipment.lines.select_related("line")))
    return ShipmentOrder(order_id=shipment.transaction.cart_order_id, address_id=shipment.address_id, lines=lines,
                         carrier=shipment.carrier, tracking_number=shipment.tracking_number)


def _posted(shipment: Shipment, store_shipment_id: int) -> None:
    Shipment.objects.filter(pk=shipment.pk).update(state=ShipmentState.POSTED, store_shipment_id=store_shipment_id,
                                                   note="")
    shipment.state, shipment.store_shipment_id, shipment.note = ShipmentState.POSTED, store_shipment_id, ""


def shipment_send(*, shipment: Shipment, store: StoreSession) -> Shipment:
    """Send a recorded shipment to the store, once; after a lost answer, find it in the store before sending again."""
    was = _claim(shipment)
    if was is None:
        shipment.refresh_from_db()
        return shipment
    order = _order(shipment)
    try:
        if was == ShipmentState.UNCERTAIN:
            # A store shipment another record here already stands for is not this one, however alike (two parcels
            # of one line under one tracking number).
            taken = set(Shipment.objects.filter(transaction_id=shipment.transaction_id, store_shipment_id__isnull=False)
                        .exclude(pk=shipment.pk).values_list("store_shipment_id", flat=True))
            for found in store.order_shipments(order.order_id):
                if found.shipment_id not in taken and (found.address_id, found.tracking_number, found.lines) == (
                        order.address_id, order.tracking_number, order.lines):
                    _posted(shipment, found.shipment_id)
                    return shipment
        created = store.shipment_create(order)
    except StoreError as error:
        reason = store_failure_reason(cart=shipment.transaction.cart, error=error, need=StoreAccess.ORDERS_MODIFY)
        # A 429 was not taken; any other transient failure may have been: check the store before sending again.
        state = (ShipmentState.RECORDED if isinstance(error, StoreRateLimited) and was == ShipmentState.RECORDED
                 else ShipmentState.UNCERTAIN if error.transient else None)
        if state is None:
            _undo(shipment, reason)
        else:
            Shipment.objects.filter(pk=shipment.pk).update(state=state, note=reason)
            shipment.state, shipment.note = state, reason
        return shipment
    _posted(shipment, created.shipment_id)
    return shipment


def order_ship(*, record: SalesTransaction, carrier: str, tracking_number: str, lines: Mapping[str, int] | None = None,
               user: User | None = None) -> list[Shipment]:
    """Ship units of a pending sale from a cart order (every unshipped stock unit when `lines` is None, else SKU ->
    units): recorded first, then created in the store. InvalidInput / NotReady say what is wrong; nothing is recorded."""
    _require_shippable(record)
    carrier, tracking_number = _clean(carrier, tracking_number)
    with cart_store_open(cart=record.cart) as store:
        resend = list(record.shipments.exclude(state__in=[ShipmentState.POSTED, ShipmentState.REFUSED]))
        for earlier in resend:  # one not sent, or whose answer was lost, goes first
            shipment_send(shipment=earlier, store=store)
        shipments = _record(record, lines, store.order_line_addresses(record.cart_order_id), carrier, tracking_number,
                            user)
        return [shipment_send(shipment=shipment, store=store) for shipment in shipments]


def cart_shipments_send_pending(*, cart_id: int) -> int:
    """Send every recorded shipment of the cart not in the store yet (a lost answer checked first); how many now are."""
    pending = (Shipment.objects.filter(transaction__cart_id=cart_id)
               .exclude(state__in=[ShipmentState.POSTED, ShipmentState.REFUSED]).select_related("transaction__cart"))
    sent = 0
    if not pending.exists():
        return 0
    with cart_store_open(cart=pending.first().transaction.cart) as store:
        for shipment in pending:
            sent += shipment_send(shipment=shipment, store=store).state == ShipmentState.POSTED
    return sent
