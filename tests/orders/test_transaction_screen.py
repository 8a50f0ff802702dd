"""The transaction screen reads like the store's order screen, on the worked examples of the discounts-and-tax rules.

Figures are the hand-computed examples of a tax-exclusive store taking a coupon off before tax (10 % tax) and of a
tax-inclusive store; the page must show each part on one basis, tax once, and a total the parts add up to.
"""
from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest

from items.editing import item_new
from orders.models import ChargeKind, Customer, DiscountKind, SalesTransaction, TransactionType

pytestmark = pytest.mark.django_db


def build(company, *, inclusive: bool, currency: str, lines, charges, discounts, tax_total: str, total: str) -> SalesTransaction:
    customer = Customer.objects.create(company=company, name="Ada Shopper", email="ada@example.com")
    record = SalesTransaction.objects.create(
        company=company, transaction_type=TransactionType.CASH_SALE, number="CS-000001", customer=customer,
        transaction_date=datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC), currency=currency,
        prices_include_tax=inclusive, subtotal=sum(Decimal(line[4]) for line in lines),
        charges_total=sum(Decimal(charge[3]) for charge in charges),
        discounts_total=sum(Decimal(discount[3]) for discount in discounts),
        tax_total=Decimal(tax_total), total=Decimal(total),
    )
    for position, (sku, quantity, unit_price, (ex, tax), inc) in enumerate(lines, start=1):
        item = item_new(company=company, sku=sku)
        item.save()
        record.lines.create(company=company, position=position, item=item, sku=sku, description=sku, quantity=quantity,
                            unit_price=Decimal(unit_price), amount_ex_tax=Decimal(ex), tax=Decimal(tax),
                            amount_inc_tax=Decimal(inc))
    for description, ex, tax, inc in charges:
        record.charges.create(company=company, kind=ChargeKind.SHIPPING, description=description,
                              amount_ex_tax=Decimal(ex), tax=Decimal(tax), amount_inc_tax=Decimal(inc))
    for description, ex, tax, inc in discounts:
        record.discounts.create(company=company, kind=DiscountKind.COUPON, description=description,
                                amount_ex_tax=Decimal(ex), tax=Decimal(tax), amount_inc_tax=Decimal(inc))
    return record


def summary_rows(html: str) -> list[tuple[str, str]]:
    table = html[html.index('id="transaction-totals"'):]
    table = table[:table.index("</table>")]
    rows = re.findall(r'<th scope="row">(.*?)</th><td class="number"[^>]*>(.*?)</td>', table)
    return [(re.sub(r"<[^>]+>", "", label), re.sub(r"<[^>]+>", "", amount)) for label, amount in rows]


def test_a_tax_exclusive_order_shows_parts_excluding_tax_then_tax_once_then_the_total(merchant_client, company) -> None:
    # Lines A 2 × 40.00 and B 1 × 20.00 ex tax; shipping 10.00 ex; coupon 10.00 before tax at 10 %:
    # subtotal 100.00 + shipping 10.00 − coupon 10.00 + tax (10.00 + 1.00 − 1.00) 10.00 = 110.00.
    record = build(company, inclusive=False, currency="USD",
                   lines=[("A", 2, "40.0000", ("80.0000", "8.0000"), "88.0000"),
                          ("B", 1, "20.0000", ("20.0000", "2.0000"), "22.0000")],
                   charges=[("Shipping: Flat Rate", "10.0000", "1.0000", "11.0000")],
                   discounts=[("Coupon SAVE10", "10.0000", "1.0000", "11.0000")],
                   tax_total="10.0000", total="110.0000")
    html = merchant_client.get(record.get_absolute_url()).content.decode()
    assert summary_rows(html) == [
        ("Subtotal (2 lines)", "US$100.00"),
        ("Shipping: Flat Rate", "US$10.00"),
        ("Coupon SAVE10", "-US$10.00"),
        ("Tax", "US$10.00"),
        ("Total (incl. tax)", "US$110.00"),
    ]
    assert "Unit price (excl. tax)" in html and "Amount (excl. tax)" in html
    assert '<td class="number">US$80.00</td>' in html  # line A excluding tax, on the same basis as its column


def test_a_tax_inclusive_order_shows_parts_including_tax_and_the_tax_inside_the_total(merchant_client, company) -> None:
    # One line 1 × 110.00 incl. 10 % tax; coupon 11.00 off the inclusive price: 110.00 − 11.00 = 99.00, of which tax 9.00.
    record = build(company, inclusive=True, currency="EUR",
                   lines=[("C", 1, "110.0000", ("100.0000", "10.0000"), "110.0000")],
                   charges=[], discounts=[("Coupon TEN", "10.0000", "1.0000", "11.0000")],
                   tax_total="9.0000", total="99.0000")
    html = merchant_client.get(record.get_absolute_url()).content.decode()
    assert summary_rows(html) == [
        ("Subtotal (1 line)", "€110.00"),
        ("Coupon TEN", "-€11.00"),
        ("Total", "€99.00"),
        ("Of which tax", "€9.00"),
    ]
    assert "Unit price (incl. tax)" in html


def test_a_currency_without_decimals_shows_none(merchant_client, company) -> None:
    # JPY has no minor unit (ISO 4217): 1,234.5 yen is shown as the store rounds it, half up, ¥1,235 (en-GB: JP¥).
    record = build(company, inclusive=True, currency="JPY",
                   lines=[("D", 1, "1234.5000", ("1122.2700", "112.2300"), "1234.5000")],
                   charges=[], discounts=[], tax_total="112.2300", total="1234.5000")
    rows = dict(summary_rows(merchant_client.get(record.get_absolute_url()).content.decode()))
    assert rows["Total"] == "JP¥1,235"
