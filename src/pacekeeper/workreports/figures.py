"""The sales progress a report starts from: the period's figures of the author's main metrics
and goal attainment from the KPI engine (DESIGN rule 3), and the period's interactions from the
CRM. Frozen into the report as plain JSON values, so a report reads later as it was written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils.text import capfirst
from django.utils.translation import get_language

from pacekeeper.crm.selectors import interactions_between
from pacekeeper.goals.models import Goal
from pacekeeper.goals.progress import goals_progress
from pacekeeper.goals.smart import shown_value
from pacekeeper.kpis.engine import Level, compute
from pacekeeper.kpis.periods import Period
from pacekeeper.kpis.registry import METRICS
from pacekeeper.lib.documents import display
from pacekeeper.lib.formatting import format_amount, format_date, format_period, format_week
from pacekeeper.tenancy.models import Organization
from pacekeeper.tenancy.scopes import Actor

# The figures a report shows, in this order.
REPORT_METRICS = ("sales_amount", "gross_margin", "new_customers", "interactions", "visits")
INTERACTIONS_LISTED = 8
SUMMARY_CHARS = 80
DISPLAY_KINDS = {"currency": "money", "percent": "percent", "count": "integer"}


def period_of(cadence: str, day: dt.date) -> Period:
    """The report period containing `day`: that day, or its week from Monday to Sunday."""
    if cadence == Organization.ReportCadence.DAILY:
        return Period(day, day)
    monday = day - dt.timedelta(days=day.weekday())
    return Period(monday, monday + dt.timedelta(days=6))


def period_label(
    cadence: str,
    start: dt.date,
    end: dt.date,
    language: str | None = None,
    *,
    in_sentence: bool = False,
    this_week: dt.date | None = None,
) -> str:
    """A report's period as people name it: 12月7日那周 / week of 7 Dec, or the day."""
    language = language or get_language() or "zh-hans"
    if start == end:
        return format_date(start, language)
    if cadence == Organization.ReportCadence.WEEKLY and start.weekday() == 0 and (end - start).days == 6:
        week = format_week(start, language, this_week=this_week)
        return week if in_sentence else capfirst(week)
    return format_period(start, end, language)


def shown_period(period: Period, today: dt.date) -> Period:
    """A running period counts up to today (like for like with what has happened)."""
    return Period(period.start, min(period.end, max(today, period.start)))


def _json_value(value) -> int | str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return str(value)
    return int(value)


def sales_figures(*, actor: Actor, author_id: int, period: Period) -> dict:
    """What the KPI engine says about the author for the period (to today while it runs)."""
    today = actor.today()
    shown = shown_period(period, today)
    values = compute(
        org=actor.org, metrics=list(REPORT_METRICS), level=Level.MANAGER, period=shown, managers={author_id}
    ).get(author_id, {})
    goals = list(
        Goal.objects.visible_to(actor)
        .active()
        .select_related("org", "team", "person")
        .filter(level=Goal.Level.PERSON, person_id=author_id, starts_on__lte=period.end, ends_on__gte=period.start)
        .order_by("ends_on", "pk")[:6]
    )
    progress = goals_progress(goals, today=shown.end)
    interactions = interactions_between(
        actor=actor, manager_id=author_id, start=shown.start, end=shown.end, limit=INTERACTIONS_LISTED
    )
    zone = ZoneInfo(actor.org.time_zone)
    return {
        "period": [shown.start.isoformat(), shown.end.isoformat()],
        "metrics": [{"key": key, "value": _json_value(values.get(key))} for key in REPORT_METRICS],
        "goals": [_goal_row(goal, progress.get(goal.pk)) for goal in goals],
        "interactions": [
            {
                "day": item.occurred_at.astimezone(zone).date().isoformat(),
                "customer": item.customer.name,
                "kind": item.kind,
                "summary": item.summary[:SUMMARY_CHARS],
            }
            for item in interactions
        ],
    }


def _goal_row(goal: Goal, progress) -> dict:
    return {
        "id": goal.pk,
        "title": goal.title,
        "metric": goal.metric,
        "actual": _json_value(progress.actual) if progress else None,
        "target": _json_value(goal.target),
        "attainment": _json_value(progress.attainment) if progress and progress.attainment is not None else None,
        "status": progress.status if progress else "",
    }


def shown_figures(figures: dict, currency: str, language: str) -> dict:
    """The frozen figures as text for a page (lib/documents.display, DESIGN rule 11)."""
    metrics = []
    for row in figures.get("metrics", []):
        metric = METRICS.get(row["key"])
        if metric is None:
            continue
        kind = DISPLAY_KINDS.get(metric.unit, "decimal")
        value = row["value"] if row["value"] is None or kind != "percent" else Decimal(row["value"])
        full = display(value, kind, language, currency)
        # Cards abbreviate amounts (¥12.35万), the full amount on hover or tap (UX.md).
        short = (
            format_amount(int(value), currency, language, short=True) if kind == "money" and value is not None else full
        )
        metrics.append({"key": row["key"], "label": metric.label, "value": short, "full": full})
    goals = [
        {
            **row,
            "actual_shown": shown_value(row["metric"], row["actual"], currency),
            "target_shown": shown_value(row["metric"], row["target"], currency),
            "attainment_shown": display(Decimal(row["attainment"]), "percent", language)
            if row.get("attainment") is not None
            else "—",
        }
        for row in figures.get("goals", [])
    ]
    return {"metrics": metrics, "goals": goals, "interactions": figures.get("interactions", [])}
