"""The v2 endpoints: store information, order statuses and orders (orders.v2.oas2.yml, store_information.v2.yml).

v2 collections are bare JSON arrays; past the last page (or for an empty collection) BigCommerce
answers 204 No Content.
"""

from decimal import Decimal

from sandbox import query as params
from sandbox.apitypes import ApiError, ApiRequest, ApiResponse
from sandbox.dates import now_timestamp
from sandbox.order_specs import EXCLUSIVE, RenderedOrder
from sandbox.orders import FIRST_ORDER_ID, OrderNotPlaceable
from sandbox.ratelimit import PLAN_NAMES
from sandbox.statuses import PENDING, STANDARD_STATUSES, STATUS_IDS
from sandbox.store import SandboxStore

_ORDER_FILTERS = {"status_id", "min_id", "max_id", "customer_id", "email", "min_date_created", "max_date_created",
                  "min_date_modified", "max_date_modified", "is_deleted", "channel_id"}
_ORDER_SORTS = {"id", "customer_id", "date_created", "date_modified", "status_id", "channel_id", "external_id"}
_INCLUDE_PARAMS = {"include", "consignment_structure"}
_PAGE_PARAMS = {"page", "limit"}


def _response(status: int, body: object | None) -> ApiResponse:
    return ApiResponse(status=status, body=body)


def _page_or_no_content(items: list, page: int, limit: int) -> ApiResponse:
    page_items = items[(page - 1) * limit:page * limit]
    return _response(200, page_items) if page_items else _response(204, None)


def get_store(store: SandboxStore, request: ApiRequest) -> ApiResponse:
    """GET /v2/store."""
    params.reject_unsupported(request.query, set())
    base_url = request.api_root.split("/stores/")[0]
    plan = PLAN_NAMES[store.plan_name]
    return _response(200, {
        "id": store.store_hash,
        "account_uuid": "8d4d492f-17a1-4d95-b396-e1c5720815a5",
        "domain": base_url.split("://", 1)[1],
        "secure_url": base_url,
        "control_panel_base_url": f"{base_url}/admin/",
        "status": "live",
        "name": "Salesorder Sandbox Store",
        "first_name": "Jane",
        "last_name": "Doe",
        "address": "455 Main Street, Austin, Texas 78751",
        "country": "United States",
        "country_code": "US",
        "phone": "555-123-4567",
        "admin_email": "jane.doe@example.com",
        "order_email": "orders@example.com",
        "favicon_url": "",
        "timezone": {"name": "America/Chicago", "raw_offset": -21600, "dst_offset": -18000, "dst_correction": True,
                     "date_format": {"display": "M jS Y", "export": "M jS Y", "extended_display": "M jS Y @ g:i A"}},
        "language": "en",
        "currency": "USD",
        "currency_symbol": "$",
        "decimal_separator": ".",
        "thousands_separator": ",",
        "decimal_places": 2,
        "currency_symbol_location": "left",
        "weight_units": "Ounces",
        "dimension_units": "Inches",
        "dimension_decimal_places": 2,
        "dimension_decimal_token": ".",
        "dimension_thousands_token": ",",
        "plan_name": plan,
        "plan_level": plan,
        "plan_is_trial": False,
        "industry": "Home & Garden",
        "logo": [],
        "is_price_entered_with_tax": store.orders.pricing != EXCLUSIVE,
        "store_id": store.store_id,
        "default_channel_id": 1,
        "default_site_id": 1000,
        "active_comparison_modules": [],
        "features": {"stencil_enabled": True, "sitewidehttps_enabled": False, "facebook_catalog_id": "",
                     "checkout_type": "optimized", "wishlists_enabled": False, "graphql_storefront_api_enabled": True,
                     "shopper_consent_tracking_enabled": False, "multi_storefront_enabled": False,
                     "storefront_limits": {"active": 1, "total_including_inactive": 1}},
    })


def get_time(store: SandboxStore, request: ApiRequest) -> ApiResponse:
    """GET /v2/time."""
    params.reject_unsupported(request.query, set())
    return _response(200, {"time": now_timestamp()})


def _status_json(store: SandboxStore, status_id: int) -> dict:
    status = STANDARD_STATUSES[status_id]
    return {"id": status.id, "name": status.name, "system_label": status.name,
            "custom_label": store.status_labels[status.id], "system_description": status.description,
            "order": status.sort_order}


def list_order_statuses(store: SandboxStore, request: ApiRequest) -> ApiResponse:
    """GET /v2/order_statuses: all 15, in id order, with the merchant's labels."""
    params.reject_unsupported(request.query, set())
    return _response(200, [_status_json(store, status.id) for status in STANDARD_STATUSES])


