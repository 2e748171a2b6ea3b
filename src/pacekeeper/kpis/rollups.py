"""Keeping daily rollups equal to the facts.

Every write path that changes facts calls `facts_changed` with the (manager, day) cells it
touched, inside its own transaction: those cells are recomputed from the facts, so a rollup is
never stale after a commit. `rollups_rebuild` recomputes everything (`pacekeeper kpis rebuild`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction

from pacekeeper.tenancy.models import Organization

from .components import additive_cells
from .models import ROLLUP_FIELDS, DailyRollup
from .periods import Period

Cell = tuple[int, dt.date]  # (manager id, day)


@transaction.atomic
def facts_changed(*, org_id: int, cells: Iterable[Cell | None]) -> None:
    """Recompute the rollups of the touched cells: one rectangle of the touched managers
    over the touched days, in a bounded number of queries. `None` cells (a fact that did not
    exist before) are ignored."""
    cells = {cell for cell in cells if cell and cell[0] and cell[1]}
    if not cells:
        return
    managers = {manager for manager, _day in cells}
    days = [day for _manager, day in cells]
    _refresh(Organization.objects.get(pk=org_id), Period(min(days), max(days)), managers)


@transaction.atomic
def rollups_rebuild(*, org: Organization, period: Period | None = None) -> int:
    """Recompute every rollup of the organisation (within `period` if given). Returns rows written."""
    if period is None:
        period = Period(dt.date(1900, 1, 1), dt.date(9999, 12, 30))
    return _refresh(org, period, None)


def _refresh(org: Organization, period: Period, managers: set[int] | None) -> int:
    stale = DailyRollup.objects.filter(org=org, day__range=(period.start, period.end))
    if managers is not None:
        stale = stale.filter(manager_id__in=managers)
    stale.delete()
    rows = [
        DailyRollup(org=org, manager_id=manager, day=day, **{name: values.get(name, 0) for name in ROLLUP_FIELDS})
        for (manager, day), values in additive_cells(org, period, managers).items()
        if any(values.values())
    ]
    DailyRollup.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
