"""The automatic badge rules: each reads KPI results of a closed period and names who earned the
badge, with the figures as evidence (docs/recognition.md). Every figure comes from the KPI engine
(directly, or through the goals app's attainment, which asks the engine): nothing is counted here.

A rule is `rule(org, badge, period) -> list[Candidate]`; `periods_to_evaluate` says which closed
periods each rule looks at. The services award the candidates (once per person, badge and period).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from pacekeeper.goals.models import Goal
from pacekeeper.goals.progress import goals_progress
from pacekeeper.kpis.engine import Level, compute
from pacekeeper.kpis.periods import Period
from pacekeeper.tenancy.models import Organization, TeamMembership

from .models import Badge, BadgeAward, Rule

RUN_LENGTH = 3  # months in a row at or above target
FULL = Decimal(100)
# How many closed months (and quarters) back the chore looks, so that a chore that did not run
# for a while still catches up; awards already made are not made again.
LOOKBACK = 2


@dataclass(frozen=True)
class Candidate:
    person_id: int
    period: Period
    evidence: dict


def months_at_target(org: Organization, badge: Badge, month: Period) -> list[Candidate]:
    """Three calendar months in a row, ending with `month`, in each of which the person had a
    personal goal on the badge's metric for exactly that month with an attainment of at least
    100.0 % (the goals app's attainment, to 0.1 %). A run overlapping a run already rewarded with
    this badge does not earn it again: months 1–3 earn it, month 4 does not, months 4–6 do."""
    metric = badge.metric or "sales_amount"
    months = [month]
    for _step in range(RUN_LENGTH - 1):
        months.insert(0, months[0].previous())
    spans = {(m.start, m.end): index for index, m in enumerate(months)}
    goals = [
        goal
        for goal in Goal.objects.filter(
            org=org,
            level=Goal.Level.PERSON,
            metric=metric,
            status__in=(Goal.Status.ACTIVE, Goal.Status.CLOSED),
            starts_on__in=[m.start for m in months],
            target__gt=0,
        )
        .select_related("org")
        .order_by("pk")
        if (goal.starts_on, goal.ends_on) in spans
    ]
    progress = goals_progress(goals, today=month.end)
    best: dict[int, dict[int, tuple[Goal, object]]] = defaultdict(dict)
    for goal in goals:
        reached = progress.get(goal.pk)
        if reached is None or reached.attainment is None or reached.attainment < FULL:
            continue
        index = spans[(goal.starts_on, goal.ends_on)]
        kept = best[goal.person_id].get(index)
        if kept is None or reached.attainment > kept[1].attainment:
            best[goal.person_id][index] = (goal, reached)
    run = Period(months[0].start, month.end)
    rewarded = set(
        BadgeAward.objects.filter(org=org, badge=badge, period_end__gte=run.start).values_list("person_id", flat=True)
    )
    candidates = []
    for person_id, by_month in sorted(best.items()):
        if len(by_month) < RUN_LENGTH or person_id in rewarded:
            continue
        rows = [
            {
                "month": months[index].start.isoformat(),
                "goal_id": goal.pk,
                "actual": str(reached.actual),
                "target": str(reached.target),
                "attainment": str(reached.attainment),
            }
            for index, (goal, reached) in sorted(by_month.items())
        ]
        candidates.append(Candidate(person_id, run, {"metric": metric, "months": rows}))
    return candidates


def top_new_customers(org: Organization, badge: Badge, quarter: Period) -> list[Candidate]:
    """In each team, the member(s) with the most new customers of the quarter (the engine's
    `new_customers`). Members: the team's own members on the quarter's last day (a sub-team is a
    team of its own). Ties: everyone sharing the top figure earns the badge. Nobody earns it for
    a team whose best figure is 0."""
    metric = badge.metric or "new_customers"
    figures = compute(org=org, metrics=[metric], level=Level.MANAGER, period=quarter)
    teams: dict[int, tuple[str, list[int]]] = {}
    memberships = (
        TeamMembership.objects.current(quarter.end)
        .filter(org=org, user__is_active=True)
        .select_related("team")
        .order_by("team__path", "user_id")
    )
    for membership in memberships:
        teams.setdefault(membership.team_id, (membership.team.name, []))[1].append(membership.user_id)
    candidates = []
    for team_id, (team_name, people) in teams.items():
        values = {person: figures.get(person, {}).get(metric) or 0 for person in people}
        top = max(values.values(), default=0)
        if top <= 0:
            continue
        winners = [person for person, value in values.items() if value == top]
        others = [value for value in values.values() if value != top]
        for person in winners:
            evidence = {
                "metric": metric,
                "value": top,
                "team": team_name,
                "team_id": team_id,
                "team_size": len(people),
                "shared_with": len(winners) - 1,
                "next_best": max(others, default=None),
            }
            candidates.append(Candidate(person, quarter, evidence))
    return candidates


def full_follow_up(org: Organization, badge: Badge, month: Period) -> list[Candidate]:
    """Follow-up compliance (the engine's `follow_up_compliance`) of exactly 100 % for the month.
    Someone with no follow-up due in the month has no figure and earns nothing."""
    metric = badge.metric or "follow_up_compliance"
    figures = compute(org=org, metrics=[metric], level=Level.MANAGER, period=month)
    candidates = []
    for person_id, values in sorted(figures.items()):
        value = values.get(metric)
        if value is not None and Decimal(value) >= FULL:
            candidates.append(Candidate(person_id, month, {"metric": metric, "value": str(value)}))
    return candidates


RULES = {
    Rule.MONTHS_AT_TARGET: months_at_target,
    Rule.TOP_NEW_CUSTOMERS: top_new_customers,
    Rule.FULL_FOLLOW_UP: full_follow_up,
}


def periods_to_evaluate(rule: str, today: dt.date) -> list[Period]:
    """The closed periods (ended before `today`) a rule looks at, oldest first."""
    if rule == Rule.TOP_NEW_CUSTOMERS:
        current = Period.quarter_of(today)
    else:
        current = Period.month_of(today)
    periods = [current.previous()]
    for _step in range(LOOKBACK - 1):
        periods.insert(0, periods[0].previous())
    return periods
