"""The v3 Catalog endpoints: summary, products and variants (products_catalog.v3.yml, product-variants_catalog.v3.yml).

v3 collections are {"data": [...], "meta": {"pagination": {...}}}; past the last page data is empty.
Money is a JSON number here, unlike v2.
"""

import math
import re
import unicodedata
from datetime import UTC, datetime
from urllib.parse import urlencode

from sandbox import query as params
from sandbox.apitypes import ApiError, ApiRequest, ApiResponse
from sandbox.catalog import Catalog
from sandbox.catalog_records import Product, Variant
from sandbox.dates import iso8601
from sandbox.inventory import InventoryLedger
from sandbox.money import v3_money
from sandbox.store import SandboxStore
from sandbox.vocabulary import CATEGORIES

_PAGE_PARAMS = {"page", "limit"}
_FIELD_PARAMS = {"include_fields", "exclude_fields"}
_PRODUCT_FILTERS = {"id", "id:in", "id:min", "id:max", "keyword", "sku", "sku:in", "name", "is_visible",
                    "date_modified:min", "date_modified:max", "sort", "direction", "include"}
_PRODUCT_SORTS = {"id", "name", "sku", "price", "date_modified"}
_VARIANT_FILTERS = {"id", "sku", "product_id:in"}
_NOT_FOUND = "The requested resource was not found."


def get_catalog_summary(store: SandboxStore, request: ApiRequest) -> ApiResponse:
    """GET /v3/catalog/summary."""
    params.reject_unsupported(request.query, set())
    summary = store.catalog.summary
    primary_id, primary_name = next(category for category in CATEGORIES if category[0] == 23)
    return ApiResponse(200, {"data": {
        "inventory_count": summary["inventory_count"],
        "inventory_value": float(summary["inventory_value"]),
        "primary_category_id": primary_id,
        "primary_category_name": primary_name,
        "variant_count": summary["variant_count"],
        "highest_variant_price": float(summary["highest_variant_price"]),
        "average_variant_price": round(float(summary["average_variant_price"]), 8),
        "lowest_variant_price": str(summary["lowest_variant_price"]),  # a string in the spec, unlike its neighbours
        "oldest_variant_date": iso8601(summary["oldest_variant_date"]),
        "newest_variant_date": iso8601(summary["newest_variant_date"]),
    }, "meta": {}})


def list_products(store: SandboxStore, request: ApiRequest) -> ApiResponse:
    """GET /v3/catalog/products with the filters, sorting and include=variants the product uses."""
    params.reject_unsupported(request.query, _PRODUCT_FILTERS | _PAGE_PARAMS | _FIELD_PARAMS)
    include = _product_includes(request.query)
    page, limit = params.paging(request.query)
    product_ids = _select_products(store.catalog, request.query)
    page_ids = product_ids[(page - 1) * limit:page * limit]
    data = [_fields(_product_json(store.catalog.product(product_id), include, store.inventory), request.query) for product_id in page_ids]
    return ApiResponse(200, {"data": data, "meta": pagination(request.query, len(product_ids), len(data), page, limit)})


def get_product(store: SandboxStore, request: ApiRequest, product_id: int) -> ApiResponse:
    """GET /v3/catalog/products/{product_id}."""
    params.reject_unsupported(request.query, {"include"} | _FIELD_PARAMS)
    product = _require_product(store.catalog, product_id)
    return ApiResponse(200, {"data": _fields(_product_json(product, _product_includes(request.query), store.inventory), request.query), "meta": {}})


def list_product_variants(store: SandboxStore, request: ApiRequest, product_id: int) -> ApiResponse:
    """GET /v3/catalog/products/{product_id}/variants."""
    params.reject_unsupported(request.query, _PAGE_PARAMS | _FIELD_PARAMS)
    product = _require_product(store.catalog, product_id)
    page, limit = params.paging(request.query)
    data = [_fields(_variant_json(variant, product, store.inventory), request.query) for variant in product.variants[(page - 1) * limit:page * limit]]
    return ApiResponse(200, {"data": data, "meta": pagination(request.query, len(product.variants), len(data), page, limit)})


def get_product_variant(store: SandboxStore, request: ApiRequest, product_id: int, variant_id: int) -> ApiResponse:
    """GET /v3/catalog/products/{product_id}/variants/{variant_id}."""
    params.reject_unsupported(request.query, _FIELD_PARAMS)
    product = _require_product(store.catalog, product_id)
    variant = product.variant(variant_id)
    if variant is None:
        raise ApiError(404, _NOT_FOUND)
    return ApiResponse(200, {"data": _fields(_variant_json(variant, product, store.inventory), request.query), "meta": {}})


