"""Stock of the item master: quantity on hand, changed only through recorded movements, and what is available.

On hand changes only here, each change with a StockMovement in the same transaction (an adjustment
with its reason and user, a shipment, a stock levels import). Committed is what pending sales
(not credit notes) still have to ship; available to sell = on hand - committed.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from carts.platforms.base import InvalidInput
from companies.models import Company, User
from items.models import Item, ItemType, StockMovement, StockMovementKind

REASON_MAX_LENGTH = 255
# Larger than any warehouse holds, inside a 32-bit integer column.
MAX_ON_HAND = 1_000_000_000
MOVEMENTS_SHOWN = 100


@dataclass(frozen=True)
class StockLevel:
    """One stock item's figures, as `item stock --json` prints them."""

    sku: str
    on_hand: int
    committed: int
    available: int

    def as_json(self) -> dict[str, object]:
        return {"sku": self.sku, "on_hand": self.on_hand, "committed": self.committed, "available": self.available}


def committed_subquery() -> Subquery:
    """Per item (OuterRef pk): units on pending sales not shipped yet (credit notes excluded)."""
    from orders.models import TransactionLine, TransactionStatus  # orders' models import this app's

    lines = (TransactionLine.objects.filter(item=OuterRef("pk"), transaction__status=TransactionStatus.PENDING,
                                            transaction__refund_key="")
             .values("item").annotate(units=Sum(F("quantity") - F("quantity_shipped"))).values("units"))
    return Subquery(lines, output_field=IntegerField())


def items_with_stock(items: QuerySet[Item]) -> QuerySet[Item]:
    """The items with `committed` and `available` annotated (one query, whatever the page size)."""
    return items.annotate(committed=Coalesce(committed_subquery(), Value(0))).annotate(
        available=F("on_hand") - F("committed"))


def stock_levels(*, company: Company, skus: Iterable[str] | None = None) -> list[StockLevel]:
    """On hand, committed and available of the company's stock items (only these SKUs when given), by SKU."""
    items = Item.objects.for_company(company).filter(item_type=ItemType.STOCK)
    if skus is not None:
        items = items.filter(sku__in=list(skus))
    return [StockLevel(sku=item.sku, on_hand=item.on_hand, committed=item.committed, available=item.available)
            for item in items_with_stock(items).order_by("sku")]


def stock_movements(*, item: Item, limit: int = MOVEMENTS_SHOWN) -> list[StockMovement]:
    """The item's newest movements, newest first."""
    return list(StockMovement.objects.filter(item=item).select_related("user")[:limit])


def stock_require_quantity(value: int) -> int:
    """A quantity on hand a merchant may set; InvalidInput says what is wrong."""
    if value < 0:
        raise InvalidInput(f"The quantity on hand cannot be negative ({value}): enter 0 or more.")
    if value > MAX_ON_HAND:
        raise InvalidInput(f"The quantity on hand {value} is larger than {MAX_ON_HAND:,}: check the figure.")
    return value


def _require_stock_item(item: Item) -> None:
    if item.item_type != ItemType.STOCK:
        raise InvalidInput(f"Item {item.sku} is a {item.get_item_type_display().lower()}: only stock items hold stock. "
                           "Change its type to Stock item first if the warehouse keeps it.")


def _clean_reason(reason: str) -> str:
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput("Give a reason for the adjustment (for example 'Stock count' or 'Damaged in storage').")
    if len(reason) > REASON_MAX_LENGTH:
        raise InvalidInput(f"The reason is {len(reason)} characters long; keep it to {REASON_MAX_LENGTH}.")
    return reason


def _move(item: Item, *, kind: str, quantity: int, reason: str, user: User | None, reference: str) -> StockMovement:
    """Change a locked item's on hand by `quantity` and record the movement (inside the caller's transaction)."""
    item.on_hand += quantity
    Item.objects.filter(pk=item.pk).update(on_hand=item.on_hand)
    return StockMovement.objects.create(company_id=item.company_id, item=item, kind=kind, quantity=quantity,
                                        on_hand_after=item.on_hand, reason=reason, user=user, reference=reference)


def _locked(item_id: int) -> Item:
    return Item.objects.select_for_update().get(pk=item_id)


def stock_set(*, item: Item, on_hand: int, reason: str, user: User | None = None,
              kind: str = StockMovementKind.ADJUSTMENT, reference: str = "") -> StockMovement | None:
    """Set a stock item's on hand to `on_hand`, recording the movement; None when it already was that figure."""
    _require_stock_item(item)
    on_hand = stock_require_quantity(on_hand)
    reason = _clean_reason(reason)
    with transaction.atomic():
        locked = _locked(item.pk)
        change = on_hand - locked.on_hand
        movement = None if change == 0 else _move(locked, kind=kind, quantity=change, reason=reason, user=user,
                                                   reference=reference)
    item.on_hand = locked.on_hand
    return movement


def stock_take(*, item_id: int, quantity: int, reason: str, user: User | None, reference: str) -> StockMovement | None:
    """Take `quantity` shipped units of a stock item off on hand (inside the shipment's transaction); None for others."""
    locked = _locked(item_id)
    if locked.item_type != ItemType.STOCK or quantity == 0:
        return None
    return _move(locked, kind=StockMovementKind.SHIPMENT, quantity=-quantity, reason=reason, user=user,
                 reference=reference)


def item_for_sku(*, company: Company, sku: str) -> Item:
    """The company's item with exactly this SKU; InvalidInput names it when there is none."""
    item = Item.objects.for_company(company).filter(sku=sku.strip()).first()
    if item is None:
        raise InvalidInput(f"No item has the SKU '{sku.strip()}'. SKUs must match exactly (see item list).")
    return item
