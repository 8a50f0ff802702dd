"""Refused orders in Chromium: a deleted product is named as gone, and the item made from its order line fixes it."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from orders.models import SalesTransaction
from orders.store_imports import orders_import_selected
from tests.browser.checks import DESKTOP, PHONE, assert_accessible, assert_fits_viewport, tab_to
from tests.browser.conftest import browser_type_launch_args, screenshot  # noqa: F401 - fixtures for this module
from tests.browser.test_merchant_guide import log_in
from tests.orders.conftest import examples_as_sales, make_items, order_skus, sandbox_cart

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280x800", "390x844"])
def test_an_order_whose_product_was_deleted_is_fixed_by_an_item_made_from_its_line(
        page: Page, live_server, sandbox_allowed, user, viewport, screenshot) -> None:  # noqa: F811
    page.set_viewport_size(viewport)
    store = sandbox_allowed
    cart = sandbox_cart(user.company, store, name="Store BC")
    order_id = store.store.examples()["deleted_product_order"]
    line = store.store.order(order_id).lines[0]
    assert not store.store.catalog.exists(line["product_id"])
    make_items(user.company, [sku for sku in order_skus(store, order_id) if sku != line["sku"]])
    page.goto(f"{live_server.url}/login/")
    log_in(page, user)
    page.goto(f"{live_server.url}/setup/carts/{cart.pk}/orders/?list=1")
    page.get_by_label(f"Select order {order_id}").check()
    page.get_by_role("button", name="Import Selected Orders").click()

    # The real reason, and no offer to import from the cart what the cart no longer has.
    row = page.locator(f"#import-outcomes tr[data-order-id='{order_id}']")
    expect(row).to_contain_text(f"no item matches its SKU {line['sku']}, whose product is no longer in the store's catalog")
    expect(page.get_by_role("button", name="Import these items from the cart, then these orders again")).to_have_count(0)
    fix = page.locator("#create-items-from-lines")
    expect(fix).to_contain_text(line["sku"])
    assert_accessible(page, "import result with a deleted product")
    if viewport is PHONE:
        assert_fits_viewport(page)
    screenshot("deleted-product-refused")

    page.get_by_role("button", name="Create this item from the order lines, then import these orders again").click()
    expect(page.locator(".message.success")).to_contain_text(f"Items created from the order lines: {line['sku']}.")
    expect(page.locator("#import-result h2")).to_have_text("Orders: 1 imported.")
    number = SalesTransaction.objects.get(cart=cart, cart_order_id=order_id).number
    expect(page.locator(f"#import-outcomes tr[data-order-id='{order_id}']")).to_contain_text(number)
    assert_accessible(page, "import result after the item was made from the line")
    screenshot("deleted-product-fixed")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280x800", "390x844"])
def test_refusals_cannot_be_missed_and_lead_to_one_list_with_each_fix(
        page: Page, live_server, sandbox_allowed, user, viewport, screenshot) -> None:  # noqa: F811
    page.set_viewport_size(viewport)
    store = sandbox_allowed
    examples_as_sales(store)
    cart = sandbox_cart(user.company, store, name="Store BC")
    deleted_order = store.store.examples()["deleted_product_order"]
    line = store.store.order(deleted_order).lines[0]
    make_items(user.company, [sku for sku in order_skus(store, deleted_order) if sku != line["sku"]])
    missing_order = store.store.examples()["coupon_order"]
    make_items(user.company, order_skus(store, missing_order)[1:])
    orders_import_selected(cart=cart, order_ids=[deleted_order])
    orders_import_selected(cart=cart, order_ids=[missing_order])  # a later import: the first refusal stays listed
    page.goto(f"{live_server.url}/login/")
    log_in(page, user)

    for url, name in ((f"/setup/carts/{cart.pk}/", "cart header"), ("/sales/orders/", "sales orders"),
                      ("/setup/carts/", "shopping carts")):
        page.goto(live_server.url + url)
        expect(page.locator(".attention").first).to_contain_text("2 refused orders")
        assert_accessible(page, f"{name} needing attention")
        if viewport is PHONE:
            assert_fits_viewport(page)
        screenshot(f"attention-{name.replace(' ', '-')}")
    expect(page.locator(f"tr[data-cart-id='{cart.pk}']")).not_to_contain_text("Nothing")
    tab_to(page, page.get_by_role("link", name="See the refused orders and what fixes each"))
    page.keyboard.press("Enter")

    refusals = page.locator("#refusals")
    expect(refusals.locator(f"tr[data-order-id='{deleted_order}']")).to_contain_text("no longer in the store's catalog")
    expect(refusals.locator(f"tr[data-order-id='{missing_order}']")).to_contain_text("Import it from the cart's Items (Cart) tab")
    expect(refusals.locator("tr[data-order-id]").first).to_contain_text("ago")
    assert_accessible(page, "refused orders")
    if viewport is PHONE:
        assert_fits_viewport(page)
    screenshot("refused-orders")

    tab_to(page, refusals.locator(f"tr[data-order-id='{deleted_order}']").get_by_role(
        "button", name=f"Create {line['sku']} from the order line, then retry"))  # the keyboard alone
    page.keyboard.press("Enter")
    expect(page.locator("#import-result h2")).to_have_text("Orders: 1 imported.")
    page.goto(f"{live_server.url}/setup/carts/{cart.pk}/refused/")
    expect(page.locator("#refusals tr[data-order-id]")).to_have_count(1)
    expect(page.locator(".attention").first).to_contain_text("1 refused order.")

    # The last one will never be imported: dismissed with the keyboard, it needs no attention, and comes back.
    tab_to(page, page.get_by_role("button", name=f"Dismiss order #{missing_order}: it will not be imported"))
    page.keyboard.press("Enter")
    expect(page.locator("#no-refusals")).to_be_visible()
    expect(page.locator("#dismissed tr[data-order-id]")).to_have_count(1)
    expect(page.locator(".attention")).to_have_count(0)
    assert_accessible(page, "a dismissed refused order")
    if viewport is PHONE:
        assert_fits_viewport(page)
    tab_to(page, page.get_by_role("button", name=f"Restore order #{missing_order}"))
    page.keyboard.press("Enter")
    expect(page.locator("#refusals tr[data-order-id]")).to_have_count(1)
    expect(page.locator("#dismissed-refusals")).to_have_count(0)
