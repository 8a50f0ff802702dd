"""Template filters for money, counts, rates and sums; registered as built-ins, so every template has them."""
from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django import template

from salesorder import formatting
from salesorder.time_zones import in_store_time_zone

register = template.Library()


@register.filter
def money(amount: object, currency: str = "") -> str:
    """{{ record.total|money:record.currency }} → '$152.64'; without a currency, the amount alone."""
    return formatting.money_text(amount, currency)


@register.filter
def number(value: object) -> str:
    """{{ page.paginator.count|number }} → '19,107'."""
    return formatting.number_text(value)


@register.filter
def rate(value: object) -> str:
    """{{ record.exchange_rate|rate }} → '0.92': every decimal the rate has, none added."""
    return formatting.rate_text(value)


@register.filter
def percent(fraction: object) -> str:
    """{{ line.tax_rate|percent }} → '8.25%' (a rate kept as the fraction 0.0825)."""
    return formatting.percent_text(fraction)


@register.filter
def counted(value: object, noun: str) -> str:
    """{{ lines|length|counted:"line" }} → '1 line' / '2 lines'; {{ n|counted:"pass,passes" }}."""
    return formatting.counted_text(value, noun)


@register.filter
def sum_of(records: Iterable[object], attribute: str) -> Decimal:
    """{{ record.lines.all|sum_of:"amount_ex_tax"|money:record.currency }}: the exact sum, to format after."""
    return formatting.sum_of(records, attribute)


@register.filter
def negated(amount: object) -> Decimal | None:
    """{{ discount.amount_ex_tax|negated|money:currency }} → '-$10.00', the sign where the locale puts it."""
    number = formatting.as_decimal(amount)
    return None if number is None else -number


@register.filter
def store_date(moment: datetime.datetime | None, cart: object) -> str:
    """{{ record.transaction_date|store_date:record.cart }} → '30 Nov 2026', the date the store gave the order (its
    time zone: an evening order in Chicago is not the next day's here)."""
    if moment is None:
        return ""
    return in_store_time_zone(moment, getattr(cart, "store_timezone", "") or "", "j M Y")
