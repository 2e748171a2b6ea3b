"""What each role's first screen shows, assembled from the KPI engine, goals and the CRM.

Every figure comes from the engine (DESIGN rule 3); the number of engine calls depends on the
months shown, never on the number of people.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from pacekeeper.crm.selectors import follow_ups_by_team, last_activity, portfolio_sizes
from pacekeeper.goals.models import Goal
from pacekeeper.goals.progress import goals_progress
from pacekeeper.kpis.engine import ORG_SUBJECT, Level, by_monthly_rollups, compute, compute_levels, monthly_series
from pacekeeper.kpis.periods import Period, like_for_like
from pacekeeper.kpis.registry import METRICS, ToDate
from pacekeeper.tenancy.models import Team, User
from pacekeeper.tenancy.scopes import Actor

TREND_MONTHS = 6
QUIET_DAYS = 14
TEAM_METRICS = [
    "sales_amount",
    "new_customers",
    "retention_rate",
    "follow_up_compliance",
    "pipeline_weighted",
]


@dataclass
class Trend:
    labels: list[str]
    values: dict[int, list[int]]  # subject → value per month, oldest first


def monthly_trend(
    *, actor: Actor, metric: str, level: str, months: int = TREND_MONTHS, managers: set[int] | None = None
) -> Trend:
    """For every subject of the level at once (or only `managers`), month by month."""
    return monthly_trends(actor=actor, metric=metric, levels=(level,), months=months, managers=managers)[Level(level)]


def monthly_trends(
    *, actor: Actor, metric: str, levels: tuple[str, ...], months: int = TREND_MONTHS, managers: set[int] | None = None
) -> dict[Level, Trend]:
    """`monthly_trend` for several levels at once: metrics of additive components from the
    monthly rollups in one pass (`monthly_series`), others from an engine call per month for
    all the levels (teams and the organisation side by side cost one pass, not two)."""
    current = Period.month_of(actor.today())
    periods = [current]
    for _month in range(months - 1):
        periods.insert(0, periods[0].previous())
    labels = [f"{p.start.year}-{p.start.month:02d}" for p in periods]
    if by_monthly_rollups(metric):  # every month at once
        series = monthly_series(org=actor.org, metric=metric, levels=levels, months=periods, managers=managers)
        return {
            level: Trend(labels, {subject: [v or 0 for v in values] for subject, values in by_subject.items()})
            for level, by_subject in series.items()
        }
    trends = {Level(level): Trend(labels=labels, values={}) for level in levels}
    for index, period in enumerate(periods):
        results = compute_levels(org=actor.org, metrics=[metric], levels=levels, period=period, managers=managers)
        for level, result in results.items():
            for subject, figures in result.items():
                trends[level].values.setdefault(subject, [0] * months)[index] = figures[metric] or 0
    return trends


def team_dashboard(*, actor: Actor, team: Team, period: Period) -> dict:
    """A lead's team: every member against target, the team's goals, and the alerts."""
    today = actor.today()
    members, leads = team_members(actor=actor, team=team, today=today)
    ids = [member.pk for member in members]
    shown, _compared, to_date = like_for_like(period, today)
    figures = compute(
        org=actor.org,
        metrics=["sales_amount", "interactions", "visits"],
        level=Level.MANAGER,
        period=shown,
        managers=set(ids),
    )
    goals = list(
        Goal.objects.visible_to(actor)
        .active()
        .select_related("org", "team", "person")
        .filter(starts_on__lte=period.end, ends_on__gte=period.start)
        .filter(Q(team=team) | Q(person_id__in=ids))
    )
    progress = goals_progress(goals, today=today)
    personal = {(g.person_id, g.metric): g for g in goals if g.level == Goal.Level.PERSON}
    trend = monthly_trend(actor=actor, metric="sales_amount", level=Level.MANAGER, managers=set(ids))
    activity = last_activity(actor=actor, manager_ids=ids)
    follow_ups = {row["person"].pk: row for group in follow_ups_by_team(actor=actor) for row in group["people"]}
    rows = []
    for member in members:
        goal = personal.get((member.pk, "sales_amount"))
        last = activity.get(member.pk)
        rows.append(
            {
                "person": member,
                "is_lead": member.pk in leads,
                "figures": figures.get(member.pk, {}),
                "goal": goal,
                "progress": progress.get(goal.pk) if goal else None,
                "trend": trend.values.get(member.pk, []),
                "last_activity": last,
                "quiet": last is None or (today - last).days > QUIET_DAYS,
                "overdue": follow_ups.get(member.pk, {}).get("overdue", 0),
            }
        )
    team_goals = [g for g in goals if g.level == Goal.Level.TEAM and g.team_id == team.pk]
    off_track = [
        g
        for g in goals
        if progress.get(g.pk) and progress[g.pk].status == "off_track" and (g.team_id == team.pk or g.person_id in ids)
    ]
    return {
        "rows": rows,
        "team_goals": [(g, progress[g.pk]) for g in team_goals],
        "off_track": off_track,
        "quiet": [r for r in rows if r["quiet"]],
        "overdue": [r for r in rows if r["overdue"]],
        "trend_labels": trend.labels,
        "quiet_days": QUIET_DAYS,
        "shown": shown,
        "to_date": to_date,
    }


def team_members(*, actor: Actor, team: Team, today) -> tuple[list[User], set[int]]:
    """The member rows of a team page, and which of them lead it.

    A lead who carries no portfolio is not a member row: their ¥0 and "no activity" would read
    as an account manager falling behind. A lead who also sells (owns customers) is a row like
    everyone else's, marked as the lead, with the same alerts (docs/dashboards.md)."""
    current = list(team.memberships.current(today).values_list("user_id", "is_lead"))
    leads = {user_id for user_id, is_lead in current if is_lead}
    selling = set(portfolio_sizes(org_id=actor.org.pk, owner_ids=list(leads))) if leads else set()
    shown = {user_id for user_id, is_lead in current if not is_lead} | selling
    members = list(User.objects.visible_to(actor).filter(pk__in=shown, is_active=True).order_by("username"))
    return members, leads & selling


