"""Errors typed by what the caller can do about them.

Every error carries the HTTP status (when there was one), the request path (never the host's
query secrets or the token) and a message that is safe to show a merchant.
"""
from __future__ import annotations


class BigCommerceError(Exception):
    """Base class: something went wrong talking to BigCommerce."""

    #: Whether repeating the same request later may succeed.
    transient: bool = False

    def __init__(self, message: str, *, status: int | None = None, path: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.path = path

    def __str__(self) -> str:
        where = f" [{self.status or '-'} {self.path}]" if self.path else ""
        return f"{self.message}{where}"


class AuthenticationFailed(BigCommerceError):
    """401: the access token is wrong, mistyped or revoked."""


class MissingScope(BigCommerceError):
    """403: the API account lacks an OAuth scope the request needs."""


class NotFound(BigCommerceError):
    """404: the store hash or the requested resource does not exist."""


class RequestRejected(BigCommerceError):
    """Another 4xx: BigCommerce refused the request as malformed or invalid."""


class RateLimited(BigCommerceError):
    """429 still returned after the client waited and retried as long as it may."""

    transient = True


class ServerError(BigCommerceError):
    """5xx: BigCommerce failed or is down for maintenance."""

    transient = True


class NetworkError(BigCommerceError):
    """No usable answer: connection refused or reset, DNS failure, or a timeout."""

    transient = True


class InvalidResponse(BigCommerceError):
    """An answer that is not the JSON the API documents: not JSON, truncated, or the wrong shape."""

    transient = True


class HostNotAllowed(BigCommerceError):
    """The request would go to a host that is not an allowed BigCommerce API host; nothing was sent."""


class UnexpectedRedirect(InvalidResponse):
    """A 3xx: redirects are never followed, since they could lead the token to another host."""

    transient = False
