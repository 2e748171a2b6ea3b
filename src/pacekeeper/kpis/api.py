"""/api/v1/kpis: the metric registry, figures per subject, leaderboards."""

from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from pacekeeper.errors import ValidationFailed
from pacekeeper.lib import date_rules
from pacekeeper.lib.api_types import DecimalText, QueryId, decimal_text
from pacekeeper.lib.money import from_minor
from pacekeeper.tenancy.models import Team
from pacekeeper.tenancy.scopes import get_visible

from . import selectors
from .engine import Level
from .periods import Period
from .registry import Unit, unit_of

router = Router(tags=["KPIs"])


class MetricOut(Schema):
    key: str
    label: str
    unit: str
    direction: str
    description: str


class ValuesQuery(Schema):
    metrics: str = Field(description="comma-separated metric keys")
    level: Level = Level.MANAGER
    period: str = Field(description="2026-03, 2026-Q1, 2026 or 2026-01-01..2026-03-31")


# A figure: amounts (unit "currency") and rates as decimal strings, like money everywhere in the
# API ("15000.00", not fen); counts as integers; null when there is nothing to divide by.
Figure = Annotated[
    DecimalText | int | None,
    Field(description='amounts in major units and rates as decimal strings ("15000.00", "87.50"), counts as integers'),
]


class SubjectOut(Schema):
    id: int
    name: str
    values: dict[str, Figure]


class ValuesOut(Schema):
    period: str
    level: str
    subjects: list[SubjectOut]


class RankOut(Schema):
    rank: int | None
    user: int
    name: str
    value: Figure


def _period(text: str, actor) -> Period:
    try:
        period = Period.parse(text)
    except ValueError:
        message = _("Write a period as 2026-03, 2026-Q1, 2026 or 2026-01-01..2026-03-31.")
        raise ValidationFailed({"period": [message]}) from None
    if problem := date_rules.period_problem(period.start, period.end, actor.today()):
        raise ValidationFailed({"period": [problem]})
    return period


def _json(metric: str, value, currency: str):
    """The engine counts money in minor units (fen); the API sends major units, as everywhere."""
    if value is None:
        return None
    if unit_of(metric) == Unit.CURRENCY:
        return decimal_text(from_minor(value, currency))
    return value if isinstance(value, int) else decimal_text(value)


@router.get("/kpis/metrics", response=list[MetricOut], summary="The metrics the engine computes")
def metrics(request):
    return [
        {
            "key": m.key,
            "label": str(m.label),
            "unit": m.unit,
            "direction": m.direction,
            "description": str(m.description),
        }
        for m in selectors.metric_list()
    ]


@router.get("/kpis/values", response=ValuesOut, summary="Metrics × level × period")
def values(request, query: Query[ValuesQuery]):
    period = _period(query.period, request.actor)
    rows = selectors.kpi_values(
        actor=request.actor, metrics=[k for k in query.metrics.split(",") if k], level=query.level, period=period
    )
    currency = request.actor.org.currency
    subjects = [
        {"id": r.id, "name": r.name, "values": {k: _json(k, v, currency) for k, v in r.values.items()}} for r in rows
    ]
    return {"period": str(period), "level": query.level, "subjects": subjects}


@router.get("/kpis/leaderboard", response=list[RankOut], summary="Account managers ranked by a metric")
def leaderboard(request, metric: str, period: str, team: QueryId | None = None):
    scoped_team = get_visible(Team.objects.visible_to(request.actor), team, actor=request.actor) if team else None
    chosen = _period(period, request.actor)
    rows = selectors.leaderboard(actor=request.actor, metric=metric, period=chosen, team=scoped_team)
    currency = request.actor.org.currency
    return [
        {
            "rank": r["rank"],
            "user": r["person"].pk,
            "name": str(r["person"]),
            "value": _json(metric, r["value"], currency),
        }
        for r in rows
    ]
