"""Needs attention: refused orders from every import, failing auto-sync, counted per cart and listed with their fix."""
from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from carts.attention import cart_attention, company_attention
from carts.models import Cart
from orders.models import OrderRefusal
from orders.store_imports import orders_import_selected
from sync.models import AutoSyncState
from sync.passes import PassOutcome, cart_sync_pass
from tests.orders.conftest import make_items, order_skus, running_cart

pytestmark = pytest.mark.django_db


def refused_by_screen_and_command_line(cart: Cart, server) -> tuple[int, int, dict]:
    """One order refused by an import on the screen's service, another by `cart import-orders`; the deleted line."""
    deleted_order = server.store.examples()["deleted_product_order"]
    missing_order = server.store.examples()["coupon_order"]
    line = server.store.order(deleted_order).lines[0]
    make_items(cart.company, [sku for sku in order_skus(server, deleted_order) if sku != line["sku"]])
    make_items(cart.company, order_skus(server, missing_order)[1:])
    orders_import_selected(cart=cart, order_ids=[deleted_order])
    with pytest.raises(SystemExit):  # exit 1: an order was refused
        call_command("cart", "import-orders", cart.name, "--company", cart.company.account_number,
                     "--id", str(missing_order))
    return deleted_order, missing_order, line


def test_every_imports_refusals_are_kept_not_only_the_last(cart, store) -> None:
    deleted_order, missing_order, _ = refused_by_screen_and_command_line(cart, store)
    assert set(OrderRefusal.objects.filter(cart=cart).values_list("cart_order_id", flat=True)) == {
        deleted_order, missing_order}
    attention = cart_attention(cart=cart)
    assert (attention.refused_orders, attention.needed, attention.text) == (2, True, "2 refused orders")


def test_an_auto_sync_passs_refusals_and_its_failures_are_counted(company, fresh_store, settings) -> None:
    settings.BIGCOMMERCE_MAX_ATTEMPTS = 1
    cart = running_cart(company, fresh_store, create_missing_items=False)
    assert cart_sync_pass(cart_id=cart.pk).outcome == PassOutcome.COMPLETED
    refused = OrderRefusal.objects.filter(cart=cart).count()
    assert refused  # no item exists, so the store's orders in Awaiting Fulfillment are refused
    fresh_store.store.set_faults("server_error=1.0")
    assert cart_sync_pass(cart_id=cart.pk).outcome == PassOutcome.TRANSIENT_FAILURE
    assert cart_sync_pass(cart_id=cart.pk).outcome == PassOutcome.TRANSIENT_FAILURE
    attention = cart_attention(cart=cart)
    assert (attention.refused_orders, attention.failed_syncs) == (refused, 2)
    assert attention.problems == [f"{refused:,} refused order{'s' if refused > 1 else ''}", "the last 2 syncs failed"]
    assert [entry.cart for entry in company_attention(company=company)] == [cart]


def test_a_cart_with_nothing_wrong_needs_no_attention(cart) -> None:
    AutoSyncState.objects.get_or_create(cart=cart, defaults={"company": cart.company})
    assert not cart_attention(cart=cart).needed
    assert company_attention(company=cart.company) == []


def test_the_refused_list_gives_each_order_its_reason_age_and_fix(merchant_client, cart, store) -> None:
    deleted_order, missing_order, line = refused_by_screen_and_command_line(cart, store)
    page = merchant_client.get(reverse("orders:cart_refused", args=[cart.pk])).content.decode()
    assert "2 orders of the store were refused" in page
    deleted_row = page[page.index(f'data-order-id="{deleted_order}"'):]
    deleted_row = deleted_row[:deleted_row.index("</tr>")]
    assert "no longer in the store&#x27;s catalog" in deleted_row and "ago" in deleted_row
    assert f"Create {line['sku']} from the order line, then retry" in deleted_row
    assert "from the cart, then retry" not in deleted_row
    missing_row = page[page.index(f'data-order-id="{missing_order}"'):]
    missing_row = missing_row[:missing_row.index("</tr>")]
    assert f"Import {order_skus(store, missing_order)[0]} from the cart, then retry" in missing_row
    assert "Create the deleted products' items from the order lines, then retry that order (1)" in page


def test_the_fix_for_every_deleted_product_creates_the_items_and_imports_the_orders(merchant_client, cart, store) -> None:
    deleted_order, missing_order, line = refused_by_screen_and_command_line(cart, store)
    response = merchant_client.post(reverse("orders:cart_orders_create_items", args=[cart.pk]), {"every": "1"})
    assert response.status_code == 200 and "Orders: 1 imported." in response.content.decode()
    assert set(OrderRefusal.objects.filter(cart=cart).values_list("cart_order_id", flat=True)) == {missing_order}


def test_the_refused_list_is_not_another_companys(other_merchant_client, cart, store) -> None:
    refused_by_screen_and_command_line(cart, store)
    assert other_merchant_client.get(reverse("orders:cart_refused", args=[cart.pk])).status_code == 404
    response = other_merchant_client.post(reverse("orders:cart_orders_create_items", args=[cart.pk]), {"every": "1"})
    assert response.status_code == 404 and OrderRefusal.objects.filter(cart=cart).count() == 2


def test_the_carts_list_the_cart_header_and_sales_orders_say_it(merchant_client, cart, store) -> None:
    refused_by_screen_and_command_line(cart, store)
    refused_url = reverse("orders:cart_refused", args=[cart.pk])
    for url in (reverse("carts:list"), reverse("carts:detail", args=[cart.pk]), reverse("orders:pending")):
        page = merchant_client.get(url).content.decode()
        assert "needs attention" in page.lower() and "2 refused orders" in page and refused_url in page, url


def test_reconciliation_sends_refusals_of_a_manual_import_to_the_refused_list(merchant_client, cart, store) -> None:
    from sync.reconciliation import cart_sync_reconcile

    refused_by_screen_and_command_line(cart, store)  # no auto-sync pass has run: the passes list is empty
    log = cart_sync_reconcile(cart=cart)
    assert log.counts["refused"] == 2
    page = merchant_client.get(reverse("sync:cart_sync", args=[cart.pk])).content.decode()
    assert "in the passes below" not in page
    assert f'under <a href="{reverse("orders:cart_refused", args=[cart.pk])}">Refused orders</a>' in page
