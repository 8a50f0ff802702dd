"""Catalog products to variants, from a JSON fixture shaped like products_catalog.v3.yml (no database)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from carts.platforms.bigcommerce.catalog import price, product_variants
from tests.carts.platforms.bigcommerce.conftest import fixture_json


@pytest.fixture
def products() -> list[dict]:
    return fixture_json("catalog_products_with_variants.json")["data"]


def test_a_product_with_variants_gives_one_row_per_variant_named_with_its_options(products) -> None:
    rows = product_variants(products[0])
    assert [(row.product_id, row.variant_id, row.sku) for row in rows] == [(77, 380, "TSHIRT-L-RED"), (77, 381, "TSHIRT-M-BLUE")]
    assert rows[0].description == "T-shirt — Size: L, Colour: Red"
    assert rows[1].description == "T-shirt — Size: M, Colour: Blue"


def test_a_variant_price_wins_and_a_null_one_inherits_the_product_price(products) -> None:
    own, inherited = product_variants(products[0])
    assert own.unit_price == Decimal("14.9900")
    assert inherited.unit_price == Decimal("12.5000")
    assert isinstance(inherited.unit_price, Decimal)


def test_a_simple_product_is_its_base_variant_with_the_plain_name_and_a_trimmed_sku(products) -> None:
    (row,) = product_variants(products[1])
    assert (row.variant_id, row.sku, row.description, row.unit_price) == (64, "OTL", "Orbit Terrarium - Large", Decimal("109.0000"))


def test_money_keeps_what_the_store_sent_exactly_to_four_places() -> None:
    assert price(0.1) == Decimal("0.1000")
    assert price(19.99) == Decimal("19.9900")
    assert price(3.333) == Decimal("3.3330")
    assert price(None) is None and price("n/a") is None and price(True) is None and price(float("nan")) is None


def test_the_reference_names_the_sku_the_product_and_its_ids(products) -> None:
    row = product_variants(products[0])[0]
    assert row.reference == "SKU TSHIRT-L-RED · T-shirt — Size: L, Colour: Red (product 77, variant 380)"
