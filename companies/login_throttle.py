"""Log-in lockout (django-axes): who an attempt comes from, and the page a locked-out client sees.

Failures are counted per e-mail address typed and client address together, on /login/ and
/admin/login/ alike; the page never says whether the account exists.
"""
from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from carts.platforms.hosts import is_ip_literal


def attempt_client_address(request: HttpRequest) -> str:
    """The client's address: the peer's, or behind TRUSTED_PROXY_COUNT proxies the one the outermost proxy saw."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    # Each proxy appends the address it received from; entries left of those are the client's to invent.
    if proxies and len(forwarded) >= proxies and is_ip_literal(forwarded[-proxies]):
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def lockout_response(request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None) -> HttpResponse:
    """The same page for every locked-out attempt, whether or not the account exists."""
    return render(request, "registration/locked_out.html", {
        "failure_limit": settings.LOGIN_FAILURE_LIMIT,
        "lockout_minutes": settings.LOGIN_LOCKOUT_MINUTES,
    }, status=429)
