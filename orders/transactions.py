"""Pending transactions after import: what a merchant may edit, and deleting one so its order can be imported again."""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction

from carts.platforms.base import InvalidInput
from orders.models import Customer, SalesTransaction


@dataclass(frozen=True)
class TransactionChanges:
    """What a merchant may change on a pending transaction; its money mirrors the store's order."""

    customer: Customer
    transaction_date: datetime.datetime
    memo: str


def transaction_update(*, record: SalesTransaction, changes: TransactionChanges) -> SalesTransaction:
    """Save a pending transaction's customer, date and memo."""
    if changes.customer.company_id != record.company_id:
        raise InvalidInput("That customer belongs to another company.")
    record.customer = changes.customer
    record.transaction_date = changes.transaction_date
    record.memo = changes.memo
    record.save(update_fields=["customer", "transaction_date", "memo", "updated_at"])
    return record


@transaction.atomic
def transaction_delete(*, record: SalesTransaction) -> None:
    """Delete a pending transaction with its lines; its cart order can then be imported again."""
    record.delete()
