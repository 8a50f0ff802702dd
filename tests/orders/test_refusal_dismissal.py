"""Dismissing a refused order the merchant will never import: no longer needing attention, still refused, restorable."""
from __future__ import annotations

import pytest
from django.urls import reverse

from carts.attention import cart_attention
from orders.models import OrderRefusal, SalesTransaction
from orders.refusals import refusals_dismiss, refusals_restore
from orders.selectors import cart_refusals, cart_refused_order_ids
from orders.store_imports import orders_import_selected
from tests.orders.conftest import make_items, order_skus
from tests.orders.test_refused_orders import refused_by_screen_and_command_line

pytestmark = pytest.mark.django_db


def test_a_dismissed_refusal_needs_no_attention_and_is_not_retried_with_the_others(cart, store, user) -> None:
    deleted_order, missing_order, _ = refused_by_screen_and_command_line(cart, store)

    assert refusals_dismiss(cart=cart, order_ids=[deleted_order], user=user) == 1
    assert refusals_dismiss(cart=cart, order_ids=[deleted_order], user=user) == 0  # already dismissed: unchanged

    assert cart_attention(cart=cart).refused_orders == 1
    assert cart_refused_order_ids(cart=cart) == [missing_order]  # "Retry all" leaves it alone
    [dismissed] = cart_refusals(cart=cart, dismissed=True)
    assert (dismissed.cart_order_id, dismissed.dismissed_by) == (deleted_order, user)


def test_a_dismissed_order_refused_again_stays_dismissed_and_an_import_removes_it(cart, store, user) -> None:
    _, missing_order, _ = refused_by_screen_and_command_line(cart, store)
    refusals_dismiss(cart=cart, order_ids=[missing_order], user=user)

    orders_import_selected(cart=cart, order_ids=[missing_order])  # still no item for its first line
    row = OrderRefusal.objects.get(cart=cart, cart_order_id=missing_order)
    assert row.dismissed_at is not None and row.last_refused_at >= row.dismissed_at

    make_items(cart.company, order_skus(store, missing_order))  # the merchant changed their mind and fixed it
    orders_import_selected(cart=cart, order_ids=[missing_order])
    assert SalesTransaction.objects.filter(cart=cart, cart_order_id=missing_order).exists()
    assert not OrderRefusal.objects.filter(cart=cart, cart_order_id=missing_order).exists()


def test_a_restored_refusal_needs_attention_again(cart, store, user) -> None:
    deleted_order, _, _ = refused_by_screen_and_command_line(cart, store)
    refusals_dismiss(cart=cart, order_ids=[deleted_order], user=user)

    assert refusals_restore(cart=cart, order_ids=[deleted_order]) == 1
    assert cart_attention(cart=cart).refused_orders == 2
    assert not cart_refusals(cart=cart, dismissed=True).exists()


def test_the_refused_orders_page_dismisses_lists_and_restores(merchant_client, cart, store) -> None:
    deleted_order, missing_order, _ = refused_by_screen_and_command_line(cart, store)
    url = reverse("orders:cart_refused", args=[cart.pk])

    response = merchant_client.post(reverse("orders:cart_refused_dismiss", args=[cart.pk]), {"order": [deleted_order]},
                                    follow=True)
    page = response.content.decode()
    assert "1 refused order dismissed: no longer needing attention." in page
    assert f'aria-label="Restore order #{deleted_order}"' in page and 'id="dismissed-refusals"' in page
    assert f'aria-label="Dismiss order #{missing_order}: it will not be imported"' in page
    assert f'aria-label="Dismiss order #{deleted_order}' not in page

    page = merchant_client.post(reverse("orders:cart_refused_restore", args=[cart.pk]), {"order": [deleted_order]},
                                follow=True).content.decode()
    assert "1 refused order restored: needing attention again." in page and 'id="dismissed-refusals"' not in page
    assert merchant_client.get(url).status_code == 200


def test_dismissing_every_refused_order_clears_the_carts_attention(merchant_client, cart, store) -> None:
    refused_by_screen_and_command_line(cart, store)
    merchant_client.post(reverse("orders:cart_refused_dismiss", args=[cart.pk]), {"every": "1"})

    assert not cart_attention(cart=cart).needed
    page = merchant_client.get(reverse("orders:cart_refused", args=[cart.pk])).content.decode()
    assert 'id="no-refusals"' in page and "need attention" in page


def test_naming_no_order_dismisses_nothing_and_says_so(merchant_client, cart, store) -> None:
    refused_by_screen_and_command_line(cart, store)
    page = merchant_client.post(reverse("orders:cart_refused_dismiss", args=[cart.pk]), {}, follow=True)
    assert "Nothing was done: no order was named." in page.content.decode()
    assert cart_attention(cart=cart).refused_orders == 2
    page = merchant_client.post(reverse("orders:cart_refused_restore", args=[cart.pk]), {}, follow=True)
    assert "Nothing was restored: no order was named." in page.content.decode()


def test_another_company_can_neither_dismiss_nor_restore(other_merchant_client, cart, store, user) -> None:
    deleted_order, missing_order, _ = refused_by_screen_and_command_line(cart, store)
    refusals_dismiss(cart=cart, order_ids=[deleted_order], user=user)

    assert other_merchant_client.post(reverse("orders:cart_refused_dismiss", args=[cart.pk]),
                                      {"order": [missing_order]}).status_code == 404
    assert other_merchant_client.post(reverse("orders:cart_refused_restore", args=[cart.pk]),
                                      {"order": [deleted_order]}).status_code == 404
    assert cart_attention(cart=cart).refused_orders == 1
