"""CSRF on every state-changing request, login required everywhere, secure cookies under production settings.

Every route comes from the URL conf; the state-changing ones are found by POSTing to each route with
a valid token and watching the company's rows, so a new form is checked without being listed here —
its data and expected effect must be added to STATE_CHANGING below, or the test fails naming it.
`check --deploy` and the production settings themselves are tests/test_production_settings.py.
"""
from __future__ import annotations

import datetime

import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from carts.models import Cart, CartLog
from companies.models import User
from items.models import Item, ItemCsvUpload, LedgerAccount
from orders.models import OrderRefusal, SalesTransaction
from tests.conftest import PASSWORD
from tests.orders.conftest import ALL_STATUSES, examples_as_sales, sandbox_cart
from tests.security.conftest import (
    admin_urls,
    company_rows,
    product_routes,
    response_text,
)
from tests.test_production_settings import PRODUCTION

pytestmark = pytest.mark.django_db

FORM_PATTERN = re.compile(r"<form\b[^>]*>.*?</form>", re.DOTALL | re.IGNORECASE)


@dataclass(frozen=True)
class StateChange:
    """A form's valid POST data and the check that it did what the screen promises."""

    data: Callable[[dict], dict]
    took_effect: Callable[[dict], bool]


def _item_data(context: dict, **overrides: str) -> dict:
    defaults = context["defaults"]
    return {"sku": "CSRF-NEW", "description": "made with the token", "unit_price": "2.5000", "unit_of_measure": "Each",
            "item_type": "stock", "income_account": defaults.income_account_id,
            "cost_of_goods_sold_account": defaults.cost_of_goods_sold_account_id,
            "stock_asset_account": defaults.stock_asset_account_id, "active": "on", **overrides}


def _cart_data(context: dict, **overrides: str) -> dict:
    store = context["store"]
    return {"name": "Token Cart", "api_path": store.api_path, "api_version": "3", "api_key": store.api_key("full"),
            "import_as": "cash_sale", "import_status_ids": [str(status) for status in ALL_STATUSES], "auto_sync": "stopped",
            "sync_interval_minutes": "15", "web_customer_name": "Web customer", "create_missing_items": "on",
            "import_orders_from": "2000-01-01", **overrides}


REFUSED_ORDER = 990001


def _refusal(context: dict) -> OrderRefusal:
    """A refused order of the cart, as an import records one."""
    return OrderRefusal.objects.create(company=context["company"], cart=context["cart"], cart_order_id=REFUSED_ORDER,
                                       reason="No item has SKU GONE-1.")


