"""The agenda a meeting writes itself when the lead opens it, frozen into `Meeting.agenda`.

The agenda is a list of per-member sections. A section is one function: given the meeting's
context, it returns {person id: a JSON value} for the members it has something to say about,
and a template shows that value (`meetings/agenda/_<key>.html`). Every figure comes from where
the product's own pages take it, at the moment of opening: goal progress from
`goals.progress.goals_progress` (the goal pages' function, over the KPI engine), task rates from
the KPI engine, the tasks themselves through work's scope and its engine facts, overdue
follow-ups through the CRM's customer list with its overdue rule. Once frozen, later facts do
not change a held meeting.

Adding a line (the lead wires these after merging):

    register_section("work_report", _("Latest work report"), build=work_report_section,
                     template="meetings/agenda/_work_report.html")

where `work_report_section(context)` calls e.g. `workreports.selectors.latest_report_summaries(
org=context.actor.org, person_ids=context.member_ids, on_or_before=context.today)` and returns
its dict; the same for "new complaints and low scores" from feedback. Without a template of its
own a section's values are shown by `meetings/agenda/_lines.html`: {"lines": [{"text", "url"}]}.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from pacekeeper.crm.selectors import CustomerFilters, customer_list
from pacekeeper.goals.models import Goal
from pacekeeper.goals.progress import goals_progress
from pacekeeper.kpis.engine import Level, compute
from pacekeeper.kpis.periods import Period
from pacekeeper.tenancy.models import User
from pacekeeper.tenancy.scopes import Actor
from pacekeeper.work.kpi_components import completion_facts
from pacekeeper.work.models import Task
from pacekeeper.work.selectors import task_filter, task_list

from .models import Meeting, MeetingItem

AGENDA_VERSION = 1
# Titles listed per member and list (the counts are always whole).
LISTED = 5
# The first meeting of a series looks back this many days for "done since last time".
FIRST_LOOK_BACK_DAYS = 7
TASK_RATES = ("task_completion_rate", "on_time_completion_rate")


@dataclass(frozen=True)
class AgendaContext:
    actor: Actor
    meeting: Meeting
    members: list[User]
    today: dt.date  # the day the meeting is held
    previous: Meeting | None  # the series' last meeting held before this one

    @property
    def member_ids(self) -> list[int]:
        return [member.pk for member in self.members]

    @property
    def since(self) -> dt.date:
        """The first day of "since the last meeting": the day after it, or a week back."""
        if self.previous is not None and self.previous.held_on < self.today:
            return self.previous.held_on + dt.timedelta(days=1)
        return self.today - dt.timedelta(days=FIRST_LOOK_BACK_DAYS - 1)


@dataclass(frozen=True)
class Section:
    key: str
    label: Promise | str
    build: Callable[[AgendaContext], dict[int, object]]
    template: str


SECTIONS: dict[str, Section] = {}


def register_section(key: str, label: Promise | str, *, build: Callable, template: str = "") -> Section:
    """Add a per-member line to every agenda opened from now on (the same key replaces it)."""
    section = Section(key, label, build, template or "meetings/agenda/_lines.html")
    SECTIONS[key] = section
    return section


def agenda_build(*, actor: Actor, meeting: Meeting, members: list[User], previous: Meeting | None) -> dict:
    """The frozen agenda: JSON values only (decimals as strings), every section for every member."""
    context = AgendaContext(actor=actor, meeting=meeting, members=members, today=actor.today(), previous=previous)
    sections = {}
    for key, section in SECTIONS.items():
        values = section.build(context)
        sections[key] = {str(person_id): value for person_id, value in values.items()}
    return {
        "version": AGENDA_VERSION,
        "held_on": context.today.isoformat(),
        "since": context.since.isoformat(),
        "previous_meeting": previous.pk if previous else None,
        "generated_at": timezone.now().isoformat(),
        "members": [{"id": member.pk, "name": str(member)} for member in members],
        "order": list(SECTIONS),
        "sections": sections,
    }


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


# --- goal progress ------------------------------------------------------------------------------


def goals_section(context: AgendaContext) -> dict[int, list[dict]]:
    """Each member's active personal goals: attainment now, and its change since the last
    meeting (from that meeting's frozen figures, or the engine as of its date)."""
    today = context.today
    goals = list(
        Goal.objects.visible_to(context.actor)
        .active()
        .select_related("org")
        .filter(level=Goal.Level.PERSON, person_id__in=context.member_ids, starts_on__lte=today, ends_on__gte=today)
        .order_by("title", "pk")
    )
    progress = goals_progress(goals, today=today)
    before = _attainments_before(context, goals)
    rows: dict[int, list[dict]] = defaultdict(list)
    for goal in goals:
        figures = progress.get(goal.pk)
        if figures is None:
            continue
        previous = before.get(goal.pk)
        change = None
        if figures.attainment is not None and previous is not None:
            change = figures.attainment - Decimal(previous)
        rows[goal.person_id].append(
            {
                "goal_id": goal.pk,
                "title": goal.title,
                "metric": goal.metric,
                "actual": _text(figures.actual),
                "target": _text(figures.target),
                "attainment": _text(figures.attainment),
                "status": figures.status,
                "previous_attainment": previous,
                "change": _text(change),
                "url": reverse("goals:detail", args=[goal.pk]),
            }
        )
    return dict(rows)


def _attainments_before(context: AgendaContext, goals: list[Goal]) -> dict[int, str | None]:
    previous = context.previous
    if previous is None or not goals:
        return {}
    found: dict[int, str | None] = {}
    for rows in ((previous.agenda or {}).get("sections", {}).get("goals", {})).values():
        for row in rows:
            found[row["goal_id"]] = row.get("attainment")
    missing = [goal for goal in goals if goal.pk not in found and goal.starts_on <= previous.held_on]
    for goal_id, figures in goals_progress(missing, today=previous.held_on).items():
        found[goal_id] = _text(figures.attainment) if figures else None
    return found


# --- tasks ----------------------------------------------------------------------------------------


def tasks_section(context: AgendaContext) -> dict[int, dict]:
    """Tasks done since the last meeting (the engine's own completions), overdue and blocked
    now, and the engine's completion and on-time rates over the same days."""
    ids = context.member_ids
    period = Period(context.since, context.today)
    done = completion_facts(context.actor.org, period).filter(owner_id__in=ids).order_by("completed_at", "pk")
    tasks = task_list(context.actor).filter(owner_id__in=ids)
    overdue = task_filter(tasks, today=context.today, due="overdue").order_by("due_on", "pk")
    blocked = tasks.filter(status=Task.Status.BLOCKED).order_by("due_on", "pk")
    rates = compute(org=context.actor.org, metrics=TASK_RATES, level=Level.MANAGER, period=period, managers=set(ids))
    lists = {"done": _listed(done), "overdue": _listed(overdue), "blocked": _listed(blocked)}
    rows = {}
    for person_id in ids:
        row = {name: found.get(person_id, {"count": 0, "items": []}) for name, found in lists.items()}
        figures = rates.get(person_id, {})
        row["completion_rate"] = _text(figures.get("task_completion_rate"))
        row["on_time_rate"] = _text(figures.get("on_time_completion_rate"))
        row["period"] = [period.start.isoformat(), period.end.isoformat()]
        rows[person_id] = row
    return rows


def _listed(tasks) -> dict[int, dict]:
    """{owner: {"count", "items": the first LISTED}} from two queries whatever the people."""
    counts = dict(tasks.order_by().values_list("owner_id").annotate(n=Count("pk")).values_list("owner_id", "n"))
    found: dict[int, dict] = {owner: {"count": n, "items": []} for owner, n in counts.items()}
    for task in tasks.filter(owner_id__in=list(counts))[: LISTED * max(len(counts), 1) * 4]:
        items = found[task.owner_id]["items"]
        if len(items) < LISTED:
            items.append(
                {
                    "task_id": task.pk,
                    "title": task.title,
                    "due_on": task.due_on.isoformat() if task.due_on else None,
                    "blocked_reason": task.blocked_reason,
                    "url": reverse("work:detail", args=[task.pk]),
                }
            )
    return found


# --- follow-ups -----------------------------------------------------------------------------------


def follow_ups_section(context: AgendaContext) -> dict[int, dict]:
    """Customers whose next follow-up is overdue (the CRM's follow-up policy), per owner."""
    customers = customer_list(actor=context.actor, filters=CustomerFilters(overdue=True)).filter(
        owner_id__in=context.member_ids
    )
    counts = dict(customers.order_by().values_list("owner_id").annotate(n=Count("pk")).values_list("owner_id", "n"))
    rows = {owner: {"count": n, "items": []} for owner, n in counts.items()}
    for customer in customers.order_by("next_due_on", "pk")[: LISTED * max(len(counts), 1) * 4]:
        items = rows[customer.owner_id]["items"]
        if len(items) < LISTED:
            items.append(
                {
                    "customer_id": customer.pk,
                    "name": customer.name,
                    "due_on": customer.next_due_on.isoformat(),
                    "url": reverse("crm:customer", args=[customer.pk]),
                }
            )
    return rows


# --- action items of earlier meetings ---------------------------------------------------------------


def action_items_section(context: AgendaContext) -> dict[int, list[dict]]:
    """Every action item of the last meeting, and those of earlier meetings still open, with
    their task's status now."""
    if context.previous is None:
        return {}
    items = (
        MeetingItem.objects.filter(
            org_id=context.actor.org_id,
            kind=MeetingItem.Kind.ACTION,
            meeting__series_id=context.meeting.series_id,
            meeting__held_on__lte=context.previous.held_on,
        )
        .exclude(meeting_id=context.meeting.pk)
        .filter(Q(meeting_id=context.previous.pk) | ~Q(task__status__in=Task.CLOSED))
        .select_related("task", "meeting")
        .order_by("meeting__held_on", "pk")
    )
    rows: dict[int, list[dict]] = defaultdict(list)
    for item in items:
        task = item.task
        rows[item.person_id].append(
            {
                "item_id": item.pk,
                "text": item.text,
                "meeting_id": item.meeting_id,
                "meeting_held_on": item.meeting.held_on.isoformat(),
                "task_id": task.pk if task else None,
                "status": task.status if task else "",
                "due_on": task.due_on.isoformat() if task and task.due_on else None,
                "is_overdue": bool(task and task.is_overdue(context.today)),
                "url": reverse("work:detail", args=[task.pk]) if task else "",
            }
        )
    return dict(rows)


register_section("goals", _("Goal progress"), build=goals_section, template="meetings/agenda/_goals.html")
register_section("tasks", _("Tasks"), build=tasks_section, template="meetings/agenda/_tasks.html")
register_section(
    "follow_ups", _("Follow-ups overdue"), build=follow_ups_section, template="meetings/agenda/_follow_ups.html"
)
register_section(
    "action_items",
    _("Action items from earlier meetings"),
    build=action_items_section,
    template="meetings/agenda/_action_items.html",
)
