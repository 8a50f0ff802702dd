"""Orders: generated on demand from (seed, order id) or placed at checkout; priced by sandbox.pricing.

Only the fields the v2 API filters and sorts on live in memory (status, dates, customer, archived);
everything else is rebuilt from an `OrderSpec` when an order is served. Generated orders derive their
spec from the seed; placed orders keep theirs, which is what the state file saves.
"""

import random
import unicodedata
from dataclasses import replace
from decimal import Decimal
from functools import lru_cache

from sandbox import statuses, vocabulary
from sandbox.catalog import CATALOG_END, Catalog
from sandbox.dates import rfc2822
from sandbox.order_specs import (
    COUPONS, COUPONS_BY_CODE, EXCLUSIVE, FLAT_RATE_SHIPPING_CENTS, INCLUSIVE, PRICING_SETUPS, STORE_TAX, SWITCHED,
    LineSpec, OrderSpec, Person, RenderedOrder,
)
from sandbox.pricing import price_order
from sandbox.seeded import FieldDraw, record_random

FIRST_ORDER_ID = 100  # BigCommerce numbers a new store's orders from 100
HISTORY_END = CATALOG_END
HISTORY_START = HISTORY_END - 240 * 86_400  # eight months of orders
MINIMUM_ORDERS = 20

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
# Kinds added later, laid on the orders no kind above holds (several on one order in a store too small for each
# to have its own), so the orders above keep their ids.
FEATURE_ORDERS = ("manual_discount_order", "coupon_and_promotion_order", "two_coupons_order", "business_vat_order",
                  "guest_with_customer_email_order", "digital_order")
# Kinds whose point needs a shipping address on every line.
_PHYSICAL_ONLY = frozenset({"shipping_handling_order", "multiple_addresses_order", "wrapping_order"})
# How often each status occurs in a generated store (weights; every status also occurs at least once).
_STATUS_WEIGHTS = ((10, 30), (2, 20), (11, 15), (9, 5), (7, 5), (0, 5), (1, 4), (5, 4), (4, 3), (14, 2),
                   (3, 2), (6, 2), (8, 1), (12, 1), (13, 1))
# The tax rates orders are placed under (with the legacy inclusive flag, drawn but no longer used: the set-up decides).
_TAX_SETTINGS = ((Decimal("0.0825"), False), (Decimal("0.10"), False), (Decimal("0.20"), True), (Decimal("0.10"), True),
                 (Decimal(0), False))
_SPECIAL_TAX_RATES = {"tax_inclusive_order": Decimal("0.20"), "tax_exclusive_order": Decimal("0.0825"),
                      "zero_tax_order": Decimal(0)}
_MODIFIED_LATER = frozenset({statuses.SHIPPED, statuses.PARTIALLY_SHIPPED, statuses.REFUNDED, statuses.CANCELLED,
                             statuses.COMPLETED, statuses.PARTIALLY_REFUNDED, statuses.DISPUTED})
_GATEWAYS = {"Test Payment Gateway": "TPG-", "Credit Card": "ch_", "PayPal": "PAYID-"}
_UNPAID = frozenset({statuses.INCOMPLETE, statuses.PENDING, statuses.AWAITING_PAYMENT, statuses.DECLINED})
MANUAL_DISCOUNT_CENTS = 159  # BigCommerce's own example of a manual discount


class OrderNotPlaceable(ValueError):
    """A checkout or POST /orders request that cannot become an order; the message says why."""