def get_order_status(store: SandboxStore, request: ApiRequest, status_id: int) -> ApiResponse:
    """GET /v2/order_statuses/{status_id}."""
    if status_id not in STATUS_IDS:
        raise ApiError(404, "The requested resource was not found.")
    return _response(200, _status_json(store, status_id))


def _select_orders(store: SandboxStore, query: dict[str, str]) -> list[int]:
    """Order ids matching the v2 filters, sorted as asked (default: id ascending)."""
    book = store.orders
    count = len(book.status_ids)
    min_id, max_id = params.integer(query, "min_id"), params.integer(query, "max_id")
    status_id, customer_id = params.integer(query, "status_id"), params.integer(query, "customer_id")
    created_from, created_to = params.timestamp(query, "min_date_created"), params.timestamp(query, "max_date_created")
    modified_from, modified_to = params.timestamp(query, "min_date_modified"), params.timestamp(query, "max_date_modified")
    archived = bool(params.boolean(query, "is_deleted"))
    channel_id = params.integer(query, "channel_id")
    email = query.get("email", "").strip().lower()
    sort_field, _, direction = query.get("sort", "id").partition(":")
    if sort_field not in _ORDER_SORTS or direction not in ("", "asc", "desc"):
        raise ApiError(400, f"The parameter 'sort' must be one of {', '.join(sorted(_ORDER_SORTS))} "
                            f"with an optional :asc or :desc, got '{query.get('sort')}'.")
    if channel_id not in (None, 1):
        return []  # every sandbox order was placed on the default channel, 1
    first = max(0, (min_id if min_id is not None else FIRST_ORDER_ID) - FIRST_ORDER_ID)
    last = min(count, (max_id if max_id is not None else FIRST_ORDER_ID + count) - FIRST_ORDER_ID + 1)
    statuses, created, modified = book.status_ids, book.date_created, book.date_modified
    selected = [
        position for position in range(first, last)
        if book.archived[position] == archived
        and (status_id is None or statuses[position] == status_id)
        and (customer_id is None or book.customer_ids[position] == customer_id)
        and (created_from is None or created[position] >= created_from)
        and (created_to is None or created[position] <= created_to)
        and (modified_from is None or modified[position] >= modified_from)
        and (modified_to is None or modified[position] <= modified_to)
    ]
    if email:
        selected = [position for position in selected if book.email_of(FIRST_ORDER_ID + position).lower() == email]
    sort_keys = {"customer_id": book.customer_ids, "date_created": created, "date_modified": modified, "status_id": statuses}
    if sort_field in sort_keys:
        values = sort_keys[sort_field]
        selected.sort(key=lambda position: (values[position], position), reverse=direction == "desc")
    elif direction == "desc":
        selected.reverse()
    return [FIRST_ORDER_ID + position for position in selected]


def list_orders(store: SandboxStore, request: ApiRequest) -> ApiResponse:
    """GET /v2/orders."""
    params.reject_unsupported(request.query, _ORDER_FILTERS | _PAGE_PARAMS | _INCLUDE_PARAMS | {"sort"})
    page, limit = params.paging(request.query)
    include = _valid_includes(request.query)
    page_ids = _select_orders(store, request.query)[(page - 1) * limit:page * limit]
    if not page_ids:
        return _response(204, None)
    return _response(200, [_order_json(store.order(order_id), request, include) for order_id in page_ids])


def count_orders(store: SandboxStore, request: ApiRequest) -> ApiResponse:
    """GET /v2/orders/count: per status, in control-panel order, plus the total."""
    params.reject_unsupported(request.query, _ORDER_FILTERS)
    selected = _select_orders(store, request.query)
    counts = dict.fromkeys(STATUS_IDS, 0)
    for order_id in selected:
        counts[store.orders.status_ids[store.orders.position(order_id)]] += 1
    rows = []
    for status in sorted(STANDARD_STATUSES, key=lambda status: status.sort_order):
        row = _status_json(store, status.id)
        del row["order"]
        rows.append({**row, "count": counts[status.id], "sort_order": status.sort_order})
    return _response(200, {"statuses": rows, "count": len(selected)})


def get_order(store: SandboxStore, request: ApiRequest, order_id: int) -> ApiResponse:
    """GET /v2/orders/{order_id}, optionally with include=consignments.line_items&consignment_structure=object."""
    params.reject_unsupported(request.query, _INCLUDE_PARAMS)
    return _response(200, _order_json(_require_order(store, order_id), request, _valid_includes(request.query)))


