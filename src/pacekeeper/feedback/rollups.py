"""Keeping feedback's survey rollups equal to the answers and invitations.

Every write that changes a survey component — an invitation sent, an invitation answered —
calls `surveys_changed` with the manager and the days touched, in the write's own transaction:
that manager's daily rows over those days and the monthly rows of their months are recomputed
from the facts (a handful of small queries). `survey_rollups_rebuild` recomputes an
organisation's rollups whole (`pacekeeper kpis rebuild` calls it through the KPI registry).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import TruncMonth

from pacekeeper.kpis.periods import Period, month_span
from pacekeeper.lib.bulk import insert_rows
from pacekeeper.tenancy.models import Organization

from .kpi_components import (
    ANSWER_AGGREGATES,
    ANSWER_COMPONENTS,
    COMPONENTS,
    INVITATION_AGGREGATES,
    INVITATION_COMPONENTS,
    answer_facts,
    invitation_facts,
)
from .models import SurveyDailyRollup, SurveyMonthlyRollup

ALL_TIME = Period(dt.date(1900, 1, 1), dt.date(9999, 11, 30))


def surveys_changed(*, org: Organization, manager_id: int, days: Iterable[dt.date]) -> None:
    days = [day for day in days if day is not None]
    if days:
        _refresh(org, {manager_id}, Period(min(days), max(days)))


def survey_rollups_rebuild(org_id: int) -> int:
    """Recompute every survey rollup of the organisation from its facts; rows written."""
    return _refresh(Organization.objects.get(pk=org_id), None, ALL_TIME)


def _scoped(queryset, managers: set[int] | None, field: str = "manager_id"):
    return queryset if managers is None else queryset.filter(**{f"{field}__in": managers})


@transaction.atomic
def _refresh(org: Organization, managers: set[int] | None, period: Period) -> int:
    months = month_span(period)
    return _refresh_days(org, managers, period) + _refresh_months(org, managers, months)


def _refresh_days(org: Organization, managers: set[int] | None, period: Period) -> int:
    _scoped(SurveyDailyRollup.objects.filter(org=org, day__range=(period.start, period.end)), managers).delete()
    cells: dict[tuple[int, dt.date], dict[str, int]] = defaultdict(dict)
    for facts, aggregates, names in (
        (answer_facts(org, period), ANSWER_AGGREGATES, ANSWER_COMPONENTS),
        (invitation_facts(org, period), INVITATION_AGGREGATES, INVITATION_COMPONENTS),
    ):
        grouped_rows = _scoped(facts, managers).values("manager_id", "credit_on").annotate(**aggregates).order_by()
        for row in grouped_rows:
            cells[(row["manager_id"], row["credit_on"])].update({name: row[name] or 0 for name in names})
    rows = [
        (org.pk, manager, day, *(values.get(name, 0) for name in COMPONENTS))
        for (manager, day), values in cells.items()
    ]
    insert_rows(SurveyDailyRollup, ("org_id", "manager_id", "day", *COMPONENTS), rows)
    return len(rows)


def _refresh_months(org: Organization, managers: set[int] | None, months: Period) -> int:
    """Monthly rows as the sums of their daily rows."""
    _scoped(SurveyMonthlyRollup.objects.filter(org=org, month__range=(months.start, months.end)), managers).delete()
    daily = _scoped(SurveyDailyRollup.objects.filter(org=org, day__range=(months.start, months.end)), managers)
    sums = (
        daily.annotate(month=TruncMonth("day"))
        .values("manager_id", "month")
        .annotate(**{name: Sum(name) for name in COMPONENTS})
        .order_by()
    )
    rows = [(org.pk, row["manager_id"], row["month"], *(row[name] for name in COMPONENTS)) for row in sums]
    insert_rows(SurveyMonthlyRollup, ("org_id", "manager_id", "month", *COMPONENTS), rows)
    return len(rows)
