"""The guide's "Items matching" section, walked in Chromium against the product and the sandbox store."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from carts.platforms.bigcommerce.credentials import AllowedHosts
from tests.browser.conftest import browser_type_launch_args, screenshot  # noqa: F401 - fixtures for this module
from tests.browser.test_merchant_guide import log_in, menu
from tests.carts.factories import make_cart

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_items_matching_section_of_the_guide(page: Page, live_server, sandbox_allowed, user, screenshot,  # noqa: F811
                                            eager_celery) -> None:
    sandbox = sandbox_allowed
    make_cart(user.company, name="Store BC", api_path=sandbox.api_path, api_key=sandbox.api_key("full"),
              allowed_hosts=AllowedHosts.from_setting([sandbox.host_port]))
    page.goto(f"{live_server.url}/login/")
    log_in(page, user)

    # Setup > Shopping Carts > Your cart (name) > Items (Cart) tab; search for an item.
    menu(page, "Setup", "Shopping Carts")
    page.get_by_role("link", name="Store BC").click()
    page.get_by_role("link", name="Items (Cart)").click()
    page.get_by_label("Search by name or SKU").fill("APRON-00002")
    page.get_by_role("button", name="Search", exact=True).click()
    rows = page.locator("#cart-items tbody tr.variant")
    expect(rows).to_have_count(30)
    expect(rows.first).to_contain_text("Premium Ceramic Apron #2 — Size: S, Colour: Red")
    screenshot("cart-items-search")

    # Begin with 1 to 5 items: select three and import them.
    for sku in ("APRON-00002-S-RED", "APRON-00002-S-BLU", "APRON-00002-M-RED"):
        page.get_by_label(f"Select {sku}").check()
    page.get_by_role("button", name="Import Selected Items").click()
    expect(page.locator(".message.success")).to_have_text("Items import: 3 created, 0 updated, 0 unchanged, 0 skipped.")
    screenshot("three-imported")

    # Go to the Item list, search for the imported items and check their details.
    menu(page, "Setup", "Items")
    page.get_by_label("Search by SKU or description").fill("APRON-00002")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#items tbody tr")).to_have_count(3)
    page.get_by_role("link", name="APRON-00002-S-RED").click()
    expect(page.get_by_label("Description")).to_have_value("Premium Ceramic Apron #2 — Size: S, Colour: Red")
    expect(page.get_by_label("Unit price")).to_have_value("80.9500")
    expect(page.get_by_label("Unit of measure")).to_have_value("Each")
    expect(page.get_by_label("Income account")).to_have_value(str(user.company.accounting_defaults.income_account_id))
    expect(page.locator("#cart-links")).to_contain_text("Store BC")
    screenshot("item-details")

    # Then the rest of the catalog: List Items, all matching.
    page.goto(f"{live_server.url}/setup/carts/")
    page.get_by_role("link", name="Store BC").click()
    page.get_by_role("link", name="Items (Cart)").click()
    page.get_by_role("button", name="List Items").click()
    page.locator("#cart-items thead [data-select-all]").check()
    expect(page.get_by_label("Select TOTEB-00001")).to_be_checked()
    import_all = page.get_by_role("button", name="Import all 20 products matching (the whole catalog)")
    # It asks first: Cancel sends nothing, OK imports.
    questions: list[str] = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    import_all.click()
    expect(page.get_by_label("Select TOTEB-00001")).to_be_checked()  # still the same page, nothing sent
    assert questions == ["Import all 20 products of the store's catalog as items? It runs in the background; items "
                         "already imported are updated."]
    page.once("dialog", lambda dialog: dialog.accept())
    import_all.click()
    # Every product matching runs on the worker (here in-process): the page says so and shows its outcome.
    expect(page.locator(".message.info")).to_have_text("The import is running in the background; its progress shows below.")
    expect(page.locator("#last-import")).to_contain_text("Items import: 80 created, 0 updated, 3 unchanged, 2 skipped.")
    expect(page.locator("#last-import .failures")).to_contain_text("has no SKU in BigCommerce")
    expect(page.locator("#last-import .failures")).to_contain_text("DUP-1001")
    screenshot("whole-catalog-imported")
