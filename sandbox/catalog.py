"""The generated catalog: every product and variant is rebuilt on demand from (seed, product id).

Only small per-product arrays are built at start (variant counts, prices, visibility, dates), so a
100,000-product store starts in well under a second; full records are made when served and cached.
"""

import random
from array import array
from bisect import bisect_right
from decimal import Decimal
from functools import cached_property, lru_cache
from itertools import accumulate, product as cartesian_product

from sandbox import vocabulary
from sandbox.catalog_records import OptionValue, Product, Variant
from sandbox.money import from_cents, to_cents
from sandbox.seeded import FieldDraw, record_random

# Products were created over the 18 months before the order history ends (see orders.HISTORY_END).
CATALOG_START = 1_717_200_000  # 2024-06-01
CATALOG_END = 1_782_777_600  # 2026-06-30
# Every 47th product id was deleted after orders were placed for it, as in any store with a history.
DELETED_EVERY = 47
FIRST_VARIANT_ID = 101
SIZE_OPTION, COLOUR_OPTION = "Size", "Colour"

# Awkward records that must exist in every catalog, each kept at a fixed spread-out position.
SPECIAL_PRODUCTS = (
    "simple_product",
    "product_30_variants",
    "inherited_price_product",
    "sale_price_product",
    "empty_sku_product",
    "duplicate_sku_first",
    "duplicate_sku_second",
    "sku_with_spaces_product",
    "non_ascii_sku_product",
    "emoji_name_product",
    "rtl_name_product",
    "long_name_product",
    "html_description_product",
    "hidden_product",
)
MINIMUM_PRODUCTS = 20
DUPLICATE_SKU = "DUP-1001"
_SPECIAL_SKUS = {
    "empty_sku_product": "",
    "duplicate_sku_first": DUPLICATE_SKU,
    "duplicate_sku_second": DUPLICATE_SKU,
    "sku_with_spaces_product": "MUG 350 ML",
    "non_ascii_sku_product": "TASSE-CAFÉ-Ø8",
}
_SPECIAL_NAMES = {
    "emoji_name_product": vocabulary.EMOJI_NAME,
    "rtl_name_product": vocabulary.RIGHT_TO_LEFT_NAME,
    "long_name_product": vocabulary.LONG_NAME,
}
_SPECIAL_VARIANT_COUNTS = {
    "simple_product": 0,
    "product_30_variants": 30,
    "inherited_price_product": 6,
    "empty_sku_product": 0,
    "duplicate_sku_first": 0,
    "duplicate_sku_second": 0,
    "sale_price_product": 0,
}


# The product attributes drawn per id for the start-up indexes and the cheap name and SKU.
_PRODUCT_FIELDS = ("adjective", "cents", "created", "digital", "inherits", "material", "modified", "noun", "price",
                   "sale", "tracking", "variant-count", "variants", "visible")
DIGITAL_SHARE = 0.04  # of simple products: downloads, shipped to no address
TRACKED_BY_PRODUCT_SHARE = 0.15  # of products with options: one stock level for all their variants


