"""Orders: generated on demand from (seed, order id) or placed at checkout, priced exactly to the cent.

Only the fields the v2 API filters and sorts on live in memory (status, dates, customer, archived);
everything else is rebuilt from an `OrderSpec` when an order is served. Generated orders derive their
spec from the seed; placed orders keep theirs, which is what the state file saves.
"""

import random
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from decimal import Decimal
from functools import lru_cache

from sandbox import statuses, vocabulary
from sandbox.catalog import CATALOG_END, Catalog, OptionValue
from sandbox.dates import rfc2822
from sandbox.money import ZERO, allocate, from_cents, split_tax, to_cents, v2_money
from sandbox.seeded import FieldDraw, record_random

FIRST_ORDER_ID = 100  # BigCommerce numbers a new store's orders from 100
HISTORY_END = CATALOG_END
HISTORY_START = HISTORY_END - 240 * 86_400  # eight months of orders
MINIMUM_ORDERS = 20
STORE_TAX_RATE = Decimal("0.0825")
FLAT_RATE_SHIPPING_CENTS = 1000
GIFT_WRAP_CENTS = 250


@dataclass(frozen=True, slots=True)
class Currency:
    """A transactional currency and its rate from the store's default (USD)."""

    code: str
    id: int
    rate: Decimal


STORE_CURRENCY = Currency("USD", 1, Decimal(1))
CURRENCIES = {currency.code: currency for currency in (
    STORE_CURRENCY, Currency("EUR", 2, Decimal("0.92")), Currency("GBP", 3, Decimal("0.79")), Currency("CAD", 4, Decimal("1.36")))}

# Awkward orders every store contains, each at a fixed spread-out position, with the status it needs.
SPECIAL_ORDERS: dict[str, int | None] = {
    "guest_order": None,
    "registered_customer_order": None,
    "order_120_lines": statuses.AWAITING_FULFILLMENT,
    "deleted_product_order": statuses.COMPLETED,
    "tax_inclusive_order": None,
    "tax_exclusive_order": None,
    "zero_tax_order": None,
    "other_currency_order": None,
    "coupon_order": None,
    "automatic_discount_order": None,
    "shipping_handling_order": None,
    "wrapping_order": None,
    "refunded_order": statuses.REFUNDED,
    "partially_refunded_order": statuses.PARTIALLY_REFUNDED,
    "modified_order": statuses.SHIPPED,
    "multiple_addresses_order": None,
    "gift_certificate_order": None,
    "archived_order": None,
}
# How often each status occurs in a generated store (weights; every status also occurs at least once).
_STATUS_WEIGHTS = ((10, 30), (2, 20), (11, 15), (9, 5), (7, 5), (0, 5), (1, 4), (5, 4), (4, 3), (14, 2),
                   (3, 2), (6, 2), (8, 1), (12, 1), (13, 1))
# (rate, prices include tax): the tax settings orders are placed under.
_TAX_SETTINGS = ((STORE_TAX_RATE, False), (Decimal("0.10"), False), (Decimal("0.20"), True), (Decimal("0.10"), True),
                 (ZERO, False))
_SPECIAL_TAX_SETTINGS = {"tax_inclusive_order": (Decimal("0.20"), True), "tax_exclusive_order": (STORE_TAX_RATE, False),
                         "zero_tax_order": (ZERO, False)}
_MODIFIED_LATER = frozenset({statuses.SHIPPED, statuses.PARTIALLY_SHIPPED, statuses.REFUNDED, statuses.CANCELLED,
                             statuses.COMPLETED, statuses.PARTIALLY_REFUNDED, statuses.DISPUTED})
_PAYMENT_STATUS = {
    statuses.INCOMPLETE: "", statuses.PENDING: "pending", statuses.AWAITING_PAYMENT: "pending",
    statuses.DECLINED: "declined", statuses.CANCELLED: "void", statuses.REFUNDED: "refunded",
    statuses.PARTIALLY_REFUNDED: "partially refunded", statuses.MANUAL_VERIFICATION_REQUIRED: "held for review",
}


@dataclass(frozen=True, slots=True)
class Person:
    """A shopper: a registered customer or a guest."""

    first_name: str
    last_name: str
    email: str
    phone: str
    address_index: int


@dataclass(frozen=True, slots=True)
class Coupon:
    """A coupon code used on an order: type 1 takes `value` percent off, type 2 takes `value` off the total."""

    coupon_id: int
    code: str
    type: int
    value: Decimal


