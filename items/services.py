"""Item master business logic."""
from __future__ import annotations

from django.db import transaction

from companies.models import Company
from items.models import AccountingDefaults, LedgerAccount, LedgerAccountType

DEFAULT_INCOME_ACCOUNT = "Sales"
DEFAULT_COST_OF_GOODS_SOLD_ACCOUNT = "Cost of Goods Sold"
DEFAULT_STOCK_ASSET_ACCOUNT = "Stock Asset"


@transaction.atomic
def ledger_accounts_seed(*, company: Company) -> AccountingDefaults:
    """Give a new company the three standard accounts and make them its item defaults."""
    income, _ = LedgerAccount.objects.get_or_create(
        company=company, name=DEFAULT_INCOME_ACCOUNT, defaults={"account_type": LedgerAccountType.INCOME}
    )
    cost_of_goods_sold, _ = LedgerAccount.objects.get_or_create(
        company=company,
        name=DEFAULT_COST_OF_GOODS_SOLD_ACCOUNT,
        defaults={"account_type": LedgerAccountType.COST_OF_SALES},
    )
    stock_asset, _ = LedgerAccount.objects.get_or_create(
        company=company, name=DEFAULT_STOCK_ASSET_ACCOUNT, defaults={"account_type": LedgerAccountType.CURRENT_ASSET}
    )
    defaults, _ = AccountingDefaults.objects.get_or_create(
        company=company,
        defaults={
            "income_account": income,
            "cost_of_goods_sold_account": cost_of_goods_sold,
            "stock_asset_account": stock_asset,
        },
    )
    return defaults
