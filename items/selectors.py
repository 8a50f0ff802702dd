"""Reads of the item master shared by screens, imports, commands and order imports."""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from django.db.models import Q, QuerySet

from carts.models import Cart, CartLog, CartLogKind, CartLogStatus
from companies.models import Company
from items.mapping import CartItemRow
from items.models import Item, ItemCartLink, LedgerAccount

# Below SQLite's 999 bound variables per statement, so one lookup never needs more than a few statements.
LOOKUP_CHUNK = 900
MATCHED_ITEM_FIELDS = ("sku", "description", "unit_price", "updated_at")

T = TypeVar("T")


def chunked(values: Sequence[T], size: int = LOOKUP_CHUNK) -> Iterator[Sequence[T]]:
    """Consecutive slices of at most `size` values."""
    for start in range(0, len(values), size):
        yield values[start:start + size]


def items_search(*, company: Company, search: str = "") -> QuerySet[Item]:
    """The company's items, narrowed to those whose SKU or description contains `search`."""
    items = Item.objects.for_company(company).select_related(
        "income_account", "cost_of_goods_sold_account", "stock_asset_account"
    )
    search = search.strip()
    if search:
        items = items.filter(Q(sku__icontains=search) | Q(description__icontains=search))
    return items


def ledger_accounts(*, company: Company) -> QuerySet[LedgerAccount]:
    """The company's chart of accounts."""
    return LedgerAccount.objects.for_company(company)


def items_by_sku(*, company: Company, skus: Iterable[str]) -> dict[str, Item]:
    """The company's items with these exact SKUs."""
    unique = sorted(set(skus))
    found: dict[str, Item] = {}
    for chunk in chunked(unique):
        found.update((item.sku, item) for item in Item.objects.for_company(company).filter(sku__in=chunk))
    return found


@dataclass
class CartMatches:
    """The items that cart variants correspond to: by the kept link first, else by SKU."""

    links: dict[tuple[int, int], ItemCartLink] = field(default_factory=dict)
    items_by_id: dict[int, Item] = field(default_factory=dict)
    items_by_sku: dict[str, Item] = field(default_factory=dict)

    def item_for(self, row: CartItemRow) -> Item | None:
        """The item an import of this row updates, or None if it would create one.

        A link whose recorded cart SKU still equals the row's means any SKU difference was made
        here on purpose: keep the linked item. Otherwise the SKU decides (the cart's SKU changed,
        or there is no link yet); failing that, the linked item (it will take the new SKU).
        """
        link = self.links.get(row.key)
        if link is not None and link.cart_sku == row.sku and link.item_id in self.items_by_id:
            return self.items_by_id[link.item_id]
        if row.sku in self.items_by_sku:
            return self.items_by_sku[row.sku]
        if link is not None:
            return self.items_by_id.get(link.item_id)
        return None


def cart_matches(*, cart: Cart, rows: Sequence[CartItemRow]) -> CartMatches:
    """Links and items for a page of cart rows, in a handful of statements whatever the page's size.

    The items carry only what matching and imports compare and write (SKU, description, unit price).
    """
    matches = CartMatches()
    items = Item.objects.for_company(cart.company).only("company_id", *MATCHED_ITEM_FIELDS)
    product_ids = sorted({row.product_id for row in rows})
    wanted = {row.key for row in rows}
    for chunk in chunked(product_ids):
        for link in ItemCartLink.objects.filter(cart=cart, product_id__in=chunk):
            if (link.product_id, link.variant_id) in wanted:
                matches.links[(link.product_id, link.variant_id)] = link
    for chunk in chunked(sorted({link.item_id for link in matches.links.values()})):
        for item in items.filter(pk__in=chunk):
            matches.items_by_id[item.pk] = matches.items_by_sku[item.sku] = item
    # Rows whose SKU a linked item already has need no second look (the common case of a re-import).
    unmatched_skus = sorted({row.sku for row in rows if row.sku and row.sku not in matches.items_by_sku})
    for chunk in chunked(unmatched_skus):
        for item in items.filter(sku__in=chunk):
            matches.items_by_id[item.pk] = matches.items_by_sku[item.sku] = item
    return matches


def cart_items_imports(*, cart: Cart) -> tuple[list[CartLog], CartLog | None]:
    """The cart's items imports still running (for progress bars) and the latest finished one."""
    imports = CartLog.objects.for_company(cart.company).filter(cart=cart, kind=CartLogKind.ITEMS_IMPORT)
    running = list(imports.filter(status=CartLogStatus.RUNNING))
    return running, imports.exclude(status=CartLogStatus.RUNNING).first()
