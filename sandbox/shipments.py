"""Shipments of an order (orders.v2 /orders/{order_id}/shipments): what each ships, and its effect on the order.

A generated order created Shipped or Completed was shipped whole (a shipment per address), one created
Partially Shipped shipped its first line; shipments made since (API, admin page) are records the
store keeps. Shipping updates the lines' quantity_shipped, the addresses' and the order's
items_shipped, and the status: Shipped once every physical unit is shipped, else Partially Shipped.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from sandbox import statuses
from sandbox.dates import rfc2822
from sandbox.order_specs import RenderedOrder

STANDARD_PROVIDERS = {"": "", "auspost": "Australia Post", "canadapost": "Canada Post", "endicia": "Endicia", "usps": "USPS",
                      "fedex": "FedEx", "ups": "UPS", "upsready": "UPS Ready", "upsonline": "UPS Online",
                      "shipperhq": "ShipperHQ", "royalmail": "Royal Mail"}
_TRACKING_LINKS = {"usps": "https://tools.usps.com/go/TrackConfirmAction?tLabels={}", "ups": "https://www.ups.com/track?tracknum={}",
                   "fedex": "https://www.fedex.com/fedextrack/?trknbr={}"}
_FIELDS = {"order_address_id", "items", "tracking_number", "tracking_link", "merchant_shipping_cost", "shipping_method",
           "shipping_provider", "tracking_carrier", "comments"}
_NOT_SHIPPABLE = {statuses.INCOMPLETE: "Incomplete", statuses.CANCELLED: "Cancelled", statuses.DECLINED: "Declined"}
SHIPPED_STATUSES = frozenset({statuses.SHIPPED, statuses.COMPLETED})


class ShipmentRefused(ValueError):
    """A shipment that cannot be created; the message says why."""


@dataclass(frozen=True, slots=True)
class Shipment:
    """One shipment: which units of which lines went to which address, and how to track them."""

    id: int
    order_id: int
    order_address_id: int
    created: int
    items: tuple[tuple[int, int], ...]  # (order product id, quantity)
    tracking_number: str = ""
    shipping_provider: str = ""
    tracking_carrier: str = ""
    tracking_link: str = ""
    shipping_method: str = ""
    comments: str = ""
    merchant_shipping_cost: str = "0.0000"

    def to_json(self) -> dict:
        """A JSON-safe dict for the state file."""
        return {name: getattr(self, name) for name in self.__slots__}

    @classmethod
    def from_json(cls, data: dict) -> "Shipment":
        """The inverse of to_json."""
        return cls(**{**data, "items": tuple(tuple(item) for item in data["items"])})


def shipped_so_far(shipments: list[Shipment]) -> dict[int, int]:
    """Units shipped per order product id."""
    shipped: dict[int, int] = {}
    for shipment in shipments:
        for line_id, quantity in shipment.items:
            shipped[line_id] = shipped.get(line_id, 0) + quantity
    return shipped


def new_shipment(rendered: RenderedOrder, earlier: list[Shipment], body: object, *, shipment_id: int, created: int) -> Shipment:
    """The shipment a POST body asks for; raises ShipmentRefused saying what is wrong, as the API's 400 does."""
    order = rendered.order
    if not isinstance(body, dict):
        raise ShipmentRefused("The request body must be a JSON object.")
    unsupported = sorted(set(body) - _FIELDS)
    if unsupported:
        raise ShipmentRefused(f"The field '{unsupported[0]}' is not a shipment field (fields: {', '.join(sorted(_FIELDS))}).")
    if order["status_id"] in _NOT_SHIPPABLE:
        raise ShipmentRefused(f"Order {order['id']} is {_NOT_SHIPPABLE[order['status_id']]}: it cannot be shipped.")
    addresses = [address["id"] for address in rendered.shipping_addresses]
    address_id = body.get("order_address_id")
    if address_id not in addresses or isinstance(address_id, bool):
        raise ShipmentRefused(f"The required field 'order_address_id' must be one of the order's shipping address ids "
                              f"({', '.join(map(str, addresses)) or 'none: the order has nothing to ship'}), got {address_id!r}.")
    items = _items(rendered, shipped_so_far(earlier), body.get("items"), address_id)
    text = {name: body.get(name, "") for name in ("tracking_number", "shipping_provider", "tracking_carrier", "tracking_link",
                                                  "shipping_method", "comments")}
    if not all(isinstance(value, str) for value in text.values()):
        raise ShipmentRefused("tracking_number, shipping_provider, tracking_carrier, tracking_link, shipping_method and "
                              "comments must be strings.")
    for name, limit in (("tracking_number", 50), ("tracking_link", 500), ("comments", 65_535)):
        if len(text[name]) > limit:
            raise ShipmentRefused(f"The field '{name}' is longer than {limit} characters.")
    provider = text["shipping_provider"]
    if provider not in STANDARD_PROVIDERS and not re.fullmatch(r"carrier_\w+", provider):
        raise ShipmentRefused(f"The field 'shipping_provider' must be one of {', '.join(filter(None, STANDARD_PROVIDERS))}, "
                              f"'' or carrier_{{your_carrier_id}}, got {provider!r}.")
    return Shipment(id=shipment_id, order_id=order["id"], order_address_id=address_id, created=created, items=items,
                    merchant_shipping_cost=str(body.get("merchant_shipping_cost", "0.0000")), **text)


