"""The v3 refund endpoints (orders.v3.yml, Payment Actions): an order's refunds, all refunds, one refund.

Amounts are JSON numbers with two decimals, dates ISO-8601. Refunds are made in the admin page or the
control API; the sandbox does not create them through POST .../payment_actions/refunds.
"""

from sandbox import query as params
from sandbox.apitypes import ApiError, ApiRequest, ApiResponse
from sandbox.api_v3 import pagination
from sandbox.dates import iso8601
from sandbox.money import v3_money
from sandbox.refunds import PRODUCT, Refund
from sandbox.store import SandboxStore

_LIST_FILTERS = {"order_id:in", "id:in", "created:min", "created:max", "page", "limit"}
_NOT_FOUND = "The requested resource was not found."


def refund_json(refund: Refund, *, amount_as_text: bool = False) -> dict:
    """A refund as orders.v3 shows it; one refund alone types requested_amount as a string (RefundID_Get)."""
    def requested(item) -> object:
        if item.item_type == PRODUCT:
            return None  # the spec's example: a product refund is by quantity, not by amount
        return f"{item.amount:.2f}" if amount_as_text else v3_money(item.amount)

    items = []
    for item in refund.items:
        entry = {"item_type": item.item_type, "item_id": item.item_id, "reason": refund.reason, "requested_amount": requested(item)}
        if item.item_type == PRODUCT:
            entry["quantity"] = item.quantity
        items.append(entry)
    return {
        "id": refund.id,
        "order_id": refund.order_id,
        "user_id": 0,
        "created": iso8601(refund.created),
        "reason": refund.reason,
        "total_amount": v3_money(refund.total_amount),
        "total_tax": v3_money(refund.total_tax),
        "uses_merchant_override_values": False,
        "items": items,
        "payments": [{"id": refund.id, "provider_id": refund.provider_id, "amount": v3_money(refund.total_amount),
                      "offline": refund.offline, "is_declined": False, "declined_message": ""}],
    }


def list_order_refunds(store: SandboxStore, request: ApiRequest, order_id: int) -> ApiResponse:
    """GET /v3/orders/{order_id}/payment_actions/refunds: the order's refunds, by id."""
    params.reject_unsupported(request.query, set())
    if not store.orders.exists(order_id):
        raise ApiError(404, _NOT_FOUND)
    return ApiResponse(200, {"data": [refund_json(refund) for refund in store.refunds_of(order_id)], "meta": {}})


def list_refunds(store: SandboxStore, request: ApiRequest) -> ApiResponse:
    """GET /v3/orders/payment_actions/refunds with order_id:in, id:in, created:min/max, page and limit."""
    params.reject_unsupported(request.query, _LIST_FILTERS)
    page, limit = params.paging(request.query)
    order_ids = params.integer_list(request.query, "order_id:in")
    refund_ids = params.integer_list(request.query, "id:in")
    created_from, created_to = params.timestamp(request.query, "created:min"), params.timestamp(request.query, "created:max")
    selected = [(refund_id, order_id) for refund_id, order_id, created in store.refunds.index()
                if (order_ids is None or order_id in order_ids) and (refund_ids is None or refund_id in refund_ids)
                and (created_from is None or created >= created_from) and (created_to is None or created <= created_to)]
    data = []
    for refund_id, order_id in selected[(page - 1) * limit:page * limit]:
        data.append(refund_json(next(refund for refund in store.refunds_of(order_id) if refund.id == refund_id)))
    return ApiResponse(200, {"data": data, "meta": pagination(request.query, len(selected), len(data), page, limit)})


def get_refund(store: SandboxStore, request: ApiRequest, refund_id: int) -> ApiResponse:
    """GET /v3/orders/payment_actions/refunds/{refund_id}."""
    params.reject_unsupported(request.query, set())
    order_id = next((order_id for candidate, order_id, _ in store.refunds.index() if candidate == refund_id), None)
    if order_id is None:
        raise ApiError(404, _NOT_FOUND)
    refund = next(refund for refund in store.refunds_of(order_id) if refund.id == refund_id)
    return ApiResponse(200, {"data": refund_json(refund, amount_as_text=True), "meta": {}})
