"""Field types for API input that accept exactly what the OpenAPI schema promises, and the
one pagination every list endpoint uses.

pydantic is lax by default: it reads `0` or "0" as a date (the Unix epoch). A date we are sent
must be written as one."""

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated

from django.utils.translation import gettext
from ninja import Schema
from ninja.pagination import PageNumberPagination
from pydantic import BeforeValidator, ConfigDict, Field, Strict, field_validator

from pacekeeper.lib.ids import MAX_ID, parse_id
from pacekeeper.lib.text import clean_strings

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _date_as_written(value: object) -> object:
    if isinstance(value, dt.date) or (isinstance(value, str) and _ISO_DATE.match(value)):
        return value
    raise ValueError(gettext("Write the date as YYYY-MM-DD."))


IsoDate = Annotated[dt.date, BeforeValidator(_date_as_written)]


class BodySchema(Schema):
    """A request body: a field we do not take (an `org`, an `owner` where none is accepted) is
    refused with 422 instead of silently ignored, so nobody believes they set it."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _clean_text(cls, value: object) -> object:
        """Control characters pasted into text are cleaned once, here (lib.text)."""
        return clean_strings(value)


# The id of a row in a JSON body: a positive 64-bit integer. Anything larger cannot name a row
# (and would overflow the database's integer), so it is a 422 like any other malformed id.
ObjectId = Annotated[int, Strict(), Field(ge=1, le=MAX_ID)]


def _id_as_written(value: object) -> object:
    if parse_id(value) is None:
        raise ValueError(gettext("Not a valid id: write a whole number of at most 19 digits (0-9)."))
    return int(value)


# The id of a row in a query string, where every value arrives as text (a strict integer type
# could never be read from there). The same rule as pages: lib.ids.parse_id.
QueryId = Annotated[int, Field(ge=1, le=MAX_ID), BeforeValidator(_id_as_written)]
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
