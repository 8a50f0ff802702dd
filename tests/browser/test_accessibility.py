"""Every screen of the merchant's guide, at desktop and phone widths: axe-core finds no serious or critical
violation, every id an attribute names exists, nothing scrolls sideways on the phone, no request 404s."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.checks import DESKTOP, PHONE, assert_accessible, assert_fits_viewport
from tests.browser.test_merchant_guide import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280x800", "390x844"])
def test_every_screen_of_the_guide_passes_axe(page: Page, live_server, guide_screens, user, viewport, screenshot) -> None:
    page.set_viewport_size(viewport)
    not_found = []
    page.on("response", lambda response: not_found.append(response.url) if response.status == 404 else None)
    page.goto(f"{live_server.url}/login/")
    assert_accessible(page, "login")
    log_in(page, user)
    for name, url in guide_screens.urls():
        page.goto(live_server.url + url)
        expect(page.locator("main")).to_be_visible()
        assert_accessible(page, name)
        if viewport is PHONE:
            assert_fits_viewport(page)
        screenshot(f"{viewport['width']}-{name.replace(' ', '-')}")
    assert not not_found, f"requests answered 404 (a favicon?): {not_found}"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280x800", "390x844"])
def test_forms_with_errors_point_at_their_messages(page: Page, live_server, guide_screens, user, viewport) -> None:
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/login/")
    log_in(page, user)
    page.goto(f"{live_server.url}/setup/carts/new/bigcommerce/")
    page.get_by_label("Cart Name").fill("Store BC")  # taken: the cart of the fixture
    page.get_by_label("API Key").fill("no-colon-here")
    page.get_by_role("button", name="Save").click()
    api_key = page.get_by_label("API Key")
    expect(api_key).to_have_attribute("aria-invalid", "true")
    described_by = api_key.get_attribute("aria-describedby").split()
    assert described_by == ["id_api_key_helptext", "id_api_key_error"]
    expect(page.locator("#id_api_key_error")).to_contain_text("colon")
    expect(page.locator("#id_name_error")).to_contain_text("You already have a cart named 'Store BC'")
    assert_accessible(page, "new cart form with errors")

    page.goto(f"{live_server.url}/sales/orders/?date_from=2026-02-01&date_to=2026-01-01")
    expect(page.get_by_label("To", exact=True)).to_have_attribute("aria-describedby", "id_date_to_error")
    expect(page.locator("#id_date_to_error")).to_contain_text("'To' is before 'From'")
    assert_accessible(page, "pending orders filtered with an error")
