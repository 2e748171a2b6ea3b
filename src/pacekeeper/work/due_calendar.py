"""The calendar of due dates: tasks, and the CRM's follow-ups (customers due a contact, next
steps promised in interactions) on the days they fall, by month or by week.

Weeks start on Monday (UX.md). A month shows whole weeks, from the Monday on or before the 1st
to the Sunday on or after its last day, so the grid is always seven columns wide. An account
manager sees their own calendar; a lead, a director or an admin everyone they see, or one
person. Cancelled tasks are left out; done ones stay on their day, marked done.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from pacekeeper.crm.selectors import follow_ups_between
from pacekeeper.lib import date_rules
from pacekeeper.lib.formatting import format_period, month_label
from pacekeeper.tenancy.scopes import Actor, sees_only_own_tasks_calendar

from . import selectors
from .models import Task

MONTH, WEEK = "month", "week"
# Per kind of entry: a director's whole-organisation month can hold thousands; past this the
# page says so and asks to choose a person (a calendar nobody can read helps nobody).
MAX_ENTRIES = 400


@dataclass
class Entry:
    kind: str  # "task", "follow_up" or "next_step"
    kind_label: str
    title: str
    url: str
    person: str
    detail: str = ""
    is_done: bool = False
    is_overdue: bool = False


@dataclass
class Day:
    day: dt.date
    in_range: bool  # inside the month (a month's grid starts and ends with other months' days)
    is_today: bool
    entries: list[Entry] = field(default_factory=list)
    weekday: str = ""


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def span(view: str, day: dt.date) -> tuple[dt.date, dt.date, dt.date, dt.date]:
    """(first, last) of the month or week containing `day`, and (start, end) of its grid."""
    if view == WEEK:
        first = monday_of(day)
        last = first + dt.timedelta(days=6)
        return first, last, first, last
    first = day.replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return first, last, monday_of(first), monday_of(last) + dt.timedelta(days=6)


def neighbours(view: str, first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    """The day the "previous" and "next" links open."""
    if view == WEEK:
        return first - dt.timedelta(days=7), first + dt.timedelta(days=7)
    return (first - dt.timedelta(days=1)).replace(day=1), last + dt.timedelta(days=1)


def person_shown(actor: Actor, person: int | None) -> int | None:
    """An account manager's calendar is their own; the others choose someone or see everyone."""
    return actor.user_id if sees_only_own_tasks_calendar(actor) else person


def calendar_page(actor: Actor, *, view: str, day: dt.date, person: int | None) -> dict:
    today = actor.today()
    first, last, start, end = span(view, day)
    person = person_shown(actor, person)
    entries, truncated = calendar_entries(actor, start=start, end=end, person=person, today=today)
    days = [
        Day(day=start + dt.timedelta(days=n), in_range=first <= start + dt.timedelta(days=n) <= last, is_today=False)
        for n in range((end - start).days + 1)
    ]
    for item in days:
        item.is_today = item.day == today
        item.entries = entries.get(item.day, [])
        item.weekday = str(WEEKDAYS[item.day.weekday()])
    before, after = neighbours(view, first, last)
    language = get_language() or "zh-hans"
    heading = month_label(first, language, with_year=True) if view == MONTH else format_period(first, last, language)
    return {
        "view": view,
        "day": day,
        "heading": heading,
        "weeks": [days[n : n + 7] for n in range(0, len(days), 7)],
        "days": [d for d in days if d.in_range],
        "previous": before if before >= date_rules.EARLIEST else None,
        "next": after if after <= date_rules.latest(today) else None,
        "today": today,
        "shows_today": first <= today <= last,
        "truncated": truncated,
        "count": sum(len(d.entries) for d in days if d.in_range),
        "one_person": person is not None,
        # Column heads, Monday first: (short, full) in the page's language.
        "weekdays": [(str(WEEKDAYS_ABBR[n]), str(WEEKDAYS[n])) for n in range(7)],
    }


def calendar_entries(
    actor: Actor, *, start: dt.date, end: dt.date, person: int | None, today: dt.date
) -> tuple[dict[dt.date, list[Entry]], bool]:
    """Entries by day from `start` to `end`: three queries whatever the span or the team."""
    by_day: dict[dt.date, list[Entry]] = {}
    tasks = (
        selectors.task_list(actor)
        .filter(due_on__gte=start, due_on__lte=end)
        .exclude(status=Task.Status.CANCELLED)
        .order_by("due_on", "status", "pk")
    )
    if person is not None:
        collaborating = Task.collaborators.through.objects.filter(user_id=person).values("task_id")
        tasks = tasks.filter(Q(owner_id=person) | Q(pk__in=collaborating))
    follow_ups = follow_ups_between(actor=actor, start=start, end=end, owner=person)
    tasks, customers, steps = (
        list(rows[: MAX_ENTRIES + 1]) for rows in (tasks, follow_ups["customers"], follow_ups["next_steps"])
    )
    truncated = any(len(rows) > MAX_ENTRIES for rows in (tasks, customers, steps))
    task_word, follow_up_word, step_word = _("Task"), _("Follow-up"), _("Next step")
    for task in tasks[:MAX_ENTRIES]:
        by_day.setdefault(task.due_on, []).append(
            Entry(
                kind="task",
                kind_label=task_word,
                title=task.title,
                url=reverse("work:detail", args=[task.pk]),
                person=str(task.owner),
                detail=task.get_status_display(),
                is_done=task.status == Task.Status.DONE,
                is_overdue=task.is_overdue(today),
            )
        )
    for customer in customers[:MAX_ENTRIES]:
        by_day.setdefault(customer.next_due_on, []).append(
            Entry(
                kind="follow_up",
                kind_label=follow_up_word,
                title=customer.name,
                url=reverse("crm:customer", args=[customer.pk]),
                person=str(customer.owner),
                detail=customer.get_tier_display(),
                is_overdue=customer.next_due_on < today,
            )
        )
    for step in steps[:MAX_ENTRIES]:
        by_day.setdefault(step.next_step_on, []).append(
            Entry(
                kind="next_step",
                kind_label=step_word,
                title=step.next_step,
                url=reverse("crm:customer", args=[step.customer_id]),
                person=str(step.customer.owner),
                detail=step.customer.name,
                is_overdue=step.next_step_on < today,
            )
        )
    return by_day, truncated