def list_variants(store: SandboxStore, request: ApiRequest) -> ApiResponse:
    """GET /v3/catalog/variants: every variant of every live product, in id order."""
    params.reject_unsupported(request.query, _VARIANT_FILTERS | _PAGE_PARAMS | _FIELD_PARAMS)
    catalog = store.catalog
    page, limit = params.paging(request.query)
    variant_ids = _select_variants(catalog, request.query)
    data = []
    for variant_id in variant_ids[(page - 1) * limit:page * limit]:
        product = catalog.product(catalog.product_of_variant(variant_id))
        data.append(_fields(_variant_json(product.variant(variant_id), product, store.inventory), request.query))
    return ApiResponse(200, {"data": data, "meta": pagination(request.query, len(variant_ids), len(data), page, limit)})


def _require_product(catalog: Catalog, product_id: int) -> Product:
    if not catalog.exists(product_id):
        raise ApiError(404, _NOT_FOUND)
    return catalog.product(product_id)


def _product_includes(query: dict[str, str]) -> set[str]:
    include = params.includes(query)
    unknown = include - {"variants", "images", "custom_fields", "bulk_pricing_rules", "videos"}
    if unknown:
        raise ApiError(400, f"The sandbox does not support include={sorted(unknown)[0]} "
                            "(supported: variants, images, custom_fields, bulk_pricing_rules, videos).")
    return include


def _modified_bound(query: dict[str, str], name: str) -> int | None:
    # The spec: a date without a time of day gets the current time of the request added.
    value = query.get(name)
    if value and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        now = datetime.now(UTC)
        query = {name: f"{value.strip()}T{now:%H:%M:%S}+00:00"}
    return params.timestamp(query, name)


def _select_products(catalog: Catalog, query: dict[str, str]) -> list[int]:
    ids = catalog.live_ids
    if (exact_id := params.integer(query, "id")) is not None:
        ids = [exact_id] if catalog.exists(exact_id) else []
    if (wanted := params.integer_list(query, "id:in")) is not None:
        wanted_set = set(wanted)
        ids = [product_id for product_id in ids if product_id in wanted_set]
    lowest, highest = params.integer(query, "id:min"), params.integer(query, "id:max")
    modified_from, modified_to = _modified_bound(query, "date_modified:min"), _modified_bound(query, "date_modified:max")
    visible = params.boolean(query, "is_visible")
    ids = [product_id for product_id in ids
           if (lowest is None or product_id >= lowest) and (highest is None or product_id <= highest)
           and (modified_from is None or catalog.date_modified[product_id] >= modified_from)
           and (modified_to is None or catalog.date_modified[product_id] <= modified_to)
           and (visible is None or bool(catalog.visible[product_id]) == visible)]
    if "sku" in query:
        ids = [product_id for product_id in ids if catalog.skus[product_id] == query["sku"]]
    if "sku:in" in query:
        skus = set(query["sku:in"].split(","))
        ids = [product_id for product_id in ids if catalog.skus[product_id] in skus]
    if "name" in query:
        ids = [product_id for product_id in ids if catalog.names[product_id] == query["name"]]
    if keyword := query.get("keyword", "").strip().casefold():
        # BigCommerce also searches descriptions and brand names; the sandbox searches names and SKUs.
        ids = [product_id for product_id in ids
               if keyword in catalog.names[product_id].casefold() or keyword in catalog.skus[product_id].casefold()]
    return _sort_products(catalog, ids, query)


def _sort_products(catalog: Catalog, ids: list[int], query: dict[str, str]) -> list[int]:
    sort, direction = query.get("sort", "id"), query.get("direction", "asc")
    if sort not in _PRODUCT_SORTS or direction not in ("asc", "desc"):
        raise ApiError(400, f"sort must be one of {', '.join(sorted(_PRODUCT_SORTS))} and direction asc or desc.")
    if sort != "id":
        # By attribute name: the name and SKU indexes are built on first use, only when sorted on.
        values = getattr(catalog, {"name": "names", "sku": "skus", "price": "price_cents", "date_modified": "date_modified"}[sort])
        ids = sorted(ids, key=lambda product_id: (values[product_id], product_id))
    return ids[::-1] if direction == "desc" else ids


def _select_variants(catalog: Catalog, query: dict[str, str]) -> list[int]:
    product_ids = catalog.live_ids
    if (wanted := params.integer_list(query, "product_id:in")) is not None:
        product_ids = [product_id for product_id in wanted if catalog.exists(product_id)]
        product_ids.sort()
    variant_ids = [variant_id for product_id in product_ids for variant_id in catalog.variant_ids_of(product_id)]
    if (exact_id := params.integer(query, "id")) is not None:
        variant_ids = [variant_id for variant_id in variant_ids if variant_id == exact_id]
    if "sku" in query:
        variant_ids = [variant_id for variant_id in variant_ids if catalog.variant_skus.get(variant_id) == query["sku"]]
    return variant_ids


