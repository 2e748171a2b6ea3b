"""Writes for work plans and plan templates (docs/work.md "Plans"). The pages and the API call
these same functions.

A plan belongs to one goal and is made and changed by whoever may set that goal
(`tenancy.scopes.may_plan_goal`). Its tasks are ordinary tasks, created through
`services.task_create`, so every task rule (owner in scope, dates inside the window, estimate
not below zero) holds for them too; applying a template creates all its tasks or none.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.goals.models import Goal
from pacekeeper.lib import date_rules
from pacekeeper.lib.ids import parse_id
from pacekeeper.lib.text import clean_text
from pacekeeper.tenancy.scopes import (
    TASK_FULL,
    Actor,
    may_plan_goal,
    may_write_plan_templates,
    require_writer,
    task_write_level,
)

from . import services
from .models import PlanTemplate, PlanTemplateStep, Task, WorkPlan
from .plan_templates import SHIPPED_BY_KEY, Template, from_model

MAX_STEPS = 30
MAX_STEP_DAYS = 3650  # ten years: the window of business dates holds no longer plan
MAX_STEP_HOURS = services.MAX_ESTIMATE_HOURS  # the task rule (work/services.py)
PLANNABLE_GOAL_STATUSES = (Goal.Status.DRAFT, Goal.Status.ACTIVE)


def require_plan_writer(actor: Actor, plan: WorkPlan) -> None:
    if not may_plan_goal(actor, plan.goal):
        raise Forbidden(_("Plans are made and changed by whoever sets their goal."))


def _title(value: object, fallback: str, errors: dict) -> str:
    title = clean_text(value if isinstance(value, str) else "").strip() or fallback
    if len(title) > 200:
        errors["title"] = [_("Keep the title under 200 characters.")]
    return title[:200]


def template_find(actor: Actor, key: object) -> Template:
    """A shipped template by its key, or one of the actor's organisation by its id."""
    key = str(key or "").strip()
    if key in SHIPPED_BY_KEY:
        return SHIPPED_BY_KEY[key]
    number = parse_id(key)
    found = PlanTemplate.objects.visible_to(actor).filter(pk=number).first() if number is not None else None
    if found is None:
        raise ValidationFailed({"template": [_("Choose a template from the list.")]})
    return from_model(found)


@transaction.atomic
def work_plan_create(
    *, actor: Actor, goal: object, title: str = "", template: object = None, start_on=None, owner: object = None
) -> WorkPlan:
    """Make a plan for a goal; with a template, its tasks too (all in one transaction)."""
    require_writer(actor)
    errors: dict[str, list[str]] = {}
    number = parse_id(goal)
    found = Goal.objects.visible_to(actor).filter(pk=number).first() if number is not None else None
    if found is None:
        errors["goal"] = [_("Choose a goal you can see.")]
    elif not may_plan_goal(actor, found):
        errors["goal"] = [_("Plans for this goal are made by whoever sets it.")]
    elif found.status not in PLANNABLE_GOAL_STATUSES:
        errors["goal"] = [_("This goal is closed or cancelled: it takes no new plans.")]
    chosen = None
    if template not in (None, ""):
        try:
            chosen = template_find(actor, template)
        except ValidationFailed as error:
            errors.update(error.errors)
    fallback = str(chosen.title) if chosen else (found.title if found else "")
    title = _title(title, fallback, errors)
    if errors:
        raise ValidationFailed(errors)
    plan = WorkPlan.objects.create(org_id=actor.org_id, goal=found, title=title, created_by=actor.user)
    if chosen is not None:
        work_plan_apply_template(actor=actor, plan=plan, template=chosen.key, start_on=start_on, owner=owner)
    return plan


@transaction.atomic
def work_plan_update(*, actor: Actor, plan: WorkPlan, title: str) -> WorkPlan:
    require_plan_writer(actor, plan)
    errors: dict[str, list[str]] = {}
    plan.title = _title(title, "", errors)
    if not plan.title:
        errors["title"] = [_("Give the plan a title.")]
    if errors:
        raise ValidationFailed(errors)
    plan.save(update_fields=["title"])
    return plan


