"""Field types for API input that accept exactly what the OpenAPI schema promises, and the
one pagination every list endpoint uses.

pydantic is lax by default: it reads `0` or "0" as a date (the Unix epoch). A date we are sent
must be written as one."""

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated

from django.utils import timezone
from django.utils.translation import gettext
from ninja import Schema
from ninja.pagination import PageNumberPagination
from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)

from pacekeeper.errors import ValidationFailed
from pacekeeper.lib import date_rules
from pacekeeper.lib.ids import MAX_ID, parse_id
from pacekeeper.lib.money import AMOUNT_DIGITS, AMOUNT_PLACES
from pacekeeper.lib.text import clean_strings

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _date_as_written(value: object) -> object:
    if isinstance(value, dt.date) or (isinstance(value, str) and _ISO_DATE.match(value)):
        return value
    raise ValueError(gettext("Write the date as YYYY-MM-DD."))


IsoDate = Annotated[dt.date, BeforeValidator(_date_as_written)]


def _moment_in_window(value: dt.datetime, info: ValidationInfo) -> dt.datetime:
    """A moment inside the window of business dates (lib.date_rules), judged on its date as
    written and before any conversion: year 1 or 9999 overflows when moved to another time zone
    (a 500). The organisation's own today is the service's to apply; today in UTC is at most a
    day apart, far from the edges of what a datetime can hold.

    Refused as the services refuse any date outside the window (a 400 on the field, like an
    `IsoDate` of 1900): the schema's `date-time` cannot state the window, so a 422 would call
    input the schema allows malformed."""
    if problem := date_rules.window_problem(value.date(), timezone.now().date()):
        raise ValidationFailed({info.field_name or "": [problem]})
    return value


# Every date and time a client sends us (an interaction's `occurred_at`).
BusinessMoment = Annotated[dt.datetime, AfterValidator(_moment_in_window)]


class BodySchema(Schema):
    """A request body: a field we do not take (an `org`, an `owner` where none is accepted) is
    refused with 422 instead of silently ignored, so nobody believes they set it."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _clean_text(cls, value: object) -> object:
        """Control characters pasted into text are cleaned once, here (lib.text)."""
        return clean_strings(value)


def _json_integer(value: object) -> object:
    """A JSON integer: 12, or 12.0 (the same number to JSON Schema), never "12", true or 12.5."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise ValueError(gettext("Write a whole number."))


def json_int(**bounds) -> object:
    """A whole number in a JSON body (pydantic would also read "12" and true; its strict mode
    refuses 12.0), with its bounds (ge=, le=) stated in the schema."""
    return Annotated[int, Field(**bounds), BeforeValidator(_json_integer)]


JsonInt = json_int()
# The id of a row in a JSON body: a positive 64-bit integer. Anything larger cannot name a row
# (and would overflow the database's integer), so it is a 422 like any other malformed id.
ObjectId = Annotated[int, Field(ge=1, le=MAX_ID), BeforeValidator(_json_integer)]


def _id_as_written(value: object) -> int:
    if parse_id(value) is None:
        raise ValueError(gettext("Not a valid id: write a whole number of at most 19 digits (0-9)."))
    return int(value)


# The id of a row in a query string, where every value arrives as text (a strict integer type
# could never be read from there). The same rule as pages: lib.ids.parse_id.
QueryId = Annotated[int, Field(ge=1, le=MAX_ID), BeforeValidator(_id_as_written)]
# The same, as the key of a JSON object ({"12": 4}: criterion 12 rated 4).
IdKey = Annotated[int, BeforeValidator(_id_as_written)]
ID_KEY_SCHEMA = {"propertyNames": {"pattern": "^[1-9][0-9]{0,18}$"}}
# A decimal number sent as text, never a float: money in major units of the organisation's
# currency ("15000.00"), scores and percentages ("87.5"). Always written out in full, never in
# exponent form ("1E+2"), so that the pattern holds for every value we send.
DECIMAL_PATTERN = r"^-?[0-9]+(\.[0-9]+)?$"
DecimalText = Annotated[str, Field(pattern=DECIMAL_PATTERN, examples=["87.5"])]
MoneyText = Annotated[
    str,
    Field(
        pattern=DECIMAL_PATTERN,
        examples=["15000.00"],
        description="an amount in major units of the organisation's currency, as a decimal string",
    ),
]


def decimal_text(value: Decimal | int | None) -> str | None:
    """A Decimal as the API writes it (DecimalText): positional notation, no exponent."""
    return None if value is None else format(Decimal(value), "f")


# JSON's true/false only (pydantic would also take 0, 1, "yes").
Flag = Annotated[bool, Strict()]


class Page(PageNumberPagination):
    """50 rows a page by default, at most 500; page numbers are bounded so that an absurd one
    (schemathesis sent 10^24) is a 422, not an offset the database cannot hold."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=10_000_000)
        page_size: int | None = Field(None, ge=1, le=500)

    def __init__(self, page_size: int = 50, max_page_size: int = 500, **kwargs) -> None:
        super().__init__(page_size=page_size, max_page_size=max_page_size, **kwargs)


def _without_default(schema: dict) -> None:
    schema.pop("default", None)


def omittable(**constraints) -> object:
    """A field a PATCH may leave out (the row keeps its value) but may not send as null: typed
    without `| None`, so null is a 422 on that field and the schema does not offer it. Only
    fields whose null means something (clear a date, detach a parent) are typed `X | None`."""
    return Field(None, json_schema_extra=_without_default, **constraints)


def _decimal_as_written(pattern: re.Pattern):
    def check(value: object) -> object:
        if isinstance(value, Decimal):  # from our own code (a schema that is also an answer)
            return value
        if isinstance(value, str) and pattern.fullmatch(value):
            return value
        raise ValueError(gettext('Write the number as text, like "15000.00".'))

    return check


def decimal_string(*, digits: int, places: int, signed: bool = True, pattern: str = "", **bounds) -> object:
    """A decimal number in a JSON body, sent as a string ("15000.00", never 15000.0: a float
    cannot hold every amount exactly), with at most `digits` digits, `places` of them after the
    point. The pattern says all of it, so that a client (and schemathesis) knows what is valid;
    `pattern` replaces it where bounds need saying too (a percentage up to 100)."""
    sign = "-?" if signed else ""
    pattern = pattern or rf"^{sign}[0-9]{{1,{digits - places}}}(\.[0-9]{{1,{places}}})?$"
    return Annotated[
        Decimal,
        BeforeValidator(_decimal_as_written(re.compile(pattern))),
        Field(max_digits=digits, decimal_places=places, **bounds),
        WithJsonSchema({"type": "string", "pattern": pattern}),
    ]


# Money sent to us: major units of the organisation's currency, two decimals at most.
MoneyIn = decimal_string(digits=AMOUNT_DIGITS, places=AMOUNT_PLACES)
MoneyInPositive = decimal_string(digits=AMOUNT_DIGITS, places=AMOUNT_PLACES, signed=False)
