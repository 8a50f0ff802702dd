"""BigCommerce catalog products as variants an item would take: SKU, description and price.

Pure functions over the v3 payload (products_catalog.v3.yml with include=variants); a product of the
wrong shape is InvalidResponse naming it.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from carts.platforms.base import CatalogVariant
from carts.platforms.bigcommerce.answers import answer_read

OPTION_SEPARATOR = " — "


def product_variants(product: dict[str, Any]) -> list[CatalogVariant]:
    """The variants of one product (a simple product has its base variant only)."""
    from orders.mapping.fields import identifier, objects, text  # the typed readers, until they move here

    with answer_read("/catalog/products"):
        product_id = identifier(product.get("id"), what="a product's id")
        name = text(product.get("name"))
        product_price = price(product.get("price"))
        is_digital = text(product.get("type")).lower() == "digital"  # products_catalog.v3.yml: physical or digital
        variants = []
        for variant in objects(product.get("variants"), what=f"product {product_id}'s variants"):
            variant_price = price(variant.get("price"))
            variants.append(
                CatalogVariant(
                    product_id=product_id,
                    variant_id=identifier(variant.get("id"), what=f"a variant id of product {product_id}"),
                    sku=text(variant.get("sku")),
                    description=variant_description(name, objects(
                        variant.get("option_values"), what=f"the option values of a variant of product {product_id}")),
                    unit_price=variant_price if variant_price is not None else product_price,
                    product_name=name,
                    is_digital=is_digital,
                )
            )
    return variants


def variant_description(product_name: str, option_values: list[dict[str, Any]]) -> str:
    """'T-shirt — Size: L, Colour: Red' from the variant's option_values; the name alone without options."""
    from orders.mapping.fields import text

    labels = ", ".join(f"{text(value.get('option_display_name'))}: {text(value.get('label'))}" for value in option_values)
    return f"{product_name}{OPTION_SEPARATOR}{labels}" if labels else product_name


def price(value: Any) -> Decimal | None:
    """A v3 price (a JSON number) as Decimal to 4 places, read as orders read amounts; None when unusable."""
    from orders.mapping import OrderMappingError, money  # the one money reader, until it moves behind this seam

    try:
        return money(value, what="price")
    except OrderMappingError:
        return None