def _items(rendered: RenderedOrder, shipped: dict[int, int], items: object, address_id: int) -> tuple[tuple[int, int], ...]:
    if not isinstance(items, list) or not items:
        raise ShipmentRefused("The required field 'items' must be a non-empty list of {order_product_id, quantity}.")
    lines = {line["id"]: line for line in rendered.lines}
    wanted: dict[int, int] = {}
    for item in items:
        line_id, quantity = (item.get("order_product_id"), item.get("quantity")) if isinstance(item, dict) else (None, None)
        if line_id not in lines:
            raise ShipmentRefused(f"Each item needs the order_product_id of one of the order's lines, got {line_id!r}.")
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
            raise ShipmentRefused(f"The quantity of order product {line_id} must be a whole number of 1 or more, got {quantity!r}.")
        line = lines[line_id]
        if line["order_address_id"] != address_id:
            where = f"ships to address {line['order_address_id']}" if line["order_address_id"] else "is a download"
            raise ShipmentRefused(f"Order product {line_id} ({line['name']}) {where}, not to address {address_id}.")
        wanted[line_id] = wanted.get(line_id, 0) + quantity
    for line_id, quantity in wanted.items():
        left = lines[line_id]["quantity"] - shipped.get(line_id, 0)
        if quantity > left:
            raise ShipmentRefused(f"The quantity specified is greater than the quantity of the product that is available "
                                  f"to ship: order product {line_id} has {left} left to ship, not {quantity}.")
    return tuple(wanted.items())


def generated_shipments(rendered: RenderedOrder, original_status: int, *, first_id: int, created: int) -> list[Shipment]:
    """The shipments of an order created Shipped or Completed (all of it) or Partially Shipped (its first physical line)."""
    physical = [line for line in rendered.lines if line["order_address_id"]]
    if original_status in SHIPPED_STATUSES:
        chosen = physical
    elif original_status == statuses.PARTIALLY_SHIPPED:
        chosen = physical[:1]
    else:
        return []
    shipments = []
    for number, address in enumerate(rendered.shipping_addresses):
        items = tuple((line["id"], line["quantity"]) for line in chosen if line["order_address_id"] == address["id"])
        if items:
            provider = "usps" if address["country_iso2"] == "US" else "royalmail"
            shipments.append(Shipment(id=first_id + number, order_id=rendered.order["id"], order_address_id=address["id"],
                                      created=created, items=items, tracking_number=f"9400{rendered.order['id']:012d}{number}",
                                      shipping_provider=provider, shipping_method=address["shipping_method"]))
    return shipments


def apply_shipments(rendered: RenderedOrder, shipments: list[Shipment]) -> None:
    """Set the shipped quantities (lines, addresses, order) and, once all is shipped, date_shipped."""
    if not shipments:
        return
    shipped = shipped_so_far(shipments)
    for line in rendered.lines:
        line["quantity_shipped"] = shipped.get(line["id"], 0)
    for address in rendered.shipping_addresses:
        address["items_shipped"] = sum(line["quantity_shipped"] for line in rendered.lines if line["order_address_id"] == address["id"])
    rendered.order["items_shipped"] = sum(line["quantity_shipped"] for line in rendered.lines)
    if all_shipped(rendered):
        rendered.order["date_shipped"] = rfc2822(max(shipment.created for shipment in shipments))


