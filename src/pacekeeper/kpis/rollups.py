"""Keeping rollups equal to the facts.

The daily and monthly rollups hold the components of the providers registered with `cells`
(`registry.register_component`). Every write path of a fact app that changes facts calls
`facts_changed` with the (manager, day) cells it touched, inside its own transaction: those
cells, and the months they lie in, are recomputed from the facts (the providers' `cells`), so a
rollup is never stale after a commit; writers that know what they add call `add_to_rollups`
(the CRM's sales writers, through `crm.sales_rollups.sales_changing`). `rollups_rebuild`
recomputes everything, the providers' own rollups too (`pacekeeper kpis rebuild`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import TruncMonth

from pacekeeper.lib.bulk import add_rows
from pacekeeper.tenancy.models import Organization

from .models import ROLLUP_FIELDS, DailyRollup, MonthlyRollup
from .periods import Period, month_span
from .registry import PROVIDERS

Cell = tuple[int, dt.date]  # (manager id, day)


# A rectangle of all touched managers over all touched days is recomputed in one pass when it
# holds at most this many cells per touched cell; sparser changes go day by day.
RECTANGLE_SLACK = 8


@transaction.atomic
def facts_changed(*, org_id: int, cells: Iterable[Cell | None]) -> None:
    """Recompute the rollups of the touched cells and their months. `None` cells (a fact that did
    not exist before) are ignored. Dense changes are recomputed as one rectangle of the touched
    managers over the touched days; sparse ones day by day, for the managers touched each day:
    a 50,000-sale import spread over two years touches every manager of 2,000 on some day, and
    its rectangle was a full rebuild (measured: 150 s against 37 s day by day)."""
    cells = {cell for cell in cells if cell and cell[0] and cell[1]}
    if not cells:
        return
    org = Organization.objects.get(pk=org_id)
    managers = {manager for manager, _day in cells}
    days = [day for _manager, day in cells]
    span = Period(min(days), max(days))
    if len(managers) * span.days <= RECTANGLE_SLACK * len(cells):
        _refresh(org, span, managers)
    else:
        _refresh_scattered(org, cells)


def _refresh_scattered(org: Organization, cells: set[Cell]) -> None:
    by_day: dict[dt.date, set[int]] = defaultdict(set)
    by_month: dict[dt.date, set[int]] = defaultdict(set)
    for manager, day in cells:
        by_day[day].add(manager)
        by_month[day.replace(day=1)].add(manager)
    for day, touched in sorted(by_day.items()):
        _refresh_days(org, Period(day, day), touched)
    for month, touched in sorted(by_month.items()):
        _refresh_months(org, Period.month_of(month), touched)


def _day_first(item) -> tuple[dt.date, int]:
    # In the order of the rollups' unique index (organisation, day, manager): every writer
    # locks the rows it adds to in one order, so two of them cannot deadlock.
    (manager, day), _values = item
    return day, manager


def add_to_rollups(org_id: int, additions: dict[Cell, dict[str, int]]) -> None:
    """Add changes of components to daily cells and to their months, creating the rows that do
    not exist yet. Adding rather than recomputing costs a few statements for a whole import
    (recomputing its 50,000 scattered cells from the facts took 20 s), and two writers adding
    to one cell at once both count."""
    additions = {cell: values for cell, values in additions.items() if any(values.values())}
    months: dict[tuple[int, dt.date], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (manager, day), values in additions.items():
        for name, value in values.items():
            months[manager, day.replace(day=1)][name] += value
    for model, period_field, cells in ((DailyRollup, "day", additions), (MonthlyRollup, "month", months)):
        rows = [
            (org_id, day, manager, *(values.get(name, 0) for name in ROLLUP_FIELDS))
            for (manager, day), values in sorted(cells.items(), key=_day_first)
        ]
        add_rows(model, ("org", period_field, "manager"), ROLLUP_FIELDS, rows)


@transaction.atomic
def rollups_rebuild(*, org: Organization, period: Period | None = None) -> int:
    """Recompute every rollup of the organisation (daily and monthly ones within `period` if
    given; the providers' own rollups, such as the CRM's repeat purchases, always whole).
    Returns rows written."""
    if period is None:
        period = Period(dt.date(1900, 1, 1), dt.date(9999, 12, 30))
    written = _refresh(org, period, None)
    for provider in PROVIDERS.values():
        if provider.rebuild is not None:
            written += provider.rebuild(org.pk)
    return written


def _refresh(org: Organization, period: Period, managers: set[int] | None) -> int:
    return _refresh_days(org, period, managers) + _refresh_months(org, month_span(period), managers)


def _refresh_days(org: Organization, period: Period, managers: set[int] | None) -> int:
    stale = DailyRollup.objects.filter(org=org, day__range=(period.start, period.end))
    if managers is not None:
        stale = stale.filter(manager_id__in=managers)
    stale.delete()
    rows = [
        DailyRollup(org=org, manager_id=manager, day=day, **{name: values.get(name, 0) for name in ROLLUP_FIELDS})
        for (manager, day), values in _fact_cells(org, period, managers).items()
        if any(values.values())
    ]
    DailyRollup.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _fact_cells(org: Organization, period: Period, managers: set[int] | None) -> dict[Cell, dict[str, int]]:
    """Every (manager, day) cell's components of the shared rollups, from the facts of every
    provider that keeps its components there."""
    cells: dict[Cell, dict[str, int]] = defaultdict(dict)
    for provider in PROVIDERS.values():
        if provider.cells is not None:
            for cell, values in provider.cells(org, period, managers).items():
                cells[cell].update(values)
    return cells


def _refresh_months(org: Organization, months: Period, managers: set[int] | None) -> int:
    """Monthly rows as the sums of their daily rows, for the whole months of `months`."""
    stale = MonthlyRollup.objects.filter(org=org, month__range=(months.start, months.end))
    daily = DailyRollup.objects.filter(org=org, day__range=(months.start, months.end))
    if managers is not None:
        stale = stale.filter(manager_id__in=managers)
        daily = daily.filter(manager_id__in=managers)
    stale.delete()
    sums = daily.annotate(month=TruncMonth("day")).values("manager_id", "month")
    rows = [
        MonthlyRollup(org=org, manager_id=row["manager_id"], month=row["month"], **{n: row[n] for n in ROLLUP_FIELDS})
        for row in sums.annotate(**{name: Sum(name) for name in ROLLUP_FIELDS}).order_by()
    ]
    MonthlyRollup.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