class OrderBook:
    """All orders of one store: the in-memory index plus on-demand rendering."""

    def __init__(self, *, seed: int, order_count: int, catalog: Catalog, pricing: str = EXCLUSIVE) -> None:
        if order_count < MINIMUM_ORDERS:
            raise ValueError(f"the sandbox needs at least {MINIMUM_ORDERS} orders, got {order_count}")
        if pricing not in PRICING_SETUPS:
            raise ValueError(f"pricing must be one of {', '.join(PRICING_SETUPS)}, got {pricing!r}")
        self.seed = seed
        self.catalog = catalog
        self.pricing = pricing
        self.generated_count = order_count
        self.customer_count = max(5, order_count // 5)
        self.placed: dict[int, OrderSpec] = {}
        # A status changed at run time must not change what a generated order was created (and paid) as.
        self.original_statuses: dict[int, int] = {}
        kinds = list(SPECIAL_ORDERS)
        if pricing == SWITCHED:  # its older orders are the exclusive ones, so the exclusive example comes first
            first, second = kinds.index("tax_inclusive_order"), kinds.index("tax_exclusive_order")
            kinds[first], kinds[second] = kinds[second], kinds[first]
        self.special_kinds = {position * order_count // len(kinds): kind for position, kind in enumerate(kinds)}
        free = [position for position in range(order_count) if position not in self.special_kinds]
        spread = len(free) >= len(FEATURE_ORDERS)
        self.feature_kinds: dict[int, set[str]] = {}
        for index, kind in enumerate(FEATURE_ORDERS):
            position = free[index * len(free) // len(FEATURE_ORDERS)] if spread else free[index % len(free)]
            self.feature_kinds.setdefault(position, set()).add(kind)
        self._draws = {field: FieldDraw(seed, "order", field)
                       for field in ("status", "jitter", "modified", "guest", "customer", "guest-email", "email-owner")}
        self._build_index()
        # A switched store entered prices without tax until its tax-inclusive example order, and with tax since.
        self.switched_at = self.date_created[self._position_of("tax_inclusive_order")]
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
        draw = self._draws
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
            is_guest = kind == "guest_order" or "guest_with_customer_email_order" in self.feature_kinds.get(position, ()) \
                or (kind != "registered_customer_order" and draw["guest"].fraction(order_id) < 0.3)
            self.status_ids.append(status)
            self.date_created.append(created)
            self.date_modified.append(modified)
            self.customer_ids.append(0 if is_guest else 1 + draw["customer"].below(order_id, self.customer_count))
            self.archived[position] = kind == "archived_order"

    def _position_of(self, kind: str) -> int:
        return next(position for position, named in self.special_kinds.items() if named == kind)

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
        return spec.person.email if spec else self._billing_person(order_id).email

    def _billing_person(self, order_id: int) -> Person:
        position = self.position(order_id)
        customer_id = self.customer_ids[position]
        if customer_id:
            return self.person("customer", customer_id)
        if "guest_with_customer_email_order" in self.feature_kinds.get(position, ()) or (
                position not in self.special_kinds and self._draws["guest-email"].fraction(order_id) < 0.1):
            # A guest who typed the e-mail address (and name) of a registered customer.
            return self.person("customer", 1 + self._draws["email-owner"].below(order_id, self.customer_count))
        return self.person("guest", order_id)

    def _person(self, topic: str, identifier: int) -> Person:
        rng = record_random(self.seed, topic, identifier)
        first_name = rng.choice(vocabulary.FIRST_NAMES)
        last_name = rng.choice(vocabulary.LAST_NAMES)
        local_part = _ascii_fold(f"{first_name}.{last_name}").replace(" ", "").replace("'", "").lower()
        return Person(first_name=first_name, last_name=last_name,
                      email=f"{local_part}{identifier}@{rng.choice(vocabulary.EMAIL_DOMAINS)}",
                      phone=f"555-{rng.randrange(100, 1000)}-{rng.randrange(1000, 10_000)}",
                      address_index=rng.randrange(len(vocabulary.ADDRESSES)))

    def original_status(self, order_id: int) -> int:
        """The status the order was created in, which its money (payment, refunds, shipments) follows."""
        spec = self.placed.get(order_id)
        if spec:
            return spec.original_status
        return self.original_statuses.get(order_id, self.status_ids[self.position(order_id)])

    # Mutations (the store serialises them under its lock).

    def set_status(self, order_id: int, status_id: int, modified_at: int) -> None:
        """Change an order's status; like BigCommerce, this bumps date_modified."""
        position = self.position(order_id)
        if order_id not in self.placed:
            self.original_statuses.setdefault(order_id, self.status_ids[position])
        self.status_ids[position] = status_id
        self.touch(order_id, modified_at)

    def set_archived(self, order_id: int, archived: bool, modified_at: int) -> None:
        """Archive (is_deleted) or restore an order."""
        self.archived[self.position(order_id)] = archived
        self.touch(order_id, modified_at)

    def touch(self, order_id: int, modified_at: int) -> None:
        """Bump date_modified, as every change to an order does."""
        self.date_modified[self.position(order_id)] = modified_at

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
                 payment_method: str = "Test Payment Gateway", shipping_cents: int = FLAT_RATE_SHIPPING_CENTS,
                 coupon_codes: tuple[str, ...] = (), billing_company: str = "",
                 billing_form_fields: tuple[tuple[str, str], ...] = ()) -> OrderSpec:
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
        unknown = [code for code in coupon_codes if code.strip().upper() not in COUPONS_BY_CODE]
        if unknown:
            raise OrderNotPlaceable(f"The coupon code {unknown[0]!r} is not valid; the store's codes are "
                                    f"{', '.join(COUPONS_BY_CODE)}.")
        coupons = tuple(dict.fromkeys(COUPONS_BY_CODE[code.strip().upper()] for code in coupon_codes))
        order_id = self.max_order_id + 1
        tax_rate, tax_inclusive = STORE_TAX[self.pricing]
        return OrderSpec(id=order_id, customer_id=customer_id, person=person, lines=tuple(line_specs),
                         original_status=status_id, tax_rate=tax_rate, tax_inclusive=tax_inclusive, coupons=coupons,
                         customer_message=customer_message, order_source=order_source, payment_method=payment_method,
                         payment_provider_id=_payment_provider_id(self.seed, order_id, payment_method, status_id),
                         shipping_cents=shipping_cents, billing_company=billing_company,
                         billing_form_fields=billing_form_fields)

    # Rendering.

    def spec(self, order_id: int) -> OrderSpec:
        """The spec an order is built from."""
        return self.placed.get(order_id) or self._generated_spec(order_id)

    def render(self, order_id: int) -> RenderedOrder:
        """The order as created, with its current status, date_modified and archived flag."""
        static = self._render_static(order_id)
        position = self.position(order_id)
        order = dict(static.order, status_id=self.status_ids[position], date_modified=rfc2822(self.date_modified[position]),
                     is_deleted=bool(self.archived[position]))
        return replace(static, order=order, lines=[dict(line) for line in static.lines],
                       shipping_addresses=[dict(address) for address in static.shipping_addresses])

    def _generated_spec(self, order_id: int) -> OrderSpec:
        position = self.position(order_id)
        kind = self.special_kinds.get(position, "")
        features = self.feature_kinds.get(position, set())
        rng = record_random(self.seed, "order", order_id)
        status = self.original_status(order_id)
        line_count = 120 if kind == "order_120_lines" else _draw_line_count(rng.random(), rng)
        if kind in ("partially_refunded_order", "multiple_addresses_order"):
            line_count = max(line_count, 2)
        lines = self._draw_lines(rng, line_count, gift_wrap_first=kind == "wrapping_order" or rng.random() < 0.05,
                                 physical_only=kind in _PHYSICAL_ONLY)
        if kind == "deleted_product_order":
            deleted = self.catalog.max_product_id
            lines = (LineSpec(deleted, self.catalog.variant_ids_of(deleted)[0], 1), *lines[1:])
        # Every draw below is made for every order, used or not, so each order's later draws do not depend on its kind.
        drawn_rate, _ = rng.choice(_TAX_SETTINGS)
        drawn_currency = rng.choice(("EUR", "GBP", "CAD")) if rng.random() < 0.08 else "USD"
        drawn_coupon = rng.choice(COUPONS) if rng.random() < 0.15 else None
        coupon = COUPONS[0] if kind == "coupon_order" and drawn_coupon is None else drawn_coupon
        shipping_cents = rng.choice((0, 500, 895, 1000, 1250, 2400)) if kind != "shipping_handling_order" else 1200
        handling_cents = 350 if kind == "shipping_handling_order" or rng.random() < 0.1 else 0
        automatic_percent = 5 if kind == "automatic_discount_order" or rng.random() < 0.1 else 0
        gift_certificate_cents = 2500 if kind == "gift_certificate_order" or rng.random() < 0.03 else 0
        address_count = 2 if kind == "multiple_addresses_order" or (line_count > 1 and rng.random() < 0.05) else 1
        payment_method = rng.choice(("Test Payment Gateway", "Credit Card", "PayPal", "Manual", "Cash on Delivery"))
        order_source = rng.choice(("www", "www", "www", "manual", "external", "iphone"))
        customer_message = rng.choice(("", "", "", "Please leave at the back door.", "Geschenk – bitte ohne Rechnung"))
        staff_notes = rng.choice(("", "", "BIN-45", "Called customer to confirm address"))
        # Drawn after all of the above, so the orders of earlier versions keep every figure they had.
        manual_draw, second_coupon_draw, business_draw = rng.random(), rng.random(), rng.random()
        coupons = (coupon,) if coupon else ()
        if "two_coupons_order" in features or (not kind and coupon and second_coupon_draw < 0.2):
            coupons = (coupon or COUPONS[0], next(other for other in COUPONS if other != (coupon or COUPONS[0])))
        if "coupon_and_promotion_order" in features:
            coupons, automatic_percent = coupons or (COUPONS[2],), automatic_percent or 10
        if "digital_order" in features:
            digital_id = self.catalog.examples()["digital_product"]
            lines = (*lines, LineSpec(digital_id, self.catalog.variant_ids_of(digital_id)[0], 1))
        person = self._billing_person(order_id)
        business = "business_vat_order" in features or (not kind and business_draw < 0.1)
        country = vocabulary.ADDRESSES[person.address_index][4]
        vat_number = business and ("business_vat_order" in features or country != "US")
        return OrderSpec(
            id=order_id,
            customer_id=self.customer_ids[position],
            person=person,
            lines=lines,
            original_status=status,
            tax_rate=_SPECIAL_TAX_RATES.get(kind, drawn_rate),
            tax_inclusive=self._prices_include_tax(position),
            currency_code="EUR" if kind == "other_currency_order" else drawn_currency,
            shipping_cents=shipping_cents,
            handling_cents=handling_cents,
            coupons=coupons,
            automatic_discount_percent=automatic_percent,
            manual_discount_cents=MANUAL_DISCOUNT_CENTS if "manual_discount_order" in features or (
                not kind and manual_draw < 0.03) else 0,
            gift_certificate_cents=gift_certificate_cents,
            store_credit_cents=500 if kind == "gift_certificate_order" else 0,
            shipping_address_count=address_count,
            payment_method=payment_method,
            payment_provider_id=_payment_provider_id(self.seed, order_id, payment_method, status),
            billing_company=vocabulary.COMPANY_NAMES[order_id % len(vocabulary.COMPANY_NAMES)] if business else "",
            billing_form_fields=(("VAT number", f"{country}{order_id * 7919 % 10**9:09d}"),) if vat_number else (),
            order_source=order_source,
            customer_message=customer_message,
            staff_notes=staff_notes,
        )

    def _prices_include_tax(self, position: int) -> bool:
        if self.pricing == SWITCHED:
            return self.date_created[position] >= self.switched_at
        return self.pricing == INCLUSIVE

    def _draw_lines(self, rng: random.Random, count: int, *, gift_wrap_first: bool, physical_only: bool) -> tuple[LineSpec, ...]:
        # Distinct variants while the catalog has enough; a tiny catalog's 120-line order repeats some.
        variant_total = self.catalog.first_variant_id[-1] - self.catalog.first_variant_id[1]
        lines: list[LineSpec] = []
        seen: set[int] = set()
        while len(lines) < count:
            product_id = rng.randint(1, self.catalog.max_product_id)
            variant_id = rng.choice(self.catalog.variant_ids_of(product_id))
            draw = rng.random()
            quantity = 1 if draw < 0.7 else rng.randint(2, 3) if draw < 0.95 else rng.randint(4, 10)
            digital = self.catalog.is_digital(product_id)
            if (variant_id in seen and len(seen) < variant_total) or (digital and physical_only):
                continue
            seen.add(variant_id)
            lines.append(LineSpec(product_id, variant_id, quantity, gift_wrapped=gift_wrap_first and not lines and not digital))
        return tuple(lines)

    def _render(self, order_id: int) -> RenderedOrder:
        return price_order(self.spec(order_id), self.catalog, date_created=self.date_created[self.position(order_id)])

    def examples(self) -> dict[str, int]:
        """Named ids of the awkward orders every store contains (a tax kind only where the set-up has such orders)."""
        named = {kind: FIRST_ORDER_ID + position for position, kind in self.special_kinds.items()}
        named.update({kind: FIRST_ORDER_ID + position for position, kinds in self.feature_kinds.items() for kind in kinds})
        if self.pricing == EXCLUSIVE:
            del named["tax_inclusive_order"]
        elif self.pricing == INCLUSIVE:
            del named["tax_exclusive_order"]
        return named


def _payment_provider_id(seed: int, order_id: int, payment_method: str, status_id: int) -> str:
    """The gateway's transaction id of a paid order (none for offline payments or unpaid orders)."""
    prefix = _GATEWAYS.get(payment_method)
    if prefix is None or status_id in _UNPAID:
        return ""
    rng = record_random(seed, "payment", order_id)
    return prefix + "".join(rng.choices("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", k=20))


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
