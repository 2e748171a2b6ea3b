"""Reads of work reports, always through the scope (tenancy/scopes.work_reports_q), plus the
two reads other apps use without an actor (`latest_report_summaries`, `problems_and_measures`:
the caller has already decided whose reports may be shown)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from pacekeeper.kpis.periods import Period
from pacekeeper.tenancy.models import Organization, Team, TeamMembership, User
from pacekeeper.tenancy.scopes import Actor, get_visible, work_report_authors_q

from .figures import period_label, period_of
from .models import HelpItem, NewsItem, ReportComment, WorkReport

TAG_KINDS = ("competitor", "product", "region")
SUGGESTIONS = 30


def access_report(actor: Actor, pk: object) -> WorkReport:
    return get_visible(report_list(actor), pk, actor=actor)


def access_help_item(actor: Actor, pk: object) -> HelpItem:
    return get_visible(HelpItem.objects.visible_to(actor).select_related("report__author", "task"), pk, actor=actor)


def report_list(actor: Actor) -> QuerySet[WorkReport]:
    return (
        WorkReport.objects.visible_to(actor)
        .select_related("author", "read_by")
        .annotate(open_help=Count("help_items", filter=Q(help_items__status=HelpItem.Status.OPEN), distinct=True))
        .order_by("-period_start", "author__username", "pk")
    )


def report_filter(
    reports: QuerySet[WorkReport],
    *,
    author: int | None = None,
    status: str | None = None,
    unread: bool | None = None,
    day: dt.date | None = None,
) -> QuerySet[WorkReport]:
    if author is not None:
        reports = reports.filter(author_id=author)
    if status:
        reports = reports.filter(status=status)
    if unread is not None:  # True: submitted and not read yet; False: all the others
        waiting = Q(status=WorkReport.Status.SUBMITTED, read_at__isnull=True)
        reports = reports.filter(waiting) if unread else reports.exclude(waiting)
    if day is not None:
        reports = reports.filter(period_start__lte=day, period_end__gte=day)
    return reports


def report_detail(actor: Actor, report: WorkReport) -> dict:
    return {
        "news": list(report.news.all()),
        "help_items": list(report.help_items.select_related("task", "handled_by")),
        "comments": list(ReportComment.objects.visible_to(actor).filter(report=report).select_related("author")),
    }


def comment_list(actor: Actor, report: WorkReport) -> QuerySet[ReportComment]:
    return ReportComment.objects.visible_to(actor).filter(report=report).select_related("author")


def help_item_list(actor: Actor, *, is_open: bool | None = None) -> QuerySet[HelpItem]:
    """`is_open` True: still open; False: handled (a task, or marked handled); None: all."""
    items = HelpItem.objects.visible_to(actor).filter(report__status=WorkReport.Status.SUBMITTED)
    if is_open is not None:
        items = items.filter(status=HelpItem.Status.OPEN) if is_open else items.exclude(status=HelpItem.Status.OPEN)
    return items.select_related("report__author", "task").order_by("-report__period_start", "report_id", "position")


def news_search(actor: Actor, *, q: str = "", tag: str = "", kind: str = "") -> QuerySet[NewsItem]:
    """Market news of the submitted reports the actor sees (and their own drafts), newest first.
    `tag` matches any tag, or the tag of `kind` (competitor, product, region) if given."""
    items = NewsItem.objects.visible_to(actor).select_related("report__author")
    if q:
        items = items.filter(text__icontains=q)
    if tag:
        if kind in TAG_KINDS:
            items = items.filter(**{f"{kind}__iexact": tag})
        else:
            items = items.filter(Q(competitor__iexact=tag) | Q(product__iexact=tag) | Q(region__iexact=tag))
    return items.order_by("-report__period_start", "-report_id", "position", "pk")


def tag_suggestions(actor: Actor) -> dict[str, list[str]]:
    """The tags already used on news the actor sees, most used first: what the tag fields offer."""
    items = NewsItem.objects.visible_to(actor)
    found = {}
    for kind in TAG_KINDS:
        rows = items.exclude(**{kind: ""}).values(kind).annotate(n=Count("pk")).order_by("-n", kind)[:SUGGESTIONS]
        found[kind] = [row[kind] for row in rows]
    return found


# --- who has reported --------------------------------------------------------------------------


def current_and_last(org: Organization, today: dt.date) -> tuple[Period, Period]:
    current = period_of(org.work_report_cadence, today)
    return current, period_of(org.work_report_cadence, current.start - dt.timedelta(days=1))


def expected_authors(actor: Actor, *, team: Team | None = None) -> QuerySet[User]:
    """The account managers whose reports the actor expects: in their scope, or in one team
    (and its sub-teams) today."""
    people = User.objects.filter(work_report_authors_q(actor))
    if team is not None:
        in_team = TeamMembership.objects.current(actor.today()).filter(
            org_id=actor.org_id, team__path__startswith=team.path
        )
        people = people.filter(pk__in=in_team.values("user_id"))
    return people.order_by("username", "pk")


def reporting_status(actor: Actor, people: list[User]) -> dict:
    """For each person: their report of the current and of the last period (None when missing),
    in two queries whatever the number of people."""
    current, last = current_and_last(actor.org, actor.today())
    reports = WorkReport.objects.visible_to(actor).filter(
        author_id__in=[person.pk for person in people],
        cadence=actor.org.work_report_cadence,
        period_start__in=[current.start, last.start],
    )
    by_key = {(report.author_id, report.period_start): report for report in reports}
    rows = []
    for person in people:
        now, before = by_key.get((person.pk, current.start)), by_key.get((person.pk, last.start))
        rows.append({"person": person, "current": now, "last": before})
    cadence = actor.org.work_report_cadence
    return {
        "current": current,
        "last": last,
        "current_label": period_label(cadence, current.start, current.end),
        "last_label": period_label(cadence, last.start, last.end),
        "last_phrase": period_label(cadence, last.start, last.end, in_sentence=True),
        "rows": rows,
        "missing_last": [row["person"] for row in rows if not (row["last"] and row["last"].is_submitted)],
        "missing_current": [row["person"] for row in rows if not (row["current"] and row["current"].is_submitted)],
    }


# --- for other apps (meetings' agenda, progress reports); TEAM.md fixes these signatures ---------


def latest_report_summaries(*, org: Organization, person_ids, on_or_before: dt.date) -> dict[int, dict]:
    """person id → their latest submitted report whose period started on or before the day:
    {"id", "period_label", "submitted_at", "help_needed_open", "url"} and the period itself
    ("cadence", "period_start", "period_end") for callers that keep it. One query."""
    reports = (
        WorkReport.objects.filter(
            org_id=org.pk,
            author_id__in=list(person_ids),
            status=WorkReport.Status.SUBMITTED,
            period_start__lte=on_or_before,
        )
        .annotate(open_help=Count("help_items", filter=Q(help_items__status=HelpItem.Status.OPEN)))
        .order_by("author_id", "-period_start", "-pk")
    )
    found: dict[int, dict] = {}
    for report in reports:
        if report.author_id in found:
            continue
        found[report.author_id] = {
            "id": report.pk,
            "period_label": period_label(report.cadence, report.period_start, report.period_end),
            "cadence": report.cadence,
            "period_start": report.period_start,
            "period_end": report.period_end,
            "submitted_at": report.submitted_at,
            "help_needed_open": report.open_help,
            "url": reverse("workreports:detail", args=[report.pk]),
        }
    return found


def problems_and_measures(*, org: Organization, person_ids, start: dt.date, end: dt.date) -> list[dict]:
    """The help asked for in reports submitted from start to end (the organisation's days), as
    problems raised on the day the report was submitted — not its period's end, which may be
    days later and outside a month that ends mid-week — with what was done about it as the
    measure ("" while open): a task's title and status, or the lead's note. Oldest first."""
    zone = ZoneInfo(org.time_zone)
    since = dt.datetime.combine(start, dt.time(), tzinfo=zone)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    items = (
        HelpItem.objects.filter(
            org_id=org.pk,
            report__author_id__in=list(person_ids),
            report__status=WorkReport.Status.SUBMITTED,
            report__submitted_at__gte=since,
            report__submitted_at__lt=until,
        )
        .select_related("report", "task")
        .order_by("report__submitted_at", "report_id", "position", "pk")
    )
    return [
        {
            "date": item.report.submitted_at.astimezone(zone).date(),
            "person_id": item.report.author_id,
            "problem": item.text,
            "measure": _measure(item),
            "source": _("Work report"),
            "url": reverse("workreports:detail", args=[item.report_id]),
        }
        for item in items
    ]


def _measure(item: HelpItem) -> str:
    if item.task is not None:
        return _("Task: %(title)s (%(status)s)") % {"title": item.task.title, "status": item.task.get_status_display()}
    if item.status == HelpItem.Status.HANDLED:
        return item.handled_note or _("Handled")
    return ""
