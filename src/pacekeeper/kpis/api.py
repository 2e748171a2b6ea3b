"""/api/v1/kpis: the metric registry, figures per subject, leaderboards."""

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from pacekeeper.errors import ValidationFailed
from pacekeeper.lib import date_rules
from pacekeeper.lib.api_types import QueryId
from pacekeeper.tenancy.models import Team
from pacekeeper.tenancy.scopes import get_visible

from . import selectors
from .engine import Level
from .periods import Period

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


class SubjectOut(Schema):
    id: int
    name: str
    values: dict[str, str | int | None]


class ValuesOut(Schema):
    period: str
    level: str
    subjects: list[SubjectOut]


class RankOut(Schema):
    rank: int | None
    user: int
    name: str
    value: str | int | None


def _period(text: str, actor) -> Period:
    try:
        period = Period.parse(text)
    except ValueError:
        message = _("Write a period as 2026-03, 2026-Q1, 2026 or 2026-01-01..2026-03-31.")
        raise ValidationFailed({"period": [message]}) from None
    if problem := date_rules.period_problem(period.start, period.end, actor.today()):
        raise ValidationFailed({"period": [problem]})
    return period


def _json(value):
    return value if value is None or isinstance(value, int) else str(value)


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
    subjects = [{"id": r.id, "name": r.name, "values": {k: _json(v) for k, v in r.values.items()}} for r in rows]
    return {"period": str(period), "level": query.level, "subjects": subjects}


@router.get("/kpis/leaderboard", response=list[RankOut], summary="Account managers ranked by a metric")
def leaderboard(request, metric: str, period: str, team: QueryId | None = None):
    scoped_team = get_visible(Team.objects.visible_to(request.actor), team, actor=request.actor) if team else None
    chosen = _period(period, request.actor)
    rows = selectors.leaderboard(actor=request.actor, metric=metric, period=chosen, team=scoped_team)
    return [
        {"rank": r["rank"], "user": r["person"].pk, "name": str(r["person"]), "value": _json(r["value"])} for r in rows
    ]