def running_figures(
    *,
    actor: Actor,
    metrics: list[str],
    levels: tuple[str, ...],
    period: Period,
    shown: Period,
    managers: set[int] | None = None,
) -> tuple[dict[Level, dict[int, dict[str, object]]], set[str]]:
    """`compute_levels` for a page showing `shown` of `period` (the period to date while it runs),
    each metric as its registry says (`Metric.to_date`): flows up to today, the pipeline over the
    whole period (deals expected to close later this month are this month's pipeline), and
    metrics comparing whole periods (retention) with no figure yet. Returns the figures and the
    keys that have no figure yet, for the page to say why."""
    if shown == period:
        return compute_levels(org=actor.org, metrics=metrics, levels=levels, period=period, managers=managers), set()
    rule = {key: METRICS[key].to_date for key in metrics}
    cut = [key for key in metrics if rule[key] == ToDate.CUT]
    whole = [key for key in metrics if rule[key] == ToDate.WHOLE]
    not_yet = {key for key in metrics if rule[key] == ToDate.NONE}
    results = compute_levels(org=actor.org, metrics=cut, levels=levels, period=shown, managers=managers)
    if whole:
        ahead = compute_levels(org=actor.org, metrics=whole, levels=levels, period=period, managers=managers)
        for level, by_subject in ahead.items():
            for subject, figures in by_subject.items():
                results[level].setdefault(subject, {}).update(figures)
    for by_subject in results.values():
        for figures in by_subject.values():
            figures.update(dict.fromkeys(not_yet))
    return results, not_yet


