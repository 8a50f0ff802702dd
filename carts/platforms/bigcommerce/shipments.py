"""Order shipments in a BigCommerce store (orders.v2.oas2.yml, Order Shipments): the lines' addresses, the
shipments an order has, and creating one (BigCommerce then moves the order to Shipped or Partially Shipped and
e-mails the shopper the tracking number)."""
from __future__ import annotations

from typing import Any

from carts.platforms.fulfilment import ShipmentOrder, StoreShipment
from carts.platforms.bigcommerce.answers import answer_read
from carts.platforms.bigcommerce.client import BigCommerceClient
from carts.platforms.bigcommerce.queries import ORDER_WITH_LINES_PARAMS
from carts.platforms.bigcommerce.errors import NotFound

# shipping_provider values orders.v2.oas2.yml accepts (POST /orders/{order_id}/shipments); other carriers
# go as tracking_carrier (an AfterShip courier slug) with the name kept as the shipping method.
SHIPPING_PROVIDERS = frozenset({"auspost", "canadapost", "endicia", "usps", "fedex", "royalmail", "ups", "upsready",
                                "shipperhq"})


def order_line_addresses(client: BigCommerceClient, order_id: int) -> dict[int, int]:
    """GET /v2/orders?min_id=&max_id= with its shipping consignments: each shipping line's order_address_id."""
    from orders.mapping.fields import identifier  # the typed readers, until they move here

    params = {"min_id": order_id, "max_id": order_id, **ORDER_WITH_LINES_PARAMS}
    orders = client.get_v2_page("/orders", params, page=1, limit=1)
    if not orders:
        raise NotFound(f"The store has no order {order_id}.", status=404, path="/orders")
    addresses: dict[int, int] = {}
    consignments = orders[0].get("consignments")
    shipping = consignments.get("shipping") if isinstance(consignments, dict) else None
    with answer_read("/orders"):
        for consignment in shipping if isinstance(shipping, list) else ():
            items = consignment.get("line_items") if isinstance(consignment, dict) else None
            for line in [items] if isinstance(items, dict) else items if isinstance(items, list) else ():
                if isinstance(line, dict) and line.get("order_address_id"):
                    addresses[identifier(line.get("id"), what="a line's id")] = identifier(
                        line.get("order_address_id"), what="a line's order_address_id")
    return addresses


def store_shipment(payload: dict[str, Any]) -> StoreShipment:
    """A shipment as the store sent it."""
    from orders.mapping.fields import identifier, text, whole_number

    with answer_read("/orders/{order_id}/shipments"):
        items = payload.get("items") if isinstance(payload.get("items"), list) else []
        lines = sorted((identifier(item.get("order_product_id"), what="a shipment item's order_product_id"),
                        whole_number(item.get("quantity"), what="a shipment item's quantity"))
                       for item in items if isinstance(item, dict))
        return StoreShipment(shipment_id=identifier(payload.get("id"), what="a shipment's id"),
                             address_id=identifier(payload.get("order_address_id"), what="a shipment's order_address_id"),
                             tracking_number=text(payload.get("tracking_number")), lines=tuple(lines))


def order_shipments(client: BigCommerceClient, order_id: int) -> list[StoreShipment]:
    """GET /v2/orders/{order_id}/shipments, every page (204: none)."""
    return [store_shipment(payload) for payload in client.iter_v2(f"/orders/{order_id}/shipments")]


def shipment_body(shipment: ShipmentOrder) -> dict[str, Any]:
    """The POST body: the address, the lines, the tracking number and the carrier."""
    carrier = shipment.carrier.strip()
    slug = carrier.lower().replace(" ", "")
    body: dict[str, Any] = {
        "order_address_id": shipment.address_id,
        "items": [{"order_product_id": line_id, "quantity": quantity} for line_id, quantity in shipment.lines],
        "tracking_number": shipment.tracking_number,
    }
    if slug in SHIPPING_PROVIDERS:
        body["shipping_provider"] = slug
    else:
        body["tracking_carrier"] = carrier.lower().replace(" ", "-")
        body["shipping_method"] = carrier
    return body


def shipment_create(client: BigCommerceClient, shipment: ShipmentOrder) -> StoreShipment:
    """POST /v2/orders/{order_id}/shipments (never retried by the client: POST is not idempotent)."""
    path = f"/orders/{shipment.order_id}/shipments"
    return store_shipment(client._expect_object(client.request("POST", "v2", path, json_body=shipment_body(shipment)),
                                                path))
