"""Field types for API input that accept exactly what the OpenAPI schema promises.

pydantic is lax by default: it reads `0` or "0" as a date (the Unix epoch). A date we are sent
must be written as one."""

import datetime as dt
import re
from typing import Annotated

from pydantic import BeforeValidator

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _date_as_written(value: object) -> object:
    if isinstance(value, dt.date) or (isinstance(value, str) and _ISO_DATE.match(value)):
        return value
    raise ValueError("Write the date as YYYY-MM-DD.")


IsoDate = Annotated[dt.date, BeforeValidator(_date_as_written)]
