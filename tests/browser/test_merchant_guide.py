"""The merchant's guide walked end to end in Chromium: the product, the sandbox store and a real Celery worker.

Each step saves a numbered screenshot in test-artifacts/screenshots/ (README.md shows a few of them).
"""
from __future__ import annotations

import re
import time
from decimal import ROUND_HALF_UP, Decimal

import pytest
from playwright.sync_api import Page, expect

from carts.models import Cart
from orders.models import SalesTransaction
from sync.models import AutoSyncState
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ITEM_SKUS = ("APRON-00002-S-RED", "APRON-00002-S-BLU", "APRON-00002-M-RED")
AUTO_SYNC_TIMEOUT_MS = 120_000


def log_in(page: Page, user) -> None:
    """Fill the login page the browser is on, as the merchant does."""
    page.get_by_label("E-mail").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def menu(page: Page, group: str, entry: str) -> None:
    """Open a main-menu entry as a merchant does: hover the group, click the entry."""
    page.locator(".menu-group", has_text=group).hover()
    page.locator(".menu-group", has_text=group).get_by_role("link", name=entry, exact=True).click()


def open_cart_tab(page: Page, base_url: str, tab: str) -> None:
    """Setup > Shopping Carts > Store BC > the tab (from wherever the browser is, the storefront included)."""
    page.goto(f"{base_url}/")
    menu(page, "Setup", "Shopping Carts")
    page.get_by_role("link", name="Store BC").click()
    page.get_by_role("link", name=tab, exact=True).click()


# How en-US (Chromium's language here, and the product's LANGUAGE_CODE) marks each currency, from CLDR's English data.
EN_US_CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "CA$"}


def expect_transaction_total(page: Page, order: dict) -> None:
    """The transaction's total is the store's total_inc_tax: exact in its data value, to the cent on screen.

    On screen: the currency's symbol, comma thousands and two decimals (ISO 4217 minor unit of these
    currencies), rounded half up as the store rounds.
    """
    store_total = order["total_inc_tax"]
    expect(page.locator("#transaction-total data")).to_have_attribute("value", store_total)
    cents = Decimal(store_total).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    expect(page.locator("#transaction-total")).to_have_text(f"{EN_US_CURRENCY_SYMBOLS[order['currency_code']]}{cents:,}")


def storefront_order(page: Page, store, sku: str, quantity: int) -> int:
    """Buy a variant in the sandbox's storefront with the approved test card; returns the order number."""
    catalog = store.store.catalog
    product, variant = next((catalog.product(product_id), variant) for product_id in catalog.live_ids
                            for variant in catalog.product(product_id).variants if variant.sku == sku)
    page.goto(f"{store.storefront_url}?q={product.sku}")
    page.locator(f"select[name='variant_{product.id}']").select_option(str(variant.id))
    page.get_by_label(f"Quantity of {product.name}").fill(str(quantity))
    page.get_by_role("button", name="Check out").click()
    page.get_by_label("Card number").fill("4111 1111 1111 1111")
    page.get_by_label("Expiry").fill("12/30")
    page.get_by_label("CVV").fill("123")
    page.get_by_role("button", name="Place order").click()
    confirmation = page.locator(".notice.success")
    expect(confirmation).to_contain_text("Payment approved. Your order number is")
    return int(re.search(r"order number is (\d+)", confirmation.inner_text()).group(1))