def overview(*, actor: Actor, period: Period) -> dict:
    """A director's overview: teams side by side, the organisation's goals and their trend.

    Figures are like for like: a running period is shown to date and compared with the same
    days of the previous one (`like_for_like`); goals show their own period's progress."""
    teams = list(Team.objects.visible_to(actor).order_by("path"))
    shown, compared, to_date = like_for_like(period, actor.today())
    both, not_yet = running_figures(
        actor=actor, metrics=TEAM_METRICS, levels=(Level.TEAM, Level.ORG), period=period, shown=shown
    )
    by_team, org = both[Level.TEAM], both[Level.ORG][ORG_SUBJECT]
    # The cards compare these two with the previous period; retention and compliance there would
    # cost more than the whole rest of the page.
    # The growth column compares the same spans as the cards (the engine's own sales_growth
    # compares with the days just before, which is not what the page says).
    before = compute_levels(
        org=actor.org, metrics=["sales_amount", "new_customers"], levels=(Level.TEAM, Level.ORG), period=compared
    )
    previous = before[Level.ORG][ORG_SUBJECT]
    goals = list(
        Goal.objects.visible_to(actor)
        .active()
        .select_related("org", "team", "person")
        .filter(level__in=(Goal.Level.ORG, Goal.Level.TEAM), starts_on__lte=period.end, ends_on__gte=period.start)
    )
    progress = goals_progress(goals, today=actor.today())
    # One series per metric, for teams and the organisation at once, whatever the goals.
    trends = {"sales_amount": monthly_trends(actor=actor, metric="sales_amount", levels=(Level.TEAM, Level.ORG))}
    goal_rows = []
    for goal in goals:
        if goal.metric:
            if goal.metric not in trends:
                trends[goal.metric] = monthly_trends(actor=actor, metric=goal.metric, levels=(Level.TEAM, Level.ORG))
            series = trends[goal.metric][Level(goal.level)].values.get(goal.subject_id, [])
        else:
            series = []
        goal_rows.append({"goal": goal, "progress": progress[goal.pk], "trend": series})
    trend = trends["sales_amount"][Level.TEAM]
    return {
        "teams": [
            {
                "team": t,
                "figures": by_team.get(t.pk, {}),
                "previous": before[Level.TEAM].get(t.pk, {}),
                "trend": trend.values.get(t.pk, []),
            }
            for t in teams
        ],
        "org": org,
        "previous": previous,
        "shown": shown,
        "compared": compared,
        "to_date": to_date,
        "not_yet": not_yet,
        "goals": goal_rows,
        "off_track": [g for g in goals if progress[g.pk] and progress[g.pk].status == "off_track"],
        "trend_labels": trend.labels,
        "org_trend": trends["sales_amount"][Level.ORG].values.get(ORG_SUBJECT, []),
    }


def my_goals(*, actor: Actor) -> list[tuple[Goal, object]]:
    """An account manager's active goals that run today, with their pace."""
    today = actor.today()
    goals = list(
        Goal.objects.visible_to(actor)
        .active()
        .select_related("org", "team", "person")
        .filter(level=Goal.Level.PERSON, person_id=actor.user_id, starts_on__lte=today, ends_on__gte=today)
    )
    progress = goals_progress(goals, today=today)
    return [(goal, progress[goal.pk]) for goal in goals]


def sparkline_points(values: list[int], width: int = 96, height: int = 24) -> str:
    """SVG polyline points for a small trend line in a table cell."""
    if not values:
        return ""
    low, high = min(values), max(values)
    span = (high - low) or 1
    step = width / max(1, len(values) - 1)
    return " ".join(f"{i * step:.1f},{height - (v - low) / span * (height - 2) - 1:.1f}" for i, v in enumerate(values))


PERSON_METRICS = [
    "sales_amount",
    "gross_margin",
    "new_customers",
    "customers_lost",
    "interactions",
    "visits",
    "follow_up_compliance",
    "pipeline_weighted",
]


def person_dashboard(*, actor: Actor, person: User, period: Period) -> dict:
    """One account manager: the figures of the period (a running one as `running_figures` says),
    their goals with pace, a monthly trend."""
    shown, _compared, _to_date = like_for_like(period, actor.today())
    results, not_yet = running_figures(
        actor=actor, metrics=PERSON_METRICS, levels=(Level.MANAGER,), period=period, shown=shown, managers={person.pk}
    )
    figures = results[Level.MANAGER]
    goals = list(
        Goal.objects.visible_to(actor)
        .active()
        .select_related("org", "team", "person")
        .filter(level=Goal.Level.PERSON, person=person, starts_on__lte=period.end, ends_on__gte=period.start)
    )
    progress = goals_progress(goals, today=actor.today())
    trend = monthly_trend(actor=actor, metric="sales_amount", level=Level.MANAGER, months=12, managers={person.pk})
    return {
        "figures": figures.get(person.pk, {}),
        "metrics": PERSON_METRICS,
        "not_yet": not_yet,
        "goals": [(goal, progress[goal.pk]) for goal in goals],
        "trend": list(zip(trend.labels, trend.values.get(person.pk, [0] * len(trend.labels)), strict=True)),
    }


def own_trend(*, actor: Actor, months: int = TREND_MONTHS) -> list[tuple[str, int]]:
    trend = monthly_trend(
        actor=actor, metric="sales_amount", level=Level.MANAGER, months=months, managers={actor.user_id}
    )
    return list(zip(trend.labels, trend.values.get(actor.user_id, [0] * months), strict=True))
