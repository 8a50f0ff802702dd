"""BigCommerce's failures, typed by what the caller can do about them.

Each is also the platform-neutral StoreError a caller outside this package catches; the message
is safe to show a merchant and the path never carries the token.
"""
from __future__ import annotations

import requests

from carts.platforms import errors as portal


class BigCommerceError(portal.StoreError):
    """Base class: something went wrong talking to BigCommerce."""


class AuthenticationFailed(BigCommerceError, portal.StoreAuthenticationFailed):
    """401: the access token is wrong, mistyped or revoked."""


class MissingScope(BigCommerceError, portal.StoreAccessMissing):
    """403: the API account lacks an OAuth scope the request needs."""


class NotFound(BigCommerceError, portal.StoreNotFound):
    """404: the store hash or the requested resource does not exist."""


class RequestRejected(BigCommerceError, portal.StoreRequestRejected):
    """Another 4xx: BigCommerce refused the request as malformed or invalid."""


class RateLimited(BigCommerceError, portal.StoreRateLimited):
    """429 still returned after the client waited and retried as long as it may."""


class ServerError(BigCommerceError, portal.StoreUnavailable):
    """5xx: BigCommerce failed or is down for maintenance."""


class NetworkError(BigCommerceError, portal.StoreUnavailable):
    """No usable answer: connection refused or reset, DNS failure, or a timeout."""


class InvalidResponse(BigCommerceError, portal.StoreAnswerInvalid):
    """An answer that is not the JSON the API documents: not JSON, truncated, or the wrong shape."""


class HostNotAllowed(BigCommerceError, portal.StoreAddressRefused):
    """The request would go to a host that is not an allowed BigCommerce API host; nothing was sent."""


class UnexpectedRedirect(InvalidResponse, transient=False):
    """A 3xx: redirects are never followed, since they could lead the token to another host."""


def error_for_response(response: requests.Response, path: str) -> BigCommerceError:
    """Map a failed response to the error class a caller can act on."""
    status = response.status_code
    detail = _api_error_detail(response)
    suffix = f" BigCommerce said: {detail}" if detail else ""
    if 300 <= status < 400:
        return UnexpectedRedirect(
            f"BigCommerce answered with a redirect (HTTP {status}); redirects are not followed. "
            "Check the Cart Connect URL.",
            status=status,
            path=path,
        )
    if status == 401:
        return AuthenticationFailed("The access token was refused (401)." + suffix, status=status, path=path)
    if status == 403:
        return MissingScope("The API account lacks a required OAuth scope (403)." + suffix, status=status, path=path)
    if status == 404:
        return NotFound("Not found (404)." + suffix, status=status, path=path)
    if status >= 500:
        return ServerError(f"BigCommerce had a server error ({status})." + suffix, status=status, path=path)
    return RequestRejected(f"BigCommerce refused the request ({status})." + suffix, status=status, path=path)


def _api_error_detail(response: requests.Response) -> str:
    """The title/message from a v3 ({title}) or v2 ([{message}]) error body, shortened."""
    try:
        body = response.json()
    except ValueError:
        return ""
    if isinstance(body, list) and body and isinstance(body[0], dict):
        body = body[0]
    if not isinstance(body, dict):
        return ""
    detail = body.get("title") or body.get("message") or ""
    return str(detail)[:200]
