"""Every view refuses a body over REQUEST_BODY_MAX_BYTES with 413 before reading it; the items CSV upload keeps its 10 MB."""
from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from companies.models import User
from items.csv_files import MAX_UPLOAD_BYTES
from items.models import ItemCsvUpload
from tests.conftest import PASSWORD
from tests.security.conftest import admin_urls, company_rows, owned, product_routes, rival_owned  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def reads(monkeypatch) -> list:
    """Every read of a request body, recorded (and answered with nothing)."""
    seen: list = []
    monkeypatch.setattr("django.http.request.HttpRequest.read", lambda request, *args: seen.append(args) or b"")
    return seen


def post_body(client: Client, url: str, size: int):
    return client.generic("POST", url, b"x" * size, content_type=FORM)


def test_a_body_over_the_cap_is_refused_by_every_product_view_before_it_is_read(
    company, owned, merchant_client, settings, reads
) -> None:
    before = company_rows(company)
    refused = []
    for route in product_routes():
        if route.name == "items:import":
            continue  # its own, larger limit: below
        response = post_body(merchant_client, route.url(owned), settings.REQUEST_BODY_MAX_BYTES + 1)
        assert response.status_code == 413, f"POST {route.route} with an oversized body answered {response.status_code}"
        refused.append(route.name)
    assert reads == [] and company_rows(company) == before
    assert len(refused) > 25


def test_the_refusal_says_how_large_the_request_was_and_what_to_do(merchant_client, settings) -> None:
    settings.REQUEST_BODY_MAX_BYTES = 1024 * 1024
    response = post_body(merchant_client, reverse("carts:new"), 3 * 1024 * 1024)
    text = " ".join(response.content.decode().split())
    assert response.status_code == 413
    assert "What was sent is 3.0 MB; a form here accepts at most 1.0 MB, so nothing was done." in text
    assert "send less at once (for example, select fewer rows) and try again" in text


def test_a_body_at_the_cap_is_read(merchant_client, settings) -> None:
    settings.REQUEST_BODY_MAX_BYTES = 100 * 1024
    assert post_body(merchant_client, reverse("carts:new"), 100 * 1024).status_code == 200  # the form, with its errors
    assert post_body(merchant_client, reverse("carts:new"), 100 * 1024 + 1).status_code == 413


def test_the_cap_comes_from_the_setting(merchant_client, settings) -> None:
    settings.REQUEST_BODY_MAX_BYTES = 200 * 1024
    assert post_body(merchant_client, reverse("carts:new"), 150 * 1024).status_code == 200
    settings.REQUEST_BODY_MAX_BYTES = 100 * 1024
    assert post_body(merchant_client, reverse("carts:new"), 150 * 1024).status_code == 413


def test_the_log_in_pages_and_the_admin_are_capped_too(owned, rival_owned, client, settings, reads) -> None:
    oversized = settings.REQUEST_BODY_MAX_BYTES + 1
    assert post_body(client, reverse("login"), oversized).status_code == 413
    assert post_body(client, "/admin/login/", oversized).status_code == 413
    operator = User.objects.create_superuser("operator", "operator@salesorder.example", PASSWORD)
    client.force_login(operator)
    for url in admin_urls(owned, rival_owned):
        assert post_body(client, url, oversized).status_code == 413, url
    assert reads == []


def test_the_items_csv_upload_keeps_its_own_larger_limit(merchant_client, settings) -> None:
    assert MAX_UPLOAD_BYTES > settings.REQUEST_BODY_MAX_BYTES
    rows = "".join(f"SKU-{number:07d},An item described at some length to fill the file\r\n" for number in range(40_000))
    data = ("SKU,Description\r\n" + rows).encode()
    assert settings.REQUEST_BODY_MAX_BYTES < len(data) < MAX_UPLOAD_BYTES
    response = merchant_client.post(reverse("items:import"), {"file": SimpleUploadedFile("items.csv", data)})
    assert response.status_code == 302 and ItemCsvUpload.objects.get().file_name == "items.csv"
    too_large = merchant_client.post(reverse("items:import"),
                                     {"file": SimpleUploadedFile("big.csv", b"S" * (MAX_UPLOAD_BYTES + 512 * 1024))})
    assert too_large.status_code == 413 and "the limit is 10 MB" in too_large.content.decode()
