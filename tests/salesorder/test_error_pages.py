"""The pages a merchant sees when something is off: an out-of-date form, a missing page, a failure of ours."""
from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_form_from_before_signing_in_again_says_nothing_was_done_and_what_to_do(merchant_client) -> None:
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = merchant_client.cookies  # signed in, but the form's token is from another session
    response = strict.post("/setup/carts/new/bigcommerce/", {"name": "Store BC", "csrfmiddlewaretoken": "stale"})
    page = response.content.decode()
    assert response.status_code == 403
    assert "Nothing was done: the page was out of date" in page and "reload the page" in page
    assert "CSRF verification failed" not in page and 'class="card narrow"' in page


def test_a_page_that_does_not_exist_is_named_in_the_products_layout(merchant_client) -> None:
    response = merchant_client.get("/setup/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404 and "<h1>Page not found</h1>" in page and 'aria-label="Main menu"' in page


def test_the_failure_page_renders_with_no_context_at_all() -> None:
    page = render_to_string("500.html")
    assert "Something went wrong on our side" in page and "/static/css/app.css" in page
