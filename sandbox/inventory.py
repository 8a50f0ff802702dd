"""Stock levels: the generated levels, the changes made since (absolute adjustments, admin edits, sales), and their history.

Tracking follows the Catalog API: a product tracks inventory not at all ("none"), by product (one
level; adjusted by product_id or the product's SKU) or by variant (a level per variant; adjusted by
variant_id or the variant's SKU). Adjusting an item by the other identity is refused as
inventory.v3.yml's example says ("[Item with variant_id 106 is tracked by product, please update
stock by product id]"). Levels never go below zero: a sale of more than is left empties the stock.
"""

import uuid
from collections import deque
from dataclasses import dataclass

from sandbox.catalog import Catalog
from sandbox.catalog_records import Product, Variant

DEFAULT_LOCATION_ID = 1  # the store's only location
MAX_ADJUSTMENT_ITEMS = 2_000  # inventory.v3.yml: "Limit of 2000 items for payload length"
HISTORY_KEPT = 1_000
_IDENTITIES = ("variant_id", "product_id", "sku")


class InventoryRefused(ValueError):
    """An adjustment that cannot be applied; the message lists every item refused, nothing was changed."""


@dataclass(frozen=True, slots=True)
class Change:
    """One item's level before and after an adjustment."""

    product_id: int
    variant_id: int | None  # None: the product's own level
    sku: str
    before: int
    after: int


@dataclass(frozen=True, slots=True)
class Adjustment:
    """One change of stock levels: who made it (api, admin, an order), why and what changed."""

    transaction_id: str
    at: int
    source: str
    reason: str
    changes: tuple[Change, ...]

    def to_json(self) -> dict:
        """As the control API and the state file show it."""
        return {"transaction_id": self.transaction_id, "at": self.at, "source": self.source, "reason": self.reason,
                "changes": [{"product_id": change.product_id, "variant_id": change.variant_id, "sku": change.sku,
                             "before": change.before, "after": change.after} for change in self.changes]}

    @classmethod
    def from_json(cls, data: dict) -> "Adjustment":
        """The inverse of to_json."""
        return cls(transaction_id=data["transaction_id"], at=data["at"], source=data["source"], reason=data["reason"],
                   changes=tuple(Change(**change) for change in data["changes"]))


@dataclass(frozen=True, slots=True)
class Item:
    """An inventory item: a product tracked by product, or one variant of a product tracked by variant."""

    product: Product
    variant: Variant | None

    @property
    def key(self) -> tuple[int, int | None]:
        """(product id, variant id or None), how the ledger keeps its level."""
        return self.product.id, self.variant.id if self.variant else None

    @property
    def sku(self) -> str:
        """The item's SKU."""
        return self.variant.sku if self.variant else self.product.sku


