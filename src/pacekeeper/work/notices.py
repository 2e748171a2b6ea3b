"""What tasks announce (DESIGN rule 14; docs/work.md, "Notifications about tasks"):

- **task_assigned** — to the new owner, when someone else creates a task for them or hands one
  to them (from work.services; nobody is told about their own act);
- **task_due_tomorrow** — to the owner and the collaborators of an open task due tomorrow in the
  organisation's time zone, once per task and due date;
- **task_overdue** — the same people, once per task and due date, from the day after it was
  due (a worker that was down catches up at most CATCH_UP_DAYS).

The last two are sent by the periodic chores (work/chores.py); a `TaskNotice` row per task,
kind and due date makes them once-only however often the chores run, and from several workers
at once (the unique constraint decides). A task whose due date moves gets notices for the new
date.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pacekeeper.lib.formatting import format_date
from pacekeeper.notifications.kinds import Kind, register
from pacekeeper.notifications.services import notify
from pacekeeper.tenancy.models import Organization
from pacekeeper.tenancy.scopes import Actor

from .models import Task
from .recurring_models import TaskNotice

TASK_ASSIGNED = "task_assigned"
TASK_DUE_TOMORROW = "task_due_tomorrow"
TASK_OVERDUE = "task_overdue"
# Overdue notices missed while no worker ran are sent for tasks due at most this long ago.
CATCH_UP_DAYS = 7


def _due_shown(params: dict, language: str) -> dict:
    """The due date stored as an ISO date, shown in the reader's language (lib/formatting)."""
    shown = dict(params)
    try:
        day = dt.date.fromisoformat(params["due"]) if params.get("due") else None
    except (TypeError, ValueError):
        day = None
    shown["due"] = format_date(day, language) if day else _("no due date")
    return shown


def _task_link(task: Task) -> str:
    return reverse("work:detail", args=[task.pk])


register(
    Kind(
        name=TASK_ASSIGNED,
        message=gettext_lazy("{person} assigned you “{task}” (due: {due})."),
        link=_task_link,
        shown=_due_shown,
    )
)
register(
    Kind(
        name=TASK_DUE_TOMORROW,
        message=gettext_lazy("“{task}” is due tomorrow, {due}."),
        link=_task_link,
        shown=_due_shown,
    )
)
register(
    Kind(
        name=TASK_OVERDUE,
        message=gettext_lazy("“{task}” is overdue: it was due {due}."),
        link=_task_link,
        shown=_due_shown,
    )
)


def _params(task: Task) -> dict:
    return {"task": task.title, "due": task.due_on.isoformat() if task.due_on else None}


def announce_task_assigned(*, actor: Actor, task: Task) -> None:
    """The owner learns that someone else gave them the task (not told of their own act)."""
    notify(
        org=actor.org,
        recipients=[task.owner],
        kind=TASK_ASSIGNED,
        subject=task,
        params={"person": str(actor.user), **_params(task)},
        actor=actor.user,
    )


# --- the chore: due tomorrow and overdue ------------------------------------------------------


def task_notices_send(*, now: dt.datetime | None = None) -> int:
    """Due-tomorrow and overdue notices of every organisation, in its own today. Returns how many
    tasks were announced."""
    now = now or timezone.now()
    sent = 0
    for org in Organization.objects.order_by("pk"):
        today = now.astimezone(ZoneInfo(org.time_zone)).date()
        tasks = Task.objects.filter(org=org).open()
        tomorrow = today + dt.timedelta(days=1)
        sent += _send(org, TASK_DUE_TOMORROW, tasks.filter(due_on=tomorrow))
        late = tasks.filter(due_on__lt=today, due_on__gte=today - dt.timedelta(days=CATCH_UP_DAYS))
        sent += _send(org, TASK_OVERDUE, late)
    return sent


def _send(org: Organization, kind: str, tasks) -> int:
    already = TaskNotice.objects.filter(task=OuterRef("pk"), kind=kind, due_on=OuterRef("due_on"))
    pending = tasks.exclude(Exists(already)).select_related("owner").prefetch_related("collaborators")
    sent = 0
    for task in pending.order_by("pk").iterator(chunk_size=500):
        try:
            with transaction.atomic():
                TaskNotice.objects.create(org=org, task=task, kind=kind, due_on=task.due_on)
                notify(
                    org=org,
                    recipients=[task.owner, *task.collaborators.all()],
                    kind=kind,
                    subject=task,
                    params=_params(task),
                )
        except IntegrityError:  # another worker sent it in the meantime
            continue
        sent += 1
    return sent


# --- the kinds of resources and of comments' @mentions live beside them ---------------------------
from . import discussion_notices, resource_notices  # noqa: E402, F401 isort: skip
