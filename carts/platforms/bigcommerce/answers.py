"""Checks on what BigCommerce answered, before and while it is read: its size, its counts, its pages, its fields.

Each refusal is InvalidResponse naming what is wrong, so no answer can exhaust memory, keep a loop
going or reach a caller as an unforeseen exception.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests

from carts.platforms.bigcommerce.constants import (
    HEADER_RATE_LIMIT_LEFT,
    HEADER_RATE_LIMIT_QUOTA,
    HEADER_RATE_LIMIT_RESET_MS,
    HEADER_RATE_LIMIT_WINDOW_MS,
)
from carts.platforms.bigcommerce.errors import InvalidResponse
from carts.platforms.budget import QuotaReading

# No answer the integration reads comes near this (a page of 250 orders with their lines is a few MB);
# anything larger is refused rather than held in memory.
MAX_ANSWER_BYTES = 32 * 1024 * 1024
# Page counts and totals above this are not a store's (BigCommerce caps a catalog far below it).
LARGEST_COUNT = 10**9


@contextmanager
def answer_read(path: str) -> Iterator[None]:
    """Within the block, a field of an answer from `path` read with the wrong shape is InvalidResponse saying which.

    The typed readers (orders.mapping.fields, until they move behind this seam) raise OrderMappingError.
    """
    from orders.mapping import OrderMappingError

    try:
        yield
    except OrderMappingError as error:
        raise InvalidResponse(str(error), path=path) from None


def read_body(response: requests.Response, path: str) -> None:
    """Read the streamed body into the response, refusing one larger than MAX_ANSWER_BYTES."""
    try:
        announced = int(response.headers.get("Content-Length") or 0)
    except ValueError:
        announced = 0
    body = bytearray()
    if announced <= MAX_ANSWER_BYTES:
        for chunk in response.iter_content(chunk_size=256 * 1024):
            body += chunk
            if len(body) > MAX_ANSWER_BYTES:
                break
    if announced > MAX_ANSWER_BYTES or len(body) > MAX_ANSWER_BYTES:
        response.close()
        raise InvalidResponse(f"BigCommerce's answer was larger than {MAX_ANSWER_BYTES // 1024 // 1024} MB, far more "
                              "than any answer the integration reads; it was not read.", status=response.status_code,
                              path=path)
    response._content = bytes(body)  # as requests itself keeps a body it has read, for .content and .json()


def without_nul_characters(value: Any) -> Any:
    """The answer with NUL characters taken out of its text: JSON allows "\\u0000" in a string, PostgreSQL's text
    columns refuse it, and no name, SKU or label needs one."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [without_nul_characters(entry) for entry in value]
    if isinstance(value, dict):
        return {without_nul_characters(key): without_nul_characters(entry) for key, entry in value.items()}
    return value


def answer_count(value: object, what: str, path: str) -> int:
    """A count or id from an answer: a whole JSON number (12 or 12.0) from 0 to LARGEST_COUNT."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= LARGEST_COUNT:
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
        raise InvalidResponse(f"BigCommerce's {what} was {shown}, not a whole number from 0 to {LARGEST_COUNT:,}.",
                              path=path)
    return value


def refuse_repeated_page(items: list[dict[str, Any]], previous: list[dict[str, Any]] | None, page_number: int,
                         path: str) -> None:
    """Refuse a page that is the one before it again: a store ignoring `page` would otherwise be read for ever."""
    if items and items == previous:
        raise InvalidResponse(f"BigCommerce sent page {page_number - 1} again when page {page_number} was asked for; "
                              "reading stopped there.", path=path)


# The store's word on when its window resets is taken up to this long (a header cannot park a worker for hours).
MAX_RESET_MS = 120_000


def quota_reading(response: requests.Response) -> QuotaReading | None:
    """What the answer's X-Rate-Limit-* headers say (api-rate-limits.mdx); None when it has none (an unlimited plan)."""
    left, reset_ms = int_header(response, HEADER_RATE_LIMIT_LEFT), int_header(response, HEADER_RATE_LIMIT_RESET_MS)
    if left is None or reset_ms is None:
        return None
    quota, window_ms = int_header(response, HEADER_RATE_LIMIT_QUOTA), int_header(response, HEADER_RATE_LIMIT_WINDOW_MS)
    return QuotaReading(left=left, reset_ms=min(reset_ms, MAX_RESET_MS),
                        quota=quota if quota and quota > 0 else None,
                        window_ms=min(window_ms, MAX_RESET_MS) if window_ms and window_ms > 0 else None)


def int_header(response: requests.Response, name: str) -> int | None:
    try:
        return int(response.headers[name])
    except (KeyError, ValueError):
        return None
