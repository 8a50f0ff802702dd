"""Stock levels in a BigCommerce store: each variant's tracking and level (Catalog API), and absolute adjustments.

Reading: GET /v3/catalog/products?id:in=…&include=variants with only the inventory fields, 250 products a
request. Setting: PUT /v3/inventory/adjustments/absolute (inventory.v3.yml), up to 2,000 items a
request, at the store's default location. A product tracked "by product" keeps one level: it is set by
product id, and only for a product of one variant (a level shared by several variants is not a
variant's to set). The store's tracking setting is never changed.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from carts.platforms.fulfilment import StockBatch, StockSetting, VariantStock
from carts.platforms.bigcommerce.answers import answer_read
from carts.platforms.bigcommerce.client import BigCommerceClient
from carts.platforms.bigcommerce.constants import MAX_PAGE_SIZE
from carts.platforms.bigcommerce.errors import NotFound, RequestRejected

ABSOLUTE_ADJUSTMENTS_PATH = "/inventory/adjustments/absolute"
MAX_ADJUSTMENT_ITEMS = 2_000  # inventory.v3.yml: "Limit of 2000 items for payload length"
DEFAULT_LOCATION_ID = 1  # the store's default location
STOCK_PRODUCT_FIELDS = "inventory_tracking,inventory_level"
NOT_TRACKED = ("the product does not track inventory in the store (its inventory tracking is off); switch tracking "
               "on for it in the store to push its stock. Salesorder never changes that setting.")


def tracked_by_product_text(variants: int) -> str:
    return (f"the store tracks one stock level for the whole product, shared by its {variants} variants; set the "
            "product to track inventory by variant in the store to push each variant's level.")


def read_variant_stock(client: BigCommerceClient, variants: Sequence[tuple[int, int]],
                       by_product: set[int]) -> Iterator[VariantStock]:
    """The stock of these variants, a request per 250 products; adds to `by_product` each product set by its id."""
    from orders.mapping.fields import identifier, text, whole_number  # the typed readers, until they move here

    wanted: dict[int, set[int]] = {}
    for product_id, variant_id in variants:
        wanted.setdefault(product_id, set()).add(variant_id)
    product_ids = sorted(wanted)
    for start in range(0, len(product_ids), MAX_PAGE_SIZE):
        chunk = product_ids[start:start + MAX_PAGE_SIZE]
        params = {"id:in": ",".join(map(str, chunk)), "include": "variants", "include_fields": STOCK_PRODUCT_FIELDS}
        page = client.get_v3_page("/catalog/products", params, page=1, limit=MAX_PAGE_SIZE)
        with answer_read("/catalog/products"):
            for product in page.items:
                product_id = identifier(product.get("id"), what="a product's id")
                tracking = text(product.get("inventory_tracking"))
                product_variants = [variant for variant in product.get("variants") or [] if isinstance(variant, dict)]
                for variant in product_variants:
                    variant_id = identifier(variant.get("id"), what="a variant's id")
                    if variant_id not in wanted.get(product_id, ()):
                        continue
                    if tracking == "product" and len(product_variants) == 1:
                        by_product.add(product_id)
                        level = whole_number(product.get("inventory_level"), what="a product's inventory_level")
                        yield VariantStock(product_id, variant_id, level)
                    elif tracking == "product":
                        yield VariantStock(product_id, variant_id, None, tracked_by_product_text(len(product_variants)))
                    elif tracking == "variant":
                        level = whole_number(variant.get("inventory_level"), what="a variant's inventory_level")
                        yield VariantStock(product_id, variant_id, level)
                    else:
                        yield VariantStock(product_id, variant_id, None, NOT_TRACKED)


def inventory_modify_probe(client: BigCommerceClient) -> None:
    """Prove the Store Inventory: modify scope without changing anything: an absolute adjustment of variant 0 (ids
    start at 1) is refused as invalid (422) with the scope, and 403 without it; no level is ever set."""
    try:
        client.request("PUT", "v3", ABSOLUTE_ADJUSTMENTS_PATH,
                       json_body={"reason": "scope check", "items": [{"location_id": DEFAULT_LOCATION_ID, "variant_id": 0,
                                                                      "quantity": 0}]})
    except (RequestRejected, NotFound):
        return


def adjustment_item(setting: StockSetting, by_product: set[int]) -> dict[str, Any]:
    """One item of an absolute adjustment: by product id for a product tracked by product, else by variant id."""
    identity = ({"product_id": setting.product_id} if setting.product_id in by_product
                else {"variant_id": setting.variant_id})
    return {"location_id": DEFAULT_LOCATION_ID, **identity, "quantity": setting.quantity}


def set_stock_levels(client: BigCommerceClient, settings: Sequence[StockSetting], *, reason: str,
                     by_product: set[int]) -> Iterator[StockBatch]:
    """PUT /v3/inventory/adjustments/absolute, 2,000 items a request; a batch the store refuses (422) is yielded
    with its reason. An absolute level is the same however often it is sent, so the client may retry the PUT."""
    for start in range(0, len(settings), MAX_ADJUSTMENT_ITEMS):
        batch = tuple(settings[start:start + MAX_ADJUSTMENT_ITEMS])
        body = {"reason": reason, "items": [adjustment_item(setting, by_product) for setting in batch]}
        try:
            client.request("PUT", "v3", ABSOLUTE_ADJUSTMENTS_PATH, json_body=body)
        except RequestRejected as refused:
            yield StockBatch(batch, refused=refused.message)
        else:
            yield StockBatch(batch)
