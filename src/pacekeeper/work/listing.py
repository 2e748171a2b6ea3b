"""The task list's reads: its sort orders over the filters the board and the API share.

Filtering is the one `selectors.task_filter` the board and the API share; this module adds
the orders the list offers and keeps every read scoped through `selectors.task_list`.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext_lazy as _

from pacekeeper.tenancy.scopes import Actor

from . import selectors
from .models import Task


class TaskSort(models.TextChoices):
    """The list's orders (?sort=); ties always break on the id, so pages never overlap."""

    QUADRANT = "quadrant", _("Quadrant, then due date")
    DUE = "due", _("Due date, earliest first")
    DUE_DESC = "-due", _("Due date, latest first")
    STATUS = "status", _("Status")
    OWNER = "owner", _("Owner")
    UPDATED = "-updated", _("Recently updated")


# Status in the order work flows (not alphabetically: "blocked" would come first).
_STATUS_RANK = models.Case(
    *(models.When(status=value, then=models.Value(rank)) for rank, value in enumerate(Task.Status.values)),
    output_field=models.IntegerField(),
)
_DUE_FIRST = F("due_on").asc(nulls_last=True)


def task_sorted(tasks: QuerySet[Task], sort: str, *, today: dt.date) -> QuerySet[Task]:
    """`tasks` in the order `sort` names (an unknown one: quadrant, the default of My tasks)."""
    if sort == TaskSort.DUE:
        return tasks.order_by(_DUE_FIRST, "pk")
    if sort == TaskSort.DUE_DESC:
        return tasks.order_by(F("due_on").desc(nulls_last=True), "-pk")
    if sort == TaskSort.STATUS:
        return tasks.annotate(status_rank=_STATUS_RANK).order_by("status_rank", _DUE_FIRST, "pk")
    if sort == TaskSort.OWNER:
        # By the name people see (the display name, else the username), as the rows show it.
        name = Coalesce(NullIf("owner__display_name", Value("")), "owner__username")
        return tasks.order_by(name, "owner_id", _DUE_FIRST, "pk")
    if sort == TaskSort.UPDATED:
        return tasks.order_by("-updated_at", "-pk")
    return tasks.by_quadrant(today)


def task_list_filtered(actor: Actor, *, sort: str = TaskSort.QUADRANT, **filters) -> QuerySet[Task]:
    """The list page, its export and the API: the actor's tasks, filtered and sorted. Always
    annotated with `quadrant_rank`, which the rows and the export show."""
    today = actor.today()
    tasks = selectors.task_filter(selectors.task_list(actor), today=today, **filters)
    return task_sorted(tasks.with_quadrant(today), sort, today=today)