def test_the_merchant_guide_end_to_end(
    page: Page, live_server, sandbox_allowed, celery_worker_with_beat, user, screenshot
) -> None:
    store = sandbox_allowed
    client_id, token = store.api_key("full").split(":")

    # --- Cart Configuration --------------------------------------------------------------------
    page.goto(live_server.url)
    expect(page).to_have_url(f"{live_server.url}/login/?next=/")
    log_in(page, user)
    expect(page.locator(".account-number")).to_have_text(user.company.account_number)
    screenshot("logged-in")

    menu(page, "Setup", "Shopping Carts")
    page.locator(".actions-menu").hover()
    page.get_by_role("link", name="New BigCommerce Cart").click()
    expect(page.get_by_role("heading", name="New BigCommerce Cart")).to_be_visible()
    page.get_by_label("Cart Name").fill("Store BC")
    page.get_by_label("Cart Connect URL").fill(store.api_path)
    page.get_by_label("API Key").fill(f"{client_id}{token}")  # the colon forgotten, as the guide warns
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#field-api_key .error")).to_have_text(
        "Insert a colon between the Client ID and the Access Token, with no spaces (CLIENT ID:ACCESS TOKEN)."
    )
    screenshot("wrong-key-message", readme=True)

    page.get_by_label("Cart Connect URL").fill("")
    page.get_by_text("Paste or upload BigCommerce's credentials file instead").click()
    page.get_by_label("Or paste the credentials file").fill(store.credentials_text("full"))
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".message.success")).to_contain_text("Cart 'Store BC' saved")
    expect(page.locator(".masked-key")).to_have_text(f"{client_id[:4]}…{client_id[-5:]}:••••")
    assert token not in page.content()
    screenshot("cart-saved")

    page.get_by_role("button", name="Test Connection").click()
    expect(page.locator(".message.success")).to_contain_text("TEST PASSED: SUCCESSFULLY CONNECTED TO CART")
    screenshot("test-passed", readme=True)

    # --- Items matching: search, 1 to 5 items first, then check them in Setup > Items ---------------
    open_cart_tab(page, live_server.url, "Items (Cart)")
    page.get_by_label("Search by name or SKU").fill("APRON-00002")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("#cart-items tbody tr.variant").first).to_contain_text("Premium Ceramic Apron #2 — Size: S, Colour: Red")
    for sku in ITEM_SKUS:
        page.get_by_label(f"Select {sku}").check()
    screenshot("cart-items-selected")
    page.get_by_role("button", name="Import Selected Items").click()
    expect(page.locator(".message.success")).to_have_text("Items import: 3 created, 0 updated, 0 unchanged, 0 skipped.")
    screenshot("three-items-imported", readme=True)

    menu(page, "Setup", "Items")
    page.get_by_label("Search by SKU or description").fill("APRON-00002")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#items tbody tr")).to_have_count(3)
    page.get_by_role("link", name=ITEM_SKUS[0]).click()
    expect(page.get_by_label("Unit of measure")).to_have_value("Each")
    defaults = user.company.accounting_defaults
    for label, account in (("Income account", defaults.income_account),
                           ("Cost of goods sold account", defaults.cost_of_goods_sold_account),
                           ("Stock asset account", defaults.stock_asset_account)):
        expect(page.get_by_label(label)).to_have_value(str(account.pk))
    assert (defaults.income_account.name, defaults.cost_of_goods_sold_account.name, defaults.stock_asset_account.name) == (
        "Sales", "Cost of Goods Sold", "Stock Asset")
    screenshot("item-in-setup-items")

    # --- Test Order: key settings, then an order in the store's checkout --------------------------
    open_cart_tab(page, live_server.url, "Settings")
    page.get_by_label("Import Cart Orders as").select_option(label="Pending Cash Sales")
    page.get_by_label("Awaiting Fulfillment").check()
    page.get_by_label("Import orders from").fill(str(Cart.objects.get(name="Store BC").created_at.date()))
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".message.success")).to_have_text("Cart settings saved.")
    screenshot("order-settings")

    first_order = storefront_order(page, store, ITEM_SKUS[0], quantity=2)
    screenshot("storefront-order-placed")

    open_cart_tab(page, live_server.url, "Orders (Cart)")
    page.get_by_role("button", name="List Orders").click()
    row = page.locator(f"#cart-orders tr[data-order-id='{first_order}']")
    expect(row).to_contain_text("Awaiting Fulfillment")
    screenshot("orders-listed")
    page.get_by_label(f"Select order {first_order}").check()
    page.get_by_role("button", name="Import Selected Orders").click()
    expect(page.locator("#import-result h2")).to_have_text("Orders: 1 imported.")
    screenshot("order-imported")

    menu(page, "Sales", "Sales Orders")
    page.locator(".actions-menu").hover()
    page.get_by_role("link", name="List Pending Orders").click()
    pending = page.locator("#pending-orders tbody tr", has_text=f"#{first_order}")
    expect(pending).to_contain_text("Pending Cash Sale")
    expect(pending).to_contain_text("CS-000001")
    screenshot("list-pending-orders", readme=True)
    page.get_by_role("link", name="CS-000001").click()
    expect_transaction_total(page, store.store.order(first_order).order)
    screenshot("pending-cash-sale", readme=True)

    # --- Auto-sync: Running, another test order arrives by itself ----------------------------------
    open_cart_tab(page, live_server.url, "Settings")
    page.get_by_label("Auto-sync", exact=True).select_option(label="Running")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".message.success")).to_have_text("Cart settings saved.")
    # The shortest interval a merchant can choose is 5 minutes; the test makes every beat tick (1 s) a pass
    # (and due now, in case a tick already scheduled the next pass 15 minutes ahead).
    Cart.objects.filter(name="Store BC").update(sync_interval_minutes=0)
    AutoSyncState.objects.filter(cart__name="Store BC").update(next_pass_at=None)
    second_order = storefront_order(page, store, ITEM_SKUS[1], quantity=1)

    page.goto(f"{live_server.url}/sales/orders/")
    arrived = page.locator("#pending-orders tbody tr", has_text=f"#{second_order}")
    # A wall-clock deadline, not a count of reloads: on a loaded machine each reload takes longer.
    deadline = time.monotonic() + AUTO_SYNC_TIMEOUT_MS / 1000
    while not arrived.count() and time.monotonic() < deadline:
        page.wait_for_timeout(1000)
        page.reload()
    assert arrived.count(), f"order #{second_order} did not arrive; the worker said:\n{celery_worker_with_beat.log_tail()}"
    expect(arrived).to_contain_text("CS-000002")
    screenshot("auto-sync-order-arrived")
    open_cart_tab(page, live_server.url, "Auto-sync")
    expect(page.locator("#sync-status")).to_contain_text("Last sync")
    screenshot("auto-sync-tab", readme=True)
    assert SalesTransaction.objects.filter(cart_order_id__in=[first_order, second_order]).count() == 2
