"""The PUBLIC_BASE_URL rule: where a store can reach this product's webhook receiver (no Django: read by settings).

BigCommerce delivers only to https on port 443 (webhooks.v3.yml: "custom ports are not currently
supported"); plain http is accepted only for a loopback address, so `make run` and tests receive locally.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from carts.platforms.hosts import is_loopback_host


def public_base_url_problem(url: str) -> str:
    """Why `url` cannot be PUBLIC_BASE_URL, with the fix ('' when it can, or when it is empty: webhooks off)."""
    if not url:
        return ""
    example = "e.g. https://portal.example.com"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return f"PUBLIC_BASE_URL={url!r} is not a URL; set the product's public address, {example}."
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return f"PUBLIC_BASE_URL={url!r} must start with https:// and name a host, {example}."
    if parts.username or parts.password or parts.query or parts.fragment:
        return f"PUBLIC_BASE_URL={url!r} must be a plain address without a user, query or fragment, {example}."
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        return (f"PUBLIC_BASE_URL={url!r} uses plain http: stores deliver webhooks only over https "
                f"(plain http is accepted for a loopback address such as http://127.0.0.1:8000, for local use).")
    if parts.scheme == "https" and port not in (None, 443):
        return (f"PUBLIC_BASE_URL={url!r} names port {port}: BigCommerce delivers webhooks only to port 443; "
                "serve the product there (a reverse proxy) and leave the port out.")
    return ""