class Catalog:
    """All products of one store, live and deleted, with the indexes the Catalog API filters on."""

    def __init__(self, *, seed: int, product_count: int) -> None:
        if product_count < MINIMUM_PRODUCTS:
            raise ValueError(f"the sandbox needs at least {MINIMUM_PRODUCTS} products, got {product_count}")
        self.seed = seed
        self._draws = {field: FieldDraw(seed, "product", field) for field in _PRODUCT_FIELDS}
        live_ids = [identifier for identifier in range(1, product_count * 2) if identifier % DELETED_EVERY][:product_count]
        # One more id past the last live product: the newest product, deleted after it sold.
        self.max_product_id = live_ids[-1] + 1
        self.live_ids = live_ids
        self.deleted = bytearray(self.max_product_id + 1)
        for identifier in range(DELETED_EVERY, self.max_product_id + 1, DELETED_EVERY):
            self.deleted[identifier] = 1
        self.deleted[self.max_product_id] = 1
        self.deleted[0] = 1
        self.special_kinds = {live_ids[position * len(live_ids) // len(SPECIAL_PRODUCTS)]: kind
                              for position, kind in enumerate(SPECIAL_PRODUCTS)}
        self._build_index()
        # Per instance, not functools on the method: a cache on the class would keep every test's catalog alive.
        self.product = lru_cache(maxsize=8192)(self._build_product)

    def _build_index(self) -> None:
        size = self.max_product_id + 1
        self.option_variant_count = array("H", bytes(2 * size))
        self.price_cents = array("l", bytes(array("l").itemsize * size))
        self.sale_cents = array("l", bytes(array("l").itemsize * size))
        self.visible = bytearray(size)
        self.inherits_price = bytearray(size)
        self.date_created = array("q", bytes(8 * size))
        self.date_modified = array("q", bytes(8 * size))
        for identifier in range(1, size):
            kind = self.special_kinds.get(identifier)
            self.option_variant_count[identifier] = _SPECIAL_VARIANT_COUNTS.get(kind, self._draw_variant_count(identifier))
            dollars = 2 + int(self._draws["price"].fraction(identifier) ** 2 * 300)
            self.price_cents[identifier] = dollars * 100 + (0, 50, 95, 99)[self._draws["cents"].below(identifier, 4)]
            on_sale = self._draws["sale"].fraction(identifier) < 0.12
            if kind == "sale_price_product" or (on_sale and kind != "inherited_price_product"):
                self.sale_cents[identifier] = int(to_cents(Decimal(self.price_cents[identifier]) * Decimal("0.8")))
            self.visible[identifier] = kind != "hidden_product" and (
                kind is not None or self._draws["visible"].fraction(identifier) < 0.94)
            self.inherits_price[identifier] = kind == "inherited_price_product" or (
                kind != "product_30_variants" and self._draws["inherits"].fraction(identifier) < 0.5)
            created = CATALOG_START + int(self._draws["created"].fraction(identifier) * (CATALOG_END - CATALOG_START))
            self.date_created[identifier] = created
            self.date_modified[identifier] = created + int(self._draws["modified"].fraction(identifier) * (CATALOG_END - created))
        self._choose_digital_products()
        # Variant ids are one global sequence, as in BigCommerce; a simple product still has its base variant.
        slots = [max(1, count) for count in self.option_variant_count]
        slots[0] = 0
        self.first_variant_id = array("q", (FIRST_VARIANT_ID + offset for offset in accumulate(slots, initial=0)))

    def _choose_digital_products(self) -> None:
        # Some simple products are digital; the first ordinary simple product always is, so every store has one.
        self.digital = bytearray(self.max_product_id + 1)
        ordinary = [identifier for identifier in self.live_ids if identifier not in self.special_kinds]
        simple = [identifier for identifier in ordinary if not self.option_variant_count[identifier]]
        if not simple:  # a tiny catalog whose ordinary products all have options: one of them loses its options
            simple = ordinary[:1]
            self.option_variant_count[simple[0]] = 0
        for identifier in simple:
            self.digital[identifier] = self._draws["digital"].fraction(identifier) < DIGITAL_SHARE
        self.digital[simple[0]] = 1

    def _draw_variant_count(self, identifier: int) -> int:
        draw = self._draws["variants"].fraction(identifier)
        if draw < 0.65:
            return 0
        if draw < 0.85:
            return 2 + self._draws["variant-count"].below(identifier, 5)
        if draw < 0.97:
            return (8, 12, 18)[self._draws["variant-count"].below(identifier, 3)]
        return 30

    # Cheap attributes, derived without building the record, for filters, sorting and order lines.

    def exists(self, product_id: int) -> bool:
        """Whether the product is in the live catalog (not deleted, id in range)."""
        return 0 < product_id <= self.max_product_id and not self.deleted[product_id]

    def name_of(self, product_id: int) -> str:
        """The product's name."""
        special = _SPECIAL_NAMES.get(self.special_kinds.get(product_id, ""))
        if special:
            return special
        adjective = vocabulary.PRODUCT_ADJECTIVES[self._draws["adjective"].below(product_id, 16)]
        material = vocabulary.PRODUCT_MATERIALS[self._draws["material"].below(product_id, 16)]
        return f"{adjective} {material} {self._noun(product_id)} #{product_id}"

    def sku_of(self, product_id: int) -> str:
        """The product's own SKU (the base variant's SKU for a simple product)."""
        kind = self.special_kinds.get(product_id, "")
        if kind in _SPECIAL_SKUS:
            return _SPECIAL_SKUS[kind]
        return f"{self._noun(product_id).upper().replace(' ', '')[:5]}-{product_id:05d}"

    def _noun(self, product_id: int) -> str:
        return vocabulary.PRODUCT_NOUNS[self._draws["noun"].below(product_id, 16)]

    def variant_ids_of(self, product_id: int) -> range:
        """The ids of the product's variants."""
        return range(self.first_variant_id[product_id], self.first_variant_id[product_id + 1])

    def product_of_variant(self, variant_id: int) -> int | None:
        """The id of the product a variant id belongs to, or None if no product has it."""
        if not FIRST_VARIANT_ID <= variant_id < self.first_variant_id[-1]:
            return None
        return bisect_right(self.first_variant_id, variant_id) - 1

    @cached_property
    def names(self) -> dict[int, str]:
        """Live product names by id, built on the first keyword search or name sort."""
        return {identifier: self.name_of(identifier) for identifier in self.live_ids}

    @cached_property
    def skus(self) -> dict[int, str]:
        """Live product SKUs by id, built on the first SKU filter or sort."""
        return {identifier: self.sku_of(identifier) for identifier in self.live_ids}

    @cached_property
    def variant_skus(self) -> dict[int, str]:
        """Every live variant's SKU by variant id, built on the first variant SKU filter."""
        return {variant.id: variant.sku for identifier in self.live_ids for variant in self.product(identifier).variants}

    @cached_property
    def variant_ids_by_sku(self) -> dict[str, list[int]]:
        """The live variant ids of each SKU (several where products share one), built on first use."""
        index: dict[str, list[int]] = {}
        for variant_id, sku in self.variant_skus.items():
            index.setdefault(sku, []).append(variant_id)
        return index

    # Full records.

    def _build_product(self, product_id: int) -> Product | None:
        """The full product record, deleted ones included (orders still refer to them), or None."""
        if not 0 < product_id <= self.max_product_id:
            return None
        rng = record_random(self.seed, "product", product_id)
        kind = self.special_kinds.get(product_id)
        price = from_cents(self.price_cents[product_id])
        sale_price = from_cents(self.sale_cents[product_id])
        brand_id, brand_name = rng.choice(vocabulary.BRANDS)
        sku = self.sku_of(product_id)
        variants = self._variants(product_id, sku, price, sale_price)
        tracking = self._tracking(product_id, has_options=bool(variants[0].option_values), drawn=rng.choice(("product", "none")))
        digital = bool(self.digital[product_id])
        return Product(
            id=product_id,
            name=self.name_of(product_id),
            sku=sku,
            description=(vocabulary.HTML_DESCRIPTION if kind == "html_description_product" or rng.random() < 0.3
                         else f"<p>{self.name_of(product_id)}, from the {brand_name} range.</p>"),
            price=price,
            sale_price=sale_price,
            retail_price=to_cents(price * Decimal("1.25")) if rng.random() < 0.3 else Decimal("0.00"),
            cost_price=to_cents(price * Decimal("0.45")),
            weight=_shipping_weight(rng, digital=digital),
            brand_id=brand_id,
            brand_name=brand_name,
            categories=(vocabulary.CATEGORIES[product_id % 5][0], 23) if product_id % 5 != 3 else (23,),
            is_visible=bool(self.visible[product_id]),
            is_featured=rng.random() < 0.05,
            is_deleted=bool(self.deleted[product_id]),
            is_digital=digital,
            inventory_tracking=tracking,
            inventory_level=sum(variant.inventory_level for variant in variants) if tracking != "none" else 0,
            total_sold=rng.randint(0, 500),
            upc=f"{rng.randrange(10**11, 10**12)}" if rng.random() < 0.4 else "",
            date_created=self.date_created[product_id],
            date_modified=self.date_modified[product_id],
            variants=variants,
        )

    def _tracking(self, product_id: int, *, has_options: bool, drawn: str) -> str:
        if self.digital[product_id]:
            return "none"  # nothing to count for a download
        if not has_options:
            return drawn
        kind = self.special_kinds.get(product_id)
        if kind in ("inherited_price_product", "product_30_variants"):  # one of each, in every store
            return "product" if kind == "inherited_price_product" else "variant"
        return "product" if self._draws["tracking"].fraction(product_id) < TRACKED_BY_PRODUCT_SHARE else "variant"

    def is_digital(self, product_id: int) -> bool:
        """Whether the product is a download (type "digital"), without building its record."""
        return 0 < product_id <= self.max_product_id and bool(self.digital[product_id])

    def _variants(self, product_id: int, sku: str, price: Decimal, sale_price: Decimal) -> tuple[Variant, ...]:
        ids = self.variant_ids_of(product_id)
        count = self.option_variant_count[product_id]
        if count == 0:
            return (Variant(id=ids[0], product_id=product_id, sku=sku, price=price,
                            sale_price=sale_price, calculated_price=sale_price or price,
                            inventory_level=self.variant_inventory(product_id, 0), option_values=()),)
        return tuple(
            self._option_variant(product_id, sku, price, sale_price, variant_id, position, choices)
            for position, (variant_id, choices) in enumerate(zip(ids, self._option_choices(product_id, count), strict=False))
        )

    def _option_variant(self, product_id: int, sku: str, price: Decimal, sale_price: Decimal, variant_id: int,
                        position: int, choices: tuple[OptionValue, ...]) -> Variant:
        own_price = self.variant_price(product_id, position)
        suffix = "-".join(choice.label.upper()[:3] for choice in choices)
        return Variant(
            id=variant_id,
            product_id=product_id,
            sku=f"{sku}-{suffix}" if sku else "",
            price=None if self.inherits_price[product_id] else own_price,
            sale_price=None,
            calculated_price=sale_price or own_price,
            inventory_level=self.variant_inventory(product_id, position),
            option_values=choices,
        )

    @staticmethod
    def _option_choices(product_id: int, count: int) -> list[tuple[OptionValue, ...]]:
        # Option ids are per product, as in BigCommerce; value ids are unique within the option.
        size_option_id, colour_option_id = 2 * product_id - 1, 2 * product_id
        colours = [OptionValue(colour_option_id, colour_option_id * 10 + index, COLOUR_OPTION, label)
                   for index, label in enumerate(vocabulary.COLOURS)]
        if count <= len(colours):
            return [(colour,) for colour in colours[:count]]
        sizes = [OptionValue(size_option_id, size_option_id * 10 + index, SIZE_OPTION, label)
                 for index, label in enumerate(vocabulary.SIZES)]
        return list(cartesian_product(sizes, colours))[:count]

    def variant_price(self, product_id: int, position: int) -> Decimal:
        """A variant's effective list price: larger option combinations cost up to 2.00 more."""
        if self.inherits_price[product_id]:
            return from_cents(self.price_cents[product_id])
        return from_cents(self.price_cents[product_id] + (position % 3) * 100)

    @staticmethod
    def variant_inventory(product_id: int, position: int) -> int:
        """A variant's stock on hand."""
        return (product_id * 7 + position * 13) % 60

    @cached_property
    def summary(self) -> dict[str, object]:
        """The figures GET /catalog/summary reports, computed once over the live catalog."""
        count = 0
        inventory_count = 0
        inventory_value = Decimal(0)
        price_total = Decimal(0)
        highest = lowest = None
        for identifier in self.live_ids:
            sale = from_cents(self.sale_cents[identifier])
            for position in range(max(1, self.option_variant_count[identifier])):
                price = sale or self.variant_price(identifier, position)
                stock = self.variant_inventory(identifier, position)
                count += 1
                inventory_count += stock
                inventory_value += price * stock
                price_total += price
                highest = price if highest is None else max(highest, price)
                lowest = price if lowest is None else min(lowest, price)
        created = [self.date_created[identifier] for identifier in self.live_ids]
        return {
            "variant_count": count,
            "inventory_count": inventory_count,
            "inventory_value": inventory_value,
            "highest_variant_price": highest,
            "lowest_variant_price": lowest,
            "average_variant_price": price_total / count,
            "oldest_variant_date": min(created),
            "newest_variant_date": max(created),
        }

    def examples(self) -> dict[str, object]:
        """Named ids of the awkward products every catalog contains."""
        by_kind = {kind: identifier for identifier, kind in self.special_kinds.items()}
        named = {kind: identifier for kind, identifier in by_kind.items() if not kind.startswith("duplicate_sku")}
        named["duplicate_sku_products"] = [by_kind["duplicate_sku_first"], by_kind["duplicate_sku_second"]]
        named["deleted_product"] = self.max_product_id
        named["digital_product"] = self.digital.index(1)
        named["product_tracked_by_product"] = by_kind["inherited_price_product"]
        return named


def _shipping_weight(rng: random.Random, *, digital: bool) -> Decimal:
    drawn = Decimal(rng.randint(1, 80)) / 4  # drawn for every product, so later draws do not depend on the type
    return Decimal(0) if digital else drawn