@dataclass(frozen=True, slots=True)
class LineSpec:
    """One order line as chosen by the shopper."""

    product_id: int
    variant_id: int
    quantity: int
    gift_wrapped: bool = False


@dataclass(frozen=True, slots=True)
class OrderSpec:
    """Everything an order is rebuilt from, apart from the mutable index fields (status, dates, archived)."""

    id: int
    customer_id: int
    person: Person
    lines: tuple[LineSpec, ...]
    original_status: int  # money fields (refunds, payments) follow the status the order was created in
    tax_rate: Decimal = STORE_TAX_RATE
    tax_inclusive: bool = False
    currency_code: str = "USD"
    shipping_cents: int = FLAT_RATE_SHIPPING_CENTS
    handling_cents: int = 0
    coupon: Coupon | None = None
    automatic_discount_percent: int = 0
    gift_certificate_cents: int = 0
    store_credit_cents: int = 0
    shipping_address_count: int = 1
    payment_method: str = "Test Payment Gateway"
    order_source: str = "www"
    customer_message: str = ""
    staff_notes: str = ""

    def to_json(self) -> dict[str, object]:
        """A JSON-safe dict for the state file."""
        data = asdict(self)
        data["tax_rate"] = str(self.tax_rate)
        if self.coupon:
            data["coupon"]["value"] = str(self.coupon.value)
        return data

    @classmethod
    def from_json(cls, data: dict) -> "OrderSpec":
        """The inverse of to_json."""
        coupon = data.get("coupon")
        return cls(**{
            **data,
            "person": Person(**data["person"]),
            "lines": tuple(LineSpec(**line) for line in data["lines"]),
            "tax_rate": Decimal(data["tax_rate"]),
            "coupon": Coupon(**{**coupon, "value": Decimal(coupon["value"])}) if coupon else None,
        })


@dataclass(frozen=True, slots=True)
class RenderedOrder:
    """An order in the v2 API's shapes, without the URLs (the API layer adds those)."""

    order: dict
    lines: list[dict]
    shipping_addresses: list[dict]
    coupons: list[dict]


_COUPONS = (Coupon(1, "SAVE10", 1, Decimal(10)), Coupon(2, "WELCOME5", 2, Decimal(5)), Coupon(3, "S2549JM0Y", 1, Decimal(15)))


class OrderNotPlaceable(ValueError):
    """A checkout or POST /orders request that cannot become an order; the message says why."""


