"""The chart of ledger accounts and the accounting defaults new and imported items take."""
from __future__ import annotations

from django.db import IntegrityError, transaction

from carts.platforms.base import InvalidInput
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
            "non_stock_income_account": income,
            "non_stock_expense_account": cost_of_goods_sold,
        },
    )
    return defaults


def accounting_defaults_for(*, company: Company) -> AccountingDefaults:
    """The company's item defaults (seeded with the standard accounts if it has none yet)."""
    defaults = AccountingDefaults.objects.filter(company=company).select_related(
        "income_account", "cost_of_goods_sold_account", "stock_asset_account", "non_stock_income_account",
        "non_stock_expense_account",
    ).first()
    return defaults or ledger_accounts_seed(company=company)


def accounting_defaults_update(
    *,
    company: Company,
    income_account: LedgerAccount,
    cost_of_goods_sold_account: LedgerAccount,
    stock_asset_account: LedgerAccount,
    unit_of_measure: str,
    non_stock_income_account: LedgerAccount,
    non_stock_expense_account: LedgerAccount,
) -> AccountingDefaults:
    """Set the accounts and unit new and imported items take (stock and non-stock); existing items keep theirs."""
    accounts = (income_account, cost_of_goods_sold_account, stock_asset_account, non_stock_income_account,
                non_stock_expense_account)
    for account in accounts:
        if account.company_id != company.pk:
            raise InvalidInput("An account of another company cannot be a default.")
    defaults = accounting_defaults_for(company=company)
    defaults.income_account = income_account
    defaults.cost_of_goods_sold_account = cost_of_goods_sold_account
    defaults.stock_asset_account = stock_asset_account
    defaults.non_stock_income_account = non_stock_income_account
    defaults.non_stock_expense_account = non_stock_expense_account
    defaults.unit_of_measure = unit_of_measure.strip() or "Each"
    defaults.save()
    return defaults


def ledger_account_create(*, company: Company, name: str, account_type: str) -> LedgerAccount:
    """Add an account to the company's chart; names are unique regardless of case."""
    name = name.strip()
    if not name:
        raise InvalidInput("The account name is empty: give the account a name.")
    if LedgerAccount.objects.for_company(company).filter(name__iexact=name).exists():
        raise InvalidInput(f"There is already an account named '{name}'.")
    try:
        with transaction.atomic():
            return LedgerAccount.objects.create(company=company, name=name, account_type=account_type)
    except IntegrityError:  # created by someone else between the check and the insert
        raise InvalidInput(f"There is already an account named '{name}'.") from None