# In the order they run: the deletes and the logout come last.
STATE_CHANGING: dict[str, StateChange] = {
    "carts:new": StateChange(lambda c: _cart_data(c),
                             lambda c: Cart.objects.filter(company=c["company"], name="Token Cart").exists()),
    "carts:detail": StateChange(lambda c: _cart_data(c, name="Sandbox Renamed", api_key=""),
                                lambda c: Cart.objects.filter(pk=c["cart"].pk, name="Sandbox Renamed").exists()),
    "carts:test": StateChange(lambda c: {}, lambda c: Cart.objects.get(pk=c["cart"].pk).last_test_passed is True),
    "items:new": StateChange(lambda c: _item_data(c), lambda c: Item.objects.filter(sku="CSRF-NEW").exists()),
    "items:detail": StateChange(lambda c: _item_data(c, sku=c["item"].sku, description="edited with the token"),
                                lambda c: Item.objects.get(pk=c["item"].pk).description == "edited with the token"),
    "items:accounting_defaults": StateChange(
        lambda c: {"income_account": c["defaults"].income_account_id, "unit_of_measure": "Box",
                   "cost_of_goods_sold_account": c["defaults"].cost_of_goods_sold_account_id,
                   "stock_asset_account": c["defaults"].stock_asset_account_id,
                   "non_stock_income_account": c["defaults"].non_stock_income_account_id,
                   "non_stock_expense_account": c["defaults"].non_stock_expense_account_id},
        lambda c: c["company"].accounting_defaults.__class__.objects.get(company=c["company"]).unit_of_measure == "Box"),
    "items:ledger_account_new": StateChange(lambda c: {"name": "Token Account", "account_type": "expense"},
                                            lambda c: LedgerAccount.objects.filter(name="Token Account").exists()),
    "items:import": StateChange(lambda c: {"file": SimpleUploadedFile("token.csv", b"SKU,Description\r\nCSV-TOKEN,x\r\n")},
                                lambda c: ItemCsvUpload.objects.filter(file_name="token.csv").exists()),
    "items:import_commit": StateChange(lambda c: {"mode": "all_or_nothing"},
                                       lambda c: ItemCsvUpload.objects.get(pk=c["upload"].pk).committed_at is not None),
    "items:cart_items_import": StateChange(
        lambda c: {"scope": "selected", "selected": [c["variant"]], "q": "", "page": "1"},
        lambda c: Item.objects.filter(cart_links__cart=c["cart"]).exists()),
    "orders:cart_orders_import": StateChange(
        lambda c: {"scope": "selected", "selected": [c["order_id"]]},
        lambda c: SalesTransaction.objects.filter(cart=c["cart"], cart_order_id=c["order_id"]).exists()),
    "orders:cart_orders_import_items": StateChange(
        lambda c: {"variant": [c["variant"]], "order": [c["second_order_id"]]},
        lambda c: SalesTransaction.objects.filter(cart=c["cart"], cart_order_id=c["second_order_id"]).exists()),
    "orders:cart_refused_retry": StateChange(
        lambda c: {"order": [c["third_order_id"]]},
        lambda c: SalesTransaction.objects.filter(cart=c["cart"], cart_order_id=c["third_order_id"]).exists()),
    "orders:cart_refused_dismiss": StateChange(
        lambda c: {"order": [_refusal(c).cart_order_id]},
        lambda c: OrderRefusal.objects.get(cart=c["cart"], cart_order_id=REFUSED_ORDER).dismissed_at is not None),
    "orders:cart_refused_restore": StateChange(
        lambda c: {"order": [REFUSED_ORDER]},
        lambda c: OrderRefusal.objects.get(cart=c["cart"], cart_order_id=REFUSED_ORDER).dismissed_at is None),
    "orders:cart_orders_create_items": StateChange(
        lambda c: {"order": [c["fourth_order_id"]]},
        lambda c: SalesTransaction.objects.filter(cart=c["cart"], cart_order_id=c["fourth_order_id"]).exists()),
    "sync:cart_stock_push": StateChange(lambda c: {},
                                        lambda c: CartLog.objects.filter(cart=c["cart"], kind="stock_push").exists()),
    "sync:cart_sync_now": StateChange(lambda c: {},
                                        lambda c: CartLog.objects.filter(cart=c["cart"], kind="sync").exists()),
    "sync:cart_stock_push": StateChange(
        lambda c: {}, lambda c: CartLog.objects.filter(cart=c["cart"], kind="stock_push").exists()),
    "sync:cart_sync_switch": StateChange(lambda c: {"auto_sync": "stopped"},
                                         lambda c: Cart.objects.get(pk=c["cart"].pk).auto_sync == "stopped"),
    "sync:cart_sync_reconcile": StateChange(
        lambda c: {}, lambda c: CartLog.objects.filter(cart=c["cart"], kind="reconciliation").exists()),
    "orders:edit": StateChange(
        lambda c: {"customer": str(c["transaction"].customer), "transaction_date": "2026-03-01T12:00", "memo": "token memo"},
        lambda c: SalesTransaction.objects.get(pk=c["transaction"].pk).memo == "token memo"),
    "orders:delete": StateChange(lambda c: {}, lambda c: not SalesTransaction.objects.filter(pk=c["transaction"].pk).exists()),
    "carts:delete": StateChange(lambda c: {}, lambda c: not Cart.objects.filter(pk=c["cart"].pk).exists()),
    "logout": StateChange(lambda c: {}, lambda c: "_auth_user_id" not in c["client"].session),
}


def token_of(client: Client) -> str:
    """The CSRF token a page's forms carry (the cookie's value is accepted as the form field)."""
    client.get(reverse("carts:list"))
    return client.cookies["csrftoken"].value


