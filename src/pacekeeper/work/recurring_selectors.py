"""Reads for recurring tasks, always through the one scope (tenancy.scopes.recurring_tasks_q)."""

from __future__ import annotations

from django.db.models import QuerySet

from pacekeeper.tenancy.scopes import Actor, get_visible

from .models import Task
from .recurring_models import RecurringTask

WHOSE = ("mine", "team")


def recurring_task_list(actor: Actor, *, whose: str = "", status: str = "") -> QuerySet[RecurringTask]:
    """The rules the actor sees; `whose="mine"`: those they own."""
    rules = RecurringTask.objects.visible_to(actor).select_related("owner")
    if whose == "mine":
        rules = rules.filter(owner_id=actor.user_id)
    if status in RecurringTask.Status.values:
        rules = rules.filter(status=status)
    return rules.order_by("title", "pk")


def access_recurring_task(actor: Actor, recurrence_id: object) -> RecurringTask:
    return get_visible(RecurringTask.objects.visible_to(actor).select_related("owner"), recurrence_id, actor=actor)


def recent_occurrences(actor: Actor, rule: RecurringTask, limit: int = 10):
    """The latest dates the rule created a task for (newest first) with the tasks the actor sees."""
    visible = Task.objects.visible_to(actor)
    return rule.occurrences.filter(task__in=visible).select_related("task")[:limit]