def create_order(store: SandboxStore, request: ApiRequest) -> ApiResponse:
    """POST /v2/orders with catalog products; answers 201 Created like every BigCommerce POST."""
    params.reject_unsupported(request.query, _INCLUDE_PARAMS)
    body = request.json_body()
    if not isinstance(body, dict):
        raise ApiError(400, "The request body must be a JSON object.")
    _reject_unsupported_fields(body, {"products", "billing_address", "status_id", "customer_id", "customer_message",
                                      "payment_method", "external_source"})
    billing = body.get("billing_address")
    if not isinstance(billing, dict):
        raise ApiError(400, "The required field 'billing_address' was not supplied.")
    if len(str(billing.get("zip", ""))) < 2:
        raise ApiError(400, "The billing address must include the ZIP code (two or more characters).")
    lines = [_catalog_line(product) for product in _products_of(body)]
    status_id = _status_id(body.get("status_id", PENDING))
    try:
        order_id = store.place_order(
            lines=lines, email=billing.get("email") or None, customer_id=_integer_field(body, "customer_id", 0),
            first_name=str(billing.get("first_name") or "Guest"), last_name=str(billing.get("last_name") or "Shopper"),
            status_id=status_id, customer_message=str(body.get("customer_message", "")), order_source="external",
            payment_method=str(body.get("payment_method", "Manual")), shipping_cents=0,
            billing_company=str(billing.get("company") or ""), billing_form_fields=_form_fields(billing))
    except OrderNotPlaceable as error:
        raise ApiError(400, str(error)) from None
    return _response(201, _order_json(store.order(order_id), request, _valid_includes(request.query)))


def update_order(store: SandboxStore, request: ApiRequest, order_id: int) -> ApiResponse:
    """PUT /v2/orders/{order_id}: status_id and is_deleted; a status change bumps date_modified."""
    body = request.json_body()
    if not isinstance(body, dict):
        raise ApiError(400, "The request body must be a JSON object.")
    _require_order(store, order_id)
    _reject_unsupported_fields(body, {"status_id", "is_deleted"})
    if "status_id" in body:
        store.set_order_status(order_id, _status_id(body["status_id"]))
    if "is_deleted" in body:
        if not isinstance(body["is_deleted"], bool):
            raise ApiError(400, "The field 'is_deleted' must be true or false.")
        store.set_order_archived(order_id, body["is_deleted"])
    return _response(200, _order_json(store.order(order_id), request, set()))


def list_order_products(store: SandboxStore, request: ApiRequest, order_id: int) -> ApiResponse:
    """GET /v2/orders/{order_id}/products (50 a page by default)."""
    params.reject_unsupported(request.query, _PAGE_PARAMS)
    page, limit = params.paging(request.query)
    return _page_or_no_content(_require_order(store, order_id).lines, page, limit)


def get_order_product(store: SandboxStore, request: ApiRequest, order_id: int, line_id: int) -> ApiResponse:
    """GET /v2/orders/{order_id}/products/{line_id}, where the consignments' line item links point."""
    params.reject_unsupported(request.query, set())
    line = next((line for line in _require_order(store, order_id).lines if line["id"] == line_id), None)
    if line is None:
        raise ApiError(404, "The requested resource was not found.")
    return _response(200, line)


def list_shipping_addresses(store: SandboxStore, request: ApiRequest, order_id: int) -> ApiResponse:
    """GET /v2/orders/{order_id}/shipping_addresses."""
    params.reject_unsupported(request.query, _PAGE_PARAMS)
    page, limit = params.paging(request.query)
    rendered = _require_order(store, order_id)
    v2_root = f"{request.api_root}/v2"
    addresses = [{**address, "shipping_quotes": _link(v2_root, f"/orders/{order_id}/shipping_addresses/{address['id']}/shipping_quotes")}
                 for address in rendered.shipping_addresses]
    return _page_or_no_content(addresses, page, limit)


def list_order_coupons(store: SandboxStore, request: ApiRequest, order_id: int) -> ApiResponse:
    """GET /v2/orders/{order_id}/coupons (204 when the order used none)."""
    params.reject_unsupported(request.query, _PAGE_PARAMS)
    page, limit = params.paging(request.query)
    return _page_or_no_content(_require_order(store, order_id).coupons, page, limit)


def _require_order(store: SandboxStore, order_id: int) -> RenderedOrder:
    rendered = store.order(order_id)
    if rendered is None:
        raise ApiError(404, "The requested resource was not found.")
    return rendered


def _valid_includes(query: dict[str, str]) -> set[str]:
    include = params.includes(query)
    unknown = include - {"consignments", "consignments.line_items", "fees"}
    if unknown:
        raise ApiError(400, f"The include '{sorted(unknown)[0]}' is not one of consignments, consignments.line_items, fees.")
    structure = query.get("consignment_structure")
    if structure not in (None, "object"):
        raise ApiError(400, "The parameter 'consignment_structure' must be 'object'.")
    return include


def _link(v2_root: str, resource: str) -> dict[str, str]:
    return {"url": f"{v2_root}{resource}", "resource": resource}


