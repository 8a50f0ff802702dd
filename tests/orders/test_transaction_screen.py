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
        ("Subtotal (2 lines)", "$100.00"),
        ("Shipping: Flat Rate", "$10.00"),
        ("Coupon SAVE10", "-$10.00"),
        ("Tax", "$10.00"),
        ("Total (incl. tax)", "$110.00"),
    ]
    assert "Unit price (excl. tax)" in html and "Amount (excl. tax)" in html
    assert '<td class="number">$80.00</td>' in html  # line A excluding tax, on the same basis as its column


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
    # JPY has no minor unit (ISO 4217): 1,234.5 yen is shown as the store rounds it, half up, ¥1,235 (en-US; en-GB: JP¥).
    record = build(company, inclusive=True, currency="JPY",
                   lines=[("D", 1, "1234.5000", ("1122.2700", "112.2300"), "1234.5000")],
                   charges=[], discounts=[], tax_total="112.2300", total="1234.5000")
    rows = dict(summary_rows(merchant_client.get(record.get_absolute_url()).content.decode()))
    assert rows["Total"] == "¥1,235"


def test_shipping_handling_wrapping_and_each_coupon_read_like_the_store_s_order_screen(merchant_client, company) -> None:
    # A tax-exclusive store at 10 %: lines A 3 × 25.00 and B 1 × 25.00; UPS Ground 10.00, handling 5.00, gift
    # wrapping 2.00 (each excluding tax, as the store shows them, with their tax in the Tax row); coupons SAVE5 5.00
    # and WELCOME 10.00 before tax. Tax = 7.50 + 2.50 + 1.00 + 0.50 + 0.20 − 0.50 − 1.00 = 10.20;
    # total = 100.00 + 10.00 + 5.00 + 2.00 − 5.00 − 10.00 + 10.20 = 112.20.
    parts = {"Subtotal (2 lines)": Decimal("100.00"), "Shipping: UPS Ground": Decimal("10.00"),
             "Handling": Decimal("5.00"), "Gift wrapping": Decimal("2.00"), "Coupon SAVE5": Decimal("-5.00"),
             "Coupon WELCOME": Decimal("-10.00"), "Tax": Decimal("10.20")}
    total = sum(parts.values())
    assert total == Decimal("112.20")
    record = build(company, inclusive=False, currency="USD",
                   lines=[("A", 3, "25.0000", ("75.0000", "7.5000"), "82.5000"),
                          ("B", 1, "25.0000", ("25.0000", "2.5000"), "27.5000")],
                   charges=[("Shipping: UPS Ground", "10.0000", "1.0000", "11.0000"),
                            ("Handling", "5.0000", "0.5000", "5.5000"),
                            ("Gift wrapping", "2.0000", "0.2000", "2.2000")],
                   discounts=[("Coupon SAVE5", "5.0000", "0.5000", "5.5000"),
                              ("Coupon WELCOME", "10.0000", "1.0000", "11.0000")],
                   tax_total="10.2000", total=str(total))
    html = merchant_client.get(record.get_absolute_url()).content.decode()
    dollars = {label: (f"-${-amount:,.2f}" if amount < 0 else f"${amount:,.2f}") for label, amount in parts.items()}
    assert summary_rows(html) == [*dollars.items(), ("Total (incl. tax)", "$112.20")]
    # One basis, said once: the parts exclude tax, tax is added once, the total includes it; the summary's column
    # names only the currency, never "excl. tax" above a total that includes it.
    assert "The store's prices exclude tax" in html and "Amount (USD)" in html
    assert "Excl. tax (USD)" not in html and "Totals include tax" not in html


@pytest.mark.parametrize(("accept_language", "total", "language"), [
    ("en-US,en;q=0.9", "$112.20", "en-us"),
    ("en-GB,en;q=0.9", "US$112.20", "en-gb"),
    ("en-CA", "US$112.20", "en-ca"),
    ("de-DE,de;q=0.9", "$112.20", "en-us"),  # not offered: the default, and the screens stay in English
    ("", "$112.20", "en-us"),
])
def test_money_is_written_in_the_merchant_s_english(merchant_client, company, accept_language, total,
                                                  language) -> None:
    # CLDR: en (US) writes the US dollar "$"; en-GB and en-CA write "US$" to tell it from their own dollar or pound.
    record = build(company, inclusive=False, currency="USD",
                   lines=[("A", 1, "102.0000", ("102.0000", "10.2000"), "112.2000")],
                   charges=[], discounts=[], tax_total="10.2000", total="112.2000")
    html = merchant_client.get(record.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=accept_language).content.decode()
    assert dict(summary_rows(html))["Total (incl. tax)"] == total
    assert f'<html lang="{language}">' in html and "Subtotal (1 line)" in html


def test_a_sale_is_dated_as_its_store_dates_it_on_its_page_and_in_the_pending_list(company, merchant_client) -> None:
    """An order placed at 21:30 in Chicago (03:30 UTC the next day) is a sale of that evening, the zone named."""
    from carts.models import Cart
    from django.urls import reverse

    from tests.carts.factories import make_cart
    from tests.orders.factories import make_transaction

    cart = make_cart(company)
    Cart.objects.filter(pk=cart.pk).update(store_timezone="America/Chicago")
    cart.refresh_from_db()
    record = make_transaction(company, cart)
    SalesTransaction.objects.filter(pk=record.pk).update(
        transaction_date=datetime.datetime(2026, 3, 6, 3, 30, tzinfo=datetime.UTC))

    detail = merchant_client.get(reverse("orders:detail", args=[record.pk])).content.decode()
    assert "<dt>Date</dt><dd>5 Mar 2026 21:30 CST</dd>" in detail
    pending = merchant_client.get(reverse("orders:pending")).content.decode()
    assert '<td class="nowrap">5 Mar 2026</td>' in pending
