"""Finding one record at scale, in Chromium: a transaction by its cart order number, a customer in the picker,
a product's variants opened and closed from the keyboard, pages and sorting; axe at desktop and phone widths."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from orders.models import Customer, SalesTransaction
from tests.browser.checks import DESKTOP, PHONE, assert_accessible, assert_fits_viewport, tab_to
from tests.browser.test_merchant_guide import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280x800", "390x844"])
def test_a_merchant_finds_one_order_one_customer_and_one_product(page: Page, live_server, guide_screens, user,
                                                                 viewport, screenshot) -> None:
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/login/")
    log_in(page, user)
    sale = guide_screens.transaction

    # List Pending Orders: "#<order>" is that order only.
    page.goto(f"{live_server.url}/sales/orders/")
    page.get_by_label("Number or cart order id").fill(f"#{sale.cart_order_id}")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#pending-orders tbody tr")).to_have_count(
        SalesTransaction.objects.filter(company=user.company, status="pending", cart_order_id=sale.cart_order_id).count())
    expect(page.locator("#pending-orders tbody tr").first).to_contain_text(f"#{sale.cart_order_id}")
    # Sorting by a column, from the keyboard.
    tab_to(page, page.get_by_role("link", name="Number"))
    page.keyboard.press("Enter")
    expect(page.locator("th[aria-sort=ascending]")).to_have_text("Number ▲")
    assert_accessible(page, "pending orders searched and sorted")

    # Orders (Cart): one order by its number, asked of the store.
    page.goto(f"{live_server.url}/setup/carts/{guide_screens.cart.pk}/orders/")
    page.get_by_label("Order number").fill(f"#{sale.cart_order_id}")
    page.get_by_role("button", name="List Orders").click()
    expect(page.locator("#cart-orders tbody tr")).to_have_count(1)
    expect(page.locator("#cart-orders tbody tr")).to_contain_text(sale.number)
    assert_accessible(page, "orders (cart) searched")
    screenshot(f"{viewport['width']}-orders-cart-found")

    # Items (Cart): a product's variants open and close from the keyboard, without a reload.
    page.goto(f"{live_server.url}/setup/carts/{guide_screens.cart.pk}/items/?list=1")
    product = page.locator("#cart-items tbody.with-variants").first
    variants = product.locator("tr.variant")
    expect(variants.first).to_be_hidden()
    tab_to(page, product.locator("summary"))
    page.keyboard.press("Enter")
    expect(variants.first).to_be_visible()
    product.get_by_role("checkbox", name="Select every variant of").check()
    for index in range(variants.count()):
        expect(variants.nth(index).get_by_role("checkbox")).to_be_checked()
    assert_accessible(page, "items (cart) with a product open")
    if viewport is PHONE:
        assert_fits_viewport(page)
    screenshot(f"{viewport['width']}-items-cart-grouped")
    page.keyboard.press("Enter")
    expect(variants.first).to_be_hidden()

    # The transaction's customer: typed, offered by the picker, saved.
    other = Customer.objects.exclude(pk=sale.customer_id).filter(company=user.company).exclude(email="").first()
    page.goto(f"{live_server.url}{sale.get_absolute_url()}edit/")
    customer = page.get_by_label("Customer")
    customer.fill(other.email[:6])
    expect(page.locator("#customer-choices option").first).to_be_attached()
    offered = page.locator("#customer-choices option").evaluate_all("options => options.map(option => option.value)")
    assert str(other) in offered
    customer.fill(str(other))
    assert_accessible(page, "transaction edit with the picker")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#transaction-facts")).to_contain_text(other.name)

    # Customers: search, then their page lists the transaction.
    page.goto(f"{live_server.url}/sales/customers/")
    page.get_by_label("Search by name or e-mail address").fill(other.email)
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=other.name).click()
    expect(page.locator("#customer-transactions")).to_contain_text(sale.number)
    assert_accessible(page, "customer page")
    if viewport is PHONE:
        assert_fits_viewport(page)
