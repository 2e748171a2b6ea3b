from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pacekeeper.lib.formatting import format_amount
from pacekeeper.lib.money import AmountError, from_minor, parse_amount, to_minor


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_it_round_trips_minor_units(minor):
    assert to_minor(from_minor(minor)) == minor


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=6, allow_nan=False, allow_infinity=False))
def test_it_rounds_half_up_to_the_fen(amount):
    # Reference: shift by hand, then round half away from zero on the decimal string.
    shifted = amount * 100
    expected = int(shifted.to_integral_value(rounding=ROUND_HALF_UP))
    assert to_minor(amount) == expected


@given(st.integers(min_value=0, max_value=10**12))
def test_it_reads_what_it_writes(minor):
    text = format_amount(minor, "CNY", "en")
    assert to_minor(parse_amount(text)) == minor


@pytest.mark.parametrize(
    "minor,language,short,expected",
    [
        (12_350_000, "zh-hans", True, "¥12.35万"),
        (12_000_000_000, "zh-hans", True, "¥1.20亿"),
        (12_350_000, "en", False, "¥123,500.00"),
        (120_000_000, "en", True, "¥1.2M"),
        (12_350_000, "en", True, "¥123.5K"),
        (-50_000, "zh-hans", True, "-¥500"),
    ],
)
def test_it_formats_amounts_for_each_language(minor, language, short, expected):
    assert format_amount(minor, "CNY", language, short=short) == expected


@pytest.mark.parametrize("text", ["", "abc", "1.2.3", "NaN", "Infinity", "¥"])
def test_it_refuses_what_is_not_an_amount(text):
    with pytest.raises(AmountError):
        parse_amount(text)


def test_it_keeps_float_cells_exact():
    assert parse_amount(0.1) == Decimal("0.1")
