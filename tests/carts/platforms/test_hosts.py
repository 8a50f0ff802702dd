"""What the host of a URL is: loopback (plain http accepted there) or an IP literal (connected to as written)."""
from __future__ import annotations

import pytest

from carts.platforms.hosts import is_ip_literal, is_loopback_host


@pytest.mark.parametrize(("host", "loopback", "literal"), [
    ("localhost", True, False), ("LOCALHOST", True, False), ("127.0.0.1", True, True), ("127.8.9.10", True, True),
    ("::1", True, True), ("10.0.0.1", False, True), ("2001:db8::1", False, True),
    ("api.bigcommerce.com", False, False), ("localhost.example.com", False, False), ("127.0.0.1.nip.io", False, False),
])
def test_a_host_is_loopback_or_an_ip_literal_by_what_it_is_not_how_it_looks(host, loopback, literal) -> None:
    assert (is_loopback_host(host), is_ip_literal(host)) == (loopback, literal)
