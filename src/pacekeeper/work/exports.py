"""The task list as CSV or XLSX: the rows the list shows (same scope, same filters, same order),
all of them rather than a page.

As the CRM exports do (crm/exports.py): headers and coded values (status, quadrant, urgency)
in the language of the person exporting; dates as dates — ISO 2026-03-05 in CSV, real date
cells in XLSX, which Excel then shows in the reader's own format; the completion time in the
organisation's zone to the minute; estimates as decimal hours (4.5), numbers in XLSX. Text
cells starting with = + - @ are neutralised by lib.tabular against formula injection.
"""

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from pacekeeper.lib.formatting import join_items
from pacekeeper.lib.tabular import download_response
from pacekeeper.tenancy.scopes import Actor

from .models import Quadrant, Task

EXPORT_FORMATS = ("csv", "xlsx")


def _header() -> list[str]:
    return [
        _("Id"),
        _("Title"),
        _("Status"),
        _("Why blocked"),
        _("Quadrant"),
        _("Important"),
        _("Urgency"),
        _("Owner"),
        _("Collaborators"),
        _("Goal"),
        _("Customer"),
        _("Start"),
        _("Due"),
        _("Estimate (hours)"),
        _("Labels"),
        _("Completed"),
        _("Description"),
    ]


def _hours(value: Decimal) -> Decimal:
    """4.50 → 4.5, 8.00 → 8: hours as people write them (exact, never a float)."""
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


def _labels() -> dict:
    """The coded values' words in the active language, read once before the rows stream."""
    return {
        "status": {code: str(label) for code, label in Task.Status.choices},
        "urgency": {code: str(label) for code, label in Task.Urgency.choices},
        "quadrant": {int(q): str(q.label) for q in Quadrant},
        "yes": _("Yes"),
        "no": _("No"),
    }


def task_rows(tasks: QuerySet[Task], *, actor: Actor, labels: dict) -> Iterator[list]:
    """One row per task, cells typed (dates, Decimals); `_as_text` makes them text for CSV."""
    zone = ZoneInfo(actor.org.time_zone)
    rows = tasks.select_related("owner", "goal", "customer").prefetch_related("collaborators")
    for task in rows.iterator(chunk_size=2000):
        completed = task.completed_at and task.completed_at.astimezone(zone).replace(
            tzinfo=None, second=0, microsecond=0
        )
        yield [
            task.pk,
            task.title,
            labels["status"].get(task.status, task.status),
            task.blocked_reason,
            labels["quadrant"].get(task.quadrant_rank, ""),
            labels["yes"] if task.is_important else labels["no"],
            labels["urgency"].get(task.urgency, task.urgency),
            str(task.owner),
            join_items(task.collaborators.all()),
            task.goal.title if task.goal_id else "",
            task.customer.name if task.customer_id else "",
            task.start_on,
            task.due_on,
            _hours(task.estimate_hours),
            ", ".join(task.label_list),
            completed,
            task.description,
        ]


def _as_text(rows: Iterator[list]) -> Iterator[list]:
    for row in rows:
        yield [_text(value) for value in row]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def tasks_export_response(tasks: QuerySet[Task], file_format: str, *, actor: Actor):
    """`tasks` (already scoped, filtered, sorted and annotated with `quadrant_rank`) as a
    download named tasks-<today>. Words are read now, in the request's language: a streamed
    CSV is written after the view has returned."""
    header, labels, sheet = _header(), _labels(), _("Tasks")
    rows = task_rows(tasks, actor=actor, labels=labels)
    cells = rows if file_format == "xlsx" else _as_text(rows)
    return download_response(f"tasks-{actor.today().isoformat()}", header, cells, file_format, sheet=sheet)
