"""Catalog products to item rows, from a JSON fixture shaped like products_catalog.v3.yml (no database)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from items.mapping import CartItemRow, fitted_description, money, product_rows, row_refusal, variant_description
from tests.carts.conftest import fixture_json


@pytest.fixture
def products() -> list[dict]:
    return fixture_json("catalog_products_with_variants.json")["data"]


def test_a_product_with_variants_gives_one_row_per_variant_named_with_its_options(products) -> None:
    rows = product_rows(products[0])
    assert [(row.product_id, row.variant_id, row.sku) for row in rows] == [(77, 380, "TSHIRT-L-RED"), (77, 381, "TSHIRT-M-BLUE")]
    assert rows[0].description == "T-shirt — Size: L, Colour: Red"
    assert rows[1].description == "T-shirt — Size: M, Colour: Blue"


def test_a_variant_price_wins_and_a_null_one_inherits_the_product_price(products) -> None:
    own, inherited = product_rows(products[0])
    assert own.unit_price == Decimal("14.9900")
    assert inherited.unit_price == Decimal("12.5000")
    assert isinstance(inherited.unit_price, Decimal)


def test_a_simple_product_is_its_base_variant_with_the_plain_name_and_a_trimmed_sku(products) -> None:
    (row,) = product_rows(products[1])
    assert (row.variant_id, row.sku, row.description, row.unit_price) == (64, "OTL", "Orbit Terrarium - Large", Decimal("109.0000"))


def test_money_keeps_what_the_store_sent_exactly_to_four_places() -> None:
    assert money(0.1) == Decimal("0.1000")
    assert money(19.99) == Decimal("19.9900")
    assert money(3.333) == Decimal("3.3330")
    assert money(None) is None and money("n/a") is None and money(True) is None and money(float("nan")) is None


def test_an_empty_sku_is_refused_with_how_to_fix_it(products) -> None:
    (row,) = product_rows(products[2])
    assert "has no SKU in BigCommerce" in row_refusal(row)


def test_a_sku_longer_than_the_field_is_refused_never_cut() -> None:
    row = CartItemRow(1, 2, "S" * 101, "Long", Decimal("1.0000"), "Long")
    assert "101 characters long" in row_refusal(row) and "never cut short" in row_refusal(row)
    assert row_refusal(CartItemRow(1, 2, "S" * 100, "Ok", Decimal("1.0000"), "Ok")) == ""


def test_a_missing_or_negative_price_is_refused() -> None:
    assert "no price" in row_refusal(CartItemRow(1, 2, "A", "A", None, "A"))
    assert "outside what Salesorder can store" in row_refusal(CartItemRow(1, 2, "A", "A", Decimal("-1.0000"), "A"))


def test_a_description_longer_than_the_field_is_shortened_and_says_so() -> None:
    long_name = "N" * 250
    description = variant_description(long_name, [{"option_display_name": "Size", "label": "XL"}])
    fitted, shortened = fitted_description(description)
    assert shortened and len(fitted) == 255 and fitted.endswith("…")
    assert fitted_description("Short") == ("Short", False)


def test_the_reference_names_the_sku_the_product_and_its_ids(products) -> None:
    row = product_rows(products[0])[0]
    assert row.reference == "SKU TSHIRT-L-RED · T-shirt — Size: L, Colour: Red (product 77, variant 380)"
