"""Reading the analysed texts, always through the scope: topics per month, top issues per team
and manager, what changed against the previous like-for-like period, and the comments behind
any of those figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth

from pacekeeper.lib.formatting import format_period, month_label
from pacekeeper.tenancy.models import Team, User
from pacekeeper.tenancy.scopes import text_analyses_q

from .analysis import NEGATIVE, SENTIMENTS
from .models import AnalysisTopic, TextAnalysis, Topic

TOP_ISSUES = 5


def analyses(actor) -> QuerySet:
    return TextAnalysis.objects.visible_to(actor)


def topics(actor) -> QuerySet:
    return Topic.objects.visible_to(actor).order_by("position", "pk")


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Filters:
    topic: int | None = None
    sentiment: str = ""
    source: str = ""
    manager: int | None = None
    team: int | None = None
    customer: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    q: str = ""


def filtered(rows: QuerySet, f: Filters, *, prefix: str = "") -> QuerySet:
    """Apply the filters to analyses (prefix "" ) or to their topic links (prefix "analysis__")."""
    conditions = {}
    if f.sentiment in SENTIMENTS:
        conditions[f"{prefix}sentiment"] = f.sentiment
    if f.source:
        conditions[f"{prefix}source"] = f.source
    if f.manager is not None:
        conditions[f"{prefix}manager_id"] = f.manager
    if f.customer is not None:
        conditions[f"{prefix}customer_id"] = f.customer
    if f.since is not None:
        conditions[f"{prefix}day__gte"] = f.since
    if f.until is not None:
        conditions[f"{prefix}day__lte"] = f.until
    rows = rows.filter(**conditions)
    if f.team is not None:
        team = Team.objects.filter(pk=f.team).only("path", "org_id").first()
        if team is None:
            return rows.none()
        rows = rows.filter(**{f"{prefix}team__path__startswith": team.path, f"{prefix}team__org_id": team.org_id})
    if f.topic is not None:
        if prefix:
            rows = rows.filter(topic_id=f.topic)
        else:
            rows = rows.filter(topic_links__topic_id=f.topic)
    if f.q:
        rows = rows.filter(**{f"{prefix}excerpt__icontains": f.q})
    return rows


def _links(actor, f: Filters) -> QuerySet:
    links = AnalysisTopic.objects.filter(text_analyses_q(actor, prefix="analysis__"))
    return filtered(links, f, prefix="analysis__")


def topics_by_month(actor, f: Filters, *, first: dt.date, last: dt.date, language: str) -> dict:
    """Texts per topic and month (a text with two topics counts in both): the chart's series and
    the table's rows, months from `first` to `last` (first days)."""
    months = []
    day = first
    while day <= last:
        months.append(day)
        day = add_months(day, 1)
    window = Filters(**{**f.__dict__, "since": first, "until": add_months(last, 1) - dt.timedelta(days=1)})
    counts = (
        _links(actor, window)
        .annotate(month=TruncMonth("analysis__day"))
        .values("topic_id", "month")
        .annotate(n=Count("analysis_id", distinct=True))
    )
    table: dict[int, dict[dt.date, int]] = {}
    for row in counts:
        month = row["month"].date() if isinstance(row["month"], dt.datetime) else row["month"]
        table.setdefault(row["topic_id"], {})[month] = row["n"]
    rows = []
    for topic in topics(actor):
        cells = [table.get(topic.pk, {}).get(m, 0) for m in months]
        if topic.is_active or any(cells):
            rows.append({"topic": topic, "cells": list(zip(months, cells, strict=False)), "total": sum(cells)})
    totals = [sum(r["cells"][i][1] for r in rows) for i in range(len(months))]
    return {
        "months": months,
        "labels": [month_label(m, language, with_year=True) for m in months],
        "rows": rows,
        "totals": totals,
        "chart": {
            "labels": [month_label(m, language, with_year=True) for m in months],
            "series": [{"name": r["topic"].name, "data": [c for _m, c in r["cells"]]} for r in rows if r["total"]],
        },
    }


