"""Work's KPIs: task completion and on-time completion, for people, teams and the organisation,
registered with the KPI engine at start-up (`WorkConfig.ready`). The engine imports nothing of
work; this module is the whole of what it knows of it. Work's write services keep its rollups
current (`work.task_rollups`). Definitions: docs/work.md, "Task metrics"."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from pacekeeper.kpis.registry import Direction, Metric, Unit, percent, register_component, register_metric

from . import kpi_components
from .task_rollups import task_rollups_rebuild

METRICS = (
    Metric(
        "task_completion_rate",
        _("Task completion rate"),
        Unit.PERCENT,
        Direction.HIGHER,
        ("tasks_done", "tasks_left_open"),
        lambda c: percent(c["tasks_done"], c["tasks_done"] + c["tasks_left_open"]),
        _(
            "Tasks done in the period, among those done plus those due in the period and still open "
            "at its end (cancelled tasks left out)."
        ),
    ),
    Metric(
        "on_time_completion_rate",
        _("On-time completion rate"),
        Unit.PERCENT,
        Direction.HIGHER,
        ("tasks_done_dated", "tasks_done_on_time"),
        lambda c: percent(c["tasks_done_on_time"], c["tasks_done_dated"]),
        _("Tasks done in the period on or before their due date, among those done that had a due date."),
    ),
)


def register() -> None:
    """Register the task provider, then the task metrics."""
    register_component(
        "tasks",
        compute=kpi_components.task_completion,
        components=kpi_components.COMPONENTS,
        rollup=kpi_components.task_completion_rollup,
        rebuild=task_rollups_rebuild,
    )
    for metric in METRICS:
        register_metric(metric)
