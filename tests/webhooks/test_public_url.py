"""PUBLIC_BASE_URL: https on port 443, or plain http to a loopback address; anything else refused at start-up."""
from __future__ import annotations

import pytest

from tests.test_production_settings import manage
from webhooks.public_url import public_base_url_problem


@pytest.mark.parametrize("url", ["", "https://portal.example.com", "https://portal.example.com:443/salesorder",
                                 "http://127.0.0.1:8000", "http://localhost:8000", "http://[::1]:8000",
                                 "http://127.8.9.10"])
def test_https_or_loopback_http_is_accepted(url: str) -> None:
    assert public_base_url_problem(url) == ""


@pytest.mark.parametrize(("url", "says"), [
    ("http://portal.example.com", "plain http"),
    ("http://10.0.0.5:8000", "plain http"),
    ("https://portal.example.com:8443", "port 8443"),
    ("ftp://portal.example.com", "must start with https://"),
    ("portal.example.com", "must start with https://"),
    ("https://user:pw@portal.example.com", "without a user"),
    ("https://portal.example.com/?a=1", "without a user, query"),
])
def test_other_addresses_are_refused_saying_why(url: str, says: str) -> None:
    assert says in public_base_url_problem(url)


def test_a_bad_public_base_url_refuses_to_start_with_the_reason() -> None:
    result = manage("check", PUBLIC_BASE_URL="http://portal.example.com")
    assert result.returncode != 0
    assert "PUBLIC_BASE_URL='http://portal.example.com' uses plain http" in result.stderr
    assert manage("check", PUBLIC_BASE_URL="https://portal.example.com").returncode == 0
