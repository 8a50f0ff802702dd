"""A cap on every request's body, refused with 413 before anything reads it (the CSRF check included).

DATA_UPLOAD_MAX_MEMORY_SIZE bounds only what Django keeps in memory; this bounds what a view reads.
"""
from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

# Views that refuse a body over a larger limit of their own before reading it, with a page of their own.
VIEWS_WITH_THEIR_OWN_LIMIT = frozenset({
    "items:import",  # the items CSV upload: 10 MB (items.csv_files.MAX_UPLOAD_BYTES), checked in items.views
})


def request_body_length(request: HttpRequest) -> int:
    """The body size the client declared; Django reads no more than this, and nothing without it."""
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


class RequestBodyLimitMiddleware:
    """Refuses a body over REQUEST_BODY_MAX_BYTES with 413 and what to do; must come before CsrfViewMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Callable, view_args: tuple, view_kwargs: dict) -> HttpResponse | None:
        if request.resolver_match.view_name in VIEWS_WITH_THEIR_OWN_LIMIT:
            return None
        size = request_body_length(request)
        limit = settings.REQUEST_BODY_MAX_BYTES
        if size <= limit:
            return None
        return render(request, "request_too_large.html", {"size": size, "limit": limit}, status=413)
