"""The KPI engine: any set of metrics for every subject of a level over a period.

The number of queries depends on the metrics asked for, never on the number of subjects
(DESIGN rule 3): each component provider runs one or two grouped queries per period, team
memberships are read once, and the rest is arithmetic in Python.

Team figures follow DESIGN rule 4: a component credited to a manager on a day counts for the
team(s) the manager belonged to that day; a team's figure includes its sub-teams.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Q

from pacekeeper.tenancy.models import Organization, Team, TeamMembership

from .components import Credits
from .models import ROLLUP_FIELDS, DailyRollup, MonthlyRollup
from .periods import Period
from .registry import COMPONENT_PROVIDER, METRICS, PROVIDERS


class Level(StrEnum):
    MANAGER = "manager"
    TEAM = "team"
    ORG = "org"


class Source(StrEnum):
    ROLLUP = "rollup"  # daily rollups where a provider has them (the default)
    LIVE = "live"  # straight from the facts


ORG_SUBJECT = 0  # the subject id of the organisation level


@dataclass(frozen=True)
class Membership:
    user_id: int
    team_id: int
    start: dt.date
    end: dt.date | None

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


def compute(
    *,
    org: Organization,
    metrics: list[str] | tuple[str, ...],
    level: str,
    period: Period,
    source: str = Source.ROLLUP,
    managers: set[int] | None = None,
) -> dict[int, dict[str, object]]:
    """{subject id: {metric key: value}}. Subjects are user ids (manager level), team ids
    (team level, subtrees included) or ORG_SUBJECT. Managers with no facts are absent from
    manager results; every team, and the organisation, is always present. At manager level,
    `managers` limits the work to those people (one team's dashboard)."""
    levels = compute_levels(org=org, metrics=metrics, levels=(level,), period=period, source=source, managers=managers)
    return levels[Level(level)]


def compute_levels(
    *,
    org: Organization,
    metrics: list[str] | tuple[str, ...],
    levels: tuple[str, ...],
    period: Period,
    source: str = Source.ROLLUP,
    managers: set[int] | None = None,
) -> dict[Level, dict[int, dict[str, object]]]:
    """`compute` for several levels at once, reading the facts once: a dashboard showing teams
    and the organisation side by side pays for one pass. Components are fetched with the team
    level's day-by-day split (when a team level is asked), which every level can credit from."""
    unknown = [key for key in metrics if key not in METRICS]
    if unknown:
        raise KeyError(f"unknown metrics: {unknown}")
    levels = tuple(Level(level) for level in levels)
    if managers is not None and levels != (Level.MANAGER,):
        raise ValueError("only manager figures can be limited to some managers")
    periods = {"": period, "previous": period.previous(), "last_year": period.same_last_year()}
    needs = {need for key in metrics for need in METRICS[key].needs}
    plan = [(shift, key, wanted) for shift, wanted_by in _plan(needs).items() for key, wanted in wanted_by.items()]
    windows = [PROVIDERS[key].credit_window(periods[shift]) for shift, key, _wanted in plan]
    by_team = Level.TEAM in levels
    memberships = _memberships(org, windows) if by_team else []
    # Providers mostly share a window: who stayed in one team all window, and who moved, is
    # worked out once per window.
    teams_by_window = {window: _whole_and_split(memberships, window) for window in windows} if by_team else {}
    totals = {level: defaultdict(lambda: defaultdict(int)) for level in levels}
    for (shift, key, wanted), window in zip(plan, windows, strict=True):
        provider = PROVIDERS[key]
        whole, split = teams_by_window.get(window, ({}, set()))
        run = provider.rollup if source == Source.ROLLUP and provider.rollup else provider.compute
        credits = run(org, periods[shift], split, wanted=wanted, only=managers)
        for level in levels:
            _credit(totals[level], credits, level, memberships, whole, f"@{shift}" if shift else "")
    results = {}
    for level, level_totals in totals.items():
        if level == Level.TEAM:
            level_totals = _with_subtrees(org, level_totals)
        elif level == Level.ORG:
            level_totals.setdefault(ORG_SUBJECT, defaultdict(int))
        results[level] = {subject: _values(metrics, components) for subject, components in level_totals.items()}
    return results


def by_monthly_rollups(metric: str) -> bool:
    """Whether the metric is made of additive components of its own period only: what
    `monthly_series` can read from the monthly rollups."""
    return all("@" not in need and need in ROLLUP_FIELDS for need in METRICS[metric].needs)


def monthly_series(
    *,
    org: Organization,
    metric: str,
    levels: tuple[str, ...],
    months: list[Period],
    managers: set[int] | None = None,
) -> dict[Level, dict[int, list[object]]]:
    """{level: {subject: the metric in each of these whole months, in their order}} from one
    query of the monthly rollups (and one of the daily rollups of the people who changed team
    within a month, credited day by day as DESIGN rule 4 says), where `compute_levels` costs a
    call per month; the figures are the same (tests/kpis/test_engine.py). Only metrics
    `by_monthly_rollups`. Subjects as `compute` has them: managers with no row in any of the
    months are absent, every team and the organisation are present."""
    if not by_monthly_rollups(metric):
        raise ValueError(f"{metric} is not made of additive components alone")
    if any(Period.month_of(month.start) != month for month in months):
        raise ValueError("monthly_series takes whole calendar months")
    levels = tuple(Level(level) for level in levels)
    if managers is not None and levels != (Level.MANAGER,):
        raise ValueError("only manager figures can be limited to some managers")
    if not months:
        return {level: {} for level in levels}
    by_team = Level.TEAM in levels
    memberships = _memberships(org, months) if by_team else []
    # For each month: who stayed in one team all month (their monthly row), who moved (by day).
    teams_in = [_whole_and_split(memberships, month) if by_team else ({}, set()) for month in months]
    credits = _month_credits(
        org, months, sorted(set(METRICS[metric].needs)), [split for _w, split in teams_in], managers
    )
    paths = _team_paths(org) if by_team else {}
    value = METRICS[metric].value
    series: dict[Level, dict[int, list[object]]] = {level: {} for level in levels}
    for index, (month_credits, (whole, _split)) in enumerate(zip(credits, teams_in, strict=True)):
        for level in levels:
            totals = defaultdict(lambda: defaultdict(int))
            _credit(totals, month_credits, level, memberships, whole, "")
            if level == Level.TEAM:
                totals = _with_subtrees(org, totals, paths)
            elif level == Level.ORG:
                totals.setdefault(ORG_SUBJECT, defaultdict(int))
            for subject, components in totals.items():
                row = series[level].setdefault(subject, [None] * len(months))
                row[index] = value(defaultdict(int, components))
    for level_series in series.values():  # a month a subject had nothing in: the figure of nothing
        for row in level_series.values():
            row[:] = [value(defaultdict(int)) if v is None else v for v in row]
    return series


def _month_credits(
    org: Organization, months: list[Period], fields: list[str], movers: list[set[int]], managers: set[int] | None
) -> list[Credits]:
    """Each month's credits from the rollups: the month's row for whoever stayed in one team all
    month, day rows for its `movers` (one query each for all the months)."""
    credits = {month.start: Credits() for month in months}
    monthly = MonthlyRollup.objects.filter(org=org, month__in=list(credits))
    if managers is not None:
        monthly = monthly.filter(manager_id__in=managers)
    moved_in = dict(zip(credits, movers, strict=True))
    for row in monthly.values("manager_id", "month", *fields):
        if row["manager_id"] not in moved_in[row["month"]]:
            credits[row["month"]].by_manager[row["manager_id"]] = {field: row[field] or 0 for field in fields}
    everyone_moving = set().union(*movers)
    if everyone_moving:
        daily = DailyRollup.objects.filter(
            org=org, manager_id__in=everyone_moving, day__range=(months[0].start, months[-1].end)
        )
        for row in daily.values("manager_id", "day", *fields):
            month = row["day"].replace(day=1)
            if month in credits and row["manager_id"] in moved_in[month]:
                cell = (row["manager_id"], row["day"])
                credits[month].by_manager_day[cell] = {field: row[field] or 0 for field in fields}
    return list(credits.values())


def _plan(needs: set[str]) -> dict[str, dict[str, set[str]]]:
    """For each period shift, the providers to run and the components wanted of each."""
    plan: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for need in sorted(needs):
        component, _at, shift = need.partition("@")
        plan[shift][COMPONENT_PROVIDER[component]].add(component)
    return plan


def _values(metrics, components: dict[str, int]) -> dict[str, object]:
    filled = defaultdict(int, components)
    return {key: METRICS[key].value(filled) for key in metrics}


# --- crediting to subjects ---------------------------------------------------------------------


def _credit(totals, credits: Credits, level: Level, memberships: list[Membership], whole: dict, suffix: str):
    """Add the credits to the level's subjects; `whole`: the managers in the same teams all the
    window (from `_whole_and_split`), the others are credited day by day."""
    if level == Level.MANAGER:
        for manager, values in credits.by_manager.items():
            _add(totals[manager], values, suffix)
        for (manager, _day), values in credits.by_manager_day.items():
            _add(totals[manager], values, suffix)
    elif level == Level.ORG:
        for values in [*credits.by_manager.values(), *credits.by_manager_day.values()]:
            _add(totals[ORG_SUBJECT], values, suffix)
    else:
        for manager, values in credits.by_manager.items():
            for team_id in whole.get(manager, ()):
                _add(totals[team_id], values, suffix)
        by_user = defaultdict(list)
        for membership in memberships if credits.by_manager_day else ():
            by_user[membership.user_id].append(membership)
        for (manager, day), values in credits.by_manager_day.items():
            for membership in by_user.get(manager, ()):
                if membership.covers(day):
                    _add(totals[membership.team_id], values, suffix)


def _add(target: dict[str, int], values: dict[str, int], suffix: str) -> None:
    for name, value in values.items():
        target[name + suffix] += value or 0


def _memberships(org: Organization, periods: list[Period]) -> list[Membership]:
    start = min(p.start for p in periods)
    end = max(p.end for p in periods)
    rows = (
        TeamMembership.objects.filter(org=org, started_on__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .values_list("user_id", "team_id", "started_on", "ended_on")
    )
    return [Membership(*row) for row in rows]


def _whole_and_split(memberships: list[Membership], period: Period) -> tuple[dict[int, list[int]], set[int]]:
    """Managers whose memberships stay the same all period (user → their teams), and those whose
    team changes within it (their components come by day). One pass: dashboards ask this of
    every window of every engine call, for every membership of the organisation."""
    teams: dict[int, list[int]] = {}
    split: set[int] = set()
    for membership in memberships:
        if membership.start > period.end or (membership.end is not None and membership.end < period.start):
            continue
        teams.setdefault(membership.user_id, []).append(membership.team_id)
        if membership.start > period.start or (membership.end is not None and membership.end < period.end):
            split.add(membership.user_id)
    whole = {user_id: own for user_id, own in teams.items() if user_id not in split}
    return whole, split


def _team_paths(org: Organization) -> dict[int, str]:
    return dict(Team.objects.filter(org=org).values_list("pk", "path"))


def _with_subtrees(
    org: Organization, direct: dict[int, dict[str, int]], teams: dict[int, str] | None = None
) -> dict[int, dict[str, int]]:
    """Each team's figure plus its sub-teams'; every team appears, with zeros if need be.
    `teams`: the team tree's paths, when already read."""
    teams = _team_paths(org) if teams is None else teams
    result: dict[int, dict[str, int]] = {team_id: defaultdict(int) for team_id in teams}
    for team_id, values in direct.items():
        path = teams.get(team_id, "")
        for ancestor in (int(part) for part in path.strip("/").split("/") if part):
            if ancestor in result:
                _add(result[ancestor], values, "")
    return result