class OrderBook:
    """All orders of one store: the in-memory index plus on-demand rendering."""

    def __init__(self, *, seed: int, order_count: int, catalog: Catalog) -> None:
        if order_count < MINIMUM_ORDERS:
            raise ValueError(f"the sandbox needs at least {MINIMUM_ORDERS} orders, got {order_count}")
        self.seed = seed
        self.catalog = catalog
        self.generated_count = order_count
        self.customer_count = max(5, order_count // 5)
        self.placed: dict[int, OrderSpec] = {}
        # A status changed at run time must not change what a generated order was created (and paid) as.
        self.original_statuses: dict[int, int] = {}
        self.special_kinds = {position * order_count // len(SPECIAL_ORDERS): kind
                              for position, kind in enumerate(SPECIAL_ORDERS)}
        self._build_index()
        self._render_static = lru_cache(maxsize=4096)(self._render)
        self.person = lru_cache(maxsize=65_536)(self._person)

    # The index: one entry per order, position = order id - FIRST_ORDER_ID.

    def _build_index(self) -> None:
        count = self.generated_count
        forced = {position: SPECIAL_ORDERS[kind] for position, kind in self.special_kinds.items()
                  if SPECIAL_ORDERS[kind] is not None}
        missing = sorted(set(statuses.STATUS_IDS) - set(forced.values()))
        free = [position for position in range(count) if position not in forced]
        forced.update({free[index * len(free) // len(missing)]: status for index, status in enumerate(missing)})
        draw = {field: FieldDraw(self.seed, "order", field) for field in ("status", "jitter", "modified", "guest", "customer")}
        total_weight = sum(weight for _, weight in _STATUS_WEIGHTS)
        step = (HISTORY_END - HISTORY_START) / count
        self.status_ids: list[int] = []
        self.date_created: list[int] = []
        self.date_modified: list[int] = []
        self.customer_ids: list[int] = []
        self.archived = bytearray(count)
        for position in range(count):
            order_id = FIRST_ORDER_ID + position
            kind = self.special_kinds.get(position)
            status = forced.get(position)
            if status is None:
                status = _weighted_status(draw["status"].below(order_id, total_weight))
            created = HISTORY_START + int(position * step + draw["jitter"].fraction(order_id) * step)
            if kind == "modified_order":
                modified = created + 15 * 86_400
            elif status in _MODIFIED_LATER:
                modified = created + 3_600 + int(draw["modified"].fraction(order_id) * 20 * 86_400)
            else:
                modified = created + int(draw["modified"].fraction(order_id) * 300)
            is_guest = kind == "guest_order" or (kind != "registered_customer_order" and draw["guest"].fraction(order_id) < 0.3)
            self.status_ids.append(status)
            self.date_created.append(created)
            self.date_modified.append(modified)
            self.customer_ids.append(0 if is_guest else 1 + draw["customer"].below(order_id, self.customer_count))
            self.archived[position] = kind == "archived_order"

    @property
    def max_order_id(self) -> int:
        """The highest order id, placed orders included."""
        return FIRST_ORDER_ID + len(self.status_ids) - 1

    def exists(self, order_id: int) -> bool:
        """Whether an order with this id exists (archived ones included)."""
        return FIRST_ORDER_ID <= order_id <= self.max_order_id

    def position(self, order_id: int) -> int:
        """The order's index position."""
        return order_id - FIRST_ORDER_ID

    def email_of(self, order_id: int) -> str:
        """The billing email of an order, for the email filter."""
        spec = self.placed.get(order_id)
        if spec:
            return spec.person.email
        return self._person_for(order_id, self.customer_ids[self.position(order_id)]).email

    def _person_for(self, order_id: int, customer_id: int) -> Person:
        return self.person("customer", customer_id) if customer_id else self.person("guest", order_id)

    def _person(self, topic: str, identifier: int) -> Person:
        rng = record_random(self.seed, topic, identifier)
        first_name = rng.choice(vocabulary.FIRST_NAMES)
        last_name = rng.choice(vocabulary.LAST_NAMES)
        local_part = _ascii_fold(f"{first_name}.{last_name}").replace(" ", "").replace("'", "").lower()
        return Person(first_name=first_name, last_name=last_name,
                      email=f"{local_part}{identifier}@{rng.choice(vocabulary.EMAIL_DOMAINS)}",
                      phone=f"555-{rng.randrange(100, 1000)}-{rng.randrange(1000, 10_000)}",
                      address_index=rng.randrange(len(vocabulary.ADDRESSES)))

    # Mutations (the store serialises them under its lock).

    def set_status(self, order_id: int, status_id: int, modified_at: int) -> None:
        """Change an order's status; like BigCommerce, this bumps date_modified."""
        position = self.position(order_id)
        if order_id not in self.placed:
            self.original_statuses.setdefault(order_id, self.status_ids[position])
        self.status_ids[position] = status_id
        self.date_modified[position] = modified_at

    def set_archived(self, order_id: int, archived: bool, modified_at: int) -> None:
        """Archive (is_deleted) or restore an order."""
        position = self.position(order_id)
        self.archived[position] = archived
        self.date_modified[position] = modified_at

    def add(self, spec: OrderSpec, *, status_id: int, created_at: int) -> None:
        """Append a placed order (its id must be the next one) to the index."""
        if spec.id != self.max_order_id + 1:
            raise ValueError(f"order {spec.id} is not the next order id {self.max_order_id + 1}")
        self.placed[spec.id] = spec
        self.status_ids.append(status_id)
        self.date_created.append(created_at)
        self.date_modified.append(created_at)
        self.customer_ids.append(spec.customer_id)
        self.archived.append(False)

    def new_spec(self, *, lines: list[tuple[int, int | None, int]], person: Person, customer_id: int,
                 status_id: int, customer_message: str = "", order_source: str = "www",
                 payment_method: str = "Test Payment Gateway", shipping_cents: int = FLAT_RATE_SHIPPING_CENTS) -> OrderSpec:
        """A spec for a new order of catalog products; raises OrderNotPlaceable with a shopper-readable reason."""
        if not lines:
            raise OrderNotPlaceable("An order needs at least one product.")
        line_specs = []
        for product_id, variant_id, quantity in lines:
            product = self.catalog.product(product_id) if self.catalog.exists(product_id) else None
            if product is None:
                raise OrderNotPlaceable(f"Product {product_id} does not exist.")
            if quantity < 1:
                raise OrderNotPlaceable(f"The quantity of product {product_id} must be at least 1.")
            if variant_id is None and product.has_options:
                raise OrderNotPlaceable(f"Choose the options (variant_id) of product {product_id}, {product.name}.")
            variant = product.variant(variant_id)
            if variant is None:
                raise OrderNotPlaceable(f"Variant {variant_id} is not a variant of product {product_id}.")
            line_specs.append(LineSpec(product_id, variant.id, quantity))
        return OrderSpec(id=self.max_order_id + 1, customer_id=customer_id, person=person, lines=tuple(line_specs),
                         original_status=status_id, customer_message=customer_message, order_source=order_source,
                         payment_method=payment_method, shipping_cents=shipping_cents)

    # Rendering.

    def spec(self, order_id: int) -> OrderSpec:
        """The spec an order is built from."""
        return self.placed.get(order_id) or self._generated_spec(order_id)

    def render(self, order_id: int) -> RenderedOrder:
        """The order in v2 shapes, with its current status, date_modified and archived flag."""
        static = self._render_static(order_id)
        position = self.position(order_id)
        status_id = self.status_ids[position]
        order = dict(static.order, status_id=status_id, date_modified=rfc2822(self.date_modified[position]),
                     is_deleted=bool(self.archived[position]))
        return replace(static, order=order)

    def _generated_spec(self, order_id: int) -> OrderSpec:
        position = self.position(order_id)
        kind = self.special_kinds.get(position, "")
        rng = record_random(self.seed, "order", order_id)
        status = self.original_statuses.get(order_id, self.status_ids[position])
        customer_id = self.customer_ids[position]
        line_count = 120 if kind == "order_120_lines" else _draw_line_count(rng.random(), rng)
        if kind in ("partially_refunded_order", "multiple_addresses_order"):
            line_count = max(line_count, 2)
        lines = self._draw_lines(rng, line_count, gift_wrap_first=kind == "wrapping_order" or rng.random() < 0.05)
        if kind == "deleted_product_order":
            deleted = self.catalog.max_product_id
            lines = (LineSpec(deleted, self.catalog.variant_ids_of(deleted)[0], 1), *lines[1:])
        # Drawn for every order, used or not, so each order's later draws do not depend on its kind.
        drawn_tax = rng.choice(_TAX_SETTINGS)
        tax_rate, tax_inclusive = _SPECIAL_TAX_SETTINGS.get(kind, drawn_tax)
        drawn_currency = rng.choice(("EUR", "GBP", "CAD")) if rng.random() < 0.08 else "USD"
        currency = "EUR" if kind == "other_currency_order" else drawn_currency
        drawn_coupon = rng.choice(_COUPONS) if rng.random() < 0.15 else None
        coupon = _COUPONS[0] if kind == "coupon_order" and drawn_coupon is None else drawn_coupon
        return OrderSpec(
            id=order_id,
            customer_id=customer_id,
            person=self._person_for(order_id, customer_id),
            lines=lines,
            original_status=status,
            tax_rate=tax_rate,
            tax_inclusive=tax_inclusive,
            currency_code=currency,
            shipping_cents=rng.choice((0, 500, 895, 1000, 1250, 2400)) if kind != "shipping_handling_order" else 1200,
            handling_cents=350 if kind == "shipping_handling_order" or rng.random() < 0.1 else 0,
            coupon=coupon,
            automatic_discount_percent=5 if kind == "automatic_discount_order" or rng.random() < 0.1 else 0,
            gift_certificate_cents=2500 if kind == "gift_certificate_order" or rng.random() < 0.03 else 0,
            store_credit_cents=500 if kind == "gift_certificate_order" else 0,
            shipping_address_count=2 if kind == "multiple_addresses_order" or (line_count > 1 and rng.random() < 0.05) else 1,
            payment_method=rng.choice(("Test Payment Gateway", "Credit Card", "PayPal", "Manual", "Cash on Delivery")),
            order_source=rng.choice(("www", "www", "www", "manual", "external", "iphone")),
            customer_message=rng.choice(("", "", "", "Please leave at the back door.", "Geschenk – bitte ohne Rechnung")),
            staff_notes=rng.choice(("", "", "BIN-45", "Called customer to confirm address")),
        )

    def _draw_lines(self, rng: random.Random, count: int, *, gift_wrap_first: bool) -> tuple[LineSpec, ...]:
        # Distinct variants while the catalog has enough; a tiny catalog's 120-line order repeats some.
        variant_total = self.catalog.first_variant_id[-1] - self.catalog.first_variant_id[1]
        lines: list[LineSpec] = []
        seen: set[int] = set()
        while len(lines) < count:
            product_id = rng.randint(1, self.catalog.max_product_id)
            variant_id = rng.choice(self.catalog.variant_ids_of(product_id))
            draw = rng.random()
            quantity = 1 if draw < 0.7 else rng.randint(2, 3) if draw < 0.95 else rng.randint(4, 10)
            if variant_id in seen and len(seen) < variant_total:
                continue
            seen.add(variant_id)
            lines.append(LineSpec(product_id, variant_id, quantity, gift_wrapped=gift_wrap_first and not lines))
        return tuple(lines)

    def _render(self, order_id: int) -> RenderedOrder:
        return price_order(self.spec(order_id), self.catalog, date_created=self.date_created[self.position(order_id)])

    def examples(self) -> dict[str, int]:
        """Named ids of the awkward orders every store contains."""
        return {kind: FIRST_ORDER_ID + position for position, kind in self.special_kinds.items()}


def _weighted_status(draw: int) -> int:
    for status, weight in _STATUS_WEIGHTS:
        if draw < weight:
            return status
        draw -= weight
    raise AssertionError("draw exceeds the total weight")


def _draw_line_count(draw: float, rng: random.Random) -> int:
    if draw < 0.4:
        return 1
    if draw < 0.75:
        return rng.randint(2, 3)
    if draw < 0.95:
        return rng.randint(4, 8)
    return rng.randint(9, 20)


def _ascii_fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def price_order(spec: OrderSpec, catalog: Catalog, *, date_created: int) -> RenderedOrder:
    """Price an order the way BigCommerce reports it; see docs/sandbox.md for the identities that hold."""
    currency = CURRENCIES[spec.currency_code]
    rate, inclusive = spec.tax_rate, spec.tax_inclusive
    address_ids = [spec.id * 10 + number for number in range(1, spec.shipping_address_count + 1)]

    def in_order_currency(amount: Decimal) -> Decimal:
        return to_cents(amount * currency.rate)

    products = [catalog.product(line.product_id) for line in spec.lines]
    unit_prices = [in_order_currency(product.variant(line.variant_id).calculated_price)
                   for line, product in zip(spec.lines, products, strict=False)]
    unit_splits = [split_tax(unit, rate, tax_inclusive=inclusive) for unit in unit_prices]
    totals_inc = [inc * line.quantity for (_, inc, _), line in zip(unit_splits, spec.lines, strict=False)]
    subtotal_inc = sum(totals_inc, ZERO)

    coupon_discount = ZERO
    if spec.coupon and spec.coupon.type == 1:
        coupon_discount = to_cents(subtotal_inc * spec.coupon.value / 100)
    elif spec.coupon:
        coupon_discount = min(in_order_currency(spec.coupon.value), subtotal_inc)
    discount_amount = min(to_cents(subtotal_inc * spec.automatic_discount_percent / 100), subtotal_inc - coupon_discount)
    coupon_shares = allocate(coupon_discount, totals_inc)
    automatic_shares = allocate(discount_amount, totals_inc)

    lines = []
    for number, (line, product) in enumerate(zip(spec.lines, products, strict=False)):
        unit = unit_prices[number]
        price_ex, price_inc, price_tax = unit_splits[number]
        discounts = _applied_discounts(spec, coupon_shares[number], automatic_shares[number])
        wrapping = split_tax(in_order_currency(from_cents(GIFT_WRAP_CENTS)) * line.quantity, rate, tax_inclusive=inclusive) \
            if line.gift_wrapped else (ZERO, ZERO, ZERO)
        variant = product.variant(line.variant_id)
        line_id = spec.id * 1000 + number + 1
        lines.append({
            "id": line_id,
            "order_id": spec.id,
            "product_id": line.product_id,
            "variant_id": line.variant_id,
            "order_pickup_method_id": 0,
            "order_address_id": address_ids[number % len(address_ids)],
            "name": product.name,
            "name_customer": product.name,
            "name_merchant": product.name,
            "sku": variant.sku,
            "upc": product.upc,
            "type": "physical",
            "base_price": v2_money(unit),
            "price_ex_tax": v2_money(price_ex),
            "price_inc_tax": v2_money(price_inc),
            "price_tax": v2_money(price_tax),
            "base_total": v2_money(unit * line.quantity),
            "total_ex_tax": v2_money(price_ex * line.quantity),
            "total_inc_tax": v2_money(price_inc * line.quantity),
            "total_tax": v2_money((price_inc - price_ex) * line.quantity),
            "weight": v2_money(product.weight),
            "width": "0.0000",
            "height": "0.0000",
            "depth": "0.0000",
            "quantity": line.quantity,
            "base_cost_price": v2_money(in_order_currency(product.cost_price)),
            "cost_price_inc_tax": v2_money(in_order_currency(product.cost_price)),
            "cost_price_ex_tax": v2_money(in_order_currency(product.cost_price)),
            "cost_price_tax": "0.0000",
            "is_refunded": False,
            "quantity_refunded": 0,
            "refund_amount": "0.0000",  # deprecated; the spec says it always returns 0
            "return_id": 0,
            "wrapping_id": 1 if line.gift_wrapped else 0,
            "wrapping_name": "Gift Wrap" if line.gift_wrapped else "",
            "base_wrapping_cost": v2_money(wrapping[0] if not inclusive else wrapping[1]),
            "wrapping_cost_ex_tax": v2_money(wrapping[0]),
            "wrapping_cost_inc_tax": v2_money(wrapping[1]),
            "wrapping_cost_tax": v2_money(wrapping[2]),
            "wrapping_message": "Happy birthday!" if line.gift_wrapped else "",
            "quantity_shipped": 0,
            "event_name": None,
            "event_date": None,
            "fixed_shipping_cost": "0.0000",
            "ebay_item_id": "",
            "ebay_transaction_id": "",
            "option_set_id": 2 * line.product_id if variant.option_values else None,
            "parent_order_product_id": None,
            "is_bundled_product": False,
            "bin_picking_number": "",
            "external_id": None,
            "brand": product.brand_name,
            "applied_discounts": discounts,
            "product_options": [_product_option(line_id, position, value) for position, value in enumerate(variant.option_values)],
            "configurable_fields": [],
            "gift_certificate_id": None,
            "discounted_total_inc_tax": v2_money(totals_inc[number] - coupon_shares[number] - automatic_shares[number]),
        })

    addresses = _shipping_addresses(spec, lines, address_ids, in_order_currency)
    order = {"id": spec.id, **_order_totals(spec, lines, addresses, coupon_discount, discount_amount, in_order_currency)}
    _apply_fulfilment_and_refunds(spec, order, lines, addresses)
    order.update(_order_details(spec, currency, date_created))
    coupons = [] if not spec.coupon else [{
        "id": spec.id * 10 + 1, "coupon_id": spec.coupon.coupon_id, "order_id": spec.id, "code": spec.coupon.code,
        "amount": float(spec.coupon.value), "type": spec.coupon.type, "discount": float(coupon_discount),
    }]
    return RenderedOrder(order=order, lines=lines, shipping_addresses=addresses, coupons=coupons)


def _applied_discounts(spec: OrderSpec, coupon_share: Decimal, automatic_share: Decimal) -> list[dict]:
    discounts = []
    if coupon_share:
        value = spec.coupon.value
        name = f"{value}% off" if spec.coupon.type == 1 else f"{value} off the order"
        discounts.append({"id": "coupon", "amount": v2_money(coupon_share), "name": name,
                          "code": spec.coupon.code, "target": "order"})
    if automatic_share:
        discounts.append({"id": "1", "amount": v2_money(automatic_share),
                          "name": f"Store-wide sale: {spec.automatic_discount_percent}% off", "code": None, "target": "order"})
    return discounts


def _product_option(line_id: int, position: int, value: OptionValue) -> dict:
    return {
        "id": line_id * 10 + position,
        "option_id": value.option_id,
        "order_product_id": line_id,
        "product_option_id": value.option_id,
        "display_name": value.option_name,
        "display_name_customer": value.option_name,
        "display_name_merchant": value.option_name,
        "display_value": value.label,
        "display_value_customer": value.label,
        "display_value_merchant": value.label,
        "value": str(value.value_id),
        "type": "Swatch" if value.option_name == "Colour" else "Multiple choice",
        "name": value.option_name,
        "display_style": "Swatch" if value.option_name == "Colour" else "Rectangle",
    }


def _shipping_addresses(spec: OrderSpec, lines: list[dict], address_ids: list[int],
                        in_order_currency: Callable[[Decimal], Decimal]) -> list[dict]:
    person = spec.person
    items = [sum(line["quantity"] for line in lines if line["order_address_id"] == address_id) for address_id in address_ids]
    shipping_shares = allocate(in_order_currency(from_cents(spec.shipping_cents)), [Decimal(count) for count in items])
    addresses = []
    for number, address_id in enumerate(address_ids):
        city, state, zip_code, country, country_iso2, street = vocabulary.ADDRESSES[(person.address_index + 3 * number) % len(vocabulary.ADDRESSES)]
        first_name = person.first_name if number == 0 else vocabulary.FIRST_NAMES[(spec.id + 5) % len(vocabulary.FIRST_NAMES)]
        shipping = split_tax(shipping_shares[number], spec.tax_rate, tax_inclusive=spec.tax_inclusive)
        handling_base = in_order_currency(from_cents(spec.handling_cents)) if number == 0 else ZERO
        handling = split_tax(handling_base, spec.tax_rate, tax_inclusive=spec.tax_inclusive)
        addresses.append({
            "id": address_id,
            "order_id": spec.id,
            "first_name": first_name,
            "last_name": person.last_name,
            "company": "",
            "street_1": street,
            "street_2": "",
            "city": city,
            "state": state,
            "zip": zip_code,
            "country": country,
            "country_iso2": country_iso2,
            "phone": person.phone,
            "email": person.email,
            "items_total": items[number],
            "items_shipped": 0,
            "shipping_method": "Free Shipping" if not shipping_shares[number] else "Flat Rate",
            "base_cost": v2_money(shipping_shares[number]),
            "cost_ex_tax": v2_money(shipping[0]),
            "cost_inc_tax": v2_money(shipping[1]),
            "cost_tax": v2_money(shipping[2]),
            "cost_tax_class_id": 2,
            "base_handling_cost": v2_money(handling_base),
            "handling_cost_ex_tax": v2_money(handling[0]),
            "handling_cost_inc_tax": v2_money(handling[1]),
            "handling_cost_tax": v2_money(handling[2]),
            "handling_cost_tax_class_id": 2,
            "shipping_zone_id": 1 if country_iso2 == "US" else 2,
            "shipping_zone_name": "United States" if country_iso2 == "US" else "International",
            "form_fields": [],
        })
    return addresses


def _sum(rows: list[dict], field: str) -> Decimal:
    return sum((Decimal(row[field]) for row in rows), ZERO)


def _order_totals(spec: OrderSpec, lines: list[dict], addresses: list[dict], coupon_discount: Decimal,
                  discount_amount: Decimal, in_order_currency: Callable[[Decimal], Decimal]) -> dict:
    subtotal_ex, subtotal_inc = _sum(lines, "total_ex_tax"), _sum(lines, "total_inc_tax")
    shipping_ex, shipping_inc = _sum(addresses, "cost_ex_tax"), _sum(addresses, "cost_inc_tax")
    handling_ex, handling_inc = _sum(addresses, "handling_cost_ex_tax"), _sum(addresses, "handling_cost_inc_tax")
    wrapping_ex, wrapping_inc = _sum(lines, "wrapping_cost_ex_tax"), _sum(lines, "wrapping_cost_inc_tax")
    # Discounts are taken off tax-inclusive amounts; the tax they remove is their share at the order's rate.
    discount_ex = to_cents((coupon_discount + discount_amount) / (1 + spec.tax_rate))
    total_inc = subtotal_inc + shipping_inc + handling_inc + wrapping_inc - coupon_discount - discount_amount
    total_ex = subtotal_ex + shipping_ex + handling_ex + wrapping_ex - discount_ex
    gift_certificate = min(in_order_currency(from_cents(spec.gift_certificate_cents)), total_inc)
    store_credit = min(in_order_currency(from_cents(spec.store_credit_cents)), total_inc - gift_certificate)
    return {
        "subtotal_ex_tax": v2_money(subtotal_ex),
        "subtotal_inc_tax": v2_money(subtotal_inc),
        "subtotal_tax": v2_money(subtotal_inc - subtotal_ex),
        "base_shipping_cost": v2_money(_sum(addresses, "base_cost")),
        "shipping_cost_ex_tax": v2_money(shipping_ex),
        "shipping_cost_inc_tax": v2_money(shipping_inc),
        "shipping_cost_tax": v2_money(shipping_inc - shipping_ex),
        "shipping_cost_tax_class_id": 2,
        "base_handling_cost": v2_money(_sum(addresses, "base_handling_cost")),
        "handling_cost_ex_tax": v2_money(handling_ex),
        "handling_cost_inc_tax": v2_money(handling_inc),
        "handling_cost_tax": v2_money(handling_inc - handling_ex),
        "handling_cost_tax_class_id": 2,
        "base_wrapping_cost": v2_money(_sum(lines, "base_wrapping_cost")),
        "wrapping_cost_ex_tax": v2_money(wrapping_ex),
        "wrapping_cost_inc_tax": v2_money(wrapping_inc),
        "wrapping_cost_tax": v2_money(wrapping_inc - wrapping_ex),
        "wrapping_cost_tax_class_id": 3,
        "total_ex_tax": v2_money(total_ex),
        "total_inc_tax": v2_money(total_inc),
        "total_tax": v2_money(total_inc - total_ex),
        "discount_amount": v2_money(discount_amount),
        "coupon_discount": v2_money(coupon_discount),
        "gift_certificate_amount": v2_money(gift_certificate),
        "store_credit_amount": v2_money(store_credit),
        "items_total": sum(line["quantity"] for line in lines),
    }


def _apply_fulfilment_and_refunds(spec: OrderSpec, order: dict, lines: list[dict], addresses: list[dict]) -> None:
    """Set shipped quantities, refunds and payment status from the status the order was created in."""
    status = spec.original_status
    shipped_lines = lines if status in (statuses.SHIPPED, statuses.COMPLETED) else (
        lines[:1] if status == statuses.PARTIALLY_SHIPPED else [])
    for line in shipped_lines:
        line["quantity_shipped"] = line["quantity"]
    for address in addresses:
        address["items_shipped"] = sum(line["quantity"] for line in shipped_lines if line["order_address_id"] == address["id"])
    refunded = ZERO
    if status == statuses.REFUNDED:
        refunded_lines = lines
        refunded = Decimal(order["total_inc_tax"])
    elif status == statuses.PARTIALLY_REFUNDED:
        refunded_lines = lines[:1]
        refunded = Decimal(lines[0]["discounted_total_inc_tax"])
    else:
        refunded_lines = []
    for line in refunded_lines:
        line["is_refunded"] = True
        line["quantity_refunded"] = line["quantity"]
    order["refunded_amount"] = v2_money(refunded)
    order["items_shipped"] = sum(line["quantity_shipped"] for line in lines)
    order["payment_status"] = _PAYMENT_STATUS.get(status, "captured")


def _order_details(spec: OrderSpec, currency: Currency, date_created: int) -> dict:
    person = spec.person
    city, state, zip_code, country, country_iso2, street = vocabulary.ADDRESSES[person.address_index]
    shipped = spec.original_status in (statuses.SHIPPED, statuses.COMPLETED)
    return {
        "id": spec.id,
        "customer_id": spec.customer_id,
        "date_created": rfc2822(date_created),
        "date_shipped": rfc2822(date_created + 86_400) if shipped else "",
        "is_tax_inclusive_pricing": spec.tax_inclusive,
        "payment_method": spec.payment_method,
        "payment_provider_id": "",
        "order_is_digital": False,
        "ip_address": f"203.0.113.{spec.id % 250 + 1}",
        "ip_address_v6": "",
        "geoip_country": country,
        "geoip_country_iso2": country_iso2,
        "currency_id": currency.id,
        "currency_code": currency.code,
        "currency_exchange_rate": "1.0000000000",
        "default_currency_id": currency.id,
        "default_currency_code": currency.code,
        "store_default_currency_code": STORE_CURRENCY.code,
        "store_default_to_transactional_exchange_rate": f"{currency.rate:.10f}",
        "staff_notes": spec.staff_notes,
        "customer_message": spec.customer_message,
        "shipping_address_count": spec.shipping_address_count,
        "ebay_order_id": "0",
        "cart_id": str(uuid.UUID(int=record_random(spec.id, "cart", spec.id).getrandbits(128), version=4)),
        "billing_address": {
            "first_name": person.first_name, "last_name": person.last_name, "company": "",
            "street_1": street, "street_2": "", "city": city, "state": state, "zip": zip_code,
            "country": country, "country_iso2": country_iso2, "phone": person.phone, "email": person.email,
            "form_fields": [],
        },
        "is_email_opt_in": spec.customer_id != 0,
        "credit_card_type": None,
        "order_source": spec.order_source,
        "channel_id": 1,
        "external_source": None,
        "external_id": None,
        "external_merchant_id": None,
        "tax_provider_id": "BasicTaxProvider",
        "customer_locale": "en",
        "external_order_id": "",
    }
