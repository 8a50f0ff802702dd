"""The records the catalog builds: products, their variants and the option values that tell variants apart."""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class OptionValue:
    """One option choice of a variant, e.g. Size: XL."""

    option_id: int
    value_id: int
    option_name: str
    label: str


@dataclass(frozen=True, slots=True)
class Variant:
    """A purchasable SKU; a simple product has exactly one, its base variant, with no option values."""

    id: int
    product_id: int
    sku: str
    price: Decimal | None  # None: inherits the product's price, as BigCommerce reports it
    sale_price: Decimal | None
    calculated_price: Decimal
    inventory_level: int
    option_values: tuple[OptionValue, ...]


@dataclass(frozen=True, slots=True)
class Product:
    """A catalog product with its variants, as the Catalog API describes it."""

    id: int
    name: str
    sku: str
    description: str
    price: Decimal
    sale_price: Decimal  # 0 when the product is not on sale
    retail_price: Decimal
    cost_price: Decimal
    weight: Decimal
    brand_id: int
    brand_name: str
    categories: tuple[int, ...]
    is_visible: bool
    is_featured: bool
    is_deleted: bool
    is_digital: bool
    inventory_tracking: str  # "none", "product" or "variant"
    inventory_level: int
    total_sold: int
    upc: str
    date_created: int
    date_modified: int
    variants: tuple[Variant, ...]

    @property
    def type(self) -> str:
        """The Catalog API's product type."""
        return "digital" if self.is_digital else "physical"

    @property
    def has_options(self) -> bool:
        """Whether the product has option variants rather than only its base variant."""
        return bool(self.variants[0].option_values)

    @property
    def calculated_price(self) -> Decimal:
        """The price a shopper pays: the sale price when there is one."""
        return self.sale_price if self.sale_price > 0 else self.price

    def variant(self, variant_id: int | None) -> Variant | None:
        """The variant with that id (the base variant when None), or None if it is not this product's."""
        if variant_id is None:
            return self.variants[0]
        return next((variant for variant in self.variants if variant.id == variant_id), None)
