"""Fixtures for the sandbox store's tests: fresh small stores, API sessions and the official OpenAPI specs."""

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import yaml
from openapi_core import Config, OpenAPI

from sandbox.server import SandboxServer

# The official specs, kept with the tests; BIGCOMMERCE_REFERENCE points at another copy (e.g. a newer snapshot).
REFERENCE = Path(os.environ.get("BIGCOMMERCE_REFERENCE",
                                Path(__file__).resolve().parents[1] / "fixtures" / "bigcommerce" / "openapi"))
SPEC_FILES = {
    "orders": "orders.v2.oas2.yml",
    "store": "store_information.v2.yml",
    "products": "products_catalog.v3.yml",
    "variants": "product-variants_catalog.v3.yml",
    "orders_v3": "orders.v3.yml",
    "inventory": "inventory.v3.yml",
    "webhooks": "webhooks.v3.yml",
}


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    """A fresh small store (40 products, 30 orders, unlimited plan), stopped after the test."""
    with SandboxServer(products=40, orders=30) as server:
        yield server


def api_session(server: SandboxServer, account: str = "full") -> requests.Session:
    """A pooled session authenticated as one of the sandbox's accounts, as the product's client sends."""
    session = requests.Session()
    session.headers.update({"X-Auth-Token": server.accounts[account].access_token, "Accept": "application/json",
                            "Content-Type": "application/json"})
    return session


def v2(server: SandboxServer, path: str) -> str:
    """The URL of a v2 endpoint."""
    return f"{server.base_url}/stores/{server.store.store_hash}/v2{path}"


def v3(server: SandboxServer, path: str) -> str:
    """The URL of a v3 endpoint."""
    return f"{server.base_url}/stores/{server.store.store_hash}/v3{path}"


def without_links(orders: list[dict]) -> list[dict]:
    """Orders without their resource links, which carry each server's port."""
    links = {"products", "shipping_addresses", "coupons", "consignments", "fees"}
    return [{key: value for key, value in order.items() if key not in links} for order in orders]


def _relax(node: object, name: str) -> object:
    """Fix the specs' own inconsistencies, each listed in docs/sandbox.md ("Where the specs are wrong")."""
    if isinstance(node, dict):
        node = {key: _relax(value, name) for key, value in node.items()}
        if name == "orders" and "oneOf" in node:
            # orders.v2: consignments and line_items offer oneOf alternatives that every object matches.
            node["anyOf"] = node.pop("oneOf")
        if node.pop("x-nullable", False):
            # product-variants: a Swagger 2 extension in an OpenAPI 3 file; real variants inherit with null.
            node["nullable"] = True
        if name == "orders_v3" and node.get("title") == "Refund Item":
            # RefundItem.requested_amount is a non-nullable number, but the spec's own refund example (and the
            # single-refund schema) has null for a product refunded by quantity.
            node["properties"]["requested_amount"] = {"type": "number", "nullable": True}
        if name == "webhooks" and node.get("minItems") == 1 and node.get("uniqueItems"):
            # webhooks_Resp: an account without hooks has an empty list, which minItems 1 would forbid.
            node.pop("minItems")
        for field in ("base_variant_id", "sku_id"):
            # Described as null for products with options (and their base SKU), but typed non-nullable.
            if isinstance(node.get(field), dict) and node[field].get("type") == "integer":
                node[field] = {**node[field], "nullable": True}
        return node
    if isinstance(node, list):
        return [_relax(item, name) for item in node]
    return node


@pytest.fixture(scope="session")
def specs() -> dict[str, OpenAPI]:
    """The shared BigCommerce specs, servers made relative so any sandbox port matches."""
    loaded = {}
    for name, file_name in SPEC_FILES.items():
        path = REFERENCE / file_name
        if not path.exists():
            pytest.fail(f"The BigCommerce spec {path} is missing; BIGCOMMERCE_REFERENCE must name a folder of the specs.")
        document = _relax(yaml.safe_load(path.read_text(encoding="utf-8")), name)
        version = "v2" if name in ("orders", "store") else "v3"
        document["servers"] = [{"url": f"/stores/{{store_hash}}/{version}", "variables": {"store_hash": {"default": "sandbox1"}}}]
        # inventory.v3's errors are application/problem+json, which is JSON.
        loaded[name] = OpenAPI.from_dict(document, config=Config(extra_media_type_deserializers={
            "application/problem+json": json.loads}))
    return loaded
