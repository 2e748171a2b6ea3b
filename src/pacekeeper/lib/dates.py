"""Reading and showing dates the way our users write them (UX: numbers, dates and colours)."""

import datetime as dt
import re

# Excel's day zero for the 1900 date system (it counts the non-existent 1900-02-29).
EXCEL_EPOCH = dt.date(1899, 12, 30)

_DATE_PATTERN = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")


class DateError(ValueError):
    """A text that is not a date."""


def parse_date(value: object) -> dt.date:
    """2026-03-05, 2026/3/5, 2026.3.5, 2026年3月5日, an Excel serial number, or a date object."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return excel_serial_to_date(value)
    text = str(value).strip()
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return dt.date.fromisoformat(text)  # the common case, fast
        except ValueError:
            pass
    # Date-times as exported by spreadsheets: keep the date part.
    text = re.split(r"[ T]\d{1,2}:\d{2}", text)[0]
    match = _DATE_PATTERN.match(text)
    if match:
        year, month, day = (int(part) for part in match.groups())
        try:
            return dt.date(year, month, day)
        except ValueError as error:
            raise DateError(f"no such date: {value!r}") from error
    if re.fullmatch(r"\d{1,6}(\.\d+)?", text):
        return excel_serial_to_date(float(text))
    raise DateError(f"not a date: {value!r}")


def excel_serial_to_date(serial: float) -> dt.date:
    if not 1 <= serial < 2958466:  # 1900-01-01 … 9999-12-31
        raise DateError(f"not an Excel date serial: {serial!r}")
    return EXCEL_EPOCH + dt.timedelta(days=int(serial))
