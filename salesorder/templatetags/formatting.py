"""Template filters for money, counts, rates and sums; registered as built-ins, so every template has them."""
from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django import template

from salesorder import formatting

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
