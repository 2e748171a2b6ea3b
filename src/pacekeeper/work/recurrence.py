"""The dates a recurring task falls on (docs/work.md, "Recurring tasks"). Pure functions of the
rule's schedule: no database, no clock, so the dates can be worked by hand in the tests.

- **weekly**: on a weekday, every `interval` weeks, counted from the first such weekday on or
  after the start date;
- **monthly** / **quarterly**: on a day of the month, every `interval` months (quarterly: every
  `interval` × 3 months), counted from the start date's month; a month shorter than the day
  (the 31st in April, the 29th–31st in February) uses its last day. Only dates on or after the
  start date count, so a rule starting on 15 January for the 1st first falls on 1 February
  (monthly) or 1 April (quarterly);
- nothing after the end date, when there is one.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

WEEKLY = "weekly"
MONTHLY = "monthly"
QUARTERLY = "quarterly"
# A guard against a runaway loop on a malformed rule; far beyond any window we ask for.
MAX_STEPS = 10_000


@dataclass(frozen=True)
class Schedule:
    frequency: str
    interval: int
    starts_on: dt.date
    ends_on: dt.date | None = None
    weekday: int | None = None  # 0 Monday … 6 Sunday (weekly)
    day_of_month: int | None = None  # 1–31 (monthly, quarterly)


def day_in_month(year: int, month: int, day: int) -> dt.date:
    """`day` of the month, or the month's last day when it is shorter."""
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _weekly(schedule: Schedule, since: dt.date) -> Iterator[dt.date]:
    first = schedule.starts_on + dt.timedelta(days=(schedule.weekday - schedule.starts_on.weekday()) % 7)
    step = 7 * schedule.interval
    skipped = max(0, -(-(since - first).days // step))  # whole steps before `since`, rounded up
    day = first + dt.timedelta(days=skipped * step)
    for _ in range(MAX_STEPS):
        yield day
        day += dt.timedelta(days=step)


def _monthly(schedule: Schedule, since: dt.date) -> Iterator[dt.date]:
    months = schedule.interval * (3 if schedule.frequency == QUARTERLY else 1)
    start = schedule.starts_on.year * 12 + schedule.starts_on.month - 1
    wanted = since.year * 12 + since.month - 1
    index = start + max(0, -(-(wanted - start) // months)) * months  # the first cycle month ≥ since's
    for _ in range(MAX_STEPS):
        year, month = divmod(index, 12)
        if year > dt.MAXYEAR:
            return
        yield day_in_month(year, month + 1, schedule.day_of_month)
        index += months


def occurrences(schedule: Schedule, *, since: dt.date, until: dt.date) -> list[dt.date]:
    """The rule's dates from `since` to `until`, both included (and inside start and end)."""
    since = max(since, schedule.starts_on)
    if schedule.ends_on is not None:
        until = min(until, schedule.ends_on)
    if until < since:
        return []
    dates = _weekly(schedule, since) if schedule.frequency == WEEKLY else _monthly(schedule, since)
    found = []
    for day in dates:
        if day > until:
            break
        if day >= since:
            found.append(day)
    return found


def next_occurrences(schedule: Schedule, *, today: dt.date, count: int = 5) -> list[dt.date]:
    """The next `count` dates from today on (the preview on the rule's page)."""
    since = max(today, schedule.starts_on)
    dates = _weekly(schedule, since) if schedule.frequency == WEEKLY else _monthly(schedule, since)
    found = []
    for day in dates:
        if schedule.ends_on is not None and day > schedule.ends_on:
            break
        if day >= since:
            found.append(day)
            if len(found) == count:
                break
    return found
