"""The guide's "Test Order" section, walked in Chromium: the store's checkout, then List, Import, List Pending Orders."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import browser_type_launch_args, screenshot  # noqa: F401 - fixtures for this module
from tests.browser.test_merchant_guide import expect_transaction_total, log_in, menu
from tests.orders.conftest import sandbox_cart

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_test_order_section_of_the_guide(page: Page, live_server, fresh_store, user, screenshot) -> None:  # noqa: F811
    store = fresh_store
    sandbox_cart(user.company, store, name="Store BC", import_status_ids=())
    page.goto(f"{live_server.url}/login/")
    log_in(page, user)

    # Without 'Import Orders with Status' the tab says orders cannot be listed, and links the setting.
    menu(page, "Setup", "Shopping Carts")
    page.get_by_role("link", name="Store BC").click()
    page.get_by_role("link", name="Orders (Cart)").click()
    expect(page.locator("#status-not-set")).to_contain_text("Orders cannot be listed until 'Import Orders with Status' is set")
    screenshot("orders-tab-without-status")
    page.locator("#status-not-set").get_by_role("link", name="Settings tab").click()
    expect(page.get_by_label("Import Cart Orders as")).to_have_value("cash_sale")  # the default, Pending Cash Sales
    page.get_by_label("Awaiting Fulfillment").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".message.success")).to_have_text("Cart settings saved.")

    # Step 1: an order in the store's checkout, paid with the test card.
    product = store.store.catalog.product(store.store.examples()["simple_product"])
    page.goto(f"{store.storefront_url}?q={product.sku}")
    page.get_by_label(f"Quantity of {product.name}").fill("2")
    page.get_by_role("button", name="Check out").click()
    page.get_by_label("Card number").fill("4111 1111 1111 1111")
    page.get_by_role("button", name="Place order").click()
    confirmation = page.locator(".notice.success")
    expect(confirmation).to_contain_text("Payment approved. Your order number is")
    order_id = int(re.search(r"order number is (\d+)", confirmation.inner_text()).group(1))
    screenshot("storefront-order-placed")

    # Step 2: Orders (Cart) tab, List Orders, select the order, Import Selected Orders.
    page.goto(f"{live_server.url}/setup/carts/")
    page.get_by_role("link", name="Store BC").click()
    page.get_by_role("link", name="Orders (Cart)").click()
    page.get_by_role("button", name="List Orders").click()
    row = page.locator(f"#cart-orders tr[data-order-id='{order_id}']")
    expect(row).to_contain_text("Test Shopper")
    expect(row).to_contain_text("Awaiting Fulfillment")
    screenshot("orders-listed")
    page.get_by_label(f"Select order {order_id}").check()
    page.get_by_role("button", name="Import Selected Orders").click()

    # The item is not in Salesorder yet: the result names its SKU and offers to import it from the cart.
    expect(page.locator(f"tr[data-order-id='{order_id}']")).to_contain_text(f"no item matches its SKU {product.sku}")
    screenshot("order-refused-missing-item")
    page.get_by_role("button", name="Import these items from the cart, then these orders again").click()
    expect(page.locator("#import-result h2")).to_have_text("Orders: 1 imported.")
    expect(page.locator(f"tr[data-order-id='{order_id}']")).to_contain_text("CS-000001")
    screenshot("order-imported")

    # Step 3: Sales > Sales Orders, List Pending Orders.
    menu(page, "Sales", "Sales Orders")
    page.locator(".actions-menu").hover()
    page.get_by_role("link", name="List Pending Orders").click()
    pending = page.locator("#pending-orders tbody tr", has_text="CS-000001")
    expect(pending).to_contain_text("Pending Cash Sale")
    expect(pending).to_contain_text(f"#{order_id}")
    page.get_by_role("link", name="CS-000001").click()
    expect_transaction_total(page, store.store.order(order_id).order)
    expect(page.locator("#transaction-lines")).to_contain_text(product.sku)
    screenshot("pending-cash-sale")