def _order_json(rendered: RenderedOrder, request: ApiRequest, include: set[str]) -> dict:
    order = dict(rendered.order)
    order_id = order["id"]
    v2_root = f"{request.api_root}/v2"
    order["products"] = _link(v2_root, f"/orders/{order_id}/products")
    order["shipping_addresses"] = _link(v2_root, f"/orders/{order_id}/shippingaddresses")
    order["coupons"] = _link(v2_root, f"/orders/{order_id}/coupons")
    # Without consignment_structure=object BigCommerce answers a legacy shape; the sandbox gives the link instead.
    if request.query.get("consignment_structure") == "object" and include & {"consignments", "consignments.line_items"}:
        order["consignments"] = _consignments(rendered, v2_root, with_lines="consignments.line_items" in include)
    else:
        order["consignments"] = _link(v2_root, f"/orders/{order_id}/consignments")
    order["fees"] = [] if "fees" in include else _link(v2_root, f"/orders/{order_id}/fees")
    return order


_ADDRESS_FIELDS = ("first_name", "last_name", "company", "street_1", "street_2", "city", "zip", "country",
                   "country_iso2", "state", "email", "phone", "form_fields", "items_total", "items_shipped",
                   "shipping_method", "cost_tax_class_id", "handling_cost_tax_class_id", "shipping_zone_id", "shipping_zone_name")
# The consignment schema types these as numbers, unlike the strings of /shipping_addresses.
_CONSIGNMENT_MONEY_FIELDS = ("base_cost", "cost_ex_tax", "cost_inc_tax", "cost_tax", "base_handling_cost",
                             "handling_cost_ex_tax", "handling_cost_inc_tax", "handling_cost_tax")


def _consignments(rendered: RenderedOrder, v2_root: str, *, with_lines: bool) -> dict:
    order_id = rendered.order["id"]
    shipping = []
    for address in rendered.shipping_addresses:
        lines = [line for line in rendered.lines if line["order_address_id"] == address["id"]]
        shipping.append({
            "id": address["id"],
            **{name: address[name] for name in _ADDRESS_FIELDS},
            **{name: float(Decimal(address[name])) for name in _CONSIGNMENT_MONEY_FIELDS},
            "line_items": lines if with_lines else [_link(v2_root, f"/orders/{order_id}/products/{line['id']}") for line in lines],
            "shipping_quotes": _link(v2_root, f"/orders/{order_id}/consignments/shipping/{address['id']}/shipping_quotes"),
        })
    digital = [line for line in rendered.lines if line["type"] == "digital"]
    downloads = [{"recipient_email": rendered.order["billing_address"]["email"],
                  "line_items": digital if with_lines else [_link(v2_root, f"/orders/{order_id}/products/{line['id']}")
                                                            for line in digital]}] if digital else []
    return {"pickups": [], "shipping": shipping, "downloads": downloads, "email": {"gift_certificates": []}}


def _reject_unsupported_fields(body: dict, supported: set[str]) -> None:
    unsupported = sorted(set(body) - supported)
    if unsupported:
        raise ApiError(400, f"The sandbox does not support the field '{unsupported[0]}' here "
                            f"(supported: {', '.join(sorted(supported))}).")


def _integer_field(body: dict, name: str, default: int) -> int:
    value = body.get(name, default)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ApiError(400, f"The field '{name}' must be an integer.")
    return value


def _status_id(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value not in STATUS_IDS:
        raise ApiError(400, f"The field 'status_id' must be a status id from 0 to 14, got {value!r}.")
    return value


def _form_fields(billing: dict) -> tuple[tuple[str, str], ...]:
    entries = billing.get("form_fields", [])
    if not isinstance(entries, list) or not all(isinstance(entry, dict) and "name" in entry for entry in entries):
        raise ApiError(400, "The field 'billing_address.form_fields' must be a list of {name, value}.")
    return tuple((str(entry["name"]), str(entry.get("value", ""))) for entry in entries)


def _products_of(body: dict) -> list[dict]:
    products = body.get("products")
    if not isinstance(products, list) or not products:
        raise ApiError(400, "The required field 'products' was not supplied (the sandbox does not create orders from consignments).")
    if not all(isinstance(product, dict) for product in products):
        raise ApiError(400, "Each entry of 'products' must be an object.")
    return products


def _catalog_line(product: dict) -> tuple[int, int | None, int]:
    _reject_unsupported_fields(product, {"product_id", "variant_id", "quantity"})
    product_id = _integer_field(product, "product_id", 0)
    if not product_id:
        raise ApiError(400, "Each product needs a 'product_id' (the sandbox does not create custom products).")
    variant_id = product.get("variant_id")
    if variant_id is not None:
        variant_id = _integer_field(product, "variant_id", 0)
    return product_id, variant_id, _integer_field(product, "quantity", 1)
