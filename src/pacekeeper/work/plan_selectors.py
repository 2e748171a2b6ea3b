"""Reads for work plans and plan templates, always scoped (tenancy.scopes.work_plans_q,
plan_templates_q), and the plan's figures: share done by estimate, whether its dates fit the
goal's period, and its overdue tasks.

The figures count the plan's tasks the person asking can see (tasks keep their own scope): a
lead planning their team's goal sees all of them; an account manager the ones they take part in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from pacekeeper.goals.models import Goal
from pacekeeper.tenancy.scopes import Actor, get_visible, may_plan_goal

from .models import PlanTemplate, Task, WorkPlan
from .plan_templates import SHIPPED, Template, from_model

MAX_PLAN_TASKS = 500  # a plan is tens of tasks; the page and the figures stop here


def work_plan_list(actor: Actor) -> QuerySet[WorkPlan]:
    return WorkPlan.objects.visible_to(actor).select_related("goal", "created_by")


def access_work_plan(actor: Actor, work_plan_id: object) -> WorkPlan:
    return get_visible(work_plan_list(actor), work_plan_id, actor=actor)


def plan_template_rows(actor: Actor) -> QuerySet[PlanTemplate]:
    return PlanTemplate.objects.visible_to(actor).prefetch_related("steps")


def access_plan_template(actor: Actor, template_id: object) -> PlanTemplate:
    return get_visible(plan_template_rows(actor), template_id, actor=actor)


def plan_templates(actor: Actor) -> list[Template]:
    """The shipped templates first, then the organisation's own by title."""
    return [*SHIPPED, *(from_model(row) for row in plan_template_rows(actor))]


def plannable_goals(actor: Actor) -> list[Goal]:
    """Goals the actor may make plans for (draft or active, set by them)."""
    goals = Goal.objects.visible_to(actor).filter(status__in=("draft", "active")).select_related("team", "person")
    found = {goal.pk: goal for goal in goals.order_by("title", "starts_on", "pk")[:300]}  # each goal once
    return [goal for goal in found.values() if may_plan_goal(actor, goal)]


def plan_tasks(actor: Actor, plan: WorkPlan) -> list[Task]:
    """The plan's tasks the actor sees, in date order (undated last)."""
    tasks = Task.objects.visible_to(actor).filter(plan=plan).select_related("owner")
    order = (F("start_on").asc(nulls_last=True), F("due_on").asc(nulls_last=True), "pk")
    return list(tasks.order_by(*order)[:MAX_PLAN_TASKS])


def addable_tasks(actor: Actor, plan: WorkPlan) -> QuerySet[Task]:
    """Tasks a planner may put into the plan: open ones of the goal, or with no goal, in no plan,
    owned by the actor's people."""
    tasks = Task.objects.visible_to(actor).open().filter(plan__isnull=True)
    tasks = tasks.filter(Q(goal_id=plan.goal_id) | Q(goal__isnull=True))
    if actor.member_ids is not None:
        tasks = tasks.filter(owner_id__in=actor.member_ids)
    return tasks.select_related("owner").order_by("due_on", "pk")[:200]


def share_done(done_hours: Decimal, total_hours: Decimal) -> Decimal | None:
    """Percent of the estimate done, one decimal (half up); None when nothing is estimated."""
    if not total_hours:
        return None
    return (Decimal(done_hours) * 100 / Decimal(total_hours)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class PlanSummary:
    """A plan's figures. Cancelled tasks count nowhere: not in the estimate, not in the flags."""

    task_count: int = 0
    cancelled_count: int = 0  # shown beside the count, as the goal page does, so both agree
    done_count: int = 0
    hours_total: Decimal = Decimal(0)
    hours_done: Decimal = Decimal(0)
    starts_early: list[Task] = field(default_factory=list)  # start before the goal's period
    due_late: list[Task] = field(default_factory=list)  # due after the goal's period ends
    overdue: list[Task] = field(default_factory=list)
    first_day: dt.date | None = None
    last_day: dt.date | None = None

    @property
    def share_done(self) -> Decimal | None:
        return share_done(self.hours_done, self.hours_total)

    @property
    def dates_fit(self) -> bool:
        return not self.starts_early and not self.due_late


def plan_summary(plan: WorkPlan, tasks: list[Task], *, today: dt.date) -> PlanSummary:
    goal: Goal = plan.goal
    summary = PlanSummary()
    for task in tasks:
        if task.status == Task.Status.CANCELLED:
            summary.cancelled_count += 1
            continue
        summary.task_count += 1
        summary.hours_total += task.estimate_hours
        if task.status == Task.Status.DONE:
            summary.done_count += 1
            summary.hours_done += task.estimate_hours
        first = task.start_on or task.due_on
        last = task.due_on or task.start_on
        if first and first < goal.starts_on:
            summary.starts_early.append(task)
        if last and goal.ends_on and last > goal.ends_on:
            summary.due_late.append(task)
        if task.is_overdue(today):
            summary.overdue.append(task)
        if first:
            summary.first_day = min(summary.first_day or first, first)
        if last:
            summary.last_day = max(summary.last_day or last, last)
    return summary


def plans_progress(actor: Actor, plans: list[WorkPlan]) -> dict[int, dict]:
    """Per plan: counted tasks (not cancelled), cancelled ones, done tasks, estimated and done
    hours, in one grouped query (the goal page and the list show several plans)."""
    zero = Value(Decimal(0), output_field=DecimalField(max_digits=12, decimal_places=2))
    rows = (
        Task.objects.visible_to(actor)
        .filter(plan__in=[plan.pk for plan in plans])
        .values("plan_id")
        .annotate(
            tasks=Count("pk", filter=~Q(status=Task.Status.CANCELLED)),
            cancelled=Count("pk", filter=Q(status=Task.Status.CANCELLED)),
            done=Count("pk", filter=Q(status=Task.Status.DONE)),
            hours=Coalesce(Sum("estimate_hours", filter=~Q(status=Task.Status.CANCELLED)), zero),
            hours_done=Coalesce(Sum("estimate_hours", filter=Q(status=Task.Status.DONE)), zero),
        )
    )
    found = {row["plan_id"]: row for row in rows}
    empty = {"tasks": 0, "cancelled": 0, "done": 0, "hours": Decimal(0), "hours_done": Decimal(0)}
    result = {}
    for plan in plans:
        row = found.get(plan.pk, empty)
        result[plan.pk] = {**row, "share_done": share_done(row["hours_done"], row["hours"])}
    return result
