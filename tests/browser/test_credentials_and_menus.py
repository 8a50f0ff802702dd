"""New BigCommerce Cart's key field, the menu without dead ends, the admin for a merchant, and Import all's question."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from carts.models import Cart
from tests.browser.checks import DESKTOP, PHONE, assert_accessible, assert_fits_viewport, tab_to
from tests.browser.conftest import browser_type_launch_args, screenshot  # noqa: F401 - fixtures for this module
from tests.browser.test_merchant_guide import log_in
from tests.carts.factories import make_cart
from tests.orders.conftest import sandbox_cart

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280x800", "390x844"])


def signed_in(page: Page, live_server, user, viewport) -> None:
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/login/")
    log_in(page, user)


@VIEWPORTS
def test_a_pasted_credentials_file_is_read_the_key_shows_on_request_and_is_kept_after_an_error(
        page: Page, live_server, sandbox_allowed, user, viewport, screenshot) -> None:  # noqa: F811
    make_cart(user.company, name="Store BC")  # so the first save fails on the name
    signed_in(page, live_server, user, viewport)
    page.goto(f"{live_server.url}/setup/carts/new/bigcommerce/")
    expect(page.get_by_label("Awaiting Fulfillment")).to_be_checked()  # the guide's first status, ticked already
    page.get_by_label("Cart Name").fill("Store BC")
    key = page.get_by_label("API Key")
    key.fill(sandbox_allowed.credentials_text())  # the whole file into the key field
    expect(key).to_have_attribute("type", "password")
    tab_to(page, page.get_by_role("button", name="Show key"))
    show = page.locator("button.secret-toggle[aria-controls='id_api_key']")
    page.keyboard.press("Enter")
    expect(key).to_have_attribute("type", "text")
    expect(show).to_have_attribute("aria-pressed", "true")
    expect(show).to_have_text("Hide key")
    assert_accessible(page, "new cart with the key shown")
    if viewport is PHONE:
        assert_fits_viewport(page)
    page.get_by_role("button", name="Save").click()

    expect(page.locator("#id_name_error")).to_contain_text("You already have a cart named")
    token = sandbox_allowed.credentials_text().split("ACCESS TOKEN: ")[1].split()[0]
    expect(page.locator("#api-key-kept")).to_have_text(
        f"Key kept, ends …{token[-3:]}: leave API Key empty to save it, or paste another.")
    expect(page.get_by_label("API Key")).to_have_value("")
    assert token not in page.content()
    expect(page.get_by_label("Cart Connect URL")).to_have_value(sandbox_allowed.api_path)
    assert_accessible(page, "new cart with an error and the key kept")
    screenshot("key-kept-after-an-error")
    page.get_by_label("Cart Name").fill("Store BC 2")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".message.success")).to_have_text("Cart 'Store BC 2' saved. Now click Test Connection.")
    assert Cart.objects.get(name="Store BC 2").store_hash == sandbox_allowed.store.store_hash


@VIEWPORTS
def test_a_stray_space_in_the_key_is_said_where_it_is(page: Page, live_server, user, viewport) -> None:
    signed_in(page, live_server, user, viewport)
    page.goto(f"{live_server.url}/setup/carts/new/bigcommerce/")
    page.get_by_label("Cart Name").fill("Store BC")
    page.get_by_label("API Key").fill("63a9wg0iclgt0tm82bofravzgvkt13f: cc4corno7j5xoisu07d1ixn4q28gp07")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#id_api_key_error")).to_contain_text("Remove the space right after the colon")
    assert_accessible(page, "new cart with a stray space in the key")


@VIEWPORTS
def test_every_menu_entry_leads_somewhere_and_the_admin_says_where_to_go(
        page: Page, live_server, user, viewport, screenshot) -> None:  # noqa: F811
    signed_in(page, live_server, user, viewport)
    hrefs = page.locator("#site-menu nav a").evaluate_all("links => links.map(link => link.getAttribute('href'))")
    assert hrefs and not [href for href in hrefs if href.startswith("/unavailable/")], "entries saying 'not available yet'"
    page.goto(f"{live_server.url}/setup/users/")
    expect(page.locator("#company-users")).to_contain_text(user.username)
    assert_accessible(page, "users")
    if viewport is PHONE:
        assert_fits_viewport(page)

    page.goto(f"{live_server.url}/admin/")
    expect(page.get_by_role("heading", name="The admin is for Salesorder's operators")).to_be_visible()
    assert_accessible(page, "admin for a merchant")
    if viewport is PHONE:
        assert_fits_viewport(page)
    screenshot("admin-for-a-merchant")
    page.locator("#admin-for-operators").get_by_role("link", name="Setup > Shopping Carts").click()
    expect(page.get_by_role("heading", name="Shopping Carts")).to_be_visible()


def test_import_all_listed_orders_asks_first(page: Page, live_server, sandbox_allowed, user) -> None:
    cart = sandbox_cart(user.company, sandbox_allowed, name="Store BC")
    signed_in(page, live_server, user, DESKTOP)
    page.goto(f"{live_server.url}/setup/carts/{cart.pk}/orders/?list=1")
    listed = page.locator("#cart-orders tbody tr").count()  # one page: the store has fewer orders than a page holds
    questions: list[str] = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.locator("#import-all").click()
    expect(page.locator("#cart-orders")).to_be_visible()  # Cancel: the same list, nothing imported
    assert questions == [f"Import all {listed} listed orders as pending cash sales? It runs in the background; orders "
                         "already imported are not imported again."]
    assert not cart.logs.exists()
