"""Field types for API input that accept exactly what the OpenAPI schema promises.

pydantic is lax by default: it reads `0` or "0" as a date (the Unix epoch). A date we are sent
must be written as one."""

import datetime as dt
import re
from typing import Annotated

from django.utils.translation import gettext
from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, Field, Strict

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


# The id of a row: a positive 64-bit integer. Anything larger cannot name a row (and would
# overflow the database's integer), so it is a 422 like any other malformed id.
ObjectId = Annotated[int, Strict(), Field(ge=1, le=2**63 - 1)]
# JSON's true/false only (pydantic would also take 0, 1, "yes").
Flag = Annotated[bool, Strict()]
