"""Transactions made directly, for tests that need one without importing an order."""
from __future__ import annotations

import datetime
from decimal import Decimal

from carts.models import Cart
from companies.models import Company
from items.editing import item_new
from orders.models import Customer, SalesTransaction, TransactionType


def make_transaction(company: Company, cart: Cart | None = None, *, number: str = "CS-990001") -> SalesTransaction:
    """A pending cash sale of one line for a customer of the company, with markers a page would show."""
    customer = Customer.objects.create(company=company, name="Secret Customer Name", email="secret@customer.example")
    item = item_new(company=company, sku=f"SECRET-{number}")
    item.save()
    record = SalesTransaction.objects.create(
        company=company, transaction_type=TransactionType.CASH_SALE, number=number, customer=customer,
        transaction_date=datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC), memo="secret memo text",
        cart=cart, cart_name=cart.name if cart else "", cart_order_id=990001 if cart else None, currency="USD",
        subtotal=Decimal("10.0000"), total=Decimal("10.0000"),
    )
    record.lines.create(company=company, position=1, item=item, sku=item.sku, description="Secret line", quantity=1,
                        unit_price=Decimal("10.0000"), amount_ex_tax=Decimal("10.0000"), amount_inc_tax=Decimal("10.0000"))
    return record
