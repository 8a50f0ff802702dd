"""The transaction screen shows what the books keep; List Pending Orders lists credit notes as their own type.

Orders imported from the sandbox store over real HTTP; what each page must show is read from the store's
own order (its form fields, exchange rate, payment, refunds, coupon codes).
"""
from __future__ import annotations

import html
from decimal import Decimal

import pytest
from django.urls import reverse

from orders.models import SalesTransaction
from orders.store_imports import orders_import_selected
from tests.orders.conftest import make_items, order_skus, sandbox_cart
from tests.orders.test_views import us_dollars

pytestmark = pytest.mark.django_db

# The rates the sandbox store draws for its orders (docs/sandbox.md, "The generated data").
SANDBOX_TAX_RATES = {Decimal("0"), Decimal("0.0825"), Decimal("0.1"), Decimal("0.2")}


def imported(company, store, *kinds: str) -> dict[str, SalesTransaction]:
    ids = {kind: store.store.examples()[kind] for kind in kinds}
    make_items(company, order_skus(store, *ids.values()))
    result = orders_import_selected(cart=sandbox_cart(company, store), order_ids=list(ids.values()))
    assert not result.refused, result.failures
    return {kind: SalesTransaction.objects.sales().get(cart_order_id=order_id) for kind, order_id in ids.items()}


def page_of(client, record: SalesTransaction) -> str:
    return html.unescape(client.get(record.get_absolute_url()).content.decode())


def test_the_screen_shows_form_fields_exchange_rate_payment_and_guest_with_the_billing_name(
        company, store, merchant_client) -> None:
    sales = imported(company, store, "business_vat_order", "other_currency_order", "guest_with_customer_email_order")
    vat_order = store.store.order(sales["business_vat_order"].cart_order_id).order
    page = page_of(merchant_client, sales["business_vat_order"])
    for field in vat_order["billing_address"]["form_fields"]:
        assert f"{field['name']}: {field['value']}" in page
    assert vat_order["payment_method"] in page
    if vat_order["payment_provider_id"]:
        assert f"gateway transaction {vat_order['payment_provider_id']}" in page

    foreign = store.store.order(sales["other_currency_order"].cart_order_id).order
    rate = Decimal(foreign["store_default_to_transactional_exchange_rate"]).normalize()
    assert (f"1 {foreign['store_default_currency_code']} = {rate} {foreign['currency_code']}"
            in page_of(merchant_client, sales["other_currency_order"]))

    guest = store.store.order(sales["guest_with_customer_email_order"].cart_order_id).order
    billing = guest["billing_address"]
    assert guest["customer_id"] == 0
    assert f"{billing['first_name']} {billing['last_name']} · guest checkout" in page_of(
        merchant_client, sales["guest_with_customer_email_order"])


def test_a_refunded_sale_and_its_credit_note_link_to_each_other(company, store, merchant_client) -> None:
    sale = imported(company, store, "partially_refunded_order")["partially_refunded_order"]
    [note] = sale.credit_notes.all()
    refunded = Decimal(store.store.order(sale.cart_order_id).order["refunded_amount"])
    page = page_of(merchant_client, sale)
    assert f'<a href="{note.get_absolute_url()}">{note.number}</a>' in page
    assert f'id="refunded">{us_dollars(refunded)}<' in page
    note_page = page_of(merchant_client, note)
    assert f"Pending Credit Note {note.number}" in note_page
    assert f'<a href="{sale.get_absolute_url()}">Pending Cash Sale {sale.number}</a>' in note_page
    assert f'id="transaction-total"><data value="{refunded:.4f}">' in note_page


def test_each_coupon_is_its_own_discount_line_with_its_code_and_lines_show_their_tax_rate(
        company, store, merchant_client) -> None:
    sale = imported(company, store, "two_coupons_order")["two_coupons_order"]
    lines = store.store.order(sale.cart_order_id).lines
    codes = sorted({entry["code"] for line in lines for entry in line["applied_discounts"] if entry["code"]})
    assert len(codes) == 2
    page = page_of(merchant_client, sale)
    assert [discount.code for discount in sale.discounts.filter(kind="coupon").order_by("code")] == codes
    for code in codes:
        assert f'<tr class="discount" data-kind="coupon"><th scope="row">Coupon {code}</th>' in page
    rates = {line.tax_rate.normalize() for line in sale.lines.all() if line.tax_rate is not None}
    assert rates and rates <= SANDBOX_TAX_RATES
    assert all(f'<td class="number tax-rate">{(rate * 100).normalize():f}%</td>' in page for rate in rates)


def test_list_pending_orders_lists_credit_notes_as_their_own_type(company, store, merchant_client) -> None:
    sale = imported(company, store, "partially_refunded_order", "wrapping_order")["partially_refunded_order"]
    [note] = sale.credit_notes.all()
    listing = html.unescape(merchant_client.get(reverse("orders:pending")).content.decode())
    assert "Pending Credit Note" in listing and f"credits {sale.number}" in listing
    only_notes = html.unescape(merchant_client.get(reverse("orders:pending") + "?type=credit-note").content.decode())
    assert note.number in only_notes and sale.number not in only_notes.replace(f"credits {sale.number}", "")


def test_deleting_a_refunded_sale_says_its_credit_notes_go_with_it(company, store, merchant_client) -> None:
    sale = imported(company, store, "partially_refunded_order")["partially_refunded_order"]
    [note] = sale.credit_notes.all()
    confirm = html.unescape(merchant_client.get(reverse("orders:delete", args=[sale.pk])).content.decode())
    assert f"and with them its credit notes {note.number}" in confirm
    assert merchant_client.post(reverse("orders:delete", args=[sale.pk])).status_code == 302
    assert not SalesTransaction.objects.filter(pk__in=[sale.pk, note.pk]).exists()
