"""Order lines that match no item: whether the store's catalog still has their product, and items made from the lines.

A refused order whose product was deleted in the store cannot be fixed by importing the product
from the cart (the catalog no longer has it); the refusal says so, and the fix is an item made
from the order line itself: its SKU, description and price, the unit and accounts of the
accounting defaults.
"""
from __future__ import annotations

import logging
from collections.abc import Collection, Sequence

from django.db import IntegrityError, transaction

from carts.models import Cart
from carts.platforms.base import StoreError, StoreSession
from items.editing import item_new
from items.models import DESCRIPTION_MAX_LENGTH, Item, ItemCartLink, ItemType
from items.selectors import in_batches
from orders.models import OrderRefusal
from orders.results import MissingItem

logger = logging.getLogger(__name__)


def variants_in_store(store: StoreSession, variants: Collection[tuple[int, int]]) -> set[tuple[int, int]] | None:
    """Which of these (product id, variant id) the store's catalog still has; None when the store could not say.

    One catalog request per 250 products. A store that fails to answer, or credentials without catalog
    access, leave the question open (None) rather than stop the import that asked.
    """
    product_ids = sorted({product_id for product_id, variant_id in variants if product_id and variant_id})
    if not product_ids:
        return set()
    found: set[tuple[int, int]] = set()
    try:
        for page in store.catalog_pages(product_ids=product_ids):
            found.update(row.key for row in page.variants)
    except StoreError as error:
        logger.info("Could not tell which products the store still has: %s", error)
        return None
    return found & set(variants)


def item_create_from_order_line(*, cart: Cart, line: MissingItem) -> tuple[Item, bool]:
    """The item for an order line no item matched: made from the line (SKU, description, price) with the defaults.

    Returns the item and whether it was created; an item another import created with the SKU meanwhile is
    used as it is. Linked to the line's product variant when it names one, so the link finds it after SKU edits.
    """
    item = item_new(company=cart.company, sku=line.sku,
                    item_type=ItemType.NON_STOCK if line.is_digital else ItemType.STOCK)
    item.description = line.name[:DESCRIPTION_MAX_LENGTH]
    if line.unit_price is not None:
        item.unit_price = line.unit_price
    try:
        with transaction.atomic():
            item.save()
            created = True
    except IntegrityError:  # another import created the SKU meanwhile: use that item
        item, created = Item.objects.for_company(cart.company).get(sku=line.sku), False
    if created and line.product_id and line.variant_id:
        ItemCartLink.objects.get_or_create(cart=cart, product_id=line.product_id, variant_id=line.variant_id,
                                           defaults={"company_id": cart.company_id, "item": item,
                                                     "cart_sku": line.sku})
    return item, created


def items_create_from_refusals(*, cart: Cart, order_ids: Sequence[int]) -> list[str]:
    """Create, from their order lines, the items these refused orders lack whose product the store no longer has.

    Reads what each refusal recorded (never the browser's word for a SKU or price); returns the SKUs created.
    """
    wanted: dict[str, MissingItem] = {}
    for batch in in_batches(sorted(set(order_ids))):
        for recorded in OrderRefusal.objects.filter(cart=cart, cart_order_id__in=batch).values_list("missing_items",
                                                                                                    flat=True):
            for data in recorded:
                line = MissingItem.from_json(data)
                if line.sku and not line.importable_from_cart:
                    wanted.setdefault(line.sku, line)
    existing = set(Item.objects.for_company(cart.company).filter(sku__in=list(wanted)).values_list("sku", flat=True))
    created = []
    for sku in sorted(set(wanted) - existing):  # in SKU order, as the import creates items: no deadlock between two
        if item_create_from_order_line(cart=cart, line=wanted[sku])[1]:
            created.append(sku)
    return created
