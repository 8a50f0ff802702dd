"""Refunds of an order: what each gives back (lines, shipping, handling, wrapping), to the cent, and its effect on the order.

A generated order created Refunded or Partially Refunded carries the refund that made it so; refunds
made later (admin page, control API) are records the store keeps. Every refund's amounts are what the
shopper paid for what it returns: a line's `discounted_total_inc_tax` shared over its units by
cumulative rounding, so refunding a line in several steps gives back exactly its total.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from sandbox import statuses
from sandbox.money import ZERO, to_cents, v2_money
from sandbox.order_specs import UNPAID_PAYMENT_STATUSES, RenderedOrder

PRODUCT, SHIPPING, HANDLING, GIFT_WRAPPING = "PRODUCT", "SHIPPING", "HANDLING", "GIFT_WRAPPING"
# Refund providers (orders.v3 RefundPayment.provider_id) by the order's payment method; the last two pay back offline.
_PROVIDERS = {"Test Payment Gateway": "testgateway", "Credit Card": "stripev3", "PayPal": "checkout_paypalexpress",
              "Manual": "custom", "Cash on Delivery": "cod"}
_OFFLINE = frozenset({"custom", "cod"})
_CHARGE_NAMES = {SHIPPING: "The shipping of address", HANDLING: "The handling of address",
                 GIFT_WRAPPING: "The gift wrapping of line"}
_REFUNDED_STATUSES = frozenset({statuses.REFUNDED, statuses.PARTIALLY_REFUNDED})


class RefundNotPossible(ValueError):
    """A refund that cannot be made; the message says why and what to do instead."""


@dataclass(frozen=True, slots=True)
class RefundItem:
    """One thing a refund gives back: `item_id` is the line (PRODUCT, GIFT_WRAPPING) or the address (SHIPPING, HANDLING)."""

    item_type: str
    item_id: int
    quantity: int
    amount: Decimal  # tax included
    tax: Decimal


@dataclass(frozen=True, slots=True)
class Refund:
    """A refund as orders.v3 describes it, with one payment back to the order's payment provider."""

    id: int
    order_id: int
    created: int
    reason: str
    items: tuple[RefundItem, ...]
    provider_id: str

    @property
    def total_amount(self) -> Decimal:
        """What the refund pays back, tax included."""
        return sum((item.amount for item in self.items), ZERO)

    @property
    def total_tax(self) -> Decimal:
        """The tax it gives back."""
        return sum((item.tax for item in self.items), ZERO)

    @property
    def offline(self) -> bool:
        """Whether the money goes back outside a gateway (cash, manual payments)."""
        return self.provider_id in _OFFLINE

    def to_json(self) -> dict:
        """A JSON-safe dict for the state file."""
        return {"id": self.id, "order_id": self.order_id, "created": self.created, "reason": self.reason,
                "provider_id": self.provider_id,
                "items": [[item.item_type, item.item_id, item.quantity, str(item.amount), str(item.tax)] for item in self.items]}

    @classmethod
    def from_json(cls, data: dict) -> "Refund":
        """The inverse of to_json."""
        items = tuple(RefundItem(kind, item_id, quantity, Decimal(amount), Decimal(tax))
                      for kind, item_id, quantity, amount, tax in data["items"])
        return cls(id=data["id"], order_id=data["order_id"], created=data["created"], reason=data["reason"],
                   items=items, provider_id=data["provider_id"])


@dataclass(frozen=True, slots=True)
class RefundRequest:
    """What to refund: units of lines, shipping amounts by address, or everything not refunded yet."""

    lines: dict[int, int]
    shipping: dict[int, Decimal | None]  # None: all of that address's shipping left
    everything: bool = False
    reason: str = ""


def provider_for(payment_method: str) -> str:
    """The refund provider id of an order's payment method."""
    return _PROVIDERS.get(payment_method, "custom")


def generated_refund(rendered: RenderedOrder, original_status: int, *, refund_id: int, created: int) -> Refund | None:
    """The refund a generated order created Refunded (all of it) or Partially Refunded (its first line) carries."""
    if original_status == statuses.REFUNDED:
        request = RefundRequest(lines={}, shipping={}, everything=True)
    elif original_status == statuses.PARTIALLY_REFUNDED:
        first = rendered.lines[0]
        request = RefundRequest(lines={first["id"]: first["quantity"]}, shipping={})
    else:
        return None
    return Refund(id=refund_id, order_id=rendered.order["id"], created=created, reason="Customer requires a refund.",
                  items=refund_items(rendered, [], request), provider_id=provider_for(rendered.order["payment_method"]))


