"""BigCommerce catalog products as variants an item would take: SKU, description and price.

Pure functions over the v3 payload (products_catalog.v3.yml with include=variants).
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from carts.platforms.base import CatalogVariant

OPTION_SEPARATOR = " — "


def product_variants(product: dict[str, Any]) -> list[CatalogVariant]:
    """The variants of one product (a simple product has its base variant only)."""
    product_id = int(product["id"])
    name = str(product.get("name") or "").strip()
    product_price = price(product.get("price"))
    is_digital = str(product.get("type") or "").strip().lower() == "digital"  # products_catalog.v3.yml: physical or digital
    variants = []
    for variant in product.get("variants") or []:
        variant_price = price(variant.get("price"))
        variants.append(
            CatalogVariant(
                product_id=product_id,
                variant_id=int(variant["id"]),
                sku=str(variant.get("sku") or "").strip(),
                description=variant_description(name, variant.get("option_values") or []),
                unit_price=variant_price if variant_price is not None else product_price,
                product_name=name,
                is_digital=is_digital,
            )
        )
    return variants


def variant_description(product_name: str, option_values: list[dict[str, Any]]) -> str:
    """'T-shirt — Size: L, Colour: Red' from the variant's option_values; the name alone without options."""
    labels = ", ".join(
        f"{value.get('option_display_name', '')}: {value.get('label', '')}" for value in option_values
    )
    return f"{product_name}{OPTION_SEPARATOR}{labels}" if labels else product_name


def price(value: Any) -> Decimal | None:
    """A v3 price (a JSON number) as Decimal to 4 places, read as orders read amounts; None when unusable."""
    from orders.mapping import OrderMappingError, money  # the one money reader, until it moves behind this seam

    try:
        return money(value, what="price")
    except OrderMappingError:
        return None
