"""Components: the additive numbers metrics are made of, credited to account managers.

The fact apps compute them (each registers its providers with `registry.register_component`);
this module holds what every provider shares: the `Credits` they return, the grouped queries
that fill them in a fixed number of queries, and the reading of the shared daily and monthly
rollups (`additive_rollup`).

Each component is credited to a manager on a day (DESIGN rule 4). Most managers stay in one
team for a whole period, so their total is enough; for the few whose team changed within the
period (`split`), components are also grouped by day so each day goes to the right team.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections import defaultdict
from dataclasses import dataclass, field
from functools import reduce
from zoneinfo import ZoneInfo

from django.db.models import F, Q, QuerySet, Sum

from pacekeeper.tenancy.models import Organization

from .models import ROLLUP_FIELDS, DailyRollup, MonthlyRollup
from .periods import Period, split_by_months


@dataclass
class Credits:
    """Component values by manager (whole period) and by (manager, day) for split managers."""

    by_manager: dict[int, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    by_manager_day: dict[tuple[int, dt.date], dict[str, int]] = field(default_factory=lambda: defaultdict(dict))

    def merge(self, other: Credits) -> None:
        for manager, values in other.by_manager.items():
            self.by_manager[manager].update(values)
        for key, values in other.by_manager_day.items():
            self.by_manager_day[key].update(values)

    def add(self, other: Credits) -> None:
        """Add the same components counted over another part of the facts."""
        for mine, theirs in ((self.by_manager, other.by_manager), (self.by_manager_day, other.by_manager_day)):
            for key, values in theirs.items():
                for name, value in values.items():
                    mine[key][name] = mine[key].get(name, 0) + value


def day_bounds(org: Organization, period: Period) -> tuple[dt.datetime, dt.datetime]:
    """The period as [first instant, instant after the last day) in the organisation's zone."""
    zone = ZoneInfo(org.time_zone)
    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return start, end


def grouped(
    rows: QuerySet, *, manager: str, day, aggregates: dict, split: set[int], only: set[int] | None = None
) -> Credits:
    """Run `aggregates` grouped by manager (and by day for the split managers): two queries.
    `only` restricts the work to some managers (a dashboard of one team)."""
    credits = Credits()
    if only is not None:
        rows = rows.filter(**{f"{manager}__in": only})
    whole = rows.exclude(**{f"{manager}__in": split}) if split else rows
    for row in whole.values(manager).annotate(**aggregates).order_by():
        credits.by_manager[row[manager]] = {name: row[name] or 0 for name in aggregates}
    if split:
        credits.by_manager_day.update(
            by_day(rows.filter(**{f"{manager}__in": split}), manager=manager, day=day, aggregates=aggregates)
        )
    return credits


def by_day(rows: QuerySet, *, manager: str, day, aggregates: dict) -> dict[tuple[int, dt.date], dict[str, int]]:
    grouped_rows = rows.annotate(credit_day=day).values(manager, "credit_day").annotate(**aggregates).order_by()
    return {(row[manager], row["credit_day"]): {name: row[name] or 0 for name in aggregates} for row in grouped_rows}


# --- the shared rollups ------------------------------------------------------------------------


def additive_rollup(org: Organization, period: Period, split: set[int], *, wanted=None, only=None) -> Credits:
    """The additive components from the rollups: the period's whole months from monthly rows,
    the days around them from daily rows; split managers day by day."""
    fields = [name for name in ROLLUP_FIELDS if wanted is None or name in wanted]
    return summed_rollup(org, period, split, daily=DailyRollup, monthly=MonthlyRollup, fields=fields, only=only)


def summed_rollup(
    org: Organization, period: Period, split: set[int], *, daily, monthly, fields: list[str], only=None
) -> Credits:
    """Components kept as columns of a pair of rollup models — `daily` rows (org, manager, day)
    and `monthly` rows (org, manager, month: the sums of the month's days) — summed over the
    period: whole months from monthly rows, the days around them from daily rows; split managers
    day by day. The shared rollups use it, and so can a fact app's own (work's task rollups)."""
    aggregates = {name: Sum(name) for name in fields}
    daily = daily.objects.filter(org=org)
    monthly = monthly.objects.filter(org=org)
    if only is not None:
        daily, monthly = daily.filter(manager_id__in=only), monthly.filter(manager_id__in=only)
    months, edges = split_by_months(period)
    parts = []
    if edges:
        parts.append(daily.filter(reduce(operator.or_, [Q(day__range=(edge.start, edge.end)) for edge in edges])))
    if months:
        parts.append(monthly.filter(month__range=(months.start, months.end)))
    credits = Credits()
    for rows in parts:
        whole = rows.exclude(manager_id__in=split) if split else rows
        for row in whole.values("manager_id").annotate(**aggregates).order_by():
            totals = credits.by_manager[row["manager_id"]]
            for name in fields:
                totals[name] = totals.get(name, 0) + (row[name] or 0)
    if split:
        rows = daily.filter(day__range=(period.start, period.end), manager_id__in=split)
        credits.by_manager_day.update(by_day(rows, manager="manager_id", day=F("day"), aggregates=aggregates))
    return credits
