"""The import rules: differences posted only by opt-in, orders that were never a sale never booked, refunds read in batches.

Differences use BigCommerce's fee example (orderFees_Resp) fetched without its fees, computed by hand
in tests/orders/mapping/test_differences.py; refunds come from the sandbox store over real HTTP.
"""
from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from carts.platforms.bigcommerce.adapter import order_record as record_of
from carts.platforms.bigcommerce.constants import CANCELLED_STATUS_ID, DECLINED_STATUS_ID, INCOMPLETE_STATUS_ID
from carts.setup import CartSettings, cart_update
from items.ledger import ledger_account_create
from items.models import LedgerAccountType
from orders.imports import orders_import
from orders.models import OrderRefusal, SalesTransaction
from orders.results import Outcome
from orders.store_imports import orders_import_selected
from tests.orders.conftest import api_requests, make_items, order_skus, place, sandbox_cart
from tests.orders.mapping.test_differences import order_with_fee

pytestmark = pytest.mark.django_db

REFUNDS_ENDPOINT = "GET /v3/orders/payment_actions/refunds"
FEES_LINK = {"url": "https://api.bigcommerce.com/stores/x/v2/orders/230/fees", "resource": "/orders/230/fees"}


def endpoint_requests(server, endpoint: str) -> int:
    return sum(server.store.stats()["endpoints"].get(endpoint, {}).values())


def with_differences(cart, amount: str | None, account=None):
    values = CartSettings.of_cart(cart)
    return cart_update(cart=cart, values=CartSettings(**{**values.__dict__, "post_differences_up_to":
                                                          Decimal(amount) if amount else None,
                                                          "differences_account": account}))


def test_a_difference_is_refused_until_the_cart_posts_differences_to_an_account_then_shows_on_the_sale(
        company, store, merchant_client) -> None:
    cart = sandbox_cart(company, store)
    payload = order_with_fee(fees=FEES_LINK)  # the store's 10.00 fee (1.50 tax) is not among the parts read
    make_items(company, ["SKU-1"])
    [refused] = orders_import(cart=cart, orders=[record_of(payload)]).outcomes
    assert refused.outcome == Outcome.REFUSED and "'Post differences up to'" in refused.reason

    account = ledger_account_create(company=company, name="Rounding and differences",
                                    account_type=LedgerAccountType.EXPENSE)
    cart = with_differences(cart, "10.00", account)
    [imported] = orders_import(cart=cart, orders=[record_of(payload)]).outcomes
    assert imported.outcome == Outcome.IMPORTED
    sale = SalesTransaction.objects.get(pk=imported.transaction_id)
    [adjustment] = sale.adjustments.all()
    assert (adjustment.kind, adjustment.amount_inc_tax, adjustment.tax, adjustment.ledger_account) == (
        "order_difference", Decimal("10.00"), Decimal("1.50"), account)
    assert sale.total == Decimal(payload["total_inc_tax"]) and sale.tax_total == Decimal(payload["total_tax"])
    assert sale.subtotal + sale.charges_total - sale.discounts_total + sale.adjustments_total == sale.total
    page = merchant_client.get(sale.get_absolute_url()).content.decode()
    assert ('<tr class="adjustment"><th scope="row">Difference to the store&#x27;s total <span class="muted">posted to '
            'Rounding and differences</span></th><td class="number">$8.50</td>') in page  # ex tax: 10.00 − 1.50


def test_a_limit_without_an_account_posts_nothing(company, store) -> None:
    cart = sandbox_cart(company, store)
    cart.post_differences_up_to = Decimal("50")  # as a half-saved setting would leave it: the rule is both or neither
    make_items(company, ["SKU-1"])
    [outcome] = orders_import(cart=cart, orders=[record_of(order_with_fee(fees=FEES_LINK))]).outcomes
    assert outcome.outcome == Outcome.REFUSED


@pytest.mark.parametrize("status_id", [INCOMPLETE_STATUS_ID, CANCELLED_STATUS_ID, DECLINED_STATUS_ID])
def test_orders_that_were_never_a_sale_are_refused_with_the_reason_even_when_their_status_is_ticked(
        company, fresh_store, status_id) -> None:
    cart = sandbox_cart(company, fresh_store)  # every status ticked
    order_id = place(fresh_store, status_id=status_id)
    make_items(company, order_skus(fresh_store, order_id))
    [outcome] = orders_import_selected(cart=cart, order_ids=[order_id]).outcomes
    assert outcome.outcome == Outcome.REFUSED
    assert "not a sale to book: such orders are listed, never imported" in outcome.reason
    assert not SalesTransaction.objects.exists()
    assert OrderRefusal.objects.get(cart=cart, cart_order_id=order_id).reason == outcome.reason


def test_refunds_are_read_once_for_the_batch_of_orders_that_show_one_and_become_credit_notes(company, store) -> None:
    examples = store.store.examples()
    refunded = [examples["refunded_order"], examples["partially_refunded_order"]]
    others = [examples[kind] for kind in ("coupon_order", "wrapping_order", "automatic_discount_order")]
    make_items(company, order_skus(store, *refunded, *others))
    cart = sandbox_cart(company, store)
    result = orders_import_selected(cart=cart, order_ids=refunded + others)
    assert {entry.outcome for entry in result.outcomes} == {Outcome.IMPORTED}
    assert endpoint_requests(store, REFUNDS_ENDPOINT) == 1  # one request for both refunded orders
    for order_id in refunded:
        sale = SalesTransaction.objects.sales().get(cart_order_id=order_id)
        store_refunds = store.store.refunds_of(order_id)
        assert sorted(note.refund_key for note in sale.credit_notes.all()) == sorted(
            f"v3-{refund.id}" for refund in store_refunds)
        assert sum(note.total for note in sale.credit_notes.all()) == Decimal(
            store.store.order(order_id).order["refunded_amount"])


def test_orders_that_show_no_refund_cost_no_refund_request(company, store) -> None:
    examples = store.store.examples()
    ids = [examples[kind] for kind in ("coupon_order", "wrapping_order", "automatic_discount_order")]
    make_items(company, order_skus(store, *ids))
    orders_import_selected(cart=sandbox_cart(company, store), order_ids=ids)
    assert endpoint_requests(store, REFUNDS_ENDPOINT) == 0
    assert api_requests(store) == 1  # the one span of ids, with their lines


def test_the_cart_form_warns_when_statuses_of_orders_never_sold_are_ticked(company, merchant_client, store) -> None:
    cart = sandbox_cart(company, store, import_status_ids=(11, CANCELLED_STATUS_ID),
                        import_orders_from=datetime.date(2026, 1, 1))
    page = merchant_client.get(cart.get_absolute_url()).content.decode()
    assert "Orders with status Cancelled are never booked as sales" in page
    cart = sandbox_cart(company, store, name="Only sales", import_status_ids=(11,))
    assert "never booked as sales: no payment" not in merchant_client.get(cart.get_absolute_url()).content.decode()


def test_the_orders_tab_lists_an_order_never_sold_with_its_reason_and_nothing_to_tick(
        company, merchant_client, fresh_store) -> None:
    cart = sandbox_cart(company, fresh_store, import_status_ids=(CANCELLED_STATUS_ID,))
    order_id = place(fresh_store, status_id=CANCELLED_STATUS_ID)
    page = merchant_client.get(reverse("orders:cart_orders", args=[cart.pk]) + "?list=1").content.decode()
    row = page[page.index(f'data-order-id="{order_id}"'):]
    row = row[:row.index("</tr>")]
    assert "Never booked: it was cancelled in the store" in row
    assert 'name="selected"' not in row