def _default_owner(plan: WorkPlan) -> int | None:
    """A personal goal's plan goes to that person. Any other has no default: giving every task
    to whoever applies the template (a director, often) surprised people, so they choose."""
    return plan.goal.person_id


@transaction.atomic
def work_plan_apply_template(
    *, actor: Actor, plan: WorkPlan, template: object, start_on, owner: object = None
) -> list[Task]:
    """Add a template's steps to the plan as tasks of `owner`, dated from `start_on`."""
    require_plan_writer(actor, plan)
    errors: dict[str, list[str]] = {}
    try:
        chosen = template_find(actor, template)
    except ValidationFailed as error:
        chosen = None
        errors.update(error.errors)
    if start_on is None:
        errors["start_on"] = [_("Choose the day the plan starts.")]
    elif problem := date_rules.window_problem(start_on, actor.today()):
        errors["start_on"] = [problem]
    elif chosen is not None and chosen.steps:
        last = max(step.due_on(start_on) for step in chosen.steps)
        if problem := date_rules.window_problem(last, actor.today()):
            errors["start_on"] = [_("Starting then, the last step would be due too late.") + " " + problem]
    if owner in (None, ""):
        owner = _default_owner(plan)
        if owner is None:
            errors["owner"] = [_("Choose who carries the plan's tasks.")]
    if errors:
        raise ValidationFailed(errors)
    made = []
    for step in chosen.steps:
        # The task rules decide (owner in the actor's scope, dates, estimate): a refusal of any
        # step leaves the plan as it was.
        changes = {
            "title": str(step.title),
            "description": str(step.description),
            "goal": plan.goal_id,
            "owner": owner,
            "start_on": step.start_on(start_on),
            "due_on": step.due_on(start_on),
            "estimate_hours": step.estimate_hours,
            "is_important": step.is_important,
        }
        made.append(services.task_create(actor=actor, changes=changes))
    Task.objects.filter(pk__in=[task.pk for task in made]).update(plan=plan)
    for task in made:
        task.plan = plan
    return made


@transaction.atomic
def work_plan_task_create(*, actor: Actor, plan: WorkPlan, changes: dict) -> Task:
    """A task made by hand inside the plan: it serves the plan's goal."""
    require_plan_writer(actor, plan)
    task = services.task_create(actor=actor, changes={**changes, "goal": plan.goal_id})
    task.plan = plan
    task.save(update_fields=["plan"])
    return task


@transaction.atomic
def work_plan_task_add(*, actor: Actor, plan: WorkPlan, task: Task) -> Task:
    """Put an existing task into the plan. It then serves the plan's goal, so a task already
    serving another goal stays out (move it deliberately: change its goal first)."""
    require_plan_writer(actor, plan)
    if task_write_level(actor, task) != TASK_FULL:
        raise ValidationFailed({"task": [_("Choose a task you may change.")]})
    if task.goal_id not in (None, plan.goal_id):
        raise ValidationFailed({"task": [_("This task serves another goal.")]})
    task.plan = plan
    task.goal_id = plan.goal_id
    task.save(update_fields=["plan", "goal"])
    return task


@transaction.atomic
def work_plan_task_remove(*, actor: Actor, plan: WorkPlan, task: Task) -> Task:
    """Take a task out of the plan; it keeps its goal, dates and owner."""
    require_plan_writer(actor, plan)
    if task.plan_id != plan.pk:
        raise ValidationFailed({"task": [_("This task is not in the plan.")]})
    task.plan = None
    task.save(update_fields=["plan"])
    return task


# --- plan templates of the organisation -----------------------------------------------------------


def require_template_writer(actor: Actor) -> None:
    if not may_write_plan_templates(actor):
        raise Forbidden(_("Plan templates are kept by the org admin and directors."))


