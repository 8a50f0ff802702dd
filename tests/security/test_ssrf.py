"""SSRF: the product contacts BigCommerce's API host (and the operator's listed hosts) and nothing else.

Through the cart form and `manage.py cart add|test` — not just the parser — with cart URLs naming
other hosts, IP literals (public, private, loopback, in disguise), http on a non-loopback host, a listed
name that resolves to loopback, and a listed store that redirects to another local server. Every
socket connect() is recorded, and local listeners count what reaches them: nothing may.
"""
from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from carts.platforms.bigcommerce.credentials import AllowedHosts
from carts.models import Cart
from carts.connection_test import cart_test_connection
from items.cart_import import CatalogSelection, cart_items_import
from orders.store_imports import orders_import_listed
from sandbox.server import SandboxServer
from tests.carts.factories import GUIDE_API_KEY, make_cart
from tests.orders.conftest import ALL_STATUSES

pytestmark = pytest.mark.django_db

OFFICIAL_ONLY_MESSAGE = "Only BigCommerce's API host api.bigcommerce.com is accepted"


class CountingListener:
    """A TCP port on loopback that counts the connections reaching it and closes them."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.accepted = 0
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.accepted += 1
            connection.close()

    def close(self) -> None:
        self.socket.close()


class RedirectingStore(ThreadingHTTPServer):
    """Looks like a store on a listed host, but answers every request with a 302 to another server."""

    def __init__(self, location: str) -> None:
        self.location = location
        self.requests = 0
        super().__init__(("127.0.0.1", 0), _RedirectHandler)
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    @property
    def host_port(self) -> str:
        return f"127.0.0.1:{self.server_address[1]}"


class _RedirectHandler(BaseHTTPRequestHandler):
    server: RedirectingStore

    def do_GET(self) -> None:
        self.server.requests += 1
        self.send_response(302)
        self.send_header("Location", self.server.location + self.path.split("/v", 1)[-1])
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_PUT = do_POST = do_GET

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def listener() -> Iterator[CountingListener]:
    listening = CountingListener()
    yield listening
    listening.close()


@pytest.fixture
def connects(monkeypatch) -> list:
    """Every address a socket of this process tries to connect to while the test runs."""
    attempts: list = []
    original_connect, original_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def connect(sock, address):
        attempts.append(address)
        return original_connect(sock, address)

    def connect_ex(sock, address):
        attempts.append(address)
        return original_connect_ex(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    return attempts


@pytest.fixture
def names_resolve_to_loopback(monkeypatch) -> None:
    """DNS as an attacker would like it: every host name answers 127.0.0.1."""
    original = socket.getaddrinfo

    def resolve(host, port, *args, **kwargs):
        if host in ("127.0.0.1", "::1", "localhost") or host.replace(".", "").isdigit():
            return original(host, port, *args, **kwargs)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port or 443))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)


def refused_urls(port: int) -> list[tuple[str, str]]:
    """(Cart Connect URL, what the refusal says) for every way of naming a host other than BigCommerce's."""
    return [
        (f"https://api.example.com:{port}/stores/abc123/v3/", OFFICIAL_ONLY_MESSAGE),
        (f"https://api.bigcommerce.com.evil.example:{port}/stores/abc123/v3/", OFFICIAL_ONLY_MESSAGE),
        (f"https://api.bigcommerce.com@127.0.0.1:{port}/stores/abc123/v3/", OFFICIAL_ONLY_MESSAGE),
        ("https://93.184.216.34/stores/abc123/v3/", OFFICIAL_ONLY_MESSAGE),
        ("https://10.0.0.5/stores/abc123/v3/", OFFICIAL_ONLY_MESSAGE),
        ("https://169.254.169.254/stores/abc123/v3/", OFFICIAL_ONLY_MESSAGE),
        (f"https://127.0.0.1:{port}/stores/abc123/v3/", OFFICIAL_ONLY_MESSAGE),
        (f"http://127.0.0.1:{port}/stores/abc123/v3/", OFFICIAL_ONLY_MESSAGE),
        (f"https://[::1]:{port}/stores/abc123/v3/", OFFICIAL_ONLY_MESSAGE),
        (f"https://2130706433:{port}/stores/abc123/v3/", OFFICIAL_ONLY_MESSAGE),  # 127.0.0.1 as one number
        (f"https://0x7f.0.0.1:{port}/stores/abc123/v3/", OFFICIAL_ONLY_MESSAGE),
        (f"https://127.1:{port}/stores/abc123/v3/", OFFICIAL_ONLY_MESSAGE),
        ("http://api.bigcommerce.com/stores/abc123/v3/", OFFICIAL_ONLY_MESSAGE),  # port 80 is another host:port
        (f"http://listed.example.test:{port}/stores/abc123/v3/", "must use https://, not http://"),
    ]


