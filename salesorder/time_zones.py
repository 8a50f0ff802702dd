"""Times on a cart's pages are shown in its store's time zone (recorded at Test Connection), with the zone named.

A cart view activates the store's zone (`store_time_zone_activate`); the middleware puts the default back
after every request, so a zone never leaks into the next request the same thread serves.
"""
from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import dateformat, timezone


def store_time_zone(name: str) -> zoneinfo.ZoneInfo | None:
    """The zone the store named, or None when it named none or one this machine does not know."""
    try:
        return zoneinfo.ZoneInfo(name) if name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def in_store_time_zone(moment: datetime.datetime, name: str, text_format: str) -> str:
    """The moment as the store's own screens date it (its zone; the default one when unknown), e.g. for lists that
    mix carts, where no single zone can be activated."""
    zone = store_time_zone(name) or timezone.get_default_timezone()
    return dateformat.format(timezone.localtime(moment, zone), text_format)


def store_time_zone_activate(name: str) -> bool:
    """Show this request's times in the store's zone; False (and the default zone) when it is unknown."""
    zone = store_time_zone(name)
    if zone is None:
        timezone.deactivate()
        return False
    timezone.activate(zone)
    return True


class TimeZoneResetMiddleware:
    """Every request starts, and ends, in the default time zone (TIME_ZONE)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