def refund_items(rendered: RenderedOrder, earlier: list[Refund], request: RefundRequest) -> tuple[RefundItem, ...]:
    """What a refund gives back; raises RefundNotPossible saying why it cannot be made."""
    order = rendered.order
    if order["payment_status"] in UNPAID_PAYMENT_STATUSES:
        raise RefundNotPossible(f"Order {order['id']} was never paid (payment status {order['payment_status']!r}): "
                                "there is nothing to refund; cancel it instead.")
    done = _refunded_so_far(earlier)
    lines = {line["id"]: line for line in rendered.lines}
    addresses = {address["id"]: address for address in rendered.shipping_addresses}
    items = []
    wanted_lines = {line_id: line["quantity"] - done.get((PRODUCT, line_id), (0, ZERO, ZERO))[0]
                    for line_id, line in lines.items()} if request.everything else request.lines
    for line_id, quantity in wanted_lines.items():
        if line_id not in lines:
            raise RefundNotPossible(f"Order {order['id']} has no line {line_id}; its lines are {', '.join(map(str, lines))}.")
        line = lines[line_id]
        refunded_units = done.get((PRODUCT, line_id), (0, ZERO, ZERO))[0]
        left = line["quantity"] - refunded_units
        if quantity < 0 or quantity > left:
            raise RefundNotPossible(f"Line {line_id} ({line['name']}) has {left} of {line['quantity']} units left to refund, "
                                    f"not {quantity}.")
        if quantity:
            items.append(RefundItem(PRODUCT, line_id, quantity,
                                    *_unit_share(Decimal(line["discounted_total_inc_tax"]), rendered.line_taxes[line_id],
                                                 line["quantity"], refunded_units, quantity)))
    wanted_shipping = dict.fromkeys(addresses) if request.everything else request.shipping
    for address_id, amount in wanted_shipping.items():
        if address_id not in addresses:
            raise RefundNotPossible(f"Order {order['id']} has no shipping address {address_id}; "
                                    f"its addresses are {', '.join(map(str, addresses)) or 'none'}.")
        items.extend(_charge_refund(SHIPPING, address_id, addresses[address_id], "cost", done, amount))
    if request.everything:
        for address_id, address in addresses.items():
            items.extend(_charge_refund(HANDLING, address_id, address, "handling_cost", done, None))
        for line_id, line in lines.items():
            items.extend(_charge_refund(GIFT_WRAPPING, line_id, line, "wrapping_cost", done, None))
    if not items:
        if request.everything:
            raise RefundNotPossible(f"Order {order['id']} is already fully refunded.")
        raise RefundNotPossible("Say what to refund: units of lines, shipping, or everything left.")
    return tuple(items)


def _refunded_so_far(refunds: list[Refund]) -> dict[tuple[str, int], tuple[int, Decimal, Decimal]]:
    done: dict[tuple[str, int], tuple[int, Decimal, Decimal]] = {}
    for refund in refunds:
        for item in refund.items:
            quantity, amount, tax = done.get((item.item_type, item.item_id), (0, ZERO, ZERO))
            done[(item.item_type, item.item_id)] = (quantity + item.quantity, amount + item.amount, tax + item.tax)
    return done


def _unit_share(total: Decimal, tax: Decimal, units: int, before: int, count: int) -> tuple[Decimal, Decimal]:
    """(amount, tax) of `count` units after `before` were refunded: cumulative rounding, so all units give the total."""
    def upto(value: Decimal, refunded: int) -> Decimal:
        return to_cents(value * refunded / units)
    return upto(total, before + count) - upto(total, before), upto(tax, before + count) - upto(tax, before)


