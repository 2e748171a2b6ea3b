"""Reads for tasks, always through the one scope (tenancy.scopes.tasks_q)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Value, Window
from django.db.models.functions import Coalesce, NullIf, RowNumber
from django.utils.translation import pgettext_lazy

from pacekeeper.crm.models import Customer
from pacekeeper.goals.models import Goal
from pacekeeper.tenancy.models import User
from pacekeeper.tenancy.scopes import Actor, get_visible, task_assignees_q, task_collaborators_q, task_write_level

from .filters import filter_given
from .models import ChecklistItem, Quadrant, Task


def task_list(actor: Actor) -> QuerySet[Task]:
    return Task.objects.visible_to(actor).select_related("owner", "goal", "customer")


def access_task(actor: Actor, task_id: object) -> Task:
    """A task the actor sees, or NotFound. Whether they may change it is the service's question
    (an owner edits it, a collaborator only moves it)."""
    return get_visible(task_list(actor), task_id, actor=actor)


def access_checklist_item(actor: Actor, item_id: object) -> ChecklistItem:
    return get_visible(ChecklistItem.objects.visible_to(actor).select_related("task"), item_id, actor=actor)


# The list's status filter value for every open status (to do, doing, blocked): what the board's
# owner and quadrant columns hold, so their "show all" lists the same tasks.
OPEN_STATUSES = "open"


def task_filter(
    tasks: QuerySet[Task],
    *,
    today: dt.date,
    status: str | None = None,
    owner: int | None = None,
    goal: int | None = None,
    customer: int | None = None,
    due: str | None = None,
    label: str | None = None,
    q: str | None = None,
) -> QuerySet[Task]:
    """The filters the list, the board and the API share (`q` searches titles and descriptions).
    `due`: overdue, today, week (the next seven days), none (undated)."""
    if status == OPEN_STATUSES:
        tasks = tasks.open()
    elif status:
        tasks = tasks.filter(status=status)
    tasks = filter_given(tasks, owner_id=owner, goal_id=goal, customer_id=customer)
    if label:
        tasks = tasks.filter(labels__icontains=label.strip()[:50])
    if q and q.strip():
        words = q.strip()[:100]
        tasks = tasks.filter(Q(title__icontains=words) | Q(description__icontains=words))
    if due == "overdue":
        tasks = tasks.open().filter(due_on__lt=today)
    elif due == "today":
        tasks = tasks.filter(due_on=today)
    elif due == "week":
        tasks = tasks.filter(due_on__gte=today, due_on__lte=today + dt.timedelta(days=6))
    elif due == "none":
        tasks = tasks.filter(due_on__isnull=True)
    return tasks


def my_tasks(actor: Actor) -> QuerySet[Task]:
    """The actor's open tasks (owned or collaborating), by quadrant then due date."""
    mine = task_list(actor).open().filter(owner_id=actor.user_id) | task_list(actor).open().filter(
        collaborators__id=actor.user_id
    )
    return mine.distinct().by_quadrant(actor.today())


def my_tasks_by_quadrant(actor: Actor) -> dict[int, int]:
    """How many of the actor's open tasks each quadrant holds (My tasks' group counts)."""
    rows = my_tasks(actor).order_by().values("quadrant_rank").annotate(n=Count("pk", distinct=True))
    return {row["quadrant_rank"]: row["n"] for row in rows}


def tasks_due(actor: Actor) -> dict[str, list[Task]]:
    """My day's section: the actor's own open tasks due today and overdue."""
    today = actor.today()
    own = task_list(actor).open().filter(owner_id=actor.user_id, due_on__lte=today).order_by("due_on", "pk")[:20]
    rows = list(own)
    return {"overdue": [t for t in rows if t.due_on < today], "today": [t for t in rows if t.due_on == today]}


# --- choices for the forms --------------------------------------------------------------------


def assignable_people(actor: Actor) -> QuerySet[User]:
    """Whom an owner picker offers: tenancy.scopes.task_assignees_q (no org admin account)."""
    people = User.objects.filter(task_assignees_q(actor))
    return people.order_by("display_name", "username")


def collaborator_choices(actor: Actor) -> QuerySet[User]:
    return User.objects.filter(task_collaborators_q(actor)).order_by("display_name", "username")


def goal_choices(actor: Actor) -> QuerySet[Goal]:
    return Goal.objects.visible_to(actor).exclude(status__in=("closed", "cancelled")).order_by("title")[:200]


def customer_choices(actor: Actor, current: int | None = None) -> list[Customer]:
    """At most 300 customers by name (a form's select), with the task's own one."""
    customers = list(Customer.objects.visible_to(actor).exclude(status="lost").order_by("name")[:300])
    if current and current not in {c.pk for c in customers}:
        customers += list(Customer.objects.visible_to(actor).filter(pk=current))
    return customers


# Columns of the board, in order. Cancelled tasks leave the board; done ones stay two weeks.
BOARD_STATUSES = ("todo", "doing", "blocked", "done")
DONE_SHOWN_DAYS = 14
# Cards shown per column; the column's count is the whole, and a "show all" link leads to the list.
CARDS_PER_COLUMN = 50


def board_tasks(actor: Actor, **filters) -> QuerySet[Task]:
    """The tasks the board holds: its statuses, done ones of the last two weeks only."""
    today = actor.today()
    tasks = task_filter(task_list(actor), today=today, **filters).filter(status__in=BOARD_STATUSES)
    recent = dt.datetime.combine(today - dt.timedelta(days=DONE_SHOWN_DAYS), dt.time.min, tzinfo=dt.UTC)
    return tasks.exclude(status="done", completed_at__lt=recent)


