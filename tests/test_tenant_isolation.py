"""Another company's objects are invisible: every URL with an object id answers 404 to a stranger.

The URL list is read from the project's URL configuration, so a new view with an id in its path
is covered automatically; its id kwarg must be added to OWNED_OBJECTS below or the test fails.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from carts.models import CartLog
from companies.models import Company
from items.models import ItemCsvUpload
from items.services import item_new
from tests.carts.factories import make_cart
from tests.orders.factories import make_transaction

pytestmark = pytest.mark.django_db

# How to find the first company's object for each id kwarg a URL takes.
OWNED_OBJECTS: dict[str, Callable[[dict], int]] = {
    "cart_id": lambda owned: owned["cart"].pk,
    "log_id": lambda owned: owned["log"].pk,
    "item_id": lambda owned: owned["item"].pk,
    "upload_id": lambda owned: owned["upload"].pk,
    "transaction_id": lambda owned: owned["transaction"].pk,
}


def owned_objects(company: Company) -> dict:
    cart = make_cart(company, name="Secret Cart Name")
    log = CartLog.objects.create(company=company, cart=cart, kind="connection_test", summary="secret log summary")
    item = item_new(company=company, sku="SECRET-SKU-1")
    item.description = "secret item description"
    item.save()
    upload = ItemCsvUpload.objects.create(company=company, file_name="secret-upload.csv", encoding="UTF-8",
                                          content="SKU,Description\nSECRET-CSV-SKU,secret csv description\n")
    transaction = make_transaction(company, cart)
    return {"cart": cart, "log": log, "item": item, "upload": upload, "transaction": transaction,
            "markers": ["Secret Cart Name", "secret log summary", cart.store_hash, "SECRET-SKU-1",
                        "secret item description", "secret-upload.csv", "SECRET-CSV-SKU", transaction.number,
                        "Secret Customer Name", "secret memo text"]}


def product_urls() -> Iterator[tuple[str, list[str]]]:
    """(route, kwarg names) for every product URL that takes an object id (admin excluded)."""

    def walk(patterns, prefix: str = "") -> Iterator[tuple[str, list[str]]]:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if route.startswith("admin/"):
                    continue
                yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and pattern.pattern.converters:
                yield route, list(pattern.pattern.converters)

    yield from walk(get_resolver().url_patterns)


def fill(route: str, kwargs: list[str], owned: dict) -> str:
    path = route
    for name in kwargs:
        assert name in OWNED_OBJECTS, f"Add the URL kwarg {name!r} ({route}) to OWNED_OBJECTS"
        converter_type = "int" if f"<int:{name}>" in path else "slug" if f"<slug:{name}>" in path else "str"
        value = OWNED_OBJECTS[name](owned)
        path = path.replace(f"<{converter_type}:{name}>", str(value)).replace(f"<{name}>", str(value))
    return "/" + path


def test_every_object_url_is_a_404_for_another_company(company, other_merchant_client, merchant_client) -> None:
    owned = owned_objects(company)
    checked = 0
    for route, kwargs in product_urls():
        if kwargs == ["feature"]:
            continue  # the 'not available yet' page takes a feature name, not an object id
        url = fill(route, kwargs, owned)
        statuses = set()
        for method in ("get", "post"):
            response = getattr(other_merchant_client, method)(url)
            statuses.add(response.status_code)
            body = response.content.decode(errors="replace")
            for marker in owned["markers"]:
                assert marker not in body, f"{method.upper()} {url} shows another company's data"
        assert statuses <= {404, 405} and 404 in statuses, f"{url} answered {statuses} to another company"
        # The owner does reach it, so the 404 above is about ownership, not a broken URL.
        assert merchant_client.get(url).status_code in {200, 302, 405}
        checked += 1
    assert checked >= 4


def test_lists_show_only_the_company_own_objects(company, other_merchant_client) -> None:
    owned = owned_objects(company)
    for url in ("/setup/carts/", "/setup/items/", "/setup/items/export.csv", "/setup/accounting-defaults/",
                "/sales/orders/"):
        response = other_merchant_client.get(url)
        assert response.status_code == 200
        body = b"".join(response.streaming_content if response.streaming else [response.content]).decode()
        for marker in owned["markers"]:
            assert marker not in body, f"{url} shows another company's {marker!r}"


def test_admin_sends_merchants_to_its_login(company, merchant_client, other_merchant_client) -> None:
    owned = owned_objects(company)
    for url in ("/admin/", f"/admin/carts/cart/{owned['cart'].pk}/change/", "/admin/carts/cartlog/",
                "/admin/companies/company/"):
        for client in (merchant_client, other_merchant_client):
            response = client.get(url)
            assert response.status_code == 302 and "/admin/login/" in response.url


def test_company_staff_in_admin_see_only_their_company(company, other_user, client) -> None:
    from django.contrib.auth.models import Permission

    owned = owned_objects(company)
    other_user.is_staff = True
    other_user.save()
    other_user.user_permissions.set(Permission.objects.filter(content_type__app_label="carts"))
    client.force_login(other_user)
    listing = client.get("/admin/carts/cart/")
    assert listing.status_code == 200 and "Secret Cart Name" not in listing.content.decode()
    change = client.get(f"/admin/carts/cart/{owned['cart'].pk}/change/", follow=True)
    assert "Secret Cart Name" not in change.content.decode()
    assert client.get("/admin/companies/company/").status_code == 403
