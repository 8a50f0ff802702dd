"""What the host of a URL is (pure Python): a loopback host, where plain http is accepted, or an IP literal."""
from __future__ import annotations

import ipaddress

LOOPBACK_NAMES = frozenset({"localhost"})


def is_ip_literal(host: str) -> bool:
    """Whether the host is an IP address written out (127.0.0.1, ::1) rather than a name."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def is_loopback_host(host: str) -> bool:
    """Whether the host is localhost or a loopback address (127.0.0.0/8, ::1)."""
    return host.lower() in LOOPBACK_NAMES or (is_ip_literal(host) and ipaddress.ip_address(host).is_loopback)
