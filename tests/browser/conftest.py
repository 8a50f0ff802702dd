"""Browser tests: Playwright driving Debian's Chromium against a live server of the product."""
from __future__ import annotations

import datetime
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from carts.platforms.bigcommerce.constants import STANDARD_ORDER_STATUSES
from carts.models import Cart
from carts.connection_test import cart_test_connection
from items.models import Item
from orders.models import SalesTransaction
from orders.store_imports import orders_import_listed
from tests.carts.factories import make_sandbox_cart

# pytest-django's live_server runs in threads of this process; Playwright's sync API runs an event
# loop here too, so Django's async-safety guard must be relaxed for the test process only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium tries to reach the internet, which is refused here.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parent.parent.parent
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
# README.md shows screenshots the browser tests take; UPDATE_README_SCREENSHOTS=1 copies them into the repository.
README_SCREENSHOTS = ROOT / "docs" / "screenshots"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def screenshot(page, request):
    """Save a numbered screenshot of the current step, in a folder named after the test.

    take(name) saves the full page; full_page=False the window only. readme=True marks a screenshot
    README.md shows: with UPDATE_README_SCREENSHOTS=1 it is also copied to docs/screenshots/.
    """
    folder = SCREENSHOTS / request.node.name.replace("[", "-").rstrip("]")
    folder.mkdir(parents=True, exist_ok=True)
    counter = {"step": 0}

    def take(name: str, *, full_page: bool = True, readme: bool = False) -> Path:
        counter["step"] += 1
        path = folder / f"{counter['step']:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        if readme and os.environ.get("UPDATE_README_SCREENSHOTS") == "1":
            shutil.copyfile(path, README_SCREENSHOTS / path.name)
        return path

    return take


@dataclass(frozen=True)
class GuideScreens:
    """A company whose cart passed Test Connection and imported the store's orders (creating their items)."""

    cart: Cart
    item: Item
    transaction: SalesTransaction
    credit_note: SalesTransaction

    def urls(self) -> list[tuple[str, str]]:
        """Every screen the merchant's guide visits, by name, with the state that fills it."""
        cart = f"/setup/carts/{self.cart.pk}"
        return [
            ("cart list", "/setup/carts/"),
            ("new cart form", "/setup/carts/new/bigcommerce/"),
            ("cart settings", f"{cart}/"),
            ("items (cart)", f"{cart}/items/?list=1"),
            ("orders (cart)", f"{cart}/orders/?list=1"),
            ("auto-sync", f"{cart}/sync/"),
            ("log", f"{cart}/log/"),
            ("items list", "/setup/items/"),
            ("item page", f"/setup/items/{self.item.pk}/"),
            ("accounting defaults", "/setup/accounting-defaults/"),
            ("import data", "/setup/import-data/items/"),
            ("import stock levels", "/setup/import-data/stock-levels/"),
            ("list pending orders", "/sales/orders/"),
            ("transaction", self.transaction.get_absolute_url()),
            ("order preview", f"{cart}/orders/{self.credit_note.cart_order_id}/preview/"),
            ("credit note", self.credit_note.get_absolute_url()),
            ("transaction edit", f"{self.transaction.get_absolute_url()}edit/"),
            ("customers", "/sales/customers/"),
            ("customer page", f"/sales/customers/{self.transaction.customer_id}/"),
        ]


@pytest.fixture
def guide_screens(sandbox_allowed, user) -> GuideScreens:
    """The guide's screens with content: a tested cart, its orders imported in every status, their items created."""
    cart = make_sandbox_cart(user.company, sandbox_allowed, name="Store BC",
                             import_status_ids=tuple(sorted(STANDARD_ORDER_STATUSES)),
                             import_orders_from=datetime.date(2000, 1, 1), create_missing_items=True)
    assert cart_test_connection(cart=cart).passed
    assert orders_import_listed(cart=cart).imported
    cart.refresh_from_db()
    transactions = SalesTransaction.objects.filter(company=user.company).order_by("number")
    return GuideScreens(cart=cart, item=Item.objects.filter(company=user.company).order_by("sku").first(),
                        transaction=transactions.sales().first(), credit_note=transactions.credit_notes().first())