def cart_form(api_path: str, **overrides: str) -> dict:
    return {"name": "Store BC", "api_path": api_path, "api_version": "3", "api_key": GUIDE_API_KEY,
            "import_as": "cash_sale", "import_status_ids": [str(status) for status in ALL_STATUSES],
            "auto_sync": "stopped", "sync_interval_minutes": "15", "web_customer_name": "Web customer", **overrides}


def cart_add(company, api_path: str) -> CommandError:
    with pytest.raises(CommandError) as raised:
        call_command("cart", "add", "CLI Cart", "--company", company.account_number, "--api-path", api_path,
                     "--api-key", GUIDE_API_KEY, stdout=StringIO())
    return raised.value


def test_cart_urls_naming_another_host_are_refused_by_the_form_and_the_command_and_nothing_is_contacted(
    company, merchant_client, settings, listener, connects, names_resolve_to_loopback
) -> None:
    settings.BIGCOMMERCE_EXTRA_API_HOSTS = [f"listed.example.test:{listener.port}"]
    for api_path, message in refused_urls(listener.port):
        page = merchant_client.post(reverse("carts:new"), cart_form(api_path)).content.decode()
        assert message in page.replace("&#x27;", "'"), f"the form took {api_path}"
        error = cart_add(company, api_path)
        assert error.returncode == 2 and message in str(error), f"`cart add` took {api_path}"
    assert not Cart.objects.exists()
    assert connects == [] and listener.accepted == 0


def test_a_listed_name_that_resolves_to_loopback_is_never_contacted(
    company, merchant_client, settings, listener, connects, names_resolve_to_loopback
) -> None:
    listed = f"store.example.test:{listener.port}"
    settings.BIGCOMMERCE_EXTRA_API_HOSTS = [listed]
    response = merchant_client.post(reverse("carts:new"), cart_form(f"https://{listed}/stores/abc123/v3/"))
    cart = Cart.objects.get(company=company)  # the operator listed it, so the form takes it ...
    assert response.status_code == 302
    page = merchant_client.post(reverse("carts:test", args=[cart.pk]), follow=True).content.decode()
    assert "resolves to a non-public address; the request was not sent" in page  # ... but nothing is sent
    output = StringIO()
    with pytest.raises(SystemExit):
        call_command("cart", "test", "Store BC", "--company", company.account_number, stdout=output)
    assert "non-public address" in output.getvalue()
    assert "non-public address" in cart_items_import(cart=cart, selection=CatalogSelection()).summary
    assert "non-public address" in orders_import_listed(cart=cart).stopped_reason
    assert connects == [] and listener.accepted == 0


def test_a_store_redirecting_to_another_server_is_not_followed(company, merchant_client, settings, connects) -> None:
    with SandboxServer(seed=7, products=20, orders=20) as other:
        redirecting = RedirectingStore(f"{other.base_url}/stores/sandbox1/v")
        settings.BIGCOMMERCE_EXTRA_API_HOSTS = [redirecting.host_port, other.host_port]
        cart = make_cart(company, api_path=f"http://{redirecting.host_port}/stores/sandbox1/v3/",
                         api_key=other.api_key("full"), allowed_hosts=AllowedHosts.from_setting([redirecting.host_port]),
                         import_status_ids=ALL_STATUSES)
        page = merchant_client.post(reverse("carts:test", args=[cart.pk]), follow=True).content.decode()
        assert "redirect (HTTP 302); redirects are not followed" in page
        assert not cart_test_connection(cart=cart).passed
        assert "redirects are not followed" in cart_items_import(cart=cart, selection=CatalogSelection()).summary
        assert "redirects are not followed" in orders_import_listed(cart=cart).stopped_reason
        assert redirecting.requests >= 4
        assert other.store.stats()["total_requests"] == 0  # the redirect's target received nothing
        assert {address[1] for address in connects} == {redirecting.server_address[1]}
        redirecting.shutdown()
        redirecting.server_close()


def test_a_listed_name_rebound_to_loopback_after_the_check_is_never_contacted(
    company, settings, listener, connects, monkeypatch
) -> None:
    """DNS rebinding: the name answers a public address when checked, then loopback when connected to."""
    listed = f"rebind.example.test:{listener.port}"
    settings.BIGCOMMERCE_EXTRA_API_HOSTS = [listed]
    answers = iter(["93.184.216.34"])
    original = socket.getaddrinfo

    def rebinding(host, port, *args, **kwargs):
        if host != "rebind.example.test":
            return original(host, port, *args, **kwargs)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers, "127.0.0.1"), port or 443))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    cart = make_cart(company, api_path=f"https://{listed}/stores/abc123/v3/",
                     allowed_hosts=AllowedHosts.from_setting([listed]))
    assert not cart_test_connection(cart=cart).passed
    assert listener.accepted == 0 and all(address[0] != "127.0.0.1" for address in connects)
