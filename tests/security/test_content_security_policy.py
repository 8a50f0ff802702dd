"""Every response carries the Content-Security-Policy: product pages, the log-in pages, the admin, errors, downloads.

The routes come from the URL conf (tests/security/conftest.py), so a page added later is checked too.
That the screens satisfy the policy in a browser is tests/browser/test_content_security_policy.py.
"""
from __future__ import annotations

import pytest
from django.test import Client

from companies.models import User
from tests.conftest import PASSWORD
from tests.security.conftest import admin_urls, product_routes

pytestmark = pytest.mark.django_db

# The policy the screens are written for: this origin only, no inline script or style, no eval.
EXPECTED_POLICY = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'"},
    "font-src": {"'self'"},
    "connect-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'none'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
}


def policy_of(response) -> dict[str, set[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{response.wsgi_request.path} answered {response.status_code} without a Content-Security-Policy"
    directives = [directive.split() for directive in header.split(";") if directive.strip()]
    return {name: set(sources) for name, *sources in directives}


def test_the_policy_allows_no_inline_code_no_eval_and_no_other_origin(client) -> None:
    policy = policy_of(client.get("/login/"))
    assert policy == EXPECTED_POLICY
    for sources in policy.values():
        assert not sources & {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:", "http:", "https:"}


def test_every_product_url_sends_the_policy(owned, merchant_client, client) -> None:
    routes = product_routes()
    statuses = set()
    # Signed in and anonymous (sent to the log-in page), GET then POST; the logout and deletes come last.
    requests = [(visitor, method, route) for method in ("get", "post") for visitor in (merchant_client, client)
                for route in sorted(routes, key=lambda route: route.name in ("logout", "carts:delete", "orders:delete"))]
    for visitor, method, route in requests:
        url = route.url(owned)
        response = getattr(visitor, method)(url)
        assert policy_of(response) == EXPECTED_POLICY, f"{method.upper()} {url} ({response.status_code})"
        statuses.add(response.status_code)
    assert {200, 302, 405} <= statuses  # pages, redirects and refused methods alike


def test_error_pages_and_the_lockout_page_send_the_policy(merchant_client, user) -> None:
    assert policy_of(merchant_client.get("/no-such-page/")) == EXPECTED_POLICY
    assert policy_of(merchant_client.get("/setup/carts/999999/")) == EXPECTED_POLICY
    for _ in range(5):
        locked = Client().post("/login/", {"username": user.username, "password": "wrong-password-9"})
    assert locked.status_code == 429 and policy_of(locked) == EXPECTED_POLICY


def test_every_admin_url_sends_the_policy(owned, rival_owned, client) -> None:
    operator = User.objects.create_superuser("operator", "operator@salesorder.example", PASSWORD)
    assert policy_of(client.get("/admin/login/")) == EXPECTED_POLICY
    client.force_login(operator)
    urls = admin_urls(owned, rival_owned)
    for url in urls:
        assert policy_of(client.get(url)) == EXPECTED_POLICY, url
    assert len(urls) > 30
