"""The guide's main path with the keyboard only (Tab, Enter, Space; typing in fields): open the cart, Test
Connection, List Orders, import one. Each control reached shows where the focus is."""
from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Page, expect

from carts.platforms.bigcommerce.constants import AWAITING_FULFILLMENT_STATUS_ID
from orders.models import SalesTransaction
from tests.browser.checks import DESKTOP, PHONE, tab_to
from tests.carts.factories import make_sandbox_cart
from tests.conftest import PASSWORD
from tests.orders.conftest import place

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280x800", "390x844"])
def test_the_guide_main_path_with_the_keyboard_only(page: Page, live_server, sandbox_allowed, user, viewport) -> None:
    make_sandbox_cart(user.company, sandbox_allowed, name="Store BC", import_status_ids=(AWAITING_FULFILLMENT_STATUS_ID,),
                      import_orders_from=datetime.date(2000, 1, 1), create_missing_items=True)
    order_id = place(sandbox_allowed)  # the newest order: first in the list
    page.set_viewport_size(viewport)
    keyboard = page.keyboard
    page.goto(f"{live_server.url}/login/")
    tab_to(page, page.get_by_label("E-mail"))
    keyboard.type(user.username)
    tab_to(page, page.get_by_label("Password"))
    keyboard.type(PASSWORD)
    keyboard.press("Enter")
    expect(page.locator(".account-number")).to_have_count(1)

    # The skip link is the first stop and takes the focus past the header.
    keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to the page's content")
    expect(skip).to_be_focused()
    keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    # Setup > Shopping Carts > Store BC (on a phone, through the Menu button first).
    page.goto(f"{live_server.url}/setup/items/")
    if viewport is PHONE:
        tab_to(page, page.get_by_role("button", name="Menu"))
        keyboard.press("Enter")
    tab_to(page, page.locator("summary", has_text="Setup"))
    keyboard.press("Enter")
    tab_to(page, page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Shopping Carts"))
    keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Shopping Carts")).to_be_visible()
    tab_to(page, page.get_by_role("link", name="Store BC"))
    keyboard.press("Enter")

    tab_to(page, page.get_by_role("button", name="Test Connection"))
    keyboard.press("Space")
    expect(page.locator(".message.success")).to_contain_text("TEST PASSED: SUCCESSFULLY CONNECTED TO CART")

    tab_to(page, page.get_by_role("link", name="Orders (Cart)"))
    keyboard.press("Enter")
    tab_to(page, page.get_by_role("button", name="List Orders"))
    keyboard.press("Enter")
    expect(page.locator("#cart-orders tbody tr").first).to_have_attribute("data-order-id", str(order_id))

    tab_to(page, page.get_by_label(f"Select order {order_id}"))
    keyboard.press("Space")
    expect(page.get_by_label(f"Select order {order_id}")).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Import Selected Orders"), most=120)
    keyboard.press("Enter")
    expect(page.locator("#import-result h2")).to_contain_text("Orders: 1 imported")
    assert SalesTransaction.objects.filter(company=user.company, cart_order_id=order_id).count() == 1
