"""Working time for ticket SLAs: pure functions, no database (docs/tickets.md, "How SLA time is
counted").

A ticket's clock runs only
- on working days: the official Chinese calendar (the `chinesecalendar` package: public holidays
  and 调休 make-up working days, which may fall on a Saturday or Sunday), corrected by the
  organisation's own overrides (a date and whether it is a working day); outside the years the
  package knows, Monday to Friday;
- within the organisation's working hours on those days (e.g. 09:00–18:00), in its time zone;
- while the ticket is in a running state (`running` intervals: new or in progress). Waiting for
  the customer, and the time between resolving and a reopen, pause it.

Times are aware datetimes; the result does not depend on the zone they are given in, only on the
calendar's zone. Work is one step per calendar day between the two moments (a ticket open for a
year costs 365 steps, microseconds each).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import chinese_calendar

Interval = tuple[dt.datetime, dt.datetime | None]  # (start, end); end None: still running


@dataclass(frozen=True)
class WorkCalendar:
    """When an organisation works: its zone, daily hours, the official calendar or not, and
    its overrides by date (True: a working day, False: a day off)."""

    zone: ZoneInfo
    day_start: dt.time = dt.time(9, 0)
    day_end: dt.time = dt.time(18, 0)
    official: bool = True
    overrides: Mapping[dt.date, bool] = field(default_factory=dict)

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if self.official:
            try:
                return chinese_calendar.is_workday(day)
            except NotImplementedError:  # a year the package has no data for
                pass
        return day.weekday() < 5

    def window(self, day: dt.date) -> tuple[dt.datetime, dt.datetime] | None:
        """The working hours of `day` as aware moments, or None on a day off."""
        if not self.is_working_day(day) or self.day_end <= self.day_start:
            return None
        return (
            dt.datetime.combine(day, self.day_start, tzinfo=self.zone),
            dt.datetime.combine(day, self.day_end, tzinfo=self.zone),
        )

    @property
    def seconds_per_day(self) -> int:
        start = dt.datetime.combine(dt.date(2000, 1, 3), self.day_start)
        end = dt.datetime.combine(dt.date(2000, 1, 3), self.day_end)
        return max(int((end - start).total_seconds()), 0)


def working_seconds(calendar: WorkCalendar, start: dt.datetime, end: dt.datetime) -> int:
    """Working seconds between two moments (0 if end is not after start)."""
    if end <= start:
        return 0
    total = 0
    day = start.astimezone(calendar.zone).date()
    last = end.astimezone(calendar.zone).date()
    while day <= last:
        window = calendar.window(day)
        if window is not None:
            low, high = max(start, window[0]), min(end, window[1])
            if high > low:
                total += int((high - low).total_seconds())
        day += dt.timedelta(days=1)
    return total


def elapsed(calendar: WorkCalendar, running: Iterable[Interval], now: dt.datetime) -> int:
    """Working seconds the clock ran over its running intervals, up to `now`."""
    total = 0
    for start, end in running:
        stop = min(end or now, now)
        total += working_seconds(calendar, start, stop)
    return total


def add_working_seconds(calendar: WorkCalendar, start: dt.datetime, seconds: int) -> dt.datetime:
    """The moment `seconds` of working time after `start`. A due moment that falls exactly at
    the end of a working day stays there (18:00), not on the next morning."""
    day = start.astimezone(calendar.zone).date()
    remaining = seconds
    for _step in range(366 * 20):  # a bound: twenty years of days off in a row would be a bug
        window = calendar.window(day)
        if window is not None:
            low = max(start, window[0])
            if low < window[1]:
                available = int((window[1] - low).total_seconds())
                if remaining <= available:
                    return (low + dt.timedelta(seconds=remaining)).astimezone(calendar.zone)
                remaining -= available
        day += dt.timedelta(days=1)
    raise ValueError("no working time in twenty years: check the calendar")


@dataclass(frozen=True)
class Timer:
    """One SLA target of a ticket, as of `now`."""

    target_seconds: int
    elapsed_seconds: int
    running: bool  # False: paused (waiting for the customer) or stopped (met)
    stopped: bool  # the target's event happened (first response given, ticket resolved)
    due_at: dt.datetime | None  # only while running

    @property
    def remaining_seconds(self) -> int:
        return self.target_seconds - self.elapsed_seconds

    @property
    def breached(self) -> bool:
        return self.elapsed_seconds > self.target_seconds

    @property
    def used_share(self) -> float:
        """Elapsed / target (0.8 is the warning threshold); only compared, never shown."""
        return self.elapsed_seconds / self.target_seconds if self.target_seconds else 0.0


def timer(
    calendar: WorkCalendar,
    *,
    running: list[Interval],
    target_seconds: int,
    now: dt.datetime,
    stopped_at: dt.datetime | None = None,
) -> Timer:
    """The state of one target: the working time used over the running intervals (cut at the
    moment the target's event happened, if it did) and, while the clock runs, the due moment."""
    cut = min(now, stopped_at) if stopped_at else now
    used = elapsed(calendar, running, cut)
    is_running = stopped_at is None and bool(running) and running[-1][1] is None
    due = None
    if is_running:
        due = add_working_seconds(calendar, max(running[-1][0], now), max(target_seconds - used, 0))
        if used >= target_seconds:
            due = None  # already past due: the breach is what to show
    return Timer(target_seconds, used, is_running, stopped_at is not None, due)
