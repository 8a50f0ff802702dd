"""Refunds of a BigCommerce order as credit-note drafts: from v3 refund records, else from the v2 order figures.

v3 (orders.v3.yml, Refund): each refund → one draft. Refunded products are priced at what the shopper
paid for them (after discounts) pro rata to the quantity; shipping, handling, wrapping and fees at the
refund's requested_amount (else the charge in full); ORDER items are order-level amounts. The draft's
total is the refund's total_amount and its tax the refund's total_tax, spread by the parts' rates; what
the parts do not explain is an explicit refund adjustment.
v2: the lines' quantity_refunded and the order's refunded_amount; a fully refunded order's credit note
is the order itself. Gift wrapping refunded without an amount is the wrapping of the line the refund names.
A refund the payment provider declined is not credited.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from orders.mapping.charges import shipping_consignments
from orders.mapping.errors import OrderMappingError
from orders.mapping.fields import identifier, iso_date, objects, text, whole_number
from orders.mapping.lines import store_lines
from orders.mapping.money import ZERO, allocate, minor_unit, money, to_minor_unit
from orders.mapping.types import (
    AdjustmentKind,
    ChargeKind,
    CreditNoteDraft,
    CreditNoteLine,
    OrderAdjustment,
    OrderCharge,
    OrderLine,
    StoreOrder,
)

CHARGE_ITEMS = {"SHIPPING": ChargeKind.SHIPPING, "HANDLING": ChargeKind.HANDLING,
                "GIFT_WRAPPING": ChargeKind.GIFT_WRAPPING, "FEE": ChargeKind.FEE}
# A draft from the v2 figures is keyed by this, the order and the amount refunded so far.
CUMULATIVE_KEY_PREFIX = "v2-"
CONSIGNMENT_COST_FIELDS = {ChargeKind.SHIPPING: "cost_inc_tax", ChargeKind.HANDLING: "handling_cost_inc_tax"}


@dataclass
class _Part:
    """One credit-note part before its tax is known: where it goes, its amount and its tax weight."""

    inc: Decimal
    tax_weight: Decimal
    line: OrderLine | None = None
    quantity: int = 0
    charge: OrderCharge | None = None
    adjustment: tuple[str, str] | None = None  # (kind, description)


def credit_note_drafts(
    order: StoreOrder, *, payload: dict[str, Any], refunds: Sequence[dict[str, Any]] | None = None
) -> tuple[CreditNoteDraft, ...]:
    """One draft per v3 refund of this order when given, else one from the v2 figures when anything was refunded."""
    unit = minor_unit(order.currency)
    records = [record for record in objects(refunds, what="the refunds")
               if whole_number(record.get("order_id"), what="a refund's order_id", maximum=2**63 - 1) == order.order_id]
    if records:
        return tuple(_from_refund(order, payload, record, unit) for record in records if not _declined(record))
    draft = _from_order_figures(order, unit)
    return (draft,) if draft else ()


def _declined(record: dict[str, Any]) -> bool:
    """Whether the payment provider declined the whole refund (orders.v3.yml: each payment's is_declined), so the
    shopper got nothing back and nothing is credited; a refund declined in part is refused, naming the payment."""
    payments = objects(record.get("payments"), what="a refund's payments")
    declined = [payment for payment in payments if payment.get("is_declined") is True]
    if declined and len(declined) < len(payments):
        message = text(declined[0].get("declined_message"))
        raise OrderMappingError(
            f"refund {record.get('id')} was declined in part by the payment provider"
            f"{f' ({message})' if message else ''}: see the refund in the store's control panel, then import again.")
    return bool(declined)


def _from_refund(order: StoreOrder, payload: dict[str, Any], record: dict[str, Any], unit: Decimal) -> CreditNoteDraft:
    refund_id = identifier(record.get("id"), what="a refund's id")
    what = f"refund {refund_id}"
    total = to_minor_unit(money(record.get("total_amount"), what=f"{what} total_amount"), unit)
    tax = to_minor_unit(money(record.get("total_tax") or "0", what=f"{what} total_tax", allow_negative=True), unit)
    lines = {line.cart_line_id: line for line in order.lines}
    parts = []
    for item in objects(record.get("items"), what=f"{what} items"):
        item_type = text(item.get("item_type")).upper()
        requested = item.get("requested_amount")
        requested_amount = None if requested in (None, "") else to_minor_unit(
            money(requested, what=f"{what} requested_amount"), unit)
        if item_type == "PRODUCT":
            line = lines.get(identifier(item.get("item_id"), what=f"{what} item_id"))
            if line is None:
                raise OrderMappingError(f"{what} refunds line {item.get('item_id')}, which the order does not have.")
            quantity = whole_number(item.get("quantity"), what=f"{what} quantity", minimum=1, maximum=line.quantity)
            parts.append(_line_part(line, quantity, unit))
        elif item_type in CHARGE_ITEMS:
            parts.append(_charge_part(order, payload, CHARGE_ITEMS[item_type], item.get("item_id"), requested_amount))
        elif item_type == "ORDER":
            parts.append(_Part(requested_amount or ZERO, ZERO,
                               adjustment=(AdjustmentKind.ORDER_AMOUNT, text(item.get("reason")) or "Order amount")))
        else:
            raise OrderMappingError(f"{what} has an item of unknown type {item.get('item_type')!r}.")
    return _draft(order, parts, total=total, tax=tax, unit=unit, key=f"v3-{refund_id}", refund_id=refund_id,
                  created_at=iso_date(record.get("created"), what=f"{what} created"), reason=text(record.get("reason")))


def _from_order_figures(order: StoreOrder, unit: Decimal) -> CreditNoteDraft | None:
    refunded = order.refunded_amount
    if order.total and refunded >= order.total:  # fully refunded: the credit note is the order
        parts = [_line_part(line, line.quantity, unit) for line in order.lines]
        parts += [_Part(charge.amount_inc_tax, charge.tax, charge=charge) for charge in order.charges]
        if order.adjustment:
            parts.append(_Part(order.adjustment.amount_inc_tax, max(order.adjustment.tax, ZERO),
                               adjustment=(order.adjustment.kind, order.adjustment.description)))
        tax = order.tax_total
    else:
        parts = [_line_part(line, _refunded_quantity(line), unit) for line in order.lines if _refunded_quantity(line)]
        if not parts and not refunded:
            return None
        # v2 gives no refunded tax: each line's share of the tax it paid, to the minor unit.
        tax = sum((to_minor_unit(part.tax_weight, unit) for part in parts), ZERO)
    total = refunded or sum((part.inc for part in parts), ZERO)
    return _draft(order, parts, total=total, tax=tax, unit=unit, key=f"{CUMULATIVE_KEY_PREFIX}{order.order_id}-{total}",
                  refund_id=None, created_at=order.date_modified, reason="")


def refunded_by_figures(order: StoreOrder) -> Decimal:
    """What the v2 figures say was refunded of the order in all: its refunded_amount, else its refunded lines."""
    draft = _from_order_figures(order, minor_unit(order.currency))
    return draft.total if draft else ZERO


def _refunded_quantity(line: OrderLine) -> int:
    return line.quantity_refunded or (line.quantity if line.is_refunded else 0)


def _line_part(line: OrderLine, quantity: int, unit: Decimal) -> _Part:
    return _Part(to_minor_unit(line.paid_inc_tax * quantity / line.quantity, unit),
                 max(line.paid_tax * quantity / line.quantity, ZERO), line=line, quantity=quantity)


def _charge_part(order: StoreOrder, payload: dict[str, Any], kind: ChargeKind, item_id: object,
                 requested: Decimal | None) -> _Part:
    charges = [charge for charge in order.charges if charge.kind == kind]
    charge_inc = sum((charge.amount_inc_tax for charge in charges), ZERO)
    charge_tax = sum((charge.tax for charge in charges), ZERO)
    amount = (requested if requested is not None
              else _consignment_cost(payload, kind, item_id, order) or _line_wrapping_cost(payload, kind, item_id, order)
              or charge_inc)
    weight = amount * charge_tax / charge_inc if charge_inc > 0 else ZERO
    description = charges[0].description if len(charges) == 1 else kind.value.replace("_", " ").capitalize()
    refunded = OrderCharge(kind, description, ZERO, ZERO, amount)
    return _Part(amount, max(weight, ZERO), charge=refunded)


def _consignment_cost(payload: dict[str, Any], kind: ChargeKind, item_id: object, order: StoreOrder) -> Decimal | None:
    """A shipping or handling refund without an amount refunds that address's whole cost."""
    cost_field = CONSIGNMENT_COST_FIELDS.get(kind)
    if cost_field is None:
        return None
    for consignment in shipping_consignments(payload):
        if consignment.get("id") == item_id and consignment.get(cost_field) is not None:
            return to_minor_unit(money(consignment.get(cost_field), what=f"consignment {item_id} {cost_field}"),
                                 minor_unit(order.currency))
    return None


def _line_wrapping_cost(payload: dict[str, Any], kind: ChargeKind, item_id: object,
                        order: StoreOrder) -> Decimal | None:
    """A gift-wrapping refund names an order line (orders.v3.yml: item_id is the order product's id): that line's
    wrapping, not the order's."""
    if kind != ChargeKind.GIFT_WRAPPING:
        return None
    for line in store_lines(payload):
        if line.line_id == item_id and line.wrapping_inc_tax > 0:
            return to_minor_unit(line.wrapping_inc_tax, minor_unit(order.currency))
    return None


def _draft(order: StoreOrder, parts: list[_Part], *, total: Decimal, tax: Decimal, unit: Decimal, key: str,
           refund_id: int | None, created_at: Any, reason: str) -> CreditNoteDraft:
    remainder = total - sum((part.inc for part in parts), ZERO)
    if remainder or not parts:
        parts.append(_Part(remainder, ZERO, adjustment=(AdjustmentKind.REFUND_ADJUSTMENT, "Refund adjustment")))
    weights = [part.tax_weight for part in parts]
    if not any(weights):
        weights = [max(part.inc, ZERO) for part in parts]
    taxes = allocate(tax, weights, unit=unit)
    lines, charges, adjustments = [], [], []
    for part, part_tax in zip(parts, taxes):
        if part.line is not None:
            line = part.line
            lines.append(CreditNoteLine(line.cart_line_id, line.sku, line.name, part.quantity,
                                        part.inc - part_tax, part_tax, part.inc))
        elif part.charge is not None:
            charge = part.charge
            charges.append(OrderCharge(charge.kind, charge.description, part.inc - part_tax, part_tax, part.inc,
                                       charge.cart_reference_id))
        else:
            kind, description = part.adjustment or (AdjustmentKind.REFUND_ADJUSTMENT, "Refund adjustment")
            adjustments.append(OrderAdjustment(kind, description, part.inc - part_tax, part_tax, part.inc))
    return CreditNoteDraft(key=key, order_id=order.order_id, refund_id=refund_id, created_at=created_at,
                           reason=reason, lines=tuple(lines), charges=tuple(charges), adjustments=tuple(adjustments),
                           tax_total=tax, total=total)



def is_cumulative(draft: CreditNoteDraft) -> bool:
    """Whether the draft comes from the v2 figures, which are totals of every refund so far."""
    return draft.key.startswith(CUMULATIVE_KEY_PREFIX)


def refund_increment(cumulative: CreditNoteDraft, earlier: Sequence[CreditNoteDraft]) -> CreditNoteDraft | None:
    """What a draft from the v2 figures adds to the credit notes already booked from earlier ones (None: nothing).

    v2's refunded_amount and quantity_refunded are totals so far, so after a second partial refund the draft holds
    the first one too. Each part is the cumulative one less what was booked for the same line, charge or kind of
    adjustment, in minor units; what is left over without a line to carry it (a line whose quantity did not grow,
    a part booked before and not in the figures now) is one refund adjustment. Every draft's parts add up to its
    total and tax, so the increment's do too, and the increments add up to the cumulative draft.
    """
    booked: dict[tuple, list] = {}
    for draft in earlier:
        for part in (*draft.lines, *draft.charges, *draft.adjustments):
            booked.setdefault(_part_key(part), []).append(part)
    lines, charges, adjustments, rest = [], [], [], [ZERO, ZERO, ZERO]
    for part in (*cumulative.lines, *cumulative.charges, *cumulative.adjustments):
        before = booked.pop(_part_key(part), [])
        amounts = [getattr(part, name) - sum((getattr(entry, name) for entry in before), ZERO) for name in AMOUNTS]
        if isinstance(part, CreditNoteLine):
            quantity = part.quantity - sum(entry.quantity for entry in before)
            if quantity > 0:
                lines.append(CreditNoteLine(part.cart_line_id, part.sku, part.name, quantity, *amounts))
                continue
        elif any(amounts):
            (charges if isinstance(part, OrderCharge) else adjustments).append(dataclasses.replace(
                part, **dict(zip(AMOUNTS, amounts))))
            continue
        rest = [kept + amount for kept, amount in zip(rest, amounts)]
    for before in booked.values():  # booked earlier, not in the figures now
        rest = [kept - sum((getattr(entry, name) for entry in before), ZERO) for kept, name in zip(rest, AMOUNTS)]
    if any(rest):
        same = next((part for part in adjustments if part.kind == AdjustmentKind.REFUND_ADJUSTMENT), None)
        if same is not None:
            adjustments.remove(same)
            rest = [kept + getattr(same, name) for kept, name in zip(rest, AMOUNTS)]
        adjustments.append(OrderAdjustment(AdjustmentKind.REFUND_ADJUSTMENT, "Refund adjustment", *rest))
    total = cumulative.total - sum((draft.total for draft in earlier), ZERO)
    if total <= ZERO:
        return None
    return dataclasses.replace(cumulative, lines=tuple(lines), charges=tuple(charges), adjustments=tuple(adjustments),
                               tax_total=cumulative.tax_total - sum((draft.tax_total for draft in earlier), ZERO),
                               total=total)


AMOUNTS = ("amount_ex_tax", "tax", "amount_inc_tax")


def _part_key(part: CreditNoteLine | OrderCharge | OrderAdjustment) -> tuple:
    if isinstance(part, CreditNoteLine):
        return ("line", part.cart_line_id)
    if isinstance(part, OrderCharge):
        return ("charge", part.kind, part.cart_reference_id)
    return ("adjustment", part.kind)