def top_issues(actor, f: Filters, *, by: str) -> list[dict]:
    """The topics most often raised in negative texts, per team (`by="team"`) or manager."""
    field = "analysis__team_id" if by == "team" else "analysis__manager_id"
    negative = Filters(**{**f.__dict__, "sentiment": NEGATIVE})
    counts = (
        _links(actor, negative)
        .exclude(**{f"{field}__isnull": True})
        .values(field, "topic_id")
        .annotate(n=Count("analysis_id", distinct=True))
        .order_by("-n")
    )
    owners: dict[int, list] = {}
    for row in counts:
        owners.setdefault(row[field], []).append((row["topic_id"], row["n"]))
    names = (
        {t.pk: t for t in Team.objects.filter(pk__in=owners)}
        if by == "team"
        else {u.pk: u for u in User.objects.filter(pk__in=owners)}
    )
    topic_names = {t.pk: t for t in topics(actor)}
    out = []
    for owner_id, items in owners.items():
        items = sorted(items, key=lambda item: -item[1])[:TOP_ISSUES]
        out.append(
            {
                "owner": names.get(owner_id),
                "owner_id": owner_id,
                "total": sum(n for _t, n in items),
                "issues": [{"topic": topic_names.get(t), "topic_id": t, "count": n} for t, n in items],
            }
        )
    out.sort(key=lambda row: (-row["total"], str(row["owner"])))
    return out


def periods(today: dt.date, months: int) -> tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]]:
    """The last `months` full months before today's month, and the same number of months before
    them: like-for-like periods (whole months, same length)."""
    end = month_start(today) - dt.timedelta(days=1)
    start = add_months(month_start(today), -months)
    previous_start = add_months(start, -months)
    return (start, end), (previous_start, start - dt.timedelta(days=1))


def what_changed(actor, f: Filters, *, today: dt.date, months: int, language: str) -> dict:
    """Per topic: texts in the period and in the previous one, their share of all texts, the
    change in percentage points, and negative texts; rising first."""
    (start, end), (previous_start, previous_end) = periods(today, months)
    base = filtered(analyses(actor), Filters(**{**f.__dict__, "topic": None}))

    def tally(first, last):
        texts = base.filter(day__gte=first, day__lte=last).count()
        rows = (
            _links(actor, Filters(**{**f.__dict__, "topic": None, "since": first, "until": last}))
            .values("topic_id")
            .annotate(
                n=Count("analysis_id", distinct=True),
                negative=Count("analysis_id", filter=Q(analysis__sentiment=NEGATIVE), distinct=True),
            )
        )
        return texts, {row["topic_id"]: row for row in rows}

    now_texts, now_rows = tally(start, end)
    before_texts, before_rows = tally(previous_start, previous_end)
    out = []
    for topic in topics(actor):
        now = now_rows.get(topic.pk, {}).get("n", 0)
        before = before_rows.get(topic.pk, {}).get("n", 0)
        if not now and not before:
            continue
        share_now = now * 100 / now_texts if now_texts else 0
        share_before = before * 100 / before_texts if before_texts else 0
        out.append(
            {
                "topic": topic,
                "now": now,
                "before": before,
                "share_now": round(share_now, 1),
                "share_before": round(share_before, 1),
                "points": round(share_now - share_before, 1),
                "negative_now": now_rows.get(topic.pk, {}).get("negative", 0),
                "negative_before": before_rows.get(topic.pk, {}).get("negative", 0),
            }
        )
    out.sort(key=lambda row: -row["points"])
    return {
        "rows": out,
        "period": (start, end),
        "previous": (previous_start, previous_end),
        "period_label": format_period(start, end, language),
        "previous_label": format_period(previous_start, previous_end, language),
        "texts_now": now_texts,
        "texts_before": before_texts,
    }


def visible_team(actor, team_id: int) -> bool:
    return Team.objects.visible_to(actor).filter(pk=team_id).exists()
