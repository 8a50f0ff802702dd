"""Reading query parameters the way both API versions do, with 400s that say what is wrong."""

from sandbox.apitypes import ApiError
from sandbox.dates import parse_timestamp

MAX_PAGE_SIZE = 250  # common-query-params.mdx: the maximum number returned is 250
DEFAULT_PAGE_SIZE = 50


def reject_unsupported(query: dict[str, str], supported: set[str]) -> None:
    """Refuse parameters the sandbox does not implement, rather than silently ignoring a filter."""
    unsupported = sorted(set(query) - supported)
    if unsupported:
        raise ApiError(400, f"The sandbox does not support the query parameter '{unsupported[0]}' here "
                            f"(supported: {', '.join(sorted(supported))}).")


def integer(query: dict[str, str], name: str, *, minimum: int | None = None) -> int | None:
    """An integer parameter, or None when absent."""
    if name not in query:
        return None
    try:
        value = int(query[name])
    except ValueError:
        raise ApiError(400, f"The parameter '{name}' must be an integer, got '{query[name]}'.") from None
    if minimum is not None and value < minimum:
        raise ApiError(400, f"The parameter '{name}' must be at least {minimum}, got {value}.")
    return value


def integer_list(query: dict[str, str], name: str) -> list[int] | None:
    """A comma-separated list of integers (e.g. id:in=1,2,3), or None when absent."""
    if name not in query:
        return None
    try:
        return [int(part) for part in query[name].split(",") if part.strip()]
    except ValueError:
        raise ApiError(400, f"The parameter '{name}' must be a comma-separated list of integers.") from None


def boolean(query: dict[str, str], name: str) -> bool | None:
    """A true/false (or 1/0) parameter, or None when absent."""
    if name not in query:
        return None
    value = query[name].lower()
    if value not in ("true", "false", "1", "0"):
        raise ApiError(400, f"The parameter '{name}' must be true or false, got '{query[name]}'.")
    return value in ("true", "1")


def timestamp(query: dict[str, str], name: str) -> int | None:
    """A date parameter in RFC-2822 or ISO-8601, as a Unix timestamp, or None when absent."""
    if name not in query:
        return None
    try:
        return parse_timestamp(query[name])
    except ValueError:
        raise ApiError(400, f"The parameter '{name}' must be an RFC-2822 or ISO-8601 date, got '{query[name]}'.") from None


def paging(query: dict[str, str]) -> tuple[int, int]:
    """(page, limit): page from 1, limit 1-250 (a larger limit is capped at 250), default 50."""
    page = integer(query, "page", minimum=1) or 1
    limit = integer(query, "limit", minimum=1) or DEFAULT_PAGE_SIZE
    return page, min(limit, MAX_PAGE_SIZE)


def includes(query: dict[str, str]) -> set[str]:
    """The comma-separated sub-resources named by include=."""
    return {part.strip() for part in query.get("include", "").split(",") if part.strip()}
