"""The merchant's guide, walked in a real browser against the product and the sandbox store."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def menu(page: Page, group: str, entry: str) -> None:
    page.locator(".menu-group", has_text=group).hover()
    page.locator(".menu-group", has_text=group).get_by_role("link", name=entry, exact=True).click()


def test_cart_configuration_section_of_the_guide(page: Page, live_server, sandbox_allowed, user, screenshot) -> None:
    sandbox = sandbox_allowed
    credentials = sandbox.credentials_text("full")
    client_id = sandbox.api_key("full").split(":")[0]
    token = sandbox.api_key("full").split(":")[1]

    page.goto(live_server.url)
    expect(page).to_have_url(f"{live_server.url}/login/?next=/")
    page.get_by_label("E-mail").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".account-number")).to_have_text(user.company.account_number)
    screenshot("logged-in")

    menu(page, "Setup", "Shopping Carts")
    page.locator(".actions-menu").hover()
    page.get_by_role("link", name="New BigCommerce Cart").click()
    expect(page.get_by_role("heading", name="New BigCommerce Cart")).to_be_visible()

    page.get_by_label("Cart Name").fill("Store BC")
    page.get_by_label("Cart Connect URL").fill(sandbox.api_path)
    page.get_by_label("API Key").fill(f"{client_id} {token}")  # the guide's classic mistake: no colon
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#field-api_key .error")).to_contain_text(
        "Remove the spaces: the API key is the Client ID, a colon and the Access Token"
    )
    screenshot("wrong-key-message")

    page.get_by_label("Cart Connect URL").fill("")
    page.get_by_text("Paste or upload BigCommerce's credentials file instead").click()
    page.get_by_label("Or paste the credentials file").fill(credentials)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".message.success")).to_contain_text("Cart 'Store BC' saved")
    expect(page.locator(".masked-key")).to_contain_text("••••")
    assert token not in page.content()
    screenshot("cart-saved")

    page.get_by_role("button", name="Test Connection").click()
    expect(page.locator(".message.success")).to_contain_text("TEST PASSED: SUCCESSFULLY CONNECTED TO CART")
    screenshot("test-passed")

    menu(page, "Setup", "Shopping Carts")
    expect(page.locator("table.list")).to_contain_text("Passed")
