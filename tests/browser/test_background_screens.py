"""The screens of work that runs on the worker (an items CSV being checked, its preview, its import under way; a
reconciliation running, and done) pass axe at desktop and phone widths and never scroll sideways on the phone."""
from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from carts.models import CartLogKind, CartLogStatus
from carts.runs import cart_log_finish, cart_log_progress, cart_log_start
from items.csv_import import items_csv_upload
from items.models import CsvUploadState, ItemCsvUpload
from tests.browser.checks import DESKTOP, PHONE, assert_accessible, assert_fits_viewport
from tests.browser.conftest import browser_type_launch_args, screenshot  # noqa: F401 - fixtures for this module
from tests.browser.test_merchant_guide import log_in
from tests.carts.factories import make_cart

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def background_screens(company) -> list[tuple[str, str, str]]:
    """(name, URL, a text the screen shows) for each state of the work that runs on the worker."""
    cutoff = datetime.date(2000, 1, 1)
    running_cart = make_cart(company, name="Store BC", import_status_ids=(11,), import_orders_from=cutoff)
    cart_log_progress(log=cart_log_start(cart=running_cart, kind=CartLogKind.RECONCILIATION), done=250, total=1000)
    done_cart = make_cart(company, name="Second store", import_status_ids=(11,), import_orders_from=cutoff)
    cart_log_finish(log=cart_log_start(cart=done_cart, kind=CartLogKind.RECONCILIATION), status=CartLogStatus.PARTIAL,
                    summary="Reconciliation: 3 orders in the store with these statuses since the cut-off; 1 imported, "
                            "1 refused, 1 not imported yet.",
                    counts={"store_total": 3, "imported": 1, "refused": 1, "not_yet_imported": 1},
                    failures=[{"reference": "Order 103", "reason": "not imported yet", "order_id": 103}])
    checked = items_csv_upload(company=company, file_name="items.csv",
                               data=b"SKU,Description,Unit Price\r\nA-1,Apron,12.50\r\nB-2,Bag,twelve\r\n")
    checking = ItemCsvUpload.objects.create(company=company, file_name="large.csv", content="SKU\r\n", encoding="UTF-8",
                                            state=CsvUploadState.CHECKING, progress_done=20_000, progress_total=90_000,
                                            last_progress_at=timezone.now())
    importing = ItemCsvUpload.objects.create(
        company=company, file_name="larger.csv", content="SKU\r\n", encoding="UTF-8", state=CsvUploadState.COMMITTING,
        progress_done=900, progress_total=5_000, last_progress_at=timezone.now(), checked_at=timezone.now(),
        counts={"lines_read": 5_000, "valid_rows": 5_000, "invalid_lines": 0, "errors": 0, "create": 5_000,
                "update": 0, "unchanged": 0})
    return [
        ("reconciliation running", f"/setup/carts/{running_cart.pk}/sync/", "Reconciliation running since"),
        ("reconciliation done", f"/setup/carts/{done_cart.pk}/sync/", "Order 103"),
        ("items csv preview", f"/setup/import-data/items/{checked.pk}/", "'twelve' is not a number"),
        ("items csv being checked", f"/setup/import-data/items/{checking.pk}/", "Being checked"),
        ("items csv being imported", f"/setup/import-data/items/{importing.pk}/", "Being imported"),
    ]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280x800", "390x844"])
def test_the_screens_of_background_work_pass_axe(page: Page, live_server, user, viewport, screenshot) -> None:  # noqa: F811
    screens = background_screens(user.company)
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/login/")
    log_in(page, user)
    for name, url, shows in screens:
        page.goto(live_server.url + url)
        expect(page.locator("main")).to_contain_text(shows)
        assert_accessible(page, name)
        if viewport is PHONE:
            assert_fits_viewport(page)
        screenshot(f"{viewport['width']}-{name.replace(' ', '-')}")
