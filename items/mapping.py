"""BigCommerce catalog products to item rows: one row per variant, with its SKU, description and price.

Pure functions over the v3 payload (products_catalog.v3.yml with include=variants); no database.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from items.models import DESCRIPTION_MAX_LENGTH, MONEY_DIGITS, MONEY_PLACES, SKU_MAX_LENGTH

OPTION_SEPARATOR = " — "
PRICE_QUANTUM = Decimal(1).scaleb(-MONEY_PLACES)
PRICE_LIMIT = Decimal(10) ** (MONEY_DIGITS - MONEY_PLACES)


@dataclass(frozen=True)
class CartItemRow:
    """One sellable variant of a cart product, as an item would take it."""

    product_id: int
    variant_id: int
    sku: str  # trimmed of surrounding spaces; "" when the store has none
    description: str  # the product name, plus option labels for a variant with options
    unit_price: Decimal | None  # None when the payload's price is missing or not a number
    product_name: str

    @property
    def reference(self) -> str:
        """How a merchant recognises the row in the cart: SKU and name, with the ids."""
        sku = f"SKU {self.sku}" if self.sku else "(no SKU)"
        return f"{sku} · {self.description} (product {self.product_id}, variant {self.variant_id})"

    @property
    def key(self) -> tuple[int, int]:
        return self.product_id, self.variant_id


def product_rows(product: dict[str, Any]) -> list[CartItemRow]:
    """The rows of one product: one per variant (a simple product has its base variant only)."""
    product_id = int(product["id"])
    name = str(product.get("name") or "").strip()
    product_price = money(product.get("price"))
    rows = []
    for variant in product.get("variants") or []:
        variant_price = money(variant.get("price"))
        rows.append(
            CartItemRow(
                product_id=product_id,
                variant_id=int(variant["id"]),
                sku=str(variant.get("sku") or "").strip(),
                description=variant_description(name, variant.get("option_values") or []),
                unit_price=variant_price if variant_price is not None else product_price,
                product_name=name,
            )
        )
    return rows


def variant_description(product_name: str, option_values: list[dict[str, Any]]) -> str:
    """'T-shirt — Size: L, Colour: Red' from the variant's option_values; the name alone without options."""
    labels = ", ".join(
        f"{value.get('option_display_name', '')}: {value.get('label', '')}" for value in option_values
    )
    return f"{product_name}{OPTION_SEPARATOR}{labels}" if labels else product_name


def money(value: Any) -> Decimal | None:
    """A v3 money value (a JSON number) as Decimal to 4 places; None for null or non-numbers.

    The JSON parser hands us a float; str() gives its shortest round-trip text (12.99, not
    12.9900000000000002131628…), which is exactly what BigCommerce sent for any price it stores.
    """
    if value is None or isinstance(value, bool):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None
    if not amount.is_finite():
        return None
    return amount.quantize(PRICE_QUANTUM)


def row_refusal(row: CartItemRow) -> str:
    """Why the row cannot become an item ('' when it can); the reason says how to fix it."""
    if not row.sku:
        return "It has no SKU in BigCommerce. Give the product (or this variant) a SKU there and import again."
    if len(row.sku) > SKU_MAX_LENGTH:
        return (
            f"Its SKU is {len(row.sku)} characters long; Salesorder SKUs hold at most {SKU_MAX_LENGTH}. "
            "Shorten the SKU in BigCommerce and import again (SKUs are never cut short: they must match exactly)."
        )
    if row.unit_price is None:
        return "BigCommerce sent no price for it. Check the product's price in BigCommerce and import again."
    if row.unit_price < 0 or row.unit_price >= PRICE_LIMIT:
        return f"Its price {row.unit_price} is outside what Salesorder can store (0 to {PRICE_LIMIT - PRICE_QUANTUM})."
    return ""


def fitted_description(description: str) -> tuple[str, bool]:
    """The description cut to the field's length, and whether it had to be cut."""
    if len(description) <= DESCRIPTION_MAX_LENGTH:
        return description, False
    return description[: DESCRIPTION_MAX_LENGTH - 1].rstrip() + "…", True