def all_shipped(rendered: RenderedOrder) -> bool:
    """Whether every unit of every physical line is shipped."""
    return all(line["quantity_shipped"] >= line["quantity"] for line in rendered.lines if line["order_address_id"])


def shipment_json(shipment: Shipment, rendered: RenderedOrder) -> dict:
    """A shipment as orders.v2 shows it."""
    order = rendered.order
    address = next(address for address in rendered.shipping_addresses if address["id"] == shipment.order_address_id)
    lines = {line["id"]: line for line in rendered.lines}
    address_fields = ("first_name", "last_name", "company", "street_1", "street_2", "city", "state", "zip", "country",
                      "country_iso2", "phone", "email")
    template = _TRACKING_LINKS.get(shipment.shipping_provider)
    carrier = shipment.tracking_carrier or shipment.shipping_provider
    generated = "" if shipment.tracking_link or not shipment.tracking_number else (
        template.format(shipment.tracking_number) if template
        else f"https://track.aftership.com/{carrier}/{shipment.tracking_number}" if carrier else "")
    return {
        "id": shipment.id,
        "order_id": shipment.order_id,
        "customer_id": order["customer_id"],
        "order_address_id": shipment.order_address_id,
        "date_created": rfc2822(shipment.created),
        "tracking_number": shipment.tracking_number,
        "merchant_shipping_cost": shipment.merchant_shipping_cost,
        "shipping_method": shipment.shipping_method or "None",
        "comments": shipment.comments,
        "shipping_provider": shipment.shipping_provider,
        "tracking_carrier": shipment.tracking_carrier,
        "tracking_link": shipment.tracking_link,
        "billing_address": {name: order["billing_address"][name] for name in address_fields},
        "shipping_address": {name: address[name] for name in address_fields},
        "items": [{"order_product_id": line_id, "product_id": lines[line_id]["product_id"], "quantity": quantity}
                  for line_id, quantity in shipment.items],
        "shipping_provider_display_name": STANDARD_PROVIDERS.get(shipment.shipping_provider, shipment.shipping_provider),
        "generated_tracking_link": generated,
    }


class ShipmentBook:
    """Every shipment of a store: those generated orders were created with, those made since, and every request made."""

    def __init__(self, *, generated_count: int, first_order_id: int, original_status: Callable[[int], int],
                 date_created: Callable[[int], int]) -> None:
        self._generated_count = generated_count
        self._first_order_id = first_order_id
        self._original_status = original_status
        self._date_created = date_created
        self.made: dict[int, list[Shipment]] = {}
        self.requests: list[dict] = []  # each POST, answered or refused, so tests can check "exactly once"

    def of(self, rendered: RenderedOrder) -> list[Shipment]:
        """The order's shipments, oldest first (`rendered` as created, before any shipment)."""
        order_id = rendered.order["id"]
        position = order_id - self._first_order_id
        generated = generated_shipments(rendered, self._original_status(order_id), first_id=position * 10 + 1,
                                        created=self._date_created(order_id) + 86_400) if position < self._generated_count else []
        return generated + self.made.get(order_id, [])

    def next_id(self) -> int:
        """The id the next shipment gets: generated orders hold ten ids each, shipments made since count on from there."""
        return self._generated_count * 10 + sum(len(shipments) for shipments in self.made.values()) + 1

    def add(self, shipment: Shipment) -> None:
        """Keep a shipment made now."""
        self.made.setdefault(shipment.order_id, []).append(shipment)

    def to_json(self) -> list[dict]:
        """The shipments made since the store was generated, for the state file."""
        return [shipment.to_json() for shipments in self.made.values() for shipment in shipments]

    def restore(self, saved: list[dict]) -> None:
        """Load the shipments of a state file."""
        for data in saved:
            self.add(Shipment.from_json(data))
