"""The v2 shipment endpoints (orders.v2.oas2.yml, Order Shipments): list, count, one, create."""

from sandbox import query as params
from sandbox.apitypes import ApiError, ApiRequest, ApiResponse
from sandbox.shipments import ShipmentRefused
from sandbox.store import SandboxStore

_NOT_FOUND = "The requested resource was not found."


def _shipments(store: SandboxStore, order_id: int) -> list[dict]:
    if not store.orders.exists(order_id):
        raise ApiError(404, _NOT_FOUND)
    return store.shipments_of(order_id)


def list_shipments(store: SandboxStore, request: ApiRequest, order_id: int) -> ApiResponse:
    """GET /v2/orders/{order_id}/shipments (204 when the order has none)."""
    params.reject_unsupported(request.query, {"page", "limit"})
    page, limit = params.paging(request.query)
    shipments = _shipments(store, order_id)[(page - 1) * limit:page * limit]
    return ApiResponse(200, shipments) if shipments else ApiResponse(204, None)


def count_shipments(store: SandboxStore, request: ApiRequest, order_id: int) -> ApiResponse:
    """GET /v2/orders/{order_id}/shipments/count."""
    params.reject_unsupported(request.query, set())
    return ApiResponse(200, {"count": len(_shipments(store, order_id))})


def get_shipment(store: SandboxStore, request: ApiRequest, order_id: int, shipment_id: int) -> ApiResponse:
    """GET /v2/orders/{order_id}/shipments/{shipment_id}."""
    params.reject_unsupported(request.query, set())
    shipment = next((shipment for shipment in _shipments(store, order_id) if shipment["id"] == shipment_id), None)
    if shipment is None:
        raise ApiError(404, _NOT_FOUND)
    return ApiResponse(200, shipment)


def create_shipment(store: SandboxStore, request: ApiRequest, order_id: int) -> ApiResponse:
    """POST /v2/orders/{order_id}/shipments: 201 with the shipment, 400 saying what is wrong."""
    params.reject_unsupported(request.query, set())
    if not store.orders.exists(order_id):
        raise ApiError(404, _NOT_FOUND)
    try:
        return ApiResponse(201, store.create_shipment(order_id, request.json_body(), source="api"))
    except ShipmentRefused as error:
        raise ApiError(400, str(error)) from None