def _charge_refund(kind: str, item_id: int, record: dict, prefix: str, done: dict, amount: Decimal | None) -> list[RefundItem]:
    """A refund of a charge (shipping, handling or wrapping), all of what is left when `amount` is None."""
    charged, charged_tax = Decimal(record[f"{prefix}_inc_tax"]), Decimal(record[f"{prefix}_tax"])
    _, refunded, refunded_tax = done.get((kind, item_id), (0, ZERO, ZERO))
    left = charged - refunded
    amount = to_cents(left if amount is None else amount)
    if amount < 0 or amount > left:
        raise RefundNotPossible(f"{_CHARGE_NAMES[kind]} {item_id} has {left:.2f} left to refund, not {amount}.")
    if not amount:
        return []
    # The tax given back follows the same cumulative share of the charge's tax.
    tax = to_cents(charged_tax - refunded_tax if amount == left else charged_tax * (refunded + amount) / charged - refunded_tax)
    return [RefundItem(kind, item_id, 0, amount, tax)]


def apply_refunds(rendered: RenderedOrder, refunds: list[Refund]) -> None:
    """Set the order's refunded figures (refunded_amount, lines' quantity_refunded, payment_status) from its refunds."""
    if not refunds:
        return
    done = _refunded_so_far(refunds)
    for line in rendered.lines:
        refunded_units = done.get((PRODUCT, line["id"]), (0, ZERO, ZERO))[0]
        line["quantity_refunded"] = refunded_units
        line["is_refunded"] = refunded_units == line["quantity"]
    order = rendered.order
    refunded = sum((refund.total_amount for refund in refunds), ZERO)
    order["refunded_amount"] = v2_money(refunded)
    order["payment_status"] = "refunded" if refunded >= Decimal(order["total_inc_tax"]) else "partially refunded"


def status_after(rendered: RenderedOrder) -> int:
    """The status a refund leaves the order in: Refunded once all of it is refunded."""
    fully = Decimal(rendered.order["refunded_amount"]) >= Decimal(rendered.order["total_inc_tax"])
    return statuses.REFUNDED if fully else statuses.PARTIALLY_REFUNDED


class RefundBook:
    """Every refund of a store: those generated orders were created with, and those made since."""

    def __init__(self, *, generated_count: int, first_order_id: int,
                 original_status: Callable[[int], int], date_created: Callable[[int], int]) -> None:
        self._generated_count = generated_count
        self._first_order_id = first_order_id
        self._original_status = original_status
        self._date_created = date_created
        self.made: dict[int, list[Refund]] = {}

    def _generated_id(self, order_id: int) -> int | None:
        position = order_id - self._first_order_id
        if position < self._generated_count and self._original_status(order_id) in _REFUNDED_STATUSES:
            return position + 1  # ids 1 to the number of generated orders; refunds made later count on from there
        return None

    def of(self, rendered: RenderedOrder) -> list[Refund]:
        """The order's refunds in the order they were made (`rendered` as created, before any refund)."""
        order_id = rendered.order["id"]
        refund_id = self._generated_id(order_id)
        generated = generated_refund(rendered, self._original_status(order_id), refund_id=refund_id,
                                     created=self._date_created(order_id) + 3_600) if refund_id else None
        return ([generated] if generated else []) + self.made.get(order_id, [])

    def next_id(self) -> int:
        """The id the next refund gets."""
        return self._generated_count + sum(len(refunds) for refunds in self.made.values()) + 1

    def add(self, refund: Refund) -> None:
        """Keep a refund made now."""
        self.made.setdefault(refund.order_id, []).append(refund)

    def index(self) -> list[tuple[int, int, int]]:
        """(refund id, order id, created) of every refund, by id, without building the refunds."""
        entries = [(refund_id, self._first_order_id + position, self._date_created(self._first_order_id + position) + 3_600)
                   for position in range(self._generated_count)
                   if (refund_id := self._generated_id(self._first_order_id + position))]
        # list(): a snapshot, since API threads read while a refund is being added
        entries += [(refund.id, refund.order_id, refund.created) for refunds in list(self.made.values()) for refund in refunds]
        return sorted(entries)

    def to_json(self) -> list[dict]:
        """The refunds made since the store was generated, for the state file."""
        return [refund.to_json() for refunds in self.made.values() for refund in refunds]

    def restore(self, saved: list[dict]) -> None:
        """Load the refunds of a state file."""
        for data in saved:
            self.add(Refund.from_json(data))
