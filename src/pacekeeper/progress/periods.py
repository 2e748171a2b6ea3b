"""The weeks (Monday to Sunday, UX.md) and calendar months progress reports cover."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from pacekeeper.kpis.periods import Period
from pacekeeper.lib.formatting import format_date, format_period, format_week

from .models import PeriodKind


def report_period(kind: str, day: dt.date) -> Period:
    """The week or month holding `day`."""
    if kind == PeriodKind.WEEK:
        monday = day - dt.timedelta(days=day.weekday())
        return Period(monday, monday + dt.timedelta(days=6))
    if kind == PeriodKind.MONTH:
        return Period.month_of(day)
    raise ValueError(f"not a kind of report period: {kind!r}")


def last_finished(kind: str, today: dt.date) -> Period:
    """The last week or month that is over by `today`."""
    return report_period(kind, report_period(kind, today).start - dt.timedelta(days=1))


def first_working_day(month_start: dt.date) -> dt.date:
    """Monday to Friday: the first of them in the month."""
    day = month_start
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def period_label(kind: str, period: Period, language: str) -> str:
    """2026年11月 / Nov 2026; 11月23日那周 (2026年11月23日 – 2026年11月29日)."""
    if kind == PeriodKind.MONTH:
        return format_period(period.start, period.end, language)
    week = format_week(period.start, language)
    return f"{week} ({format_date(period.start, language)} – {format_date(period.end, language)})"


def previous_name(kind: str) -> str:
    """What the period before is called in a finding: 上月 / last month, 上周 / last week."""
    return _("the previous month") if kind == PeriodKind.MONTH else _("the previous week")