def _whole(value: object, *, low: int, high: int) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 6:
        number = int(value.strip())
    else:
        return None
    return number if low <= number <= high else None


def _step_hours(value: object) -> Decimal | None:
    try:
        hours = Decimal(str(value if value not in (None, "") else 0))
    except InvalidOperation:
        return None
    if not hours.is_finite() or hours < 0 or hours > MAX_STEP_HOURS:
        return None
    return hours.quantize(Decimal("0.01"))


def _clean_step(index: int, raw: dict, errors: dict) -> PlanTemplateStep:
    """One step as sent; its problems under "steps.<index>.<field>"."""

    def fail(field: str, message: str) -> None:
        errors.setdefault(f"steps.{index}.{field}", []).append(message)

    title = clean_text(str(raw.get("title") or "")).strip()
    if not title:
        fail("title", _("Give the step a title."))
    elif len(title) > 200:
        fail("title", _("Keep the title under 200 characters."))
    description = clean_text(str(raw.get("description") or "")).strip()
    if len(description) > 2000:
        fail("description", _("Keep the description under 2000 characters."))
    offset = _whole(raw.get("offset_days", 0), low=0, high=MAX_STEP_DAYS)
    if offset is None:
        fail("offset_days", _("Enter whole days from 0 to %(most)s.") % {"most": MAX_STEP_DAYS})
    duration = _whole(raw.get("duration_days", 1), low=1, high=MAX_STEP_DAYS)
    if duration is None:
        fail("duration_days", _("Enter whole days from 1 to %(most)s.") % {"most": MAX_STEP_DAYS})
    hours = _step_hours(raw.get("estimate_hours", 0))
    if hours is None:
        fail("estimate_hours", _("Enter hours from 0 to %(most)s.") % {"most": f"{MAX_STEP_HOURS:,}"})
    important = raw.get("is_important", False)
    if not isinstance(important, bool):
        fail("is_important", _("Say yes or no."))
    return PlanTemplateStep(
        title=title[:200],
        description=description[:2000],
        offset_days=offset or 0,
        duration_days=duration or 1,
        estimate_hours=hours or 0,
        is_important=important is True,
        position=index,
    )


@transaction.atomic
def plan_template_save(
    *, actor: Actor, template: PlanTemplate | None = None, title: str, description: str = "", steps: list[dict]
) -> PlanTemplate:
    """Create or replace an organisation's template with its steps (1 to MAX_STEPS)."""
    require_template_writer(actor)
    errors: dict[str, list[str]] = {}
    title = _title(title, "", errors)
    if not title:
        errors["title"] = [_("Give the template a title.")]
    taken = PlanTemplate.objects.visible_to(actor).filter(title=title)
    if title and taken.exclude(pk=template.pk if template else None).exists():
        errors["title"] = [_("Your organisation already has a template with this title.")]
    description = clean_text(description or "").strip()
    if len(description) > 5000:
        errors["description"] = [_("Keep the description under 5000 characters.")]
    if not steps:
        errors["steps"] = [_("Add at least one step.")]
    elif len(steps) > MAX_STEPS:
        errors["steps"] = [_("A template has at most %(most)s steps.") % {"most": MAX_STEPS}]
    rows = [
        _clean_step(index, raw if isinstance(raw, dict) else {}, errors) for index, raw in enumerate(steps[:MAX_STEPS])
    ]
    if errors:
        raise ValidationFailed(errors)
    if template is None:
        template = PlanTemplate(org_id=actor.org_id, created_by=actor.user)
    template.title, template.description = title, description
    template.save()
    template.steps.all().delete()
    for row in rows:
        row.org_id, row.template = actor.org_id, template
    PlanTemplateStep.objects.bulk_create(rows)
    return template


@transaction.atomic
def plan_template_delete(*, actor: Actor, template: PlanTemplate) -> None:
    """Plans made from the template keep their tasks: applying copied the steps."""
    require_template_writer(actor)
    template.delete()