class InventoryLedger:
    """The current levels over the generated ones, and the history of every change."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.levels: dict[tuple[int, int | None], int] = {}
        self.history: deque[Adjustment] = deque(maxlen=HISTORY_KEPT)

    def product_level(self, product: Product) -> int:
        """The product's inventory_level as the Catalog API reports it."""
        if product.inventory_tracking == "none":
            return 0
        if product.inventory_tracking == "product":
            return self.levels.get((product.id, None), product.inventory_level)
        return sum(self.variant_level(product, variant) for variant in product.variants)

    def variant_level(self, product: Product, variant: Variant) -> int:
        """A variant's inventory_level: its own when tracked by variant, the product's for a simple product's base variant."""
        if product.inventory_tracking == "variant":
            return self.levels.get((product.id, variant.id), variant.inventory_level)
        if product.inventory_tracking == "product" and not product.has_options:
            return self.product_level(product)
        return variant.inventory_level

    def level(self, item: Item) -> int:
        """An item's current level."""
        return self.product_level(item.product) if item.variant is None else self.variant_level(item.product, item.variant)

    def items(self, product: Product) -> list[Item]:
        """The inventory items of a product: none, the product, or its variants."""
        if product.inventory_tracking == "product":
            return [Item(product, None)]
        if product.inventory_tracking == "variant":
            return [Item(product, variant) for variant in product.variants]
        return []

    def resolve(self, entry: dict) -> Item:
        """The item an adjustment entry names; raises InventoryRefused with the reason, in the reference's words."""
        named = [name for name in _IDENTITIES if name in entry]
        if len(named) != 1:
            raise InventoryRefused("Item needs exactly one of variant_id, product_id or sku")
        name, value = named[0], entry[named[0]]
        product, variant = self._find(name, value)
        tracking = product.inventory_tracking
        if tracking == "none":
            raise InventoryRefused(f"Item with {name} {value} is not tracked, please enable inventory tracking "
                                   f"on product {product.id} first")
        if tracking == "product" and variant is not None:
            raise InventoryRefused(f"Item with {name} {value} is tracked by product, please update stock by product id")
        if tracking == "variant" and variant is None:
            raise InventoryRefused(f"Item with {name} {value} is tracked by variant, please update stock by variant id")
        return Item(product, variant if tracking == "variant" else None)

    def _find(self, name: str, value: object) -> tuple[Product, Variant | None]:
        if name == "sku":
            if not isinstance(value, str) or not value.strip():
                raise InventoryRefused(f"Item with sku {value!r} does not exist")
            variant_ids = self.catalog.variant_ids_by_sku.get(value, [])
            if len(variant_ids) > 1:
                raise InventoryRefused(f"Item with sku {value} is ambiguous: several items share it, use variant_id or product_id")
            if not variant_ids:
                raise InventoryRefused(f"Item with sku {value} does not exist")
            product = self.catalog.product(self.catalog.product_of_variant(variant_ids[0]))
            # A simple product's SKU names the product; an option's SKU names its variant.
            return product, product.variant(variant_ids[0]) if product.has_options else None
        if not isinstance(value, int) or isinstance(value, bool):
            raise InventoryRefused(f"Item with {name} {value!r} does not exist: {name} must be an integer")
        product_id = self.catalog.product_of_variant(value) if name == "variant_id" else value
        if product_id is None or not self.catalog.exists(product_id):
            raise InventoryRefused(f"Item with {name} {value} does not exist")
        product = self.catalog.product(product_id)
        return product, product.variant(value) if name == "variant_id" else None

    def adjust_absolute(self, entries: list[dict], *, reason: str, source: str, at: int) -> Adjustment:
        """Set the levels of every entry, or of none: raises InventoryRefused listing every entry refused."""
        if not entries:
            raise InventoryRefused("The request has no items to adjust")
        if len(entries) > MAX_ADJUSTMENT_ITEMS:
            raise InventoryRefused(f"Limit of {MAX_ADJUSTMENT_ITEMS} items for payload length, got {len(entries)}; "
                                   "send them in several requests")
        targets, problems = {}, []
        for entry in entries:
            try:
                if not isinstance(entry, dict):
                    raise InventoryRefused("Each item must be an object with location_id, quantity and one identity")
                item = self.resolve(entry)
                if entry.get("location_id") != DEFAULT_LOCATION_ID:
                    raise InventoryRefused(f"Location with id {entry.get('location_id')!r} does not exist "
                                           f"(the store's location is {DEFAULT_LOCATION_ID})")
                quantity = entry.get("quantity")
                if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 0:
                    raise InventoryRefused(f"Item with sku {item.sku!r} needs a quantity of 0 or more, got {quantity!r}")
                targets[item.key] = (item, quantity)
            except InventoryRefused as error:
                problems.append(str(error))
        if problems:
            raise InventoryRefused(f"[{', '.join(problems)}]")
        return self._record(source, reason, at, [(item, quantity) for item, quantity in targets.values()])

    def sell(self, lines: list[tuple[int, int, int]], *, order_id: int, at: int) -> Adjustment | None:
        """Lower the levels of what an order sold ((product id, variant id, quantity) lines), as BigCommerce does."""
        sold: dict[tuple[int, int | None], tuple[Item, int]] = {}
        for product_id, variant_id, quantity in lines:
            product = self.catalog.product(product_id)
            if product.inventory_tracking == "none":
                continue
            item = Item(product, product.variant(variant_id) if product.inventory_tracking == "variant" else None)
            _, before = sold.get(item.key, (item, 0))
            sold[item.key] = (item, before + quantity)
        if not sold:
            return None
        return self._record(f"order {order_id}", "Sold", at, [(item, max(0, self.level(item) - quantity))
                                                              for item, quantity in sold.values()])

    def _record(self, source: str, reason: str, at: int, targets: list[tuple[Item, int]]) -> Adjustment:
        changes = []
        for item, level in targets:
            changes.append(Change(item.product.id, item.variant.id if item.variant else None, item.sku, self.level(item), level))
            self.levels[item.key] = level
        adjustment = Adjustment(str(uuid.uuid4()), at, source, reason, tuple(changes))
        self.history.append(adjustment)
        return adjustment

    def snapshot(self) -> list[Adjustment]:
        """The history, oldest first, copied at once (other threads may be adding to it)."""
        return list(self.history)

    def to_json(self) -> dict:
        """The levels changed and the history, for the state file."""
        return {"levels": [[product_id, variant_id, level] for (product_id, variant_id), level in self.levels.items()],
                "history": [adjustment.to_json() for adjustment in self.history]}

    def restore(self, saved: dict) -> None:
        """Load what to_json saved."""
        self.levels = {(product_id, variant_id): level for product_id, variant_id, level in saved.get("levels", [])}
        self.history.extend(Adjustment.from_json(data) for data in saved.get("history", []))
