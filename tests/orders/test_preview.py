"""Preview: an order shown exactly as an import would book it, and nothing written.

Against the sandbox store over real HTTP; the store's own figures (totals, tax, refunds) are the evidence.
"""
from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management.base import CommandError
from django.urls import reverse

from carts.platforms.bigcommerce.constants import CANCELLED_STATUS_ID
from orders.models import SalesTransaction
from orders.preview import order_preview
from orders.selectors import transaction_parts
from orders.store_imports import orders_import_selected
from tests.orders.conftest import make_items, order_skus, place, sandbox_cart
from tests.orders.test_commands import run
from tests.orders.test_views import us_dollars

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    """How many rows every model of the product has."""
    return {model._meta.label: model._base_manager.count() for model in apps.get_models()}


def sale_figures(booked) -> tuple:
    """What a transaction books, comparable between a preview and an import."""
    record = booked.record
    return (record.transaction_type, record.customer.email, record.currency, record.subtotal, record.charges_total,
            record.discounts_total, record.adjustments_total, record.tax_total, record.total,
            [(line.sku, line.quantity, line.unit_price, line.tax, line.tax_rate, line.amount_inc_tax, line.discount)
             for line in booked.lines],
            [(charge.kind, charge.description, charge.amount_inc_tax, charge.tax) for charge in booked.charges],
            [(discount.kind, discount.code, discount.amount_inc_tax, discount.tax) for discount in booked.discounts])


def test_the_preview_writes_nothing_and_the_import_then_books_exactly_what_it_showed(company, store) -> None:
    examples = store.store.examples()
    order_id = examples["partially_refunded_order"]  # new customer, new items, a credit note
    cart = sandbox_cart(company, store, create_missing_items=True)
    before = row_counts()
    preview = order_preview(cart=cart, order_id=order_id)
    assert row_counts() == before
    assert preview.would_import and preview.customer_is_new and preview.new_items == set(order_skus(store, order_id))
    order = store.store.order(order_id).order
    assert (preview.sale.record.total, preview.sale.record.tax_total) == (
        Decimal(order["total_inc_tax"]), Decimal(order["total_tax"]))
    [note] = preview.credit_notes
    assert note.record.total == Decimal(order["refunded_amount"])

    [outcome] = orders_import_selected(cart=cart, order_ids=[order_id]).outcomes
    sale = SalesTransaction.objects.get(pk=outcome.transaction_id)
    assert sale_figures(transaction_parts(record=sale)) == sale_figures(preview.sale)
    [booked_note] = sale.credit_notes.all()
    assert sale_figures(transaction_parts(record=booked_note)) == sale_figures(note)
    again = order_preview(cart=cart, order_id=order_id)
    assert again.existing == sale and not again.would_import and "Already imported as CS-000001" in again.verdict


def test_the_preview_screen_shows_lines_charges_each_discount_tax_total_customer_items_and_credit_note(
        company, store, merchant_client) -> None:
    examples = store.store.examples()
    make_items(company, order_skus(store, examples["coupon_and_promotion_order"]))
    cart = sandbox_cart(company, store)
    order_id = examples["coupon_and_promotion_order"]
    page = merchant_client.get(reverse("orders:cart_order_preview", args=[cart.pk, order_id])).content.decode()
    order, lines = store.store.order(order_id).order, store.store.order(order_id).lines
    assert "Would be imported as shown; nothing has been written yet." in page
    assert f'id="preview-total"><data value="{Decimal(order["total_inc_tax"]):.2f}">' in page
    assert us_dollars(order["total_tax"]) in page or order["currency_code"] != "USD"
    for line in lines:
        assert line["sku"] in page
    codes = {entry["code"] for line in lines for entry in line["applied_discounts"] if entry["code"]}
    assert codes and all(f"Coupon {code}" in page for code in codes)
    assert 'data-kind="promotion"' in page
    assert order["billing_address"]["email"].lower() in page
    listing = merchant_client.get(reverse("orders:cart_orders", args=[cart.pk]) + "?list=1").content.decode()
    assert reverse("orders:cart_order_preview", args=[cart.pk, order_id]) in listing


def test_a_refused_order_is_previewed_with_the_reason_and_what_it_would_be(company, fresh_store, merchant_client) -> None:
    cart = sandbox_cart(company, fresh_store)  # 'Create missing items' off, no items
    order_id = place(fresh_store)
    before = row_counts()
    page = merchant_client.get(reverse("orders:cart_order_preview", args=[cart.pk, order_id])).content.decode()
    assert row_counts() == before
    assert "Would not be imported: no item matches its SKU" in page and "no item" in page
    cancelled = place(fresh_store, status_id=CANCELLED_STATUS_ID)
    assert "it was cancelled in the store, so it is not a sale to book" in order_preview(
        cart=cart, order_id=cancelled).refusal


def test_an_order_the_store_does_not_have_is_said_so(company, store, merchant_client) -> None:
    cart = sandbox_cart(company, store)
    page = merchant_client.get(reverse("orders:cart_order_preview", args=[cart.pk, 999999])).content.decode()
    assert "The store has no order 999999" in page


def test_cart_preview_order_prints_the_preview_as_json_and_exits_1_when_it_would_be_refused(company, fresh_store) -> None:
    cart = sandbox_cart(company, fresh_store, create_missing_items=True)
    order_id = place(fresh_store)
    status, out = run("cart", "preview-order", cart.name, "--company", company.account_number, "--id", str(order_id),
                      "--json")
    preview = json.loads(out)
    order = fresh_store.store.order(order_id).order
    assert status == 0 and preview["would_import"] is True and preview["credit_notes"] == []
    transaction = preview["transaction"]
    assert (transaction["total"], transaction["tax"]) == (f"{Decimal(order['total_inc_tax']):.2f}",
                                                          f"{Decimal(order['total_tax']):.2f}")
    assert [line["item_created"] for line in transaction["lines"]] == [True]
    billing = order["billing_address"]
    name = f"{billing['first_name']} {billing['last_name']}"
    assert transaction["customer"] == {"name": name, "email": "shopper@example.com", "new": True,
                                       "billing_name": name, "guest": order["customer_id"] == 0}
    assert not SalesTransaction.objects.exists()
    cancelled = place(fresh_store, status_id=CANCELLED_STATUS_ID)
    status, out = run("cart", "preview-order", cart.name, "--company", company.account_number, "--id", str(cancelled))
    assert status == 1 and "Would not be imported: it was cancelled in the store" in out
    with pytest.raises(CommandError, match="The store has no order 777777"):
        run("cart", "preview-order", cart.name, "--company", company.account_number, "--id", "777777")
