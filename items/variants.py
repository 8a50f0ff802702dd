"""Whether a cart variant can become an item, and its description fitted to the item's field. No database."""
from __future__ import annotations

from decimal import Decimal

from carts.platforms.base import CatalogVariant
from items.models import DESCRIPTION_MAX_LENGTH, MONEY_DIGITS, MONEY_PLACES, SKU_MAX_LENGTH

PRICE_QUANTUM = Decimal(1).scaleb(-MONEY_PLACES)
PRICE_LIMIT = Decimal(10) ** (MONEY_DIGITS - MONEY_PLACES)


def variant_refusal(variant: CatalogVariant) -> str:
    """Why the variant cannot become an item ('' when it can); the reason says how to fix it."""
    if not variant.sku:
        return "It has no SKU in BigCommerce. Give the product (or this variant) a SKU there and import again."
    if len(variant.sku) > SKU_MAX_LENGTH:
        return (
            f"Its SKU is {len(variant.sku)} characters long; Salesorder SKUs hold at most {SKU_MAX_LENGTH}. "
            "Shorten the SKU in BigCommerce and import again (SKUs are never cut short: they must match exactly)."
        )
    if variant.unit_price is None:
        return "BigCommerce sent no price for it. Check the product's price in BigCommerce and import again."
    if variant.unit_price < 0 or variant.unit_price >= PRICE_LIMIT:
        return f"Its price {variant.unit_price} is outside what Salesorder can store (0 to {PRICE_LIMIT - PRICE_QUANTUM})."
    return ""


def fitted_description(description: str) -> tuple[str, bool]:
    """The description cut to the field's length, and whether it had to be cut."""
    if len(description) <= DESCRIPTION_MAX_LENGTH:
        return description, False
    return description[: DESCRIPTION_MAX_LENGTH - 1].rstrip() + "…", True
