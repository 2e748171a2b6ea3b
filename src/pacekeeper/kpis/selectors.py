"""KPI reads for people: figures only for the subjects the actor may see."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.tenancy.models import Role, Team, User
from pacekeeper.tenancy.scopes import Actor

from .engine import ORG_SUBJECT, Level, compute
from .periods import Period
from .registry import METRICS, Metric, portfolio_carriers


@dataclass
class SubjectRow:
    id: int
    name: str
    values: dict[str, object]


def metric_list() -> list[Metric]:
    return list(METRICS.values())


def check_metrics(keys: list[str]) -> list[str]:
    unknown = [key for key in keys if key not in METRICS]
    if unknown or not keys:
        shown = ", ".join(unknown) or "—"
        raise ValidationFailed({"metrics": [_("Unknown metric: %(metrics)s") % {"metrics": shown}]})
    return keys


def kpi_values(*, actor: Actor, metrics: list[str], level: str, period: Period) -> list[SubjectRow]:
    """Figures per subject of a level, limited to what the actor sees: managers in their
    scope, teams in their scope, the organisation for organisation-wide roles."""
    check_metrics(metrics)
    level = Level(level)
    if level == Level.ORG and not actor.sees_whole_org:
        raise Forbidden()
    only = set(actor.member_ids) if level == Level.MANAGER and actor.member_ids is not None else None
    values = compute(org=actor.org, metrics=metrics, level=level, period=period, managers=only)
    if level == Level.ORG:
        return [SubjectRow(ORG_SUBJECT, actor.org.name, values[ORG_SUBJECT])]
    if level == Level.TEAM:
        teams = Team.objects.visible_to(actor).order_by("path")
        return [SubjectRow(team.pk, team.name, values.get(team.pk, _empty(metrics))) for team in teams]
    people = _people(actor, peers=False)
    return [SubjectRow(person.pk, str(person), values.get(person.pk, _empty(metrics))) for person in people]


def leaderboard(*, actor: Actor, metric: str, period: Period, team: Team | None = None) -> list[dict]:
    """Account managers ranked by one metric (best first by the metric's direction); ties share
    a rank. Limited to the actor's peers, and to one team's current members if given.

    A team lead who carries no portfolio is not ranked, as on the team page
    (docs/dashboards.md): their ¥0 would read as an account manager falling behind. A lead with
    figures in the period (credited before handing over their customers) is still ranked."""
    check_metrics([metric])
    values = compute(org=actor.org, metrics=[metric], level=Level.MANAGER, period=period)
    people = _selling(actor, _people(actor, peers=True), values)
    if team is not None:
        members = set(team.memberships.current(actor.today()).values_list("user_id", flat=True))
        people = [person for person in people if person.pk in members]
    rows = [{"person": p, "value": values.get(p.pk, _empty([metric]))[metric]} for p in people]
    lower_is_better = METRICS[metric].direction == "lower"
    ranked = sorted((r for r in rows if r["value"] is not None), key=lambda r: r["value"], reverse=not lower_is_better)
    rank, previous = 0, object()
    for position, row in enumerate(ranked, start=1):
        if row["value"] != previous:
            rank, previous = position, row["value"]
        row["rank"] = rank
    return ranked + [{**row, "rank": None} for row in rows if row["value"] is None]


def _selling(actor: Actor, people: list[User], values: dict[int, dict]) -> list[User]:
    """People less the leads who carry no portfolio and have no figures."""
    leads = [p.pk for p in people if p.role == Role.LEAD and p.pk not in values]
    if not leads:
        return people
    selling = portfolio_carriers(actor.org.pk, leads)
    return [p for p in people if p.pk not in leads or p.pk in selling]


def _people(actor: Actor, *, peers: bool) -> list[User]:
    people = User.objects.peers_of(actor) if peers else User.objects.visible_to(actor)
    return list(people.filter(is_active=True, role__in=(Role.MANAGER, Role.LEAD)).order_by("username"))


def _empty(metrics: list[str]) -> dict[str, object]:
    zeros = _Zeros()
    return {key: METRICS[key].value(zeros) for key in metrics}


class _Zeros(dict):
    def __missing__(self, key):
        return 0
