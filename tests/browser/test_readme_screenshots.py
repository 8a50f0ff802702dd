"""The screenshots README.md shows side by side: the same screens on a desktop (1280×800) and a phone (390×844).

Run with UPDATE_README_SCREENSHOTS=1 to refresh docs/screenshots/; otherwise they land in test-artifacts/.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from orders.models import SalesTransaction
from orders.store_imports import orders_import_selected
from tests.browser.checks import DESKTOP, PHONE, assert_fits_viewport
from tests.browser.test_merchant_guide import log_in
from tests.orders.conftest import examples_as_sales, make_items, order_skus, sandbox_cart

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_desktop_and_phone_screenshots_for_the_readme(page: Page, live_server, guide_screens, user, screenshot) -> None:
    # The transaction with the most to show: charges and a discount when the store has one.
    record = (SalesTransaction.objects.filter(company=user.company, discounts__isnull=False).order_by("number").first()
              or guide_screens.transaction)
    page.goto(f"{live_server.url}/login/")
    log_in(page, user)
    for device, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        page.goto(f"{live_server.url}/setup/carts/{guide_screens.cart.pk}/orders/?list=1")
        expect(page.locator("#cart-orders tbody tr").first).to_be_visible()
        page.locator("#import-orders").evaluate("form => form.scrollIntoView({block: 'start'})")
        assert_fits_viewport(page)
        screenshot(f"{device}-orders-cart", full_page=False, readme=True)

        page.goto(live_server.url + record.get_absolute_url())
        page.locator("#transaction-lines").evaluate("table => table.closest('.card').scrollIntoView({block: 'start'})")
        screenshot(f"{device}-transaction", full_page=False, readme=True)

    page.goto(f"{live_server.url}/setup/carts/{guide_screens.cart.pk}/")
    page.get_by_role("button", name="Menu").click()
    page.locator("summary", has_text="Setup").click()
    screenshot("phone-menu", full_page=False, readme=True)

    # Items (Cart): a product's variants grouped under it, the first product opened.
    for device, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        page.goto(f"{live_server.url}/setup/carts/{guide_screens.cart.pk}/items/?list=1")
        page.locator("#cart-items tbody.with-variants summary").first.click()
        page.locator("#import-items").evaluate("form => form.scrollIntoView({block: 'start'})")
        assert_fits_viewport(page)
        screenshot(f"{device}-items-cart-grouped", full_page=False, readme=True)

def test_needs_attention_screenshots_for_the_readme(page: Page, live_server, sandbox_allowed, user, screenshot) -> None:
    store = sandbox_allowed
    examples_as_sales(store)
    cart = sandbox_cart(user.company, store, name="Store BC")
    deleted_order, missing_order = store.store.examples()["deleted_product_order"], store.store.examples()["coupon_order"]
    deleted_sku = store.store.order(deleted_order).lines[0]["sku"]
    make_items(user.company, [sku for sku in order_skus(store, deleted_order) if sku != deleted_sku])
    make_items(user.company, order_skus(store, missing_order)[1:])
    orders_import_selected(cart=cart, order_ids=[deleted_order, missing_order])
    page.goto(f"{live_server.url}/login/")
    log_in(page, user)
    for device, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        page.goto(f"{live_server.url}/setup/carts/")
        expect(page.locator(".attention").first).to_contain_text("2 refused orders")
        assert_fits_viewport(page)
        screenshot(f"{device}-carts-needing-attention", full_page=False, readme=True)
        page.goto(f"{live_server.url}/setup/carts/{cart.pk}/refused/")
        page.locator("#refused-orders").evaluate("card => card.scrollIntoView({block: 'start'})")
        assert_fits_viewport(page)
        screenshot(f"{device}-refused-orders", full_page=False, readme=True)
