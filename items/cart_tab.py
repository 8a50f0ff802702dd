"""The cart's Items (Cart) tab and `cart items`: the store's variants beside the items they match here."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from carts.models import Cart
from carts.platforms.base import CatalogSort, CatalogVariant
from carts.stores import QUICK_RETRY, cart_store_open
from items.matching import variant_matches
from items.models import Item
from items.variants import fitted_description, variant_refusal

# Products a page of the tab shows (each with all its variants): one API request.
TAB_PAGE_SIZE = 50


@dataclass(frozen=True)
class CartItemView:
    """A cart variant beside the item it matches here, for the Items (Cart) tab and `cart items`."""

    row: CatalogVariant
    item: Item | None
    refusal: str  # why it cannot be imported, '' when it can

    @property
    def description_differs(self) -> bool:
        return self.item is not None and self.item.description != fitted_description(self.row.description)[0]

    @property
    def price_differs(self) -> bool:
        return self.item is not None and self.row.unit_price is not None and self.item.unit_price != self.row.unit_price

    def as_json(self) -> dict[str, Any]:
        """The row for `cart items --json`."""
        return {
            "product_id": self.row.product_id,
            "variant_id": self.row.variant_id,
            "sku": self.row.sku,
            "description": self.row.description,
            "price": None if self.row.unit_price is None else str(self.row.unit_price),
            "in_salesorder": self.item is not None,
            "item_sku": self.item.sku if self.item else None,
            "description_differs": self.description_differs,
            "price_differs": self.price_differs,
            "cannot_import": self.refusal,
        }


@dataclass(frozen=True)
class CartProductView:
    """A cart product with its variants' rows, as the Items (Cart) tab groups them."""

    product_id: int
    name: str
    rows: list[CartItemView]

    @property
    def has_variants(self) -> bool:
        return len(self.rows) > 1

    @property
    def in_salesorder(self) -> int:
        return sum(1 for view in self.rows if view.item is not None)

    @property
    def differing(self) -> int:
        return sum(1 for view in self.rows if view.description_differs or view.price_differs)

    @property
    def importable(self) -> int:
        return sum(1 for view in self.rows if not view.refusal)

    @property
    def prices(self) -> tuple[Decimal, Decimal] | None:
        """The lowest and highest variant price, None when no variant has one."""
        known = [view.row.unit_price for view in self.rows if view.row.unit_price is not None]
        return (min(known), max(known)) if known else None


@dataclass(frozen=True)
class CartItemsPage:
    """One page of the cart's products as rows, with the store's totals."""

    rows: list[CartItemView]
    page: int
    total_pages: int
    total_products: int

    @property
    def products(self) -> list[CartProductView]:
        """The rows grouped by product, in the page's order."""
        groups: dict[int, list[CartItemView]] = {}
        for view in self.rows:
            groups.setdefault(view.row.product_id, []).append(view)
        return [CartProductView(product_id=product_id, name=views[0].row.product_name, rows=views)
                for product_id, views in groups.items()]


def cart_items_page(*, cart: Cart, keyword: str = "", page: int = 1, page_size: int = TAB_PAGE_SIZE,
                    sort: CatalogSort = CatalogSort.PRODUCT_ID, descending: bool = False) -> CartItemsPage:
    """One page of the store's products (one API request), a row per variant, matched to items here."""
    with cart_store_open(cart=cart, retry=QUICK_RETRY) as store:
        store_page = store.catalog_page(page=page, page_size=page_size, keyword=keyword.strip(), sort=sort,
                                        descending=descending)
    return CartItemsPage(
        rows=_views_of(cart, store_page.variants),
        page=store_page.page,
        total_pages=store_page.total_pages,
        total_products=store_page.total_products,
    )


def cart_items_iter(*, cart: Cart, keyword: str = "") -> Iterator[CartItemView]:
    """Every row of the store's products matching the keyword, a page of 250 products at a time."""
    with cart_store_open(cart=cart) as store:
        for store_page in store.catalog_pages(keyword=keyword.strip()):
            yield from _views_of(cart, store_page.variants)


def _views_of(cart: Cart, variants: list[CatalogVariant]) -> list[CartItemView]:
    refusals = [variant_refusal(variant) for variant in variants]
    importable = [variant for variant, refusal in zip(variants, refusals) if not refusal]
    matches = variant_matches(cart=cart, variants=[variant.key for variant in importable],
                              skus=[variant.sku for variant in importable])
    return [CartItemView(row=variant, item=None if refusal else matches.item_for(
        product_id=variant.product_id, variant_id=variant.variant_id, sku=variant.sku), refusal=refusal)
        for variant, refusal in zip(variants, refusals)]
