"""Keeping work's task rollups equal to the tasks.

Every write of a task that can change its metrics — created, its owner, status, completion or
due date changed, deleted — hands `tasks_changed` the task's `mark` before and after, in the
write's own transaction: the rollups of those owners over the days and months the marks touch
are recomputed from the tasks (a rectangle of one or two people over a few months: a handful
of small queries). `task_rollups_rebuild` recomputes an organisation's rollups whole
(`pacekeeper kpis rebuild` calls it through the KPI registry).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from pacekeeper.kpis.components import day_bounds
from pacekeeper.kpis.periods import Period, month_span
from pacekeeper.lib.bulk import insert_rows
from pacekeeper.tenancy.models import Organization

from .kpi_components import DONE_AGGREGATES, DONE_COMPONENTS, completion_day
from .models import NOT_DONE, Task, TaskDailyRollup, TaskMonthlyRollup, TaskOpenRollup

ALL_TIME = Period(dt.date(1900, 1, 1), dt.date(9999, 11, 30))


class Mark(NamedTuple):
    """What of a task the metrics read: its owner, local completion day, due date, and
    whether it is cancelled."""

    owner_id: int
    done_on: dt.date | None
    due_on: dt.date | None
    cancelled: bool


def mark(task: Task, zone: ZoneInfo) -> Mark | None:
    """The task's mark as it is in memory (None for a task with no owner yet)."""
    if not task.owner_id:
        return None
    done_on = task.completed_at.astimezone(zone).date() if task.completed_at else None
    return Mark(task.owner_id, done_on, task.due_on, task.status == Task.Status.CANCELLED)


def marks_of(org: Organization, tasks: Iterable[Task]) -> list[Mark]:
    zone = ZoneInfo(org.time_zone)
    return [m for m in (mark(task, zone) for task in tasks) if m is not None]


@transaction.atomic
def tasks_changed(*, org: Organization, before: Iterable[Mark | None] = (), after: Iterable[Mark | None] = ()) -> None:
    """Bring the rollups up to date after tasks changed from `before` to `after` (None: a task
    that did not exist, or no longer does). Nothing to do when the marks are the same."""
    before = [m for m in before if m is not None]
    after = [m for m in after if m is not None]
    if sorted(before) == sorted(after):
        return
    marks = before + after
    days = [day for m in marks for day in (m.done_on, m.due_on) if day is not None]
    if not days:
        return  # an undated task never done counts nowhere
    _refresh(org, {m.owner_id for m in marks}, Period(min(days), max(days)))


def task_rollups_rebuild(org_id: int) -> int:
    """Recompute every task rollup of the organisation from its tasks; rows written."""
    return _refresh(Organization.objects.get(pk=org_id), None, ALL_TIME)


@transaction.atomic
def _refresh(org: Organization, managers: set[int] | None, period: Period) -> int:
    months = month_span(period)
    return (
        _refresh_days(org, managers, period)
        + _refresh_months(org, managers, months)
        + _refresh_open(org, managers, months)
    )


def _scoped(queryset, managers: set[int] | None, field: str = "manager_id"):
    return queryset if managers is None else queryset.filter(**{f"{field}__in": managers})


def _refresh_days(org: Organization, managers: set[int] | None, period: Period) -> int:
    _scoped(TaskDailyRollup.objects.filter(org=org, day__range=(period.start, period.end)), managers).delete()
    start, end = day_bounds(org, period)
    done = Task.objects.filter(org=org, status=Task.Status.DONE, completed_at__gte=start, completed_at__lt=end)
    cells = (
        _scoped(done, managers, "owner_id")
        .annotate(completion_day=completion_day(org))
        .values("owner_id", "completion_day")
        .annotate(**DONE_AGGREGATES)
        .order_by()
    )
    rows = [(org.pk, row["owner_id"], row["completion_day"], *(row[name] for name in DONE_COMPONENTS)) for row in cells]
    insert_rows(TaskDailyRollup, ("org_id", "manager_id", "day", *DONE_COMPONENTS), rows)
    return len(rows)


def _refresh_months(org: Organization, managers: set[int] | None, months: Period) -> int:
    """Monthly rows as the sums of their daily rows."""
    _scoped(TaskMonthlyRollup.objects.filter(org=org, month__range=(months.start, months.end)), managers).delete()
    daily = _scoped(TaskDailyRollup.objects.filter(org=org, day__range=(months.start, months.end)), managers)
    sums = (
        daily.annotate(month=TruncMonth("day"))
        .values("manager_id", "month")
        .annotate(**{name: Sum(name) for name in DONE_COMPONENTS})
        .order_by()
    )
    rows = [(org.pk, row["manager_id"], row["month"], *(row[name] for name in DONE_COMPONENTS)) for row in sums]
    insert_rows(TaskMonthlyRollup, ("org_id", "manager_id", "month", *DONE_COMPONENTS), rows)
    return len(rows)


def _refresh_open(org: Organization, managers: set[int] | None, months: Period) -> int:
    """The open-task rows of the due months: tasks due then, not cancelled, done in a later
    month or not at all."""
    stale = TaskOpenRollup.objects.filter(org=org, due_month__range=(months.start, months.end))
    _scoped(stale, managers).delete()
    due = Task.objects.filter(org=org, due_on__range=(months.start, months.end)).exclude(status=Task.Status.CANCELLED)
    zone = ZoneInfo(org.time_zone)
    counted = (
        _scoped(due, managers, "owner_id")
        .annotate(due_month=TruncMonth("due_on"), done_month=TruncMonth("completed_at", tzinfo=zone))
        .values("owner_id", "due_month", "done_month")
        .annotate(tasks=Count("pk"))
        .order_by()
    )
    buckets: dict[tuple[int, dt.date, dt.date], int] = {}
    for row in counted:
        due_month = _as_date(row["due_month"], zone)
        done_month = _as_date(row["done_month"], zone) if row["done_month"] else NOT_DONE
        # Done in the due month or earlier: never left open over whole months holding the due month.
        if done_month > due_month:
            key = (row["owner_id"], due_month, done_month)
            buckets[key] = buckets.get(key, 0) + row["tasks"]
    rows = [(org.pk, owner, due_month, done_month, tasks) for (owner, due_month, done_month), tasks in buckets.items()]
    insert_rows(TaskOpenRollup, ("org_id", "manager_id", "due_month", "done_month", "tasks"), rows)
    return len(rows)


def _as_date(value, zone: ZoneInfo) -> dt.date:
    """A truncated month as a date (the database may answer a datetime, aware or not)."""
    if isinstance(value, dt.datetime):
        return (value.astimezone(zone) if value.tzinfo else value).date()
    return value
