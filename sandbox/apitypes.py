"""Requests, responses and errors shared by the API router and its endpoint modules.

Error bodies follow the specs: v2 answers a JSON array of {status, message} (orders.v2 404_Resp),
v3 an object {status, title, type, errors} (catalog GeneralErrorWithErrors).
"""

import json
from dataclasses import dataclass, field

ERROR_TYPE_URL = "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes"


class ApiError(Exception):
    """An error answer with an HTTP status and a message safe to show."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def error_body(version: str, status: int, message: str) -> object:
    """The error body the given API version sends."""
    if version == "v2":
        return [{"status": status, "message": message}]
    return {"status": status, "title": message, "type": ERROR_TYPE_URL, "errors": {}}


@dataclass(frozen=True, slots=True)
class ApiRequest:
    """One API request, its path relative to the version root (e.g. '/orders/5')."""

    method: str
    version: str
    path: str
    query: dict[str, str]
    body: bytes
    api_root: str  # "http://127.0.0.1:PORT/stores/HASH", for the URLs the API puts in its bodies
    client_id: str = ""  # the API account's, for what belongs to an account (webhooks)

    def json_body(self) -> object:
        """The request body parsed as JSON; raises ApiError 400 when it is not JSON."""
        try:
            return json.loads(self.body or b"null")
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise ApiError(400, "The request body is not valid JSON.") from None


@dataclass(slots=True)
class ApiResponse:
    """What to send back: a JSON body (None for no body) and extra headers."""

    status: int
    body: object | None
    headers: dict[str, str] = field(default_factory=dict)
    endpoint: str = ""  # the route template, e.g. 'GET /v2/orders/{order_id}', for the request counters
