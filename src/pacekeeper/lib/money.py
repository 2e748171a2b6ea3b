"""Exact money (DESIGN rule 5): integer minor units in storage, Decimal in Python.

Every conversion from a decimal amount to minor units rounds ROUND_HALF_UP, here and only here.
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# ISO 4217 minor-unit exponents of the currencies an organisation may choose.
CURRENCY_EXPONENTS = {"CNY": 2, "HKD": 2, "USD": 2, "EUR": 2, "GBP": 2, "SGD": 2, "JPY": 0}
CURRENCY_SYMBOLS = {"CNY": "¥", "HKD": "HK$", "USD": "$", "EUR": "€", "GBP": "£", "SGD": "S$", "JPY": "¥"}

# The one size limit of an amount people type, on every path (forms, API, imports): 16 digits,
# 2 after the point, so below 10^14 major units. Minor units then stay far inside a BigInteger.
AMOUNT_DIGITS = 16
AMOUNT_PLACES = 2
AMOUNT_LIMIT = Decimal(10) ** (AMOUNT_DIGITS - AMOUNT_PLACES)


class AmountError(ValueError):
    """A text that is not an amount of money."""


def exponent(currency: str) -> int:
    return CURRENCY_EXPONENTS.get(currency, 2)


def to_minor(amount: Decimal, currency: str = "CNY") -> int:
    """Decimal major units → integer minor units, rounding half up."""
    places = exponent(currency)
    return int(amount.scaleb(places).to_integral_value(rounding=ROUND_HALF_UP))


def from_minor(minor: int, currency: str = "CNY") -> Decimal:
    return Decimal(minor).scaleb(-exponent(currency))


_AMOUNT_NOISE = re.compile(r"[\s,，¥￥$€£]|RMB|CNY|元", re.IGNORECASE)
_PLAIN_AMOUNT = re.compile(r"-?\d+(?:\.\d+)?")


def parse_amount(text: str | int | float | Decimal) -> Decimal:
    """Read an amount as people type it: "1,234.50", "¥1,234.50", "￥ 1234", "-12.5", "1234元".

    Floats (from XLSX cells) go through their shortest repr so 0.1 stays 0.1.
    """
    if isinstance(text, Decimal):
        return text
    if isinstance(text, int):
        return Decimal(text)
    if isinstance(text, float):
        return Decimal(repr(text))
    text = str(text)
    if _PLAIN_AMOUNT.fullmatch(text):
        return Decimal(text)  # the common case, no cleaning needed
    cleaned = _AMOUNT_NOISE.sub("", text)
    negative = cleaned.startswith("(") and cleaned.endswith(")")
    cleaned = cleaned.strip("()")
    if not cleaned:
        raise AmountError("empty amount")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as error:
        raise AmountError(f"not an amount: {text!r}") from error
    if not value.is_finite():
        raise AmountError(f"not an amount: {text!r}")
    return -value if negative else value
