"""Dates as BigCommerce writes them (RFC-2822 in v2, ISO-8601 in v3) and reads them in filters."""

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

# Fixed English names: strftime's %a/%b follow the process locale, RFC-2822 does not.
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def rfc2822(timestamp: int) -> str:
    """A Unix timestamp as the v2 API writes it: 'Tue, 05 Mar 2019 21:40:11 +0000'."""
    moment = datetime.fromtimestamp(timestamp, UTC)
    return (
        f"{_DAYS[moment.weekday()]}, {moment.day:02d} {_MONTHS[moment.month - 1]} {moment.year} "
        f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d} +0000"
    )


def iso8601(timestamp: int) -> str:
    """A Unix timestamp as the v3 API writes it: '2018-08-15T14:48:46+00:00'."""
    return datetime.fromtimestamp(timestamp, UTC).isoformat()


def parse_timestamp(text: str) -> int:
    """Read a filter date in RFC-2822 or ISO-8601 (a bare date or naive time is taken as UTC)."""
    text = text.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError) as error:
            raise ValueError(f"not an RFC-2822 or ISO-8601 date: {text!r}") from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


def now_timestamp() -> int:
    """The current time as a whole-second Unix timestamp."""
    return int(datetime.now(UTC).timestamp())
