"""/api/v1/work-plans and /api/v1/plan-templates: plans from goals, with their figures, and the
templates (shipped and the organisation's own). The endpoints call the services the pages call
(work/plans.py); estimates and the share done are decimal strings like every decimal of the API."""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field, Router, Schema
from ninja.pagination import paginate

from pacekeeper.lib.api_types import (
    BodySchema,
    DecimalText,
    Flag,
    IsoDate,
    ObjectId,
    Page,
    QueryId,
    decimal_string,
    decimal_text,
    json_int,
    omittable,
)
from pacekeeper.lib.text import VISIBLE

from . import plan_selectors as selectors
from . import plans as services
from .filters import filter_given
from .models import WorkPlan
from .plan_templates import Template, from_model

router = Router(tags=["plans"])
Hours = decimal_string(digits=7, places=2)  # a negative estimate reaches the service's field error


# A template named by its key ("satisfaction") or an organisation template's id as text ("17").
TemplateKey = Annotated[
    str,
    Field(
        min_length=1,
        max_length=40,
        pattern=r"^([a-z_]{1,40}|[1-9][0-9]{0,18})$",
        description="a shipped template's key, or the id of one of your organisation's templates",
    ),
]


class WorkPlanIn(BodySchema):
    goal: ObjectId
    title: str = Field("", max_length=200, description="default: the template's title, else the goal's")
    template: TemplateKey | None = Field(None, description="apply this template at once (needs start_on)")
    start_on: IsoDate | None = None
    owner: ObjectId | None = Field(None, description="the tasks' owner; default: the goal's person (needed otherwise)")


class WorkPlanPatch(BodySchema):
    title: str = omittable(min_length=1, max_length=200, pattern=VISIBLE)


class ApplyTemplateIn(BodySchema):
    template: TemplateKey
    start_on: IsoDate
    owner: ObjectId | None = Field(None, description="default: the goal's person (needed for any other goal)")


class WorkPlanOut(Schema):
    id: int
    goal: int = Field(alias="goal_id")
    title: str
    created_by: int | None = Field(alias="created_by_id")
    created_at: dt.datetime


class WorkPlanDetailOut(WorkPlanOut):
    tasks: list[int] = Field(description="the plan's tasks you can see, in date order")
    task_count: int = Field(description="tasks not cancelled")
    done_count: int
    estimate_hours_total: DecimalText = Field(description="estimated hours of the tasks not cancelled")
    estimate_hours_done: DecimalText
    share_done: DecimalText | None = Field(description="percent of the estimate done; null when nothing is estimated")
    dates_fit: bool = Field(description="every task lies inside the goal's period")
    starts_before_goal: list[int]
    due_after_goal: list[int]
    overdue: list[int]


class StepIn(BodySchema):
    title: str = Field(min_length=1, max_length=200, pattern=VISIBLE)
    description: str = Field("", max_length=2000)
    offset_days: json_int(ge=0, le=services.MAX_STEP_DAYS) = Field(0, description="days after the plan's start")
    duration_days: json_int(ge=1, le=services.MAX_STEP_DAYS) = Field(1, description="days, the first included")
    estimate_hours: Hours = Field(Decimal(0), description="hours, as a decimal string")
    is_important: Flag = False


class PlanTemplateIn(BodySchema):
    title: str = Field(min_length=1, max_length=200, pattern=VISIBLE)
    description: str = Field("", max_length=5000)
    steps: list[StepIn] = Field(min_length=1, max_length=services.MAX_STEPS)


class PlanTemplatePatch(BodySchema):
    title: str = omittable(min_length=1, max_length=200, pattern=VISIBLE)
    description: str = omittable(max_length=5000)
    steps: list[StepIn] = omittable(min_length=1, max_length=services.MAX_STEPS)


class StepOut(Schema):
    title: str
    description: str
    offset_days: int
    duration_days: int
    estimate_hours: DecimalText
    is_important: bool


class PlanTemplateOut(Schema):
    key: str = Field(description="what to send as `template` to apply it")
    id: int | None = Field(description="your organisation's template; null for a shipped one")
    shipped: bool
    title: str
    description: str
    steps: list[StepOut]


def _template_out(template: Template) -> dict:
    steps = [
        {
            "title": str(step.title),
            "description": str(step.description),
            "offset_days": step.offset_days,
            "duration_days": step.duration_days,
            "estimate_hours": decimal_text(step.estimate_hours),
            "is_important": step.is_important,
        }
        for step in template.steps
    ]
    return {
        "key": template.key,
        "id": template.id,
        "shipped": template.is_shipped,
        "title": str(template.title),
        "description": str(template.description),
        "steps": steps,
    }


