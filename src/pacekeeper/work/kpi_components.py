"""The task metrics' components, for every owner of an organisation over a period in a fixed
number of grouped queries. `work.metrics` registers them with the KPI engine.

Credit follows the fact (DESIGN rule 4), to the task's owner (stored on the row):

- a completion (`tasks_done`; `tasks_done_dated` when the task has a due date;
  `tasks_done_on_time` when it was done on or before that date) on the local day of
  `completed_at` in the organisation's time zone;
- a task left open (`tasks_left_open`: due in the period, not cancelled, not done by the
  period's end) on its due date.

A reopened task has no completion (`completed_at` is cleared); done again, it is credited on the
new day. Cancelled tasks count nowhere.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncDate

from pacekeeper.kpis.components import Credits, day_bounds, grouped, summed_rollup
from pacekeeper.kpis.periods import Period, split_by_months
from pacekeeper.tenancy.models import Organization

from .models import Task, TaskDailyRollup, TaskMonthlyRollup, TaskOpenRollup

DONE_COMPONENTS = ("tasks_done", "tasks_done_dated", "tasks_done_on_time")
LEFT_OPEN = "tasks_left_open"
COMPONENTS = (*DONE_COMPONENTS, LEFT_OPEN)

# Over completions annotated with their local `completion_day`.
DONE_AGGREGATES = {
    "tasks_done": Count("pk"),
    "tasks_done_dated": Count("pk", filter=Q(due_on__isnull=False)),
    "tasks_done_on_time": Count("pk", filter=Q(due_on__gte=F("completion_day"))),
}
LEFT_OPEN_AGGREGATES = {LEFT_OPEN: Count("pk")}


def completion_day(org: Organization) -> TruncDate:
    return TruncDate("completed_at", tzinfo=ZoneInfo(org.time_zone))


def completion_facts(org: Organization, period: Period) -> QuerySet:
    """Tasks done within the period (by the organisation's clock), with their `completion_day`."""
    start, end = day_bounds(org, period)
    done = Task.objects.filter(org=org, status=Task.Status.DONE, completed_at__gte=start, completed_at__lt=end)
    return done.annotate(completion_day=completion_day(org))


def left_open_facts(org: Organization, period: Period) -> QuerySet:
    """Tasks due in the period, not cancelled, and not done by its end: open now, or done later."""
    _start, end = day_bounds(org, period)
    due = Task.objects.filter(org=org, due_on__range=(period.start, period.end)).exclude(status=Task.Status.CANCELLED)
    return due.filter(Q(completed_at__isnull=True) | Q(completed_at__gte=end))


def _wants(wanted, names) -> bool:
    return wanted is None or bool(set(wanted) & set(names))


def task_completion(org: Organization, period: Period, split: set[int], *, wanted=None, only=None) -> Credits:
    """The task components from the tasks themselves (the live path)."""
    credits = Credits()
    if _wants(wanted, DONE_COMPONENTS):
        rows = completion_facts(org, period)
        credits.merge(
            grouped(
                rows, manager="owner_id", day=F("completion_day"), aggregates=DONE_AGGREGATES, split=split, only=only
            )
        )
    if _wants(wanted, (LEFT_OPEN,)):
        credits.merge(_left_open_live(org, period, split, only))
    return credits


def _left_open_live(org: Organization, period: Period, split: set[int], only) -> Credits:
    rows = left_open_facts(org, period)
    return grouped(rows, manager="owner_id", day=F("due_on"), aggregates=LEFT_OPEN_AGGREGATES, split=split, only=only)


def task_completion_rollup(org: Organization, period: Period, split: set[int], *, wanted=None, only=None) -> Credits:
    """The same from work's rollups: completions from the daily and monthly rows (like the
    shared rollups); tasks left open from the open-task rows when the period is whole months.
    Other periods, and the tasks left open of managers who changed team within the period
    (credited day by day), come from the tasks."""
    credits = Credits()
    if _wants(wanted, DONE_COMPONENTS):
        fields = [name for name in DONE_COMPONENTS if wanted is None or name in wanted]
        credits.merge(
            summed_rollup(
                org, period, split, daily=TaskDailyRollup, monthly=TaskMonthlyRollup, fields=fields, only=only
            )
        )
    if not _wants(wanted, (LEFT_OPEN,)):
        return credits
    months, edges = split_by_months(period)
    if edges or months is None:
        credits.merge(_left_open_live(org, period, split, only))
        return credits
    rows = TaskOpenRollup.objects.filter(
        org=org, due_month__range=(months.start, months.end), done_month__gt=months.end
    )
    if only is not None:
        rows = rows.filter(manager_id__in=only)
    if split:
        rows = rows.exclude(manager_id__in=split)
        movers = set(split) if only is None else set(split) & set(only)
        if movers:
            credits.merge(_left_open_live(org, period, movers, movers))
    for row in rows.values("manager_id").annotate(left_open=Sum("tasks")).order_by():
        credits.by_manager[row["manager_id"]][LEFT_OPEN] = row["left_open"] or 0
    return credits
