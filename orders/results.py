"""What an orders import did: one outcome per order (imported, already imported, refused and why) and the totals."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from carts.platforms.base import RequestStats


class Outcome(enum.StrEnum):
    IMPORTED = "imported"
    ALREADY_IMPORTED = "already_imported"
    REFUSED = "refused"


@dataclass(frozen=True)
class MissingItem:
    """An order line's product that matches no item, with what creating the item from the order line takes."""

    sku: str
    name: str
    product_id: int | None
    variant_id: int | None
    unit_price: Decimal | None = None  # the line's price without tax, as the order has it
    is_digital: bool = False
    # Whether the store's catalog still has the variant: False when it was deleted (or the line names no
    # catalog product), so only creating the item from the order line fixes it; None when not asked.
    in_store: bool | None = None

    @property
    def importable_from_cart(self) -> bool:
        return self.in_store is not False and bool(self.product_id and self.variant_id)

    def to_json(self) -> dict[str, Any]:
        """As an order refusal keeps it, so the fix can be offered later without asking the store."""
        return {"sku": self.sku, "name": self.name, "product_id": self.product_id, "variant_id": self.variant_id,
                "unit_price": None if self.unit_price is None else str(self.unit_price),
                "is_digital": self.is_digital, "in_store": self.in_store}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MissingItem:
        try:
            price = None if data.get("unit_price") is None else Decimal(str(data["unit_price"]))
        except InvalidOperation:
            price = None
        return cls(sku=str(data.get("sku", "")), name=str(data.get("name", "")), product_id=data.get("product_id"),
                   variant_id=data.get("variant_id"), unit_price=price, is_digital=bool(data.get("is_digital")),
                   in_store=data.get("in_store"))


@dataclass(frozen=True)
class OrderOutcome:
    """What happened to one order: imported, already imported (with its transaction), or refused and why."""

    order_id: int
    outcome: Outcome
    transaction_id: int | None = None
    transaction_number: str = ""
    reason: str = ""
    missing_items: tuple[MissingItem, ...] = ()
    change: str = ""  # for an order already imported: what changed in the store since, as recorded now

    @property
    def message(self) -> str:
        if self.outcome == Outcome.IMPORTED:
            return f"Order {self.order_id}: imported as {self.transaction_number}."
        if self.outcome == Outcome.ALREADY_IMPORTED and self.change:
            return f"Order {self.order_id}: already imported as {self.transaction_number}; {self.change}."
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
            "change": self.change or None,
        }


@dataclass
class ImportResult:
    """Per-order outcomes of an import, plus what stopped it early (a store that failed to answer)."""

    outcomes: list[OrderOutcome] = field(default_factory=list)
    stopped_reason: str = ""
    created_item_skus: list[str] = field(default_factory=list)
    # Imported orders the store changed since (a new status, a refund): order id → what was recorded.
    changes: dict[int, str] = field(default_factory=dict)
    credit_note_numbers: list[str] = field(default_factory=list)
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
    def missing_from_cart(self) -> list[MissingItem]:
        """The missing products the store still has: importing them from the cart fixes their orders."""
        return [item for item in self.missing_items if item.importable_from_cart]

    @property
    def missing_gone(self) -> list[MissingItem]:
        """The missing products the store no longer has: only creating the item from the order line fixes them."""
        return [item for item in self.missing_items if not item.importable_from_cart]

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
            "changed_after_import": len(self.changes),
            "credit_notes": len(self.credit_note_numbers),
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
        parts = [f"{len(self.imported):,} imported"]
        if self.already_imported:
            parts.append(f"{len(self.already_imported):,} already imported")
        if self.refused:
            parts.append(f"{len(self.refused):,} not imported")
        if self.created_item_skus:
            parts.append(_counted(len(self.created_item_skus), "missing item") + " created")
        if self.changes:
            parts.append(f"{len(self.changes):,} changed in the store since import")
        if self.credit_note_numbers:
            parts.append(_counted(len(self.credit_note_numbers), "credit note") + " created")
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



def _counted(number: int, noun: str) -> str:
    """'1 credit note', '1,204 credit notes': a log summary is stored text, so no locale applies."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"
