"""Periods: inclusive date ranges in the organisation's time zone (DESIGN rule 6)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.contrib import messages

from pacekeeper.lib import date_rules


class PeriodOutOfRange(ValueError):
    """A period before the first or after the last date Python knows. Inputs never get this far:
    lib.date_rules keeps business periods inside a window of a few decades."""


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("a period ends on or after its start")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same length just before this one (for calendar months, quarters and
        years: the previous month, quarter or year). PeriodOutOfRange before the year 1."""
        try:
            months = _whole_months(self)
            if months:
                start = _add_months(self.start, -months)
                return Period(start, self.start - dt.timedelta(days=1))
            return Period(self.start - dt.timedelta(days=self.days), self.start - dt.timedelta(days=1))
        except (ValueError, OverflowError):
            raise PeriodOutOfRange(f"no period before {self}") from None

    def same_last_year(self) -> Period:
        try:
            return Period(_shift_year(self.start, -1), _shift_year(self.end, -1))
        except (ValueError, OverflowError):
            raise PeriodOutOfRange(f"no year before {self}") from None

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1]))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first = 3 * (quarter - 1) + 1
        return cls(dt.date(year, first, 1), cls.month(year, first + 2).end)

    @classmethod
    def month_of(cls, day: dt.date) -> Period:
        return cls.month(day.year, day.month)

    @classmethod
    def quarter_of(cls, day: dt.date) -> Period:
        return cls.quarter(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    @classmethod
    def parse(cls, text: str) -> Period:
        """2026-03, 2026-Q1, 2026, or 2026-03-01..2026-03-31."""
        text = text.strip()
        if ".." in text:
            start, end = text.split("..", 1)
            return cls(dt.date.fromisoformat(start), dt.date.fromisoformat(end))
        if "-Q" in text.upper():
            year, quarter = text.upper().split("-Q")
            if quarter not in ("1", "2", "3", "4"):  # "Q99999999999999999999" would overflow, not fail
                raise ValueError(f"not a quarter: {text!r}")
            return cls.quarter(int(year), int(quarter))
        if len(text) == 7:
            return cls.month(int(text[:4]), int(text[5:]))
        if len(text) == 4:
            return cls.year(int(text))
        raise ValueError(f"not a period: {text!r}")

    def __str__(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat()}"


def month_span(period: Period) -> Period:
    """The whole calendar months the period touches."""
    last = Period.month_of(period.end)
    return Period(period.start.replace(day=1), last.end)


def split_by_months(period: Period) -> tuple[Period | None, list[Period]]:
    """(the whole calendar months inside the period, or None; the days before and after them)."""
    first = period.start if period.start.day == 1 else _add_months(period.start.replace(day=1), 1)
    after_end = period.end + dt.timedelta(days=1)
    following = after_end.replace(day=1)  # the first day after the last whole month
    if first >= following:
        return None, [period]
    months = Period(first, following - dt.timedelta(days=1))
    edges = [Period(period.start, first - dt.timedelta(days=1))] if first > period.start else []
    if following <= period.end:
        edges.append(Period(following, period.end))
    return months, edges


def _whole_months(period: Period) -> int:
    """How many whole calendar months the period spans exactly, or 0."""
    if period.start.day != 1:
        return 0
    following = period.end + dt.timedelta(days=1)
    if following.day != 1:
        return 0
    return (following.year - period.start.year) * 12 + following.month - period.start.month


def _add_months(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _shift_year(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def period_or(text: str, default: Period) -> Period:
    """The period a page was asked for, or its default when the text is missing or malformed."""
    try:
        return Period.parse(text)
    except ValueError:
        return default


def requested_period(text: str, *, today: dt.date, default: Period) -> tuple[Period, str | None]:
    """The period a page was asked for (?period=): (the period, None); a malformed text gives the
    default quietly, a period outside the window of business dates gives the default and the
    reason to show (lib.date_rules)."""
    period = period_or(text, default)
    problem = date_rules.period_problem(period.start, period.end, today)
    return (default, problem) if problem else (period, None)


def page_period(request, default: Period) -> Period:
    """The period a page shows: the ?period= asked for, else the default; a period outside the
    supported dates shows the default with a message saying why (never an error page)."""
    period, problem = requested_period(request.GET.get("period", ""), today=request.actor.today(), default=default)
    if problem:
        messages.error(request, problem)
    return period


def period_presets(today: dt.date) -> list[tuple[str, Period]]:
    """The periods people pick most: (key for the URL, period), this month first."""
    this_month = Period.month_of(today)
    return [
        ("month", this_month),
        ("last_month", this_month.previous()),
        ("quarter", Period.quarter_of(today)),
        ("year", Period.year(today.year)),
        ("last_year", Period.year(today.year - 1)),
    ]


def like_for_like(period: Period, today: dt.date) -> tuple[Period, Period, bool]:
    """(the span shown, the span it is compared with, whether that is "to date").

    A period still running is shown up to today and compared with the same number of days at
    the start of the previous period (month-to-date against the same days of last month); a
    period that is over is compared whole with the whole previous period. Comparing three days
    with a whole month was the defect this exists for (issue 14)."""
    if not period.start <= today < period.end:
        return period, period.previous(), False
    elapsed = today - period.start
    before = period.previous()
    return Period(period.start, today), Period(before.start, min(before.start + elapsed, before.end)), True
