"""The Auto-sync tab updates in place, in Chromium: the Running/Stopped switch, Sync now's pass and a run's end show
without a reload (static scripts only, under the Content-Security-Policy); axe at desktop and phone widths."""
from __future__ import annotations

import datetime
import zoneinfo

import pytest
from playwright.sync_api import Page, expect

from carts.connection_test import cart_test_connection
from carts.models import CartLogKind, CartLogStatus
from carts.runs import cart_log_finish, cart_log_progress, cart_log_start
from tests.browser.checks import DESKTOP, PHONE, assert_accessible, assert_fits_viewport
from tests.browser.test_merchant_guide import log_in
from tests.carts.factories import make_sandbox_cart
from tests.items.conftest import eager_celery  # noqa: F401 - Sync now's pass runs in the server's process

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def still_the_same_page(page: Page) -> bool:
    """A reload or a navigation would have dropped the marker the test put on the window."""
    return page.evaluate("window.__sameDocument === true")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280x800", "390x844"])
def test_sync_now_the_switch_and_a_finished_run_show_without_a_reload(page: Page, live_server, sandbox_allowed, user,
                                                                     viewport, eager_celery, screenshot) -> None:  # noqa: F811
    cart = make_sandbox_cart(user.company, sandbox_allowed, name="Store BC", import_status_ids=(11,),
                             import_orders_from=datetime.date(2000, 1, 1), create_missing_items=True)
    assert cart_test_connection(cart=cart).passed
    policy_violations: list[str] = []
    page.on("console", lambda message: policy_violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/login/")
    log_in(page, user)
    page.goto(f"{live_server.url}/setup/carts/{cart.pk}/sync/")
    expect(page.locator("#time-zone")).to_have_text("Times are in the store's time zone, America/Chicago.")
    page.evaluate("window.__sameDocument = true")

    page.get_by_role("button", name="Start Auto-sync (Running)").click()
    expect(page.locator("#sync-state h2")).to_have_text("Auto-sync: Running")
    expect(page.locator("#messages")).to_contain_text("Auto-sync is running")
    expect(page.locator("#sync-status")).to_contain_text("Running")
    assert still_the_same_page(page)

    page.get_by_role("button", name="Sync now").click()
    first_pass = page.locator("#sync-passes tbody tr").first
    expect(first_pass).to_contain_text("Sync", timeout=30_000)
    expect(first_pass).to_contain_text(datetime.datetime.now(zoneinfo.ZoneInfo("America/Chicago")).tzname())
    expect(page.locator("#messages")).to_contain_text("Sync started: the pass shows below when it finishes.")
    assert still_the_same_page(page)
    assert_accessible(page, "auto-sync tab after Sync now")
    if viewport is PHONE:
        assert_fits_viewport(page)
    screenshot(f"{viewport['width']}-auto-sync-live")

    # A run on the worker: its progress bar, then its figures when it ends, in place.
    log = cart_log_start(cart=cart, kind=CartLogKind.RECONCILIATION)
    cart_log_progress(log=log, done=1, total=4)
    page.reload()
    page.evaluate("window.__sameDocument = true")
    expect(page.locator("#reconciliation progress")).to_be_visible()
    cart_log_finish(log=log, status=CartLogStatus.SUCCEEDED, summary="Reconciliation: 4 orders.",
                    counts={"store_total": 4, "imported": 4, "refused": 0, "not_yet_imported": 0})
    expect(page.locator("#store-total")).to_have_text("4", timeout=15_000)
    expect(page.locator("#reconciliation progress")).to_have_count(0)
    assert still_the_same_page(page)
    page.get_by_role("button", name="Stop Auto-sync").click()
    expect(page.locator("#sync-state h2")).to_have_text("Auto-sync: Stopped")
    assert still_the_same_page(page)
    assert not policy_violations, policy_violations
