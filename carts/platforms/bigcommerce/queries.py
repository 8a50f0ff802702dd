"""The query parameters BigCommerce's order, catalog and refund listings take, as the client sends them."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from carts.platforms.base import OrderQuery

# The product fields an items import reads; the rest of a product record is not sent (smaller pages).
# The type (physical or digital) makes a digital product a non-stock item.
CATALOG_PRODUCT_FIELDS = "name,sku,price,type"


def order_query_params(query: OrderQuery) -> dict[str, Any]:
    """The GET /v2/orders query parameters for a query, without the ones left unset (v2 takes one status id)."""
    params: dict[str, Any] = {}
    if query.status_id is not None:
        params["status_id"] = query.status_id
    if query.created_from is not None:
        params["min_date_created"] = query.created_from.isoformat()
    if query.modified_from is not None:
        params["min_date_modified"] = query.modified_from.isoformat()
    if query.min_id is not None:
        params["min_id"] = query.min_id
    if query.max_id is not None:
        params["max_id"] = query.max_id
    if query.email:
        params["email"] = query.email
    return params


def catalog_product_params(*, keyword: str = "", product_ids: Sequence[int] = (), sort: str = "id",
                           direction: str = "asc") -> dict[str, Any]:
    """GET /v3/catalog/products parameters: products with their variants, only the fields an import reads, by id."""
    params: dict[str, Any] = {"include": "variants", "include_fields": CATALOG_PRODUCT_FIELDS, "sort": sort}
    if direction != "asc":
        params["direction"] = direction
    if keyword:
        params["keyword"] = keyword
    if product_ids:
        params["id:in"] = ",".join(str(product_id) for product_id in product_ids)
    return params


# Orders with their lines (and shipping addresses, in the consignments) and fees in the same call,
# so an import costs one request per page of orders, not one per order (orders.v2.oas2.yml, order_includes).
ORDER_WITH_LINES_PARAMS: dict[str, str] = {"include": "consignments.line_items,fees", "consignment_structure": "object"}
# Refunds of many orders in one request (orders.v3.yml, getOrdersRefunds); v2's refunded_amount "always returns 0".
REFUNDS_PATH = "/orders/payment_actions/refunds"
