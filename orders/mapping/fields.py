"""Typed reads of a JSON answer: each wrong shape becomes an OrderMappingError naming the field.

Platform-neutral; the platform modules say which field they read and what it means.
"""
from __future__ import annotations

import datetime
import re
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any

from orders.mapping.errors import OrderMappingError

# More than any store sells on one line, small enough that arithmetic on it stays exact.
LARGEST_QUANTITY = 10_000_000
LARGEST_ID = 2**63 - 1
WHOLE_NUMBER_TEXT = re.compile(r"-?[0-9]{1,19}")


def as_object(value: object, *, what: str) -> dict[str, Any]:
    """The value as a JSON object, or an error saying it is not one."""
    if not isinstance(value, dict):
        raise OrderMappingError(f"{what} is not an object as the store documents it (got {type_name(value)}).")
    return value


def optional_object(value: object, *, what: str) -> dict[str, Any]:
    """A JSON object, {} when absent (null)."""
    return {} if value is None else as_object(value, what=what)


def objects(value: object, *, what: str) -> list[dict[str, Any]]:
    """A JSON list of objects; [] when absent (null)."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise OrderMappingError(f"{what} is not a list as the store documents it (got {type_name(value)}).")
    return [as_object(entry, what=f"an entry of {what}") for entry in value]


def text(value: object) -> str:
    """A label or name as text; '' when absent or not text (labels never decide money)."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return str(value)
    return ""


def whole_number(value: object, *, what: str, minimum: int = 0, maximum: int = LARGEST_QUANTITY) -> int:
    """A whole number within bounds (a JSON integer, an integral float, or digits in a string)."""
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and WHOLE_NUMBER_TEXT.fullmatch(value.strip()):
        number = int(value.strip())
    if number is None:
        raise OrderMappingError(f"{what} is not a whole number ({shown(value)}).")
    if not minimum <= number <= maximum:
        raise OrderMappingError(f"{what} is {number}, outside {minimum}–{maximum}.")
    return number


def identifier(value: object, *, what: str) -> int:
    """A required positive id."""
    return whole_number(value, what=what, minimum=1, maximum=LARGEST_ID)


def optional_identifier(value: object) -> int | None:
    """A positive id, or None when absent, zero or not an id."""
    try:
        return whole_number(value, what="id", minimum=0, maximum=LARGEST_ID) or None
    except OrderMappingError:
        return None


def flag(value: object) -> bool:
    """A JSON boolean; only true is true."""
    return value is True


def rfc2822_date(value: object, *, what: str) -> datetime.datetime:
    """An RFC-2822 date (as v2 answers give, always UTC) as an aware datetime."""
    if not isinstance(value, str) or not value.strip():
        raise OrderMappingError(f"its {what} {shown(value)} is not an RFC-2822 date.")
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        raise OrderMappingError(f"its {what} {shown(value)} is not an RFC-2822 date.") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def iso_date(value: object, *, what: str) -> datetime.datetime | None:
    """An ISO-8601 / RFC-3339 date-time (as v3 answers give) as an aware datetime; None when absent."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise OrderMappingError(f"{what} {shown(value)} is not a date.")
    try:
        moment = datetime.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise OrderMappingError(f"{what} {shown(value)} is not a date.") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def type_name(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "text", bool: "true/false", type(None): "nothing"}
    return names.get(type(value), "a number" if isinstance(value, (int, float)) else type(value).__name__)


def shown(value: object) -> str:
    """The value as the message shows it, cut short."""
    text_value = repr(value)
    return text_value if len(text_value) <= 40 else text_value[:37] + "..."
