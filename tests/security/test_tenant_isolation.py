"""Tenant isolation: a second company's user, holding the first company's ids, sees and changes nothing of it.

Walks every URL of the product (read from the URL conf: list pages, object pages, actions, exports,
JSON endpoints, searches) and the admin site (through its registry), as a merchant and as company staff.
"""
from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from items.models import Item
from orders.models import SalesTransaction
from tests.security.conftest import (
    Route,
    admin_urls,
    assert_shows_none_of,
    company_rows,
    product_routes,
    response_text,
)

pytestmark = pytest.mark.django_db

# Query strings a list page or export could be made to search another company's data with.
SEARCHES = ("q={marker}", "search={marker}", "customer={marker}", "cart={cart_id}", "list=1&q={marker}",
            "type=cash_sale&cart={cart_id}&q={number}")
PRODUCT_APPS = ("carts", "items", "orders", "sync")


def object_routes() -> list[Route]:
    return [route for route in product_routes() if route.takes_an_object]


def page_routes() -> list[Route]:
    return [route for route in product_routes() if not route.takes_an_object and route.name != "logout"]


def test_every_url_with_another_company_s_id_is_a_404_and_changes_nothing(
    company, owned, rival_owned, other_merchant_client, merchant_client
) -> None:
    before = company_rows(company)
    routes = object_routes()
    for route in routes:
        url = route.url(owned)
        statuses = set()
        for method in ("get", "post"):
            response = getattr(other_merchant_client, method)(url, {"confirm": "yes", "scope": "all"})
            statuses.add(response.status_code)
            assert_shows_none_of(owned["markers"], response_text(response), f"{method.upper()} {url}")
        assert statuses <= {404, 405} and 404 in statuses, f"{url} answered {statuses} to another company"
    assert company_rows(company) == before, "another company's requests changed the first company's data"
    # The owner does reach every one of them, so each 404 above is about ownership, not a broken URL.
    for route in routes:
        assert merchant_client.get(route.url(owned)).status_code in {200, 302, 405}, route.route
    assert {"carts:detail", "carts:log_progress", "items:import_errors", "orders:detail"} <= {r.name for r in routes}


def test_list_pages_exports_and_searches_show_nothing_of_another_company(owned, rival_owned, other_merchant_client) -> None:
    values = {"marker": "", "cart_id": owned["cart"].pk, "number": owned["transaction"].number[:-1]}
    walked = 0
    for route in page_routes():
        url = route.url(owned)
        for query in ("", *SEARCHES):
            for marker in ("SECRET", "Secret", "secret@customer", "9191"):  # parts of markers: a search echoes its text
                full = url + ("?" + query.format(**{**values, "marker": marker}) if query else "")
                response = other_merchant_client.get(full)
                answers = {200, 302, 405} | ({503} if route.name == "health" else set())  # 503: no worker in this test
                assert response.status_code in answers, f"{full} answered {response.status_code}"
                assert_shows_none_of(owned["markers"], response_text(response), f"GET {full}")
                walked += 1
    assert walked > 100
    listing = response_text(other_merchant_client.get("/sales/orders/?q=CS-"))
    assert "CS-770001" in listing  # the search works: it finds the company's own transaction, and only that


def test_forms_refuse_another_company_s_objects_named_in_the_body(
    company, owned, rival_owned, other_company, other_merchant_client
) -> None:
    before = company_rows(company)
    foreign_account = owned["account"].pk
    response = other_merchant_client.post(reverse("items:new"), {
        "sku": "RIVAL-NEW", "description": "x", "unit_price": "1", "unit_of_measure": "Each", "item_type": "stock",
        "income_account": foreign_account, "cost_of_goods_sold_account": foreign_account,
        "stock_asset_account": foreign_account, "active": "on"})
    assert response.status_code == 200 and not Item.objects.filter(sku="RIVAL-NEW").exists()
    response = other_merchant_client.post(reverse("items:accounting_defaults"), {
        "income_account": foreign_account, "cost_of_goods_sold_account": foreign_account,
        "stock_asset_account": foreign_account, "unit_of_measure": "Each", "non_stock_income_account": foreign_account,
        "non_stock_expense_account": foreign_account})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    record = rival_owned["transaction"]
    response = other_merchant_client.post(reverse("orders:edit", args=[record.pk]), {
        "customer": str(owned["customer"]), "transaction_date": "2026-03-02T09:00", "memo": "moved"})
    assert response.status_code == 200
    record.refresh_from_db()
    assert record.customer == rival_owned["customer"] and record.memo == ""
    # The form shows back what was typed (the other company's customer's label, which the requester already had):
    # nothing else of theirs.
    typed = response_text(response).replace(escape(str(owned["customer"])), "")
    assert "No customer is named or has the e-mail address" in typed
    for text in (typed,
                 response_text(other_merchant_client.get(reverse("orders:pending"), {"cart": owned["cart"].pk}))):
        assert_shows_none_of(owned["markers"], text, "a form given another company's ids")
    assert company_rows(company) == before
    assert not SalesTransaction.objects.filter(company=other_company, customer=owned["customer"]).exists()


def test_the_admin_sends_merchants_to_its_login(owned, rival_owned, merchant_client, other_merchant_client) -> None:
    urls = admin_urls(owned, rival_owned)
    assert len(urls) > 30
    for client in (merchant_client, other_merchant_client):
        for url in urls:
            response = client.get(url)
            assert response.status_code == 302 and response.url.startswith("/admin/login/"), url


# Admin add pages that refuse everyone: imports alone advance numbering and record refusals, carts make their state,
# and stock moves only through the stock service (each movement with its reason and user).
NOT_ADDABLE = {"/admin/orders/transactionnumbersequence/add/", "/admin/orders/orderrefusal/add/",
               "/admin/sync/autosyncstate/add/", "/admin/items/stockmovement/add/"}


# Admin pages for operators only: companies, users, log-in attempts, and each store's request budget (a store may
# serve several companies).
OPERATORS_ONLY = ("/admin/companies/", "/admin/auth/", "/admin/axes/", "/admin/carts/storerequestbudget/")


def test_company_staff_in_the_admin_see_and_change_only_their_company(
    company, owned, rival_owned, other_user
) -> None:
    other_user.is_staff = True
    other_user.save()
    other_user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=PRODUCT_APPS))
    client = Client()
    client.force_login(other_user)
    before = company_rows(company)
    for url in admin_urls(owned, rival_owned):
        response = client.get(url, follow=True)
        text = response_text(response)
        if url.startswith(OPERATORS_ONLY) or url in NOT_ADDABLE:
            assert response.status_code == 403, url
            continue
        assert response.status_code == 200, f"{url} answered {response.status_code}"
        assert_shows_none_of(owned["markers"], text, f"admin {url}")
    for url in (reverse("admin:carts_cart_delete", args=[owned["cart"].pk]),
                reverse("admin:items_item_change", args=[owned["item"].pk])):
        client.post(url, {"post": "yes", "sku": "TAKEN", "description": "x"})
    assert company_rows(company) == before
    rival_list = response_text(client.get(reverse("admin:carts_cart_changelist")))
    assert "Rival Cart" in rival_list  # the list works for the company's own rows
