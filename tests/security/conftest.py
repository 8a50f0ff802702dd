"""Security-test fixtures: every route of the product read from the URL conf, and a company's secrets to look for.

The routes come from the project's URL configuration, so a view added later is walked by every
security test without being listed; a new id kwarg must be added to OWNED_OBJECTS or they fail.
"""
from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from carts.models import CartLog
from companies.models import Company, User
from items.models import ItemCartLink, ItemCsvUpload, LedgerAccount
from items.editing import item_new
from orders.models import Customer, SalesTransaction, TransactionType
from tests.carts.factories import make_cart
from tests.items.conftest import eager_celery  # noqa: F401 - background imports run in the test's process
from tests.orders.factories import make_transaction
from webhooks.registration import cart_hook_endpoint_get

# How to find the first company's object for each id kwarg a URL takes.
OWNED_OBJECTS: dict[str, Callable[[dict], object]] = {
    "cart_id": lambda owned: owned["cart"].pk,
    "log_id": lambda owned: owned["log"].pk,
    "item_id": lambda owned: owned["item"].pk,
    "upload_id": lambda owned: owned["upload"].pk,
    "transaction_id": lambda owned: owned["transaction"].pk,
    "customer_id": lambda owned: owned["transaction"].customer_id,
    "order_id": lambda owned: owned["transaction"].cart_order_id,  # a store's order, reached through the owned cart
    "token": lambda owned: owned["hook_token"],  # the cart's webhook receiver
}
# Kwargs that name no merchant's object. The webhook receiver's token names a cart's receiver, which no
# signed-in user reaches: the store authenticates there with the cart's secret.
NOT_OWNED_KWARGS = {"token"}


@dataclass(frozen=True)
class Route:
    """One URL pattern of the product: its route text, the view's name and the kwargs it takes."""

    route: str
    name: str
    kwargs: tuple[str, ...]

    @property
    def takes_an_object(self) -> bool:
        return bool(set(self.kwargs) - NOT_OWNED_KWARGS)

    def url(self, owned: dict) -> str:
        """The path with each kwarg replaced by the owned object's id."""
        path = self.route
        for name in self.kwargs:
            assert name in OWNED_OBJECTS, f"Add the URL kwarg {name!r} ({self.route}) to OWNED_OBJECTS"
            value = str(OWNED_OBJECTS[name](owned))
            for converter in ("int", "slug", "str", "path"):
                path = path.replace(f"<{converter}:{name}>", value)
            path = path.replace(f"<{name}>", value)
        return "/" + path


def product_routes() -> list[Route]:
    """Every URL pattern of the product, the admin site excluded (it is walked through its registry)."""

    def walk(patterns, prefix: str = "", namespace: str = "") -> Iterator[Route]:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if route.startswith("admin/"):  # the admin, and its sign-in page for merchants in front of it
                continue
            if isinstance(pattern, URLResolver):
                inner = ":".join(filter(None, (namespace, pattern.namespace)))
                yield from walk(pattern.url_patterns, route, inner)
            elif isinstance(pattern, URLPattern):
                name = ":".join(filter(None, (namespace, pattern.name or "")))
                yield Route(route, name, tuple(pattern.pattern.converters))

    return list(walk(get_resolver().url_patterns))


def response_text(response) -> str:
    """The body of any response, streamed downloads included, with its headers (cookies carry messages)."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    headers = "\n".join(f"{name}: {value}" for name, value in response.items())
    cookies = "\n".join(morsel.OutputString() for morsel in response.cookies.values())
    return "\n".join((headers, cookies, content.decode("utf-8", errors="replace")))


def owned_objects(company: Company) -> dict:
    """One of everything a company owns, each carrying a marker no other company's page may show."""
    cart = make_cart(company, name="Secret Cart Name")
    log = CartLog.objects.create(company=company, cart=cart, kind="orders_import", summary="secret log summary",
                                 failures=[{"reference": "Order 4242", "reason": "secret failure reason"}])
    account = LedgerAccount.objects.create(company=company, name="Secret Ledger Account", account_type="income")
    item = item_new(company=company, sku="SECRET-SKU-1")
    item.description = "secret item description"
    item.save()
    ItemCartLink.objects.create(company=company, cart=cart, item=item, product_id=9191, variant_id=9292,
                                cart_sku="SECRET-LINK-SKU")
    upload = ItemCsvUpload.objects.create(company=company, file_name="secret-upload.csv", encoding="UTF-8",
                                          content="SKU,Description\nSECRET-CSV-SKU,secret csv description\n")
    transaction = make_transaction(company, cart)
    return {
        "cart": cart, "log": log, "account": account, "item": item, "upload": upload, "transaction": transaction,
        "customer": transaction.customer, "hook_token": cart_hook_endpoint_get(cart=cart).token,
        "markers": [
            company.name, company.account_number, "Secret Cart Name", "secret log summary", "secret failure reason",
            "Secret Ledger Account", "SECRET-SKU-1", "secret item description", "SECRET-LINK-SKU",
            "secret-upload.csv", "SECRET-CSV-SKU", transaction.number, "Secret Customer Name",
            "secret@customer.example", "secret memo text", "Secret line",
        ],
    }


def company_rows(company: Company) -> dict[str, list[dict]]:
    """Every row the company owns, in every model that carries a company, plus the company and its users."""
    rows: dict[str, list[dict]] = {
        "company": list(Company.objects.filter(pk=company.pk).values()),
        "users": list(User.objects.filter(company=company).order_by("pk").values()),
    }
    for model in apps.get_models():
        field = next((field for field in model._meta.fields if field.name == "company"), None)
        if isinstance(field, models.ForeignKey) and field.related_model is Company:
            rows[model._meta.label] = list(model._default_manager.filter(company=company).order_by("pk").values())
    return rows


def admin_urls(owned: dict, rival_owned: dict) -> list[str]:
    """Each registered model's list, add, search and — for an object of each company — change, history, delete."""
    objects = {**{f"owned:{key}": value for key, value in owned.items()},
               **{f"rival:{key}": value for key, value in rival_owned.items()}}
    urls = ["/admin/"]
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls += [reverse(f"{prefix}_changelist"), reverse(f"{prefix}_changelist") + "?q=secret",
                 reverse(f"{prefix}_add")]
        for instance in objects.values():
            if isinstance(instance, model):
                urls += [reverse(f"{prefix}_{view}", args=[instance.pk]) for view in ("change", "history", "delete")]
    return urls


def assert_shows_none_of(markers: list[str], text: str, where: str) -> None:
    for marker in markers:
        assert marker not in text, f"{where} shows another company's {marker!r}"


@pytest.fixture
def owned(company: Company) -> dict:
    """The first company's objects and the markers that give them away."""
    return owned_objects(company)


@pytest.fixture
def rival_owned(other_company: Company) -> dict:
    """The second company's own cart, item and transaction, so its pages are not empty."""
    cart = make_cart(other_company, name="Rival Cart")
    item = item_new(company=other_company, sku="RIVAL-SKU")
    item.save()
    customer = Customer.objects.create(company=other_company, name="Rival Customer", email="buyer@rival.example")
    transaction = SalesTransaction.objects.create(
        company=other_company, transaction_type=TransactionType.CASH_SALE, number="CS-770001", customer=customer,
        transaction_date=datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), cart=cart, cart_name=cart.name,
        cart_order_id=770001, currency="USD", total=Decimal("5.0000"))
    return {"cart": cart, "item": item, "customer": customer, "transaction": transaction}


@pytest.fixture
def csrf_client(user: User) -> Client:
    """A signed-in merchant whose requests are checked for the CSRF token, as a browser's are."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client
