"""On a phone (390×844, and from 360 px up) nothing scrolls sideways: the header folds into a Menu, the company
and e-mail stay inside the screen, wide tables scroll inside their cards."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.checks import DESKTOP, PHONE, SMALLEST_PHONE, assert_fits_viewport
from tests.browser.test_merchant_guide import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def inside_viewport(page: Page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]


def test_the_phone_header_folds_into_a_menu_a_keyboard_opens(page: Page, live_server, guide_screens, user) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/login/")
    log_in(page, user)
    page.goto(f"{live_server.url}/setup/carts/{guide_screens.cart.pk}/orders/?list=1")
    menu_button = page.get_by_role("button", name="Menu")
    expect(menu_button).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("navigation", name="Main menu")).to_be_hidden()
    assert_fits_viewport(page)

    menu_button.focus()
    page.keyboard.press("Enter")
    expect(menu_button).to_have_attribute("aria-expanded", "true")
    setup = page.locator("summary", has_text="Setup")
    setup.focus()
    page.keyboard.press("Enter")
    main_menu = page.get_by_role("navigation", name="Main menu")
    expect(main_menu.get_by_role("link", name="Shopping Carts", exact=True)).to_be_visible()
    for selector in (".company", ".user", ".account-number"):
        assert inside_viewport(page, selector), f"{selector} spills out of the 390 px screen"
    assert_fits_viewport(page)

    page.keyboard.press("Escape")
    expect(main_menu.get_by_role("link", name="Shopping Carts", exact=True)).to_be_hidden()
    menu_button.click()
    expect(page.get_by_role("navigation", name="Main menu")).to_be_hidden()


@pytest.mark.parametrize("viewport", [PHONE, SMALLEST_PHONE], ids=["390px", "360px"])
def test_wide_tables_scroll_inside_their_card_not_the_page(page: Page, live_server, guide_screens, user, viewport) -> None:
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/login/")
    log_in(page, user)
    for name, url in guide_screens.urls():
        page.goto(live_server.url + url)
        assert_fits_viewport(page)
    page.goto(f"{live_server.url}/setup/carts/{guide_screens.cart.pk}/orders/?list=1")
    region = page.get_by_role("region", name="The store's orders")
    expect(region).to_have_attribute("tabindex", "0")
    assert region.evaluate("element => element.scrollWidth > element.clientWidth"), "the orders table fits: test nothing"
    region.focus()
    page.keyboard.press("ArrowRight")
    # The arrow key scrolls the focused region (smoothly: wait for it to move).
    page.wait_for_function("element => element.scrollLeft > 0", arg=region.element_handle(), timeout=5000)


def test_desktop_keeps_the_menu_bar(page: Page, live_server, user) -> None:
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/login/")
    log_in(page, user)
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(page.locator("summary", has_text="Setup")).to_be_visible()
    expect(page.locator(".company")).to_be_visible()
