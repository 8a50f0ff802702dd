"""The v3 Inventory endpoints (inventory.v3.yml): absolute adjustments and the inventory items at the store's location."""

from sandbox import query as params
from sandbox.apitypes import ERROR_TYPE_URL, ApiRequest, ApiResponse
from sandbox.api_v3 import pagination
from sandbox.inventory import DEFAULT_LOCATION_ID, InventoryRefused, Item
from sandbox.store import SandboxStore

_ITEM_FILTERS = {"variant_id:in", "product_id:in", "sku:in", "location_id:in", "page", "limit"}
MAX_ITEMS_PAGE = 1_000  # inventory.v3.yml: "Limit of 1000 items for payload length"


def adjust_absolute(store: SandboxStore, request: ApiRequest) -> ApiResponse:
    """PUT /v3/inventory/adjustments/absolute: set levels, all items or none; 422 lists every item refused."""
    params.reject_unsupported(request.query, set())
    body = request.json_body()
    if not isinstance(body, dict) or not isinstance(body.get("items"), list):
        return _unprocessable("JSON data is missing or invalid", {"items": "a list of items is required"})
    if "reason" in body and not isinstance(body["reason"], str):
        return _unprocessable("JSON data is missing or invalid", {"reason": "must be a string"})
    try:
        adjustment = store.adjust_inventory(body["items"], reason=body.get("reason", ""), source="api")
    except InventoryRefused as error:
        return _unprocessable(str(error), {})
    return ApiResponse(200, {"transaction_id": adjustment.transaction_id})


def list_items(store: SandboxStore, request: ApiRequest) -> ApiResponse:
    """GET /v3/inventory/items: every tracked item with its level at the store's one location."""
    params.reject_unsupported(request.query, _ITEM_FILTERS)
    page = params.integer(request.query, "page", minimum=1) or 1
    limit = min(params.integer(request.query, "limit", minimum=1) or 50, MAX_ITEMS_PAGE)
    locations = params.integer_list(request.query, "location_id:in")
    items = [] if locations is not None and DEFAULT_LOCATION_ID not in locations else _selected_items(store, request.query)
    data = [_item_json(store, item) for item in items[(page - 1) * limit:page * limit]]
    return ApiResponse(200, {"data": data, "meta": pagination(request.query, len(items), len(data), page, limit)})


def _selected_items(store: SandboxStore, query: dict[str, str]) -> list[Item]:
    catalog = store.catalog
    variant_ids = params.integer_list(query, "variant_id:in")
    product_ids = params.integer_list(query, "product_id:in")
    skus = {sku for sku in query.get("sku:in", "").split(",") if sku} if "sku:in" in query else None
    if variant_ids is not None:
        candidates = sorted({catalog.product_of_variant(variant_id) for variant_id in variant_ids} - {None})
    elif product_ids is not None:
        candidates = sorted(set(product_ids))
    elif skus is not None:
        candidates = sorted({catalog.product_of_variant(variant_id) for sku in skus
                             for variant_id in catalog.variant_ids_by_sku.get(sku, [])})
    else:
        candidates = catalog.live_ids
    items = [item for product_id in candidates if catalog.exists(product_id)
             for item in store.inventory.items(catalog.product(product_id))]
    return [item for item in items
            if (variant_ids is None or (item.variant and item.variant.id in variant_ids)
                or (not item.variant and item.product.variants[0].id in variant_ids))
            and (product_ids is None or item.product.id in product_ids)
            and (skus is None or item.sku in skus)]


def _item_json(store: SandboxStore, item: Item) -> dict:
    identity = {"sku": item.sku, "product_id": item.product.id}
    if item.variant is not None:
        identity["variant_id"] = item.variant.id
        if item.variant.option_values:
            identity["sku_id"] = item.variant.id
    elif not item.product.has_options:
        identity["variant_id"] = item.product.variants[0].id  # a simple product's base variant
    level = store.inventory.level(item)
    return {"identity": identity, "locations": [{
        "location_id": DEFAULT_LOCATION_ID, "location_code": "BC-LOCATION-1", "location_name": "Default location",
        "available_to_sell": level, "total_inventory_onhand": level, "location_enabled": True,
        "settings": {"safety_stock": 0, "is_in_stock": level > 0, "warning_level": 0, "bin_picking_number": ""},
    }]}


def _unprocessable(title: str, errors: dict[str, str]) -> ApiResponse:
    # The spec's 422 is application/problem+json.
    return ApiResponse(422, {"status": 422, "title": title, "type": ERROR_TYPE_URL, "errors": errors},
                       headers={"Content-Type": "application/problem+json"})