@pytest.fixture
def objects(company, user, owned, sandbox_allowed, csrf_client) -> dict:
    """The signed-in merchant's objects, including a cart connected to the sandbox store over real HTTP."""
    store = sandbox_allowed
    examples_as_sales(store)  # the orders below are imported: none may be one that was never a sale
    cart = sandbox_cart(company, store, create_missing_items=True, import_orders_from=datetime.date(2000, 1, 1))
    examples = store.store.examples()
    product = store.store.catalog.product(examples["simple_product"])
    orders = [examples["guest_order"], examples["registered_customer_order"], examples["coupon_order"],
              examples["wrapping_order"]]
    return {"company": company, "user": user, "client": csrf_client, "store": store, "cart": cart,
            "item": owned["item"], "upload": owned["upload"], "transaction": owned["transaction"],
            "defaults": company.accounting_defaults, "variant": f"{product.id}:{product.variants[0].id}",
            "order_id": orders[0], "second_order_id": orders[1], "third_order_id": orders[2],
            "fourth_order_id": orders[3], "owned": {**owned, "cart": cart}}


def test_every_post_without_the_csrf_token_is_refused_and_changes_nothing(company, owned, csrf_client) -> None:
    before = company_rows(company)
    routes = product_routes()
    for route in routes:
        url = route.url(owned)
        response = csrf_client.post(url, {"name": "x", "scope": "all", "mode": "valid_rows_only"})
        if route.name == "webhooks:receive":  # the one view without CSRF: the store sends the cart's secret instead
            assert response.status_code == 401, f"POST {url} without the secret answered {response.status_code}"
            continue
        assert response.status_code == 403, f"POST {url} without a CSRF token answered {response.status_code}"
    anonymous = Client(enforce_csrf_checks=True)
    assert anonymous.post(reverse("login"), {"username": "owner@acme.example", "password": PASSWORD}).status_code == 403
    assert company_rows(company) == before
    assert len(routes) > 25


def test_every_admin_post_without_the_csrf_token_is_refused(company, owned, rival_owned) -> None:
    operator = User.objects.create_superuser("operator", "operator@salesorder.example", PASSWORD)
    client = Client(enforce_csrf_checks=True)
    client.force_login(operator)
    before = company_rows(company)
    for url in admin_urls(owned, rival_owned):
        response = client.post(url, {"post": "yes", "action": "delete_selected", "_selected_action": [owned["cart"].pk]})
        assert response.status_code == 403, f"admin POST {url} without a CSRF token answered {response.status_code}"
    assert company_rows(company) == before


def test_with_the_token_every_state_changing_form_works(
    objects, eager_celery, django_capture_on_commit_callbacks
) -> None:
    context = objects
    client = context["client"]
    token = token_of(client)
    routes = {route.name: route for route in product_routes()}
    missing = set(STATE_CHANGING) - set(routes)
    assert not missing, f"STATE_CHANGING names routes the URL conf no longer has: {missing}"
    # Routes without a known form first: they must be GET-only. Then each form, the logout last.
    for name, route in [*((name, route) for name, route in routes.items() if name not in STATE_CHANGING),
                        *((name, routes[name]) for name in STATE_CHANGING)]:
        change = STATE_CHANGING.get(name)
        data = change.data(context) if change else {}
        before = company_rows(context["company"])
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(route.url(context["owned"]), {**data, "csrfmiddlewaretoken": token})
        if change is None:  # GET-only (405), or a page that takes a POST and changes nothing (the home redirect)
            assert response.status_code == 405 or company_rows(context["company"]) == before, (
                f"POST {route.route} changed data: add its form data and effect to STATE_CHANGING")
            continue
        assert response.status_code in {200, 302}, f"POST {route.route} with the token answered {response.status_code}"
        assert change.took_effect(context), f"POST {route.route} with the token did not do what its form says"


