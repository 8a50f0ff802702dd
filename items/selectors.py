"""Reads of the item master shared by screens, imports, commands and order imports."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

from django.db.models import Q, QuerySet

from carts.models import Cart, CartLog, CartLogKind
from carts.runs import cart_runs_of_kind
from companies.models import Company
from items.models import Item, LedgerAccount

# Below SQLite's 999 bound variables per statement, so one lookup never needs more than a few statements.
LOOKUP_BATCH_SIZE = 900

T = TypeVar("T")


def in_batches(values: Iterable[T], size: int = LOOKUP_BATCH_SIZE) -> Iterator[list[T]]:
    """Consecutive lists of at most `size` values, read lazily (a generator's values are fetched as needed)."""
    batch: list[T] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def items_search(*, company: Company, search: str = "") -> QuerySet[Item]:
    """The company's items, narrowed to those whose SKU or description contains `search`."""
    items = Item.objects.for_company(company).select_related(
        "income_account", "cost_of_goods_sold_account", "stock_asset_account"
    )
    search = search.strip()
    if search:
        items = items.filter(Q(sku__icontains=search) | Q(description__icontains=search))
    return items


def item_price_currency(*, company: Company) -> str:
    """The currency the company's item prices are in: its carts' store currency when they share one, else ''.

    Items take their prices from the cart they are imported from; with stores in several currencies (or none
    tested yet) a price's currency is unknown, and the list says so rather than guessing.
    """
    currencies = set(Cart.objects.for_company(company).exclude(store_currency="")
                     .values_list("store_currency", flat=True).distinct()[:2])
    return currencies.pop() if len(currencies) == 1 else ""


def ledger_accounts(*, company: Company) -> QuerySet[LedgerAccount]:
    """The company's chart of accounts."""
    return LedgerAccount.objects.for_company(company)


def items_by_sku(*, company: Company, skus: Iterable[str]) -> dict[str, Item]:
    """The company's items with these exact SKUs."""
    unique = sorted(set(skus))
    found: dict[str, Item] = {}
    for batch in in_batches(unique):
        found.update((item.sku, item) for item in Item.objects.for_company(company).filter(sku__in=batch))
    return found


def cart_items_imports(*, cart: Cart) -> tuple[list[CartLog], CartLog | None]:
    """The cart's items imports still running (for progress bars) and the latest finished one."""
    return cart_runs_of_kind(cart=cart, kind=CartLogKind.ITEMS_IMPORT)
