"""Chromium loads every screen under the Content-Security-Policy and reports no violation on its console.

The screens are every HTML page of the URL conf (a running import's progress bar, lists read from the
sandbox store and the admin included); a control at the end proves a violation would be seen.
"""
from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import ConsoleMessage, Page, expect

from carts.models import CartLog
from companies.models import User
from tests.browser.test_merchant_guide import log_in
from tests.conftest import PASSWORD
from tests.orders.conftest import sandbox_cart
from tests.security.conftest import admin_urls, owned_objects, product_routes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Chromium reports a blocked script, style, image, request or form on the console; the listener reports the
# securitypolicyviolation event there too, in case a message's wording changes.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (event) {
  console.error("securitypolicyviolation: " + event.violatedDirective + " blocked " + event.blockedURI);
});
"""


class ConsoleWatch:
    """The CSP violations a page reports on the console, by the URL it was on."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.violations: list[str] = []
        page.add_init_script(REPORT_VIOLATIONS)
        page.on("console", self._seen)

    def _seen(self, message: ConsoleMessage) -> None:
        text = message.text
        if "Content Security Policy" in text or "securitypolicyviolation" in text:
            self.violations.append(f"{self.page.url}: {text}")

    def visit(self, url: str) -> None:
        response = self.page.goto(url)
        assert response is not None and response.status == 200, f"{url} answered {response and response.status}"
        self.page.wait_for_load_state("load")


def html_pages(client: Client, urls: list[str]) -> list[str]:
    """The URLs that answer a signed-in GET with an HTML page (not forms' POST targets or downloads)."""
    pages = []
    for url in urls:
        response = client.get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            pages.append(url)
    return pages


def test_every_screen_satisfies_the_policy(page: Page, live_server, sandbox_allowed, company, user) -> None:
    owned = owned_objects(company)
    store_cart = sandbox_cart(company, sandbox_allowed, import_orders_from=datetime.date(2000, 1, 1))
    CartLog.objects.create(company=company, cart=store_cart, kind="items_import", progress_done=3, progress_total=10)
    merchant = Client()
    merchant.force_login(user)
    urls = [route.url(owned) for route in product_routes() if route.name not in ("logout", "login")]
    urls += [reverse(name, args=[store_cart.pk]) + query for name in ("carts:detail", "items:cart_items",
             "orders:cart_orders", "sync:cart_sync", "carts:log") for query in ("", "?list=1")]
    screens = html_pages(merchant, urls)
    assert len(screens) > 25

    watch = ConsoleWatch(page)
    page.goto(f"{live_server.url}/login/")
    log_in(page, user)
    expect(page.locator(".account-number")).to_have_text(company.account_number)
    for url in screens:
        watch.visit(live_server.url + url)
    page.goto(live_server.url + reverse("items:cart_items", args=[store_cart.pk]))
    expect(page.locator(".progress-label")).to_have_text("3 of 10")  # progress.js fetched the progress and ran
    page.wait_for_timeout(1500)  # a second poll, so a request the policy blocked would have been reported
    assert watch.violations == []


def test_the_admin_satisfies_the_policy(page: Page, live_server, company, other_company) -> None:
    operator = User.objects.create_superuser("operator", "operator@salesorder.example", PASSWORD)
    owned, rival = owned_objects(company), owned_objects(other_company)
    operator_client = Client()
    operator_client.force_login(operator)
    screens = html_pages(operator_client, [url for url in admin_urls(owned, rival) if not url.endswith("/delete/")])
    assert len(screens) > 30

    watch = ConsoleWatch(page)
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("operator")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Log out").or_(page.get_by_role("button", name="Log out"))).to_be_visible()
    for url in screens:
        watch.visit(live_server.url + url)
    assert watch.violations == []


def test_a_violation_would_be_seen(page: Page, live_server, user) -> None:
    watch = ConsoleWatch(page)
    watch.visit(f"{live_server.url}/login/")
    assert watch.violations == []
    page.evaluate("document.body.setAttribute('style', 'color: red')")  # an inline style, as a template might write
    page.wait_for_timeout(500)
    assert watch.violations and all("style-src" in violation for violation in watch.violations)
