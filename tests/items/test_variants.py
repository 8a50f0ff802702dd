"""Whether a cart variant can become an item, and its description fitted (no database)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from carts.platforms.base import CatalogVariant
from carts.platforms.bigcommerce.catalog import product_variants, variant_description
from items.variants import fitted_description, variant_refusal
from tests.carts.platforms.bigcommerce.conftest import fixture_json


@pytest.fixture
def products() -> list[dict]:
    return fixture_json("catalog_products_with_variants.json")["data"]


def test_an_empty_sku_is_refused_with_how_to_fix_it(products) -> None:
    (row,) = product_variants(products[2])
    assert "has no SKU in BigCommerce" in variant_refusal(row)


def test_a_sku_longer_than_the_field_is_refused_never_cut() -> None:
    row = CatalogVariant(1, 2, "S" * 101, "Long", Decimal("1.0000"), "Long")
    assert "101 characters long" in variant_refusal(row) and "never cut short" in variant_refusal(row)
    assert variant_refusal(CatalogVariant(1, 2, "S" * 100, "Ok", Decimal("1.0000"), "Ok")) == ""


def test_a_missing_or_negative_price_is_refused() -> None:
    assert "no price" in variant_refusal(CatalogVariant(1, 2, "A", "A", None, "A"))
    assert "outside what Salesorder can store" in variant_refusal(CatalogVariant(1, 2, "A", "A", Decimal("-1.0000"), "A"))


def test_a_description_longer_than_the_field_is_shortened_and_says_so() -> None:
    long_name = "N" * 250
    description = variant_description(long_name, [{"option_display_name": "Size", "label": "XL"}])
    fitted, shortened = fitted_description(description)
    assert shortened and len(fitted) == 255 and fitted.endswith("…")
    assert fitted_description("Short") == ("Short", False)