def board_columns(actor: Actor, by: str = "status", **filters) -> list[dict]:
    """The board's columns: by status (the default), by owner or by quadrant (BOARD_GROUPS)."""
    if by == "owner":
        return _owner_columns(actor, **filters)
    if by == "quadrant":
        return _quadrant_columns(actor, **filters)
    return _status_columns(actor, **filters)


# How the board may group its cards (?by=); anything else reads as "status".
BOARD_GROUPS = ("status", "owner", "quadrant")


def _cards(actor: Actor, tasks: QuerySet[Task]) -> QuerySet[Task]:
    collaborating = Task.collaborators.through.objects.filter(task_id=OuterRef("pk"), user_id=actor.user_id)
    return tasks.annotate(actor_collaborates=Exists(collaborating)).by_quadrant(actor.today())


def _with_write_level(actor: Actor, shown: list[Task]) -> list[Task]:
    for task in shown:
        task.write_level = task_write_level(actor, task, collaborating=task.actor_collaborates)
    return shown


def _column_cards(actor: Actor, tasks: QuerySet[Task], key) -> dict[object, tuple[int, list[Task]]]:
    """Each column's whole count and first CARDS_PER_COLUMN cards in quadrant order, for all the
    columns at once: one query numbers the visible tasks within their column (`key`: what the
    board groups by) and keeps the first ones' ids — so a crowded column never starves the
    others, and counts (WIP) and cards come from the same rows — and a second reads those cards
    by id with their owner, goal and customer. (A query per column, and one for the counts,
    each asked the scope again: five for the status columns, one per person for the owner
    columns; numbering the rows already joined to the customers made PostgreSQL read the
    whole customer table.) Each card carries `write_level` (may the actor move it?), decided
    for all cards without a query per card."""
    order = (F("quadrant_rank").asc(), F("due_on").asc(nulls_last=True), F("pk").asc())
    first = (
        tasks.with_quadrant(actor.today())
        .annotate(
            column_key=key,
            column_place=Window(RowNumber(), partition_by=[key], order_by=order),
            column_count=Window(Count("pk"), partition_by=[key]),
        )
        .filter(column_place__lte=CARDS_PER_COLUMN)
        .values_list("pk", "column_key", "column_count")
        .order_by()
    )
    placed = {pk: (column, count) for pk, column, count in first}
    # The ids come from the scoped query above: reading them back is no new decision of who sees what.
    shown = _cards(actor, Task.objects.filter(pk__in=list(placed)).select_related("owner", "goal", "customer"))
    columns: dict[object, tuple[int, list[Task]]] = {}
    for task in _with_write_level(actor, list(shown)):
        column, count = placed[task.pk]
        columns.setdefault(column, (count, []))[1].append(task)
    return columns


def _status_columns(actor: Actor, **filters) -> list[dict]:
    """A column per board status, in the order work flows."""
    columns = _column_cards(actor, board_tasks(actor, **filters), F("status"))
    labels = dict(Task.Status.choices)
    return [
        {
            "key": status,
            "status": status,
            "label": labels[status],
            "count": columns.get(status, (0, []))[0],
            "cards": columns.get(status, (0, []))[1],
            "list_filter": f"status={status}",
        }
        for status in BOARD_STATUSES
    ]


def _owner_columns(actor: Actor, **filters) -> list[dict]:
    """A column per person owning an open task on the board, by name."""
    columns = _column_cards(actor, board_tasks(actor, **filters).open(), F("owner_id"))
    name = Coalesce(NullIf("display_name", Value("")), "username")
    # The owners of tasks the actor sees, in the actor's organisation (never a bare id lookup).
    people = User.objects.filter(org_id=actor.org_id, pk__in=list(columns)).order_by(name, "pk")
    return [
        {
            "key": f"owner-{person.pk}",
            "label": str(person),
            "count": columns[person.pk][0],
            "cards": columns[person.pk][1],
            "list_filter": f"owner={person.pk}&status={OPEN_STATUSES}",
        }
        for person in people
    ]


def _quadrant_columns(actor: Actor, **filters) -> list[dict]:
    """Four columns, do now to drop, of the open tasks on the board (a closed task has no
    urgency left to weigh); the quadrant by the organisation's today."""
    columns = _column_cards(actor, board_tasks(actor, **filters).open(), F("quadrant_rank"))
    return [
        {
            "key": f"quadrant-{q.value}",
            "label": QUADRANT_COLUMN_LABELS[q],
            "count": columns.get(q.value, (0, []))[0],
            "cards": columns.get(q.value, (0, []))[1],
            "list_filter": None,  # the list has no quadrant filter: the column says so, no link
        }
        for q in Quadrant
    ]


# Short headings for the narrow quadrant columns (the full labels are My tasks' headings).
QUADRANT_COLUMN_LABELS = {
    Quadrant.DO_NOW: pgettext_lazy("board quadrant", "Do now"),
    Quadrant.SCHEDULE: pgettext_lazy("board quadrant", "Schedule"),
    Quadrant.DELEGATE: pgettext_lazy("board quadrant", "Delegate"),
    Quadrant.DROP: pgettext_lazy("board quadrant", "Drop"),
}
