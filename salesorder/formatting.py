"""Numbers and money as a merchant reads them: per currency and locale, from the CLDR data Babel ships.

Babel is used rather than hand-written patterns because CLDR knows each locale's separators, symbol
placement and each currency's minor unit (JPY 0 decimals, USD 2, KWD 3); Python's locale module would
depend on the machine's installed locales and Django's number formatting knows no currencies.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel import Locale, UnknownLocaleError
from babel.numbers import UnknownCurrencyError, format_currency, format_decimal, format_percent, get_currency_precision
from django.conf import settings
from django.utils import translation

MISSING = "—"
# Without a currency the minor unit is unknown: show at least cents and keep up to the 4 places stored.
AMOUNT_PATTERN = "#,##0.00##"
# CLDR's currencySpacing rule, which Babel does not apply: a symbol made of letters ("KWD", "CHF") is kept
# apart from the digits by a no-break space ("KWD 3.124"), a sign like "$" is not ("$152.64").
LETTER_BESIDE_DIGIT = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")


@functools.lru_cache(maxsize=64)
def _babel_locale(language_code: str) -> Locale:
    try:
        return Locale.parse(translation.to_locale(language_code))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(translation.to_locale(settings.LANGUAGE_CODE))


def display_locale() -> Locale:
    """The locale of the active language (LANGUAGE_CODE unless a request or test activated another)."""
    return _babel_locale(translation.get_language() or settings.LANGUAGE_CODE)


def as_decimal(value: object) -> Decimal | None:
    """A Decimal from a model value, a string or an int; None for anything that is not a finite number."""
    if value is None or value == "" or isinstance(value, (bool, float)):
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def money_text(amount: object, currency: str = "", *, locale: Locale | None = None) -> str:
    """'$152.64', '1.234,50 €', '¥1,235': rounded half up to the currency's minor unit, as the store rounds."""
    number = as_decimal(amount)
    if number is None:
        return MISSING
    locale = locale or display_locale()
    code = (currency or "").strip().upper()
    if not code:
        return format_decimal(number, format=AMOUNT_PATTERN, locale=locale)
    try:
        places = get_currency_precision(code)
    except UnknownCurrencyError:
        places = 2
    rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return LETTER_BESIDE_DIGIT.sub("\u00a0", format_currency(rounded, code, locale=locale))


def number_text(value: object, *, locale: Locale | None = None) -> str:
    """A count or quantity with the locale's grouping: '19,107' (en), '19.107' (de)."""
    number = as_decimal(value)
    if number is None:
        return MISSING
    return format_decimal(number, locale=locale or display_locale())


def rate_text(value: object, *, locale: Locale | None = None) -> str:
    """A rate as the locale writes numbers, every decimal kept and none added: 0.9200000000 → '0.92', 1.0857 → '1.0857'."""
    number = as_decimal(value)
    if number is None:
        return MISSING
    return format_decimal(number.normalize(), locale=locale or display_locale(), decimal_quantization=False)


def percent_text(fraction: object, *, locale: Locale | None = None) -> str:
    """A rate kept as a fraction, as the locale writes percentages, every decimal kept: 0.08875 → '8.875%'."""
    number = as_decimal(fraction)
    if number is None:
        return MISSING
    return format_percent(number.normalize(), locale=locale or display_locale(), decimal_quantization=False)


def counted_text(value: object, noun: str, *, locale: Locale | None = None) -> str:
    """'1 line', '2 lines', '19,107 items'; noun is 'line' or 'singular,plural' ('pass,passes')."""
    singular, _, plural = noun.partition(",")
    number = as_decimal(value)
    word = singular if number == 1 else (plural or f"{singular}s")
    return f"{number_text(value, locale=locale)} {word}"


def sum_of(records: Iterable[object], attribute: str) -> Decimal:
    """The exact sum of one Decimal attribute over records (e.g. the lines' amounts excluding tax)."""
    return sum((as_decimal(getattr(record, attribute)) or Decimal(0) for record in records), Decimal(0))