def test_every_form_that_posts_carries_the_csrf_token(objects, merchant_client, rival_owned) -> None:
    context = objects
    cart = context["cart"]
    pages = [route.url(context["owned"]) for route in product_routes() if route.name not in ("logout", "carts:delete")]
    pages += [f"/setup/carts/{cart.pk}/items/?list=1", f"/setup/carts/{cart.pk}/orders/?list=1",
              f"/setup/carts/{cart.pk}/delete/"]
    forms_seen = 0
    for url in pages:
        response = merchant_client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for form in FORM_PATTERN.findall(response.content.decode()):
            if re.search(r"method=[\"']?post", form, re.IGNORECASE):
                forms_seen += 1
                assert 'name="csrfmiddlewaretoken"' in form, f"a form on {url} posts without the CSRF token:\n{form[:300]}"
    assert forms_seen > 15


def test_every_url_needs_a_signed_in_user(owned, client) -> None:
    for route in product_routes():
        url = route.url(owned)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if route.name == "login":
                assert response.status_code == 200
                continue
            if route.name == "health":  # for load balancers: no login, and nothing of any company
                assert response.status_code in {200, 405, 503}
                assert_no_data_shown(owned, response)
                continue
            if route.name == "webhooks:receive":  # the store authenticates with the cart's secret, not a login
                assert response.status_code == (405 if method == "get" else 401)
                assert_no_data_shown(owned, response)
                continue
            assert response.status_code == 302, f"{method.upper()} {url} answered {response.status_code} without login"
            assert response.url.startswith(reverse("login") + "?next="), f"{url} sent an anonymous user to {response.url}"
            assert_no_data_shown(owned, response)


def test_every_admin_url_needs_a_signed_in_staff_user(owned, rival_owned, client, user) -> None:
    staff_without_company_rights = Client()
    for url in admin_urls(owned, rival_owned):
        for visitor in (client, staff_without_company_rights):
            response = visitor.get(url)
            assert response.status_code == 302 and response.url.startswith(("/admin/login/", "/login/?next=")), url
            assert_no_data_shown(owned, response)
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.none())
    staff_without_company_rights.force_login(user)
    assert staff_without_company_rights.get(reverse("admin:carts_cart_changelist")).status_code == 403


def assert_no_data_shown(owned: dict, response) -> None:
    text = response_text(response)
    for marker in owned["markers"]:
        assert marker not in text


PRODUCTION_LOGIN = """
from django.test import Client, override_settings
from companies.services import company_create
# Pages link collected static files; collectstatic's manifest is not what this checks, so plain storage.
override_settings(STORAGES={**__import__("django.conf").conf.settings.STORAGES,
                            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}).enable()
company_create(name="Cookie Co", email="cookie@example.com", password="correct-horse-battery-9")
client = Client(HTTP_HOST="portal.example.com")
plain = client.get("/login/")
print("http", plain.status_code, plain.get("Location"))
page = client.get("/login/", secure=True)
token = page.cookies["csrftoken"].value
signed_in = client.post("/login/", {"username": "cookie@example.com", "password": "correct-horse-battery-9",
                                    "csrfmiddlewaretoken": token}, secure=True, HTTP_REFERER="https://portal.example.com/login/")
print("login", signed_in.status_code)
for name in ("sessionid", "csrftoken"):
    morsel = (signed_in.cookies.get(name) or page.cookies.get(name))
    print(name, bool(morsel["secure"]), bool(morsel["httponly"]), morsel["samesite"])
print("hsts", signed_in.get("Strict-Transport-Security"))
"""


def test_under_production_settings_cookies_are_secure_and_http_is_redirected(tmp_path) -> None:
    environment = {**PRODUCTION, "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}"}
    for command in (["migrate", "-v", "0"], ["shell", "-c", PRODUCTION_LOGIN]):
        result = subprocess.run([sys.executable, "manage.py", *command], capture_output=True, text=True,
                                env=environment, check=False)
        assert result.returncode == 0, result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.strip().splitlines() if " " in line)
    assert lines["http"] == "301 https://portal.example.com/login/"
    assert lines["login"] == "302"
    assert lines["sessionid"] == "True True Lax"  # sent over HTTPS only, unreadable by scripts
    assert lines["csrftoken"].startswith("True ")
    assert lines["hsts"].startswith("max-age=31536000")
