"""The PortalError family: what the merchant or operator must know, each kind caught where it is handled.

Pure Python, no Django. A platform's own errors (carts/platforms/<platform>/errors.py) become the
StoreError kinds below at its edge; services raise InvalidInput and NotReady.
"""
from __future__ import annotations


class PortalError(Exception):
    """Something the merchant or operator must know; the message is safe to show and says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InvalidInput(PortalError):
    """What was entered cannot be accepted as it is (a SKU another item has, an unknown cart name …)."""


class NotReady(PortalError):
    """The action needs a setting or a step first (a status to import, a passed Test Connection …)."""


class StoreError(PortalError):
    """The store could not be reached or read; `transient` when asking again later may succeed."""

    transient: bool = False

    def __init_subclass__(cls, *, transient: bool | None = None, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if transient is not None:
            cls.transient = transient

    def __init__(self, message: str, *, status: int | None = None, path: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.path = path  # the request path only: never the host's secrets or the token

    def __str__(self) -> str:
        where = f" [{self.status or '-'} {self.path}]" if self.path else ""
        return f"{self.message}{where}"


class StoreAuthenticationFailed(StoreError):
    """The store refused the credentials (wrong, mistyped or revoked)."""


class StoreAccessMissing(StoreError):
    """The credentials lack a permission (an OAuth scope) the request needs."""


class StoreNotFound(StoreError):
    """The store, or the thing asked for, does not exist."""


class StoreRequestRejected(StoreError):
    """The store refused the request as malformed or invalid."""


class StoreRateLimited(StoreError, transient=True):
    """The store's request quota stayed used up for as long as the session may wait."""


class StoreUnavailable(StoreError, transient=True):
    """The store failed (a server error) or did not answer (network, timeout)."""


class StoreAnswerInvalid(StoreError, transient=True):
    """The store answered, but not with what its API documents (truncated, not JSON, wrong shape)."""


class StoreAddressRefused(StoreError):
    """The store's address is not one the portal may contact; nothing was sent."""
