"""Which item a cart variant is: the one rule the items import, the Items (Cart) tab and the orders import follow.

A variant is linked to the item an import created or updated for it (`ItemCartLink`, with the
variant's SKU in the cart at that import). The link wins while the cart's SKU is unchanged, so a
SKU edited here is kept; once the cart's SKU changed, the item with the new SKU is the match, else
the linked item (an items import then gives it the new SKU). Without a link the SKU decides.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from carts.models import Cart
from items.models import Item, ItemCartLink
from items.selectors import in_batches

# What matching and imports compare and write; the items are loaded with these fields only.
MATCHED_ITEM_FIELDS = ("sku", "description", "unit_price", "updated_at")


@dataclass
class VariantMatches:
    """The links and items a batch of variants may match, looked up once for the whole batch."""

    links: dict[tuple[int, int], ItemCartLink] = field(default_factory=dict)
    items_by_id: dict[int, Item] = field(default_factory=dict)
    items_by_sku: dict[str, Item] = field(default_factory=dict)

    def item_for(self, *, product_id: int | None, variant_id: int | None, sku: str) -> Item | None:
        """The item this variant (with the SKU the cart gives it now) is; None when no item is."""
        link = self.links.get((product_id, variant_id)) if product_id and variant_id else None
        if link is not None and link.cart_sku == sku and link.item_id in self.items_by_id:
            return self.items_by_id[link.item_id]
        if sku in self.items_by_sku:
            return self.items_by_sku[sku]
        if link is not None:
            return self.items_by_id.get(link.item_id)
        return None

    def sku_edited_here(self, *, product_id: int, variant_id: int, sku: str) -> bool:
        """Whether the linked item's different SKU was set here on purpose (the cart's SKU has not changed)."""
        link = self.links.get((product_id, variant_id))
        return link is not None and link.cart_sku == sku

    def remember(self, item: Item) -> None:
        """An item created since the lookup (for a later order of the same batch)."""
        self.items_by_id[item.pk] = self.items_by_sku[item.sku] = item

    def renamed(self, item: Item, previous_sku: str) -> None:
        """An item given its variant's new SKU: a later row with the old SKU (reused by another product) is not it."""
        if self.items_by_sku.get(previous_sku) is item:
            del self.items_by_sku[previous_sku]
        self.items_by_sku[item.sku] = item


def variant_matches(*, cart: Cart, variants: Iterable[tuple[int, int]], skus: Iterable[str]) -> VariantMatches:
    """Links and items for a batch of (product id, variant id) with their SKUs, in a handful of statements."""
    matches = VariantMatches()
    items = Item.objects.for_company(cart.company).only("company_id", *MATCHED_ITEM_FIELDS)
    wanted = set(variants)
    for batch in in_batches(sorted({product_id for product_id, _ in wanted})):
        for link in ItemCartLink.objects.filter(cart=cart, product_id__in=batch):
            if (link.product_id, link.variant_id) in wanted:
                matches.links[(link.product_id, link.variant_id)] = link
    for batch in in_batches(sorted({link.item_id for link in matches.links.values()})):
        for item in items.filter(pk__in=batch):
            matches.remember(item)
    # SKUs a linked item already has need no second look (the common case of a re-import).
    for batch in in_batches(sorted({sku for sku in skus if sku and sku not in matches.items_by_sku})):
        for item in items.filter(sku__in=batch):
            matches.remember(item)
    return matches