def _plan_out(actor, plan: WorkPlan) -> dict:
    tasks = selectors.plan_tasks(actor, plan)
    summary = selectors.plan_summary(plan, tasks, today=actor.today())
    return {
        "id": plan.pk,
        "goal_id": plan.goal_id,
        "title": plan.title,
        "created_by_id": plan.created_by_id,
        "created_at": plan.created_at,
        "tasks": [task.pk for task in tasks],
        "task_count": summary.task_count,
        "done_count": summary.done_count,
        "estimate_hours_total": decimal_text(summary.hours_total),
        "estimate_hours_done": decimal_text(summary.hours_done),
        "share_done": decimal_text(summary.share_done),
        "dates_fit": summary.dates_fit,
        "starts_before_goal": [task.pk for task in summary.starts_early],
        "due_after_goal": [task.pk for task in summary.due_late],
        "overdue": [task.pk for task in summary.overdue],
    }


@router.get("/work-plans", response=list[WorkPlanOut], summary="List work plans (newest first)")
@paginate(Page)
def work_plans_list(request, goal: QueryId | None = None, q: str | None = None):
    plans = filter_given(selectors.work_plan_list(request.actor), goal_id=goal, title__icontains=q)
    return plans.order_by("-created_at", "-pk")


@router.post(
    "/work-plans",
    response={201: WorkPlanDetailOut},
    summary="Make a plan for a goal",
    description="By whoever may set the goal. With `template` (and `start_on`), its steps become tasks at once.",
)
def work_plans_create(request, payload: WorkPlanIn):
    plan = services.work_plan_create(actor=request.actor, **payload.dict())
    return 201, _plan_out(request.actor, plan)


@router.get("/work-plans/{work_plan_id}", response=WorkPlanDetailOut, summary="Read a plan with its figures")
def work_plans_read(request, work_plan_id: int):
    return _plan_out(request.actor, selectors.access_work_plan(request.actor, work_plan_id))


@router.patch("/work-plans/{work_plan_id}", response=WorkPlanDetailOut, summary="Rename a plan")
def work_plans_update(request, work_plan_id: int, payload: WorkPlanPatch):
    plan = selectors.access_work_plan(request.actor, work_plan_id)
    services.require_plan_writer(request.actor, plan)
    changes = payload.dict(exclude_unset=True)
    if "title" in changes:
        services.work_plan_update(actor=request.actor, plan=plan, title=changes["title"])
    return _plan_out(request.actor, plan)


@router.post(
    "/work-plans/{work_plan_id}/apply-template",
    response=WorkPlanDetailOut,
    summary="Add a template's steps to a plan as tasks",
    description="Every step becomes a task of `owner`, dated from `start_on`; all are added or none.",
)
def work_plans_apply_template(request, work_plan_id: int, payload: ApplyTemplateIn):
    plan = selectors.access_work_plan(request.actor, work_plan_id)
    services.work_plan_apply_template(actor=request.actor, plan=plan, **payload.dict())
    return _plan_out(request.actor, plan)


@router.get("/plan-templates", response=list[PlanTemplateOut], summary="List plan templates (shipped, then yours)")
@paginate(Page)
def plan_templates_list(request):
    return [_template_out(template) for template in selectors.plan_templates(request.actor)]


@router.post("/plan-templates", response={201: PlanTemplateOut}, summary="Create your organisation's template")
def plan_templates_create(request, payload: PlanTemplateIn):
    data = payload.dict()
    row = services.plan_template_save(actor=request.actor, **data)
    return 201, _template_out(from_model(row))


@router.get("/plan-templates/{template_id}", response=PlanTemplateOut, summary="Read one of your templates")
def plan_templates_read(request, template_id: int):
    return _template_out(from_model(selectors.access_plan_template(request.actor, template_id)))


@router.patch(
    "/plan-templates/{template_id}",
    response=PlanTemplateOut,
    summary="Change one of your templates",
    description="`steps`, when sent, replace all the steps. By the org admin and directors.",
)
def plan_templates_update(request, template_id: int, payload: PlanTemplatePatch):
    row = selectors.access_plan_template(request.actor, template_id)
    services.require_template_writer(request.actor)
    changes = payload.dict(exclude_unset=True)
    current = _template_out(from_model(row))
    row = services.plan_template_save(
        actor=request.actor,
        template=row,
        title=changes.get("title", row.title),
        description=changes.get("description", row.description),
        steps=changes.get("steps", current["steps"]),
    )
    # Read again: the steps were replaced under the prefetched ones.
    return _template_out(from_model(selectors.access_plan_template(request.actor, row.pk)))


@router.delete(
    "/plan-templates/{template_id}",
    response={204: None},
    summary="Delete one of your templates",
    description="Plans made from it keep their tasks.",
)
def plan_templates_delete(request, template_id: int):
    row = selectors.access_plan_template(request.actor, template_id)
    services.plan_template_delete(actor=request.actor, template=row)
    return 204, None
