"""What a stock push and a shipment exchange with a store, whatever cart platform runs it (pure Python, no Django)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CartVariant:
    """A product variant as the store names it: its product's id and its own."""

    product_id: int
    variant_id: int

    @property
    def key(self) -> tuple[int, int]:
        """(product id, variant id): how an item's link to the variant (items.ItemCartLink) is looked up."""
        return (self.product_id, self.variant_id)


@dataclass(frozen=True)
class VariantStock(CartVariant):
    """A cart variant's stock in the store, as a stock push reads it."""

    level: int | None  # the store's level now; None when it keeps none for the variant
    not_settable: str = ""  # '' when a push can set the level, else why not (for the merchant)


@dataclass(frozen=True)
class StockSetting(CartVariant):
    """A level to set in the store (absolute) for a cart variant."""

    quantity: int


@dataclass(frozen=True)
class StockBatch:
    """One request's worth of settings, and why the store refused it ('' when it took them)."""

    settings: tuple[StockSetting, ...]
    refused: str = ""


@dataclass(frozen=True)
class ShipmentOrder:
    """A shipment to create in the store: which units of which order lines went to one shipping address."""

    order_id: int
    address_id: int
    lines: tuple[tuple[int, int], ...]  # (the store's order line id, quantity)
    carrier: str
    tracking_number: str


@dataclass(frozen=True)
class StoreShipment:
    """A shipment the store has for an order."""

    shipment_id: int
    address_id: int
    tracking_number: str
    lines: tuple[tuple[int, int], ...]  # (the store's order line id, quantity), by line id
