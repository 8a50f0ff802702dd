"""Money and counts as a merchant reads them: per currency and locale, expected values written from the rules.

Expected strings follow CLDR's published patterns (en: "¤#,##0.00", grouping ",", decimal "."; de: "#,##0.00 ¤",
grouping ".", decimal ","; en-GB marks the US dollar "US$", en-US plain "$") and ISO 4217's minor units
(USD, EUR, GBP 2 decimals; JPY 0; KWD 3). Amounts are rounded half up, as BigCommerce rounds to the minor unit.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.template import Context, Template
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from salesorder.formatting import counted_text, money_text, number_text, percent_text, rate_text, sum_of

# ISO 4217 minor units, written here by hand (not read from Babel, whose data the code under test uses).
ISO_4217_DECIMALS = {"USD": 2, "EUR": 2, "GBP": 2, "CAD": 2, "JPY": 0, "KWD": 3}
NO_BREAK_SPACE = "\u00a0"


@pytest.mark.parametrize(("language", "amount", "currency", "expected"), [
    ("en-us", "152.6400", "USD", "$152.64"),
    ("en-gb", "152.6400", "USD", "US$152.64"),
    ("en-gb", "152.6400", "GBP", "£152.64"),
    ("en-us", "1234.5", "EUR", "€1,234.50"),
    ("de", "1234.5", "EUR", f"1.234,50{NO_BREAK_SPACE}€"),
    ("en-us", "1234.5000", "JPY", "¥1,235"),
    ("en-us", "3.1235", "KWD", f"KWD{NO_BREAK_SPACE}3.124"),
    ("en-us", "-10.8300", "USD", "-$10.83"),
    ("en-us", "0.005", "USD", "$0.01"),
    ("en-us", "19107", "CAD", "CA$19,107.00"),
])
def test_money_is_written_per_currency_and_locale(language: str, amount: str, currency: str, expected: str) -> None:
    with translation.override(language):
        assert money_text(Decimal(amount), currency) == expected


def test_money_without_a_currency_keeps_up_to_four_places_and_at_least_cents() -> None:
    with translation.override("en-us"):
        assert [money_text(Decimal(amount)) for amount in ("80.9500", "0.0125", "19107")] == [
            "80.95", "0.0125", "19,107.00"]


@pytest.mark.parametrize("value", [None, "", "n/a", float("nan"), Decimal("Infinity")])
def test_money_that_is_not_a_number_shows_a_dash(value: object) -> None:
    assert money_text(value, "USD") == "—"


@given(
    amount=st.decimals(min_value=Decimal("-999999999"), max_value=Decimal("999999999"), places=4),
    currency=st.sampled_from(sorted(ISO_4217_DECIMALS)),
)
def test_money_read_back_is_the_amount_rounded_half_up_to_the_minor_unit(amount: Decimal, currency: str) -> None:
    with translation.override("en-us"):
        text = money_text(amount, currency)
    digits = "".join(character for character in text if character.isdigit() or character in ".-")
    places = ISO_4217_DECIMALS[currency]
    expected = amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    assert Decimal(digits) == expected
    if places:
        assert digits.split(".")[1] == f"{abs(expected):.{places}f}".split(".")[1]
    else:
        assert "." not in digits


@given(count=st.integers(min_value=-10**12, max_value=10**12))
def test_counts_are_grouped_in_threes(count: int) -> None:
    with translation.override("en-us"):
        text = number_text(count)
    assert text == f"{count:,}"
    with translation.override("de"):
        assert number_text(count) == f"{count:,}".replace(",", ".")


@pytest.mark.parametrize(("count", "noun", "expected"), [
    (1, "line", "1 line"),
    (2, "line", "2 lines"),
    (0, "line", "0 lines"),
    (19107, "item", "19,107 items"),
    (1, "pass,passes", "1 pass"),
    (3, "pass,passes", "3 passes"),
])
def test_counted_nouns_agree_with_their_number(count: int, noun: str, expected: str) -> None:
    with translation.override("en-us"):
        assert counted_text(count, noun) == expected


@given(st.lists(st.decimals(min_value=Decimal("0"), max_value=Decimal("99999"), places=4), max_size=30))
def test_sum_of_is_exact(amounts: list[Decimal]) -> None:
    class Line:
        def __init__(self, amount: Decimal) -> None:
            self.amount_ex_tax = amount

    total = Decimal(0)
    for amount in amounts:
        total += amount
    assert sum_of([Line(amount) for amount in amounts], "amount_ex_tax") == total


def test_the_filters_are_available_in_every_template_without_load() -> None:
    template = Template('{{ total|money:currency }} · {{ lines|length|counted:"line" }} · {{ count|number }} · '
                        '{{ discount|negated|money:currency }}')
    with translation.override("en-us"):
        text = template.render(Context({"total": Decimal("152.6400"), "currency": "USD", "lines": [1],
                                        "count": 19107, "discount": Decimal("10")}))
    assert text == "$152.64 · 1 line · 19,107 · -$10.00"


@pytest.mark.parametrize(("language", "rate", "expected"), [
    ("en", "0.0825", "8.25%"), ("en", "0.08875", "8.875%"), ("en", "0.2", "20%"), ("en", "0", "0%"),
    ("de", "0.0825", "8,25\u00a0%"),
])
def test_a_tax_rate_is_written_as_the_locale_writes_percentages_with_every_decimal(language, rate, expected) -> None:
    with translation.override(language):
        assert percent_text(Decimal(rate)) == expected


@pytest.mark.parametrize(("language", "rate", "expected"), [
    ("en", "0.9200000000", "0.92"), ("en", "1.0857312", "1.0857312"), ("en", "1250.5", "1,250.5"), ("de", "0.92", "0,92"),
])
def test_an_exchange_rate_keeps_every_decimal_it_has_and_adds_none(language, rate, expected) -> None:
    with translation.override(language):
        assert rate_text(Decimal(rate)) == expected
