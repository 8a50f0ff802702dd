"""Absolute inventory adjustments: at most 2,000 items a request (inventory.v3.yml), a refused batch reported."""
from __future__ import annotations

import json
import math

import responses

from carts.platforms.fulfilment import StockSetting
from carts.platforms.bigcommerce.stock import set_stock_levels
from tests.carts.platforms.bigcommerce.conftest import V3

LIMIT = 2000  # inventory.v3.yml, PUT /inventory/adjustments/absolute: "Limit of 2000 items for payload length"


@responses.activate
def test_levels_go_in_batches_of_at_most_2000_items_by_variant_or_product(make_client) -> None:
    responses.put(f"{V3}/inventory/adjustments/absolute", json={"transaction_id": "t"})
    settings = [StockSetting(product_id=1 + n // 3, variant_id=1000 + n, quantity=n % 7) for n in range(4_001)]
    batches = list(set_stock_levels(make_client(), settings, reason="push", by_product={1}))
    assert len(responses.calls) == math.ceil(4_001 / LIMIT) == len(batches)
    bodies = [json.loads(call.request.body) for call in responses.calls]
    assert [len(body["items"]) for body in bodies] == [2000, 2000, 1]
    assert bodies[0]["reason"] == "push"
    assert bodies[0]["items"][0] == {"location_id": 1, "product_id": 1, "quantity": 0}  # product 1: one level
    assert bodies[0]["items"][3] == {"location_id": 1, "variant_id": 1003, "quantity": 3}
    assert all(not batch.refused for batch in batches)


@responses.activate
def test_a_refused_batch_is_reported_and_the_rest_go_on(make_client) -> None:
    responses.put(f"{V3}/inventory/adjustments/absolute", status=422,
                  json={"status": 422, "title": "[Item with variant_id 106 is tracked by product]"})
    responses.put(f"{V3}/inventory/adjustments/absolute", json={"transaction_id": "t"})
    settings = [StockSetting(product_id=1, variant_id=100 + n, quantity=1) for n in range(2_001)]
    first, second = set_stock_levels(make_client(), settings, reason="push", by_product=set())
    assert "tracked by product" in first.refused and len(first.settings) == 2000
    assert second.refused == "" and len(second.settings) == 1
