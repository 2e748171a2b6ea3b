"""The one place that decides which dates people may type or import (DESIGN rule 12).

`lib.dates` reads and shows dates; this module says whether a date makes sense for the business.

- **The window of business dates**: from 1 January 2000 to 31 December of the organisation's
  current year plus ten. Every sale, contract, opportunity, goal, review cycle, payout run,
  team membership and KPI period lies inside it. Earlier dates are typing slips (0001, 1900,
  1970); later ones are too (2099), and ten years covers the longest contract or plan we hold.
- **Facts are not in the future**: what has happened (an interaction, a sale's order date, a
  customer's creation, an opportunity's close) is dated no later than the organisation's
  today plus one day — the day of tolerance covers a device whose clock or time zone is ahead.
- **A next step is not before its interaction**, and lies inside the window.

The functions return a message in the active language, or None; `require_dates` raises the
messages as field errors. Services call them (so pages and the API share them), and the
import row parsers use the same messages in their row report.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from pacekeeper.errors import ValidationFailed

from .formatting import format_date

EARLIEST = dt.date(2000, 1, 1)
YEARS_AHEAD = 10
FACT_TOLERANCE_DAYS = 1


def latest(today: dt.date) -> dt.date:
    """The last business date an organisation whose today is `today` accepts."""
    return dt.date(today.year + YEARS_AHEAD, 12, 31)


def latest_fact(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=FACT_TOLERANCE_DAYS)


def _show(day: dt.date) -> str:
    return format_date(day, get_language() or "zh-hans")


def window_problem(day: dt.date | None, today: dt.date) -> str | None:
    """A date outside the window of business dates, or None."""
    if day is None or EARLIEST <= day <= latest(today):
        return None
    return _("Enter a date between %(earliest)s and %(latest)s.") % {
        "earliest": _show(EARLIEST),
        "latest": _show(latest(today)),
    }


def fact_problem(day: dt.date | None, today: dt.date) -> str | None:
    """A date of something that has happened: inside the window and not in the future."""
    if day is None:
        return None
    if EARLIEST <= day and day > latest_fact(today):
        return _("This records something that has happened: enter a date no later than %(day)s.") % {
            "day": _show(latest_fact(today))
        }
    return window_problem(day, today)


def next_step_problem(next_day: dt.date | None, happened_on: dt.date | None, today: dt.date) -> str | None:
    """A next step's date: inside the window and not before the interaction it follows."""
    if next_day is None:
        return None
    if happened_on is not None and next_day < happened_on and EARLIEST <= next_day:
        return _("The next step cannot be before the interaction (%(day)s).") % {"day": _show(happened_on)}
    return window_problem(next_day, today)


def period_problem(start: dt.date, end: dt.date, today: dt.date) -> str | None:
    """A period (KPI figures, a payout run) must lie inside the window."""
    if EARLIEST <= start and end <= latest(today):
        return None
    return _("Choose a period between %(earliest)s and %(latest)s.") % {
        "earliest": _show(EARLIEST),
        "latest": _show(latest(today)),
    }


def require_dates(
    *,
    today: dt.date,
    business: dict[str, dt.date | None] | None = None,
    facts: dict[str, dt.date | None] | None = None,
) -> None:
    """Raise every problem as a field error: `business` dates must be inside the window,
    `facts` must also not be in the future."""
    errors: dict[str, list[str]] = {}
    for field, day in (business or {}).items():
        if problem := window_problem(_as_date(day), today):
            errors[field] = [problem]
    for field, day in (facts or {}).items():
        if problem := fact_problem(_as_date(day), today):
            errors[field] = [problem]
    if errors:
        raise ValidationFailed(errors)


def _as_date(value: object) -> dt.date | None:
    """Dates only: a value that is not one yet (a form's raw text) is the model's to refuse."""
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None