def pagination(query: dict[str, str], total: int, count: int, page: int, limit: int) -> dict:
    """The v3 `meta` of a page: totals and links that keep the other query parameters."""
    total_pages = math.ceil(total / limit)
    others = {name: value for name, value in query.items() if name not in _PAGE_PARAMS}

    def link(page_number: int) -> str:
        return "?" + urlencode({**others, "page": page_number, "limit": limit})

    links = {"current": link(page)}
    if page > 1:
        links["previous"] = link(page - 1)
    if page < total_pages:
        links["next"] = link(page + 1)
    return {"pagination": {"total": total, "count": count, "per_page": limit, "current_page": page,
                           "total_pages": total_pages, "links": links}}


def _fields(record: dict, query: dict[str, str]) -> dict:
    """Apply include_fields / exclude_fields; the id always stays, as on BigCommerce."""
    included = {name for name in query.get("include_fields", "").split(",") if name}
    excluded = {name for name in query.get("exclude_fields", "").split(",") if name} - {"id"}
    if included:
        record = {name: value for name, value in record.items() if name in included | {"id", "variants"}}
    return {name: value for name, value in record.items() if name not in excluded}


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-") or "product"


def _product_json(product: Product, include: set[str], inventory: InventoryLedger) -> dict:
    record = {
        "id": product.id,
        "name": product.name,
        "type": product.type,
        "sku": product.sku,
        "description": product.description,
        "weight": float(product.weight),
        "width": 0,
        "depth": 0,
        "height": 0,
        "price": v3_money(product.price),
        "cost_price": v3_money(product.cost_price),
        "retail_price": v3_money(product.retail_price),
        "sale_price": v3_money(product.sale_price),
        "map_price": 0,
        "tax_class_id": 0,
        "product_tax_code": "",
        "calculated_price": v3_money(product.calculated_price),
        "categories": list(product.categories),
        "brand_id": product.brand_id,
        "inventory_level": inventory.product_level(product),
        "inventory_warning_level": 0,
        "inventory_tracking": product.inventory_tracking,
        "reviews_rating_sum": 0,
        "reviews_count": 0,
        "total_sold": product.total_sold,
        "fixed_cost_shipping_price": 0,
        "is_free_shipping": False,
        "is_visible": product.is_visible,
        "is_featured": product.is_featured,
        "related_products": [-1],
        "warranty": "",
        "bin_picking_number": "",
        "layout_file": "product.html",
        "upc": product.upc,
        "mpn": "",
        "gtin": "",
        "search_keywords": "",
        "availability": "available",
        "availability_description": "",
        "gift_wrapping_options_type": "any",
        "gift_wrapping_options_list": [],
        "sort_order": 0,
        "condition": "New",
        "is_condition_shown": False,
        "order_quantity_minimum": 0,
        "order_quantity_maximum": 0,
        "page_title": "",
        "meta_keywords": [],
        "meta_description": "",
        "date_created": iso8601(product.date_created),
        "date_modified": iso8601(product.date_modified),
        "view_count": 0,
        "preorder_release_date": None,
        "preorder_message": "",
        "is_preorder_only": False,
        "is_price_hidden": False,
        "price_hidden_label": "",
        "custom_url": {"url": f"/{_slug(product.name)}-{product.id}/", "is_customized": False},
        # BigCommerce: the base variant's id for a simple product, null for one with options.
        "base_variant_id": None if product.has_options else product.variants[0].id,
        "open_graph_type": "product",
        "open_graph_title": "",
        "open_graph_description": "",
        "open_graph_use_meta_description": True,
        "open_graph_use_product_name": True,
        "open_graph_use_image": True,
    }
    if "variants" in include:
        record["variants"] = [_variant_json(variant, product, inventory) for variant in product.variants]
    for empty in include - {"variants"}:
        record[empty] = []  # the sandbox's products have no images, custom fields, pricing rules or videos
    return record


def _variant_json(variant: Variant, product: Product, inventory: InventoryLedger) -> dict:
    return {
        "id": variant.id,
        "product_id": product.id,
        "sku": variant.sku,
        "sku_id": variant.id if variant.option_values else None,
        "price": v3_money(variant.price),
        "calculated_price": v3_money(variant.calculated_price),
        "sale_price": v3_money(variant.sale_price),
        "retail_price": None,
        "cost_price": v3_money(product.cost_price),
        "weight": None,  # inherits the product's weight
        "calculated_weight": float(product.weight),
        "width": None,
        "height": None,
        "depth": None,
        "is_free_shipping": False,
        "fixed_cost_shipping_price": None,
        "purchasing_disabled": False,
        "purchasing_disabled_message": "",
        "image_url": "",
        "upc": "",
        "mpn": "",
        "gtin": "",
        "inventory_level": inventory.variant_level(product, variant),
        "inventory_warning_level": 0,
        "bin_picking_number": "",
        "option_values": [{"id": value.value_id, "label": value.label, "option_id": value.option_id,
                           "option_display_name": value.option_name} for value in variant.option_values],
    }
