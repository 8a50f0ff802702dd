"""A new item with the company's accounting defaults, and saving an item edited on its page."""
from __future__ import annotations

from django.db import IntegrityError, transaction

from carts.platforms.base import InvalidInput
from companies.models import Company
from items.ledger import accounting_defaults_for
from items.models import AccountingDefaults, Item, ItemType


def item_sku_taken_message(sku: str) -> str:
    """What to tell the merchant when another item already has this SKU."""
    return f"Another item already has the SKU '{sku}'. SKUs are unique: choose another."


def item_save(*, item: Item) -> Item:
    """Save an item from the item page; a SKU another item has becomes InvalidInput with the fix."""
    item.sku = item.sku.strip()
    if Item.objects.for_company(item.company).filter(sku=item.sku).exclude(pk=item.pk).exists():
        raise InvalidInput(item_sku_taken_message(item.sku))
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError:
        raise InvalidInput(item_sku_taken_message(item.sku)) from None
    return item


def item_new(*, company: Company, defaults: AccountingDefaults | None = None, sku: str = "",
             item_type: str = ItemType.STOCK) -> Item:
    """An unsaved item of the type (a stock item unless told) with the company's accounting defaults for it.

    The defaults are the ones given, else looked up. A non-stock item takes the non-stock income and
    expense accounts; its stock asset account is the default one, unused while it holds no stock.
    """
    defaults = defaults or accounting_defaults_for(company=company)
    non_stock = item_type == ItemType.NON_STOCK
    return Item(
        company=company,
        sku=sku,
        unit_of_measure=defaults.unit_of_measure,
        item_type=item_type,
        income_account_id=defaults.non_stock_income_account_id if non_stock else defaults.income_account_id,
        cost_of_goods_sold_account_id=(defaults.non_stock_expense_account_id if non_stock
                                       else defaults.cost_of_goods_sold_account_id),
        stock_asset_account_id=defaults.stock_asset_account_id,
    )
