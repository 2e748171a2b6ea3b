"""/api/v1/goals: goals with their SMART check and progress."""

from ninja import Field, Router, Schema
from ninja.pagination import paginate

from pacekeeper.lib.api_types import (
    BodySchema,
    DecimalText,
    IsoDate,
    ObjectId,
    Page,
    decimal_string,
    decimal_text,
    omittable,
)
from pacekeeper.tenancy.scopes import get_visible

from . import services, units
from .models import Goal, GoalChange
from .progress import goal_progress

router = Router(tags=["goals"])
Target = decimal_string(digits=18, places=2)  # amounts in yuan, counts, percentages


class GoalIn(BodySchema):
    kind: Goal.Kind = Goal.Kind.GOAL
    title: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    metric: str = Field("", max_length=40)
    level: Goal.Level = Goal.Level.TEAM
    team: ObjectId | None = None
    person: ObjectId | None = None
    parent: ObjectId | None = None
    starts_on: IsoDate
    ends_on: IsoDate | None = None
    target: Target | None = Field(None, description="amounts in yuan")


class GoalPatch(BodySchema):
    title: str = omittable(min_length=1, max_length=200)
    description: str = omittable(max_length=5000)
    metric: str = omittable(max_length=40)
    parent: ObjectId | None = None  # null: no longer part of a larger goal
    starts_on: IsoDate = omittable()
    ends_on: IsoDate | None = None
    target: Target | None = None


class GoalOut(Schema):
    id: int
    kind: str
    title: str
    description: str
    metric: str
    level: str
    team: int | None = Field(alias="team_id")
    person: int | None = Field(alias="person_id")
    parent: int | None = Field(alias="parent_id")
    starts_on: IsoDate
    ends_on: IsoDate | None
    target: DecimalText | None = Field(description="amounts in yuan as decimal strings")
    baseline: DecimalText | None
    status: str

    @staticmethod
    def resolve_target(goal: Goal):
        value = units.shown(goal.metric, goal.target)
        return decimal_text(value)

    @staticmethod
    def resolve_baseline(goal: Goal):
        value = units.shown(goal.metric, goal.baseline)
        return decimal_text(value)


class ActivateIn(BodySchema):
    override_reason: str = Field("", max_length=2000)


class TargetIn(BodySchema):
    target: Target
    reason: str = Field(min_length=1, max_length=2000)


class CascadeIn(BodySchema):
    method: str = Field("even", pattern="^(even|last_share|portfolio)$")


class ResplitPreviewIn(BodySchema):
    method: str = Field("", pattern="^(|current|even|last_share|portfolio)$", description="blank: the original method")


class ResplitIn(ResplitPreviewIn):
    reason: str = Field(min_length=1, max_length=2000)


class ResplitPartOut(Schema):
    goal: int
    person: int | None
    before: str | None
    after: str
    takes_remainder: bool


class ResplitOut(Schema):
    method: str
    unit: str
    remainder: str
    parts: list[ResplitPartOut]


class GoalChangeOut(Schema):
    id: int
    goal: int = Field(alias="goal_id")
    target_before: DecimalText | None
    target_after: DecimalText
    reason: str
    status: str
    requested_by: int | None = Field(alias="requested_by_id")
    requested_at: str
    decided_by: int | None = Field(alias="decided_by_id")
    decision_reason: str

    @staticmethod
    def resolve_target_before(change: GoalChange):
        return _shown(change.goal.metric, change.target_before)

    @staticmethod
    def resolve_target_after(change: GoalChange):
        return _shown(change.goal.metric, change.target_after)

    @staticmethod
    def resolve_requested_at(change: GoalChange):
        return change.requested_at.isoformat()


class DecisionIn(BodySchema):
    reason: str = Field("", max_length=2000)


def _shown(metric: str, value) -> str | None:
    return decimal_text(units.shown(metric, value))


def _plan_out(goal: Goal, plan: services.ResplitPlan) -> dict:
    """Amounts in yuan like every goal figure of the API."""
    return {
        "method": plan.method,
        "unit": _shown(goal.metric, plan.split.unit),
        "remainder": _shown(goal.metric, plan.split.remainder),
        "parts": [
            {
                "goal": row.goal.pk,
                "person": row.goal.person_id,
                "before": _shown(goal.metric, row.before),
                "after": _shown(goal.metric, row.after),
                "takes_remainder": row.takes_remainder,
            }
            for row in plan.rows
        ],
    }


def _goal(request, goal_id: int, *, for_write: bool = False) -> Goal:
    scoped = Goal.objects.visible_to(request.actor).select_related("org", "team", "person")
    return get_visible(scoped, goal_id, actor=request.actor, for_write=for_write)


def _changes(payload, *, exclude_unset: bool) -> dict:
    changes = payload.dict(exclude_unset=exclude_unset)
    if "target" in changes:
        changes["target"] = units.stored(changes.get("metric") or "", changes["target"])
    return changes


@router.get("/goals", response=list[GoalOut], summary="List goals")
@paginate(Page)
def goals_list(
    request, status: Goal.Status | None = None, level: Goal.Level | None = None, active_on: IsoDate | None = None
):
    goals = Goal.objects.visible_to(request.actor).order_by("-starts_on", "pk")
    if status:
        goals = goals.filter(status=status)
    if level:
        goals = goals.filter(level=level)
    if active_on:
        goals = goals.filter(starts_on__lte=active_on, ends_on__gte=active_on)
    return goals


@router.get("/goals/{goal_id}", response=GoalOut, summary="Read a goal")
def goals_read(request, goal_id: int):
    return _goal(request, goal_id)


@router.post("/goals", response={201: GoalOut}, summary="Create a goal (a draft)")
def goals_create(request, payload: GoalIn):
    return 201, services.goal_save(actor=request.actor, changes=_changes(payload, exclude_unset=False))


@router.patch("/goals/{goal_id}", response=GoalOut, summary="Edit a draft goal")
def goals_update(request, goal_id: int, payload: GoalPatch):
    goal = _goal(request, goal_id, for_write=True)
    changes = payload.dict(exclude_unset=True)
    if "target" in changes:
        changes["target"] = units.stored(changes.get("metric") or goal.metric, changes["target"])
    return services.goal_save(actor=request.actor, goal=goal, changes=changes)


@router.get("/goals/{goal_id}/smart", summary="The goal's SMART check")
def goals_smart(request, goal_id: int):
    return services.goal_smart(_goal(request, goal_id), today=request.actor.today()).as_dict()


@router.get("/goals/{goal_id}/progress", summary="Actual, pace, status and forecast")
def goals_progress(request, goal_id: int):
    progress = goal_progress(_goal(request, goal_id), today=request.actor.today())
    return {"progress": None if progress is None else progress.as_dict()}


@router.post("/goals/{goal_id}/activate", response=GoalOut, summary="Activate a draft goal")
def goals_activate(request, goal_id: int, payload: ActivateIn):
    goal = _goal(request, goal_id, for_write=True)
    return services.goal_activate(actor=request.actor, goal=goal, override_reason=payload.override_reason)


@router.post(
    "/goals/{goal_id}/target",
    response={200: GoalOut, 202: GoalChangeOut},
    summary="Adjust a target, with a reason",
    description="A lead lowering an active target of a team they lead gets 202: a change waiting for a director.",
)
def goals_target(request, goal_id: int, payload: TargetIn):
    goal = _goal(request, goal_id, for_write=True)
    result = services.goal_set_target(
        actor=request.actor, goal=goal, target=units.stored(goal.metric, payload.target), reason=payload.reason
    )
    return (202, result) if isinstance(result, GoalChange) else (200, result)


@router.post("/goals/{goal_id}/cascade", response=list[GoalOut], summary="Split a team goal among its members")
def goals_cascade(request, goal_id: int, payload: CascadeIn):
    goal = _goal(request, goal_id, for_write=True)
    return services.goal_cascade(actor=request.actor, goal=goal, method=payload.method)


@router.post("/goals/{goal_id}/resplit/preview", response=ResplitOut, summary="Preview splitting a team goal again")
def goals_resplit_preview(request, goal_id: int, payload: ResplitPreviewIn):
    goal = _goal(request, goal_id, for_write=True)
    return _plan_out(goal, services.goal_resplit_preview(actor=request.actor, goal=goal, method=payload.method))


@router.post("/goals/{goal_id}/resplit", response=ResplitOut, summary="Split a team goal again (audited)")
def goals_resplit(request, goal_id: int, payload: ResplitIn):
    goal = _goal(request, goal_id, for_write=True)
    plan = services.goal_resplit(actor=request.actor, goal=goal, method=payload.method, reason=payload.reason)
    return _plan_out(goal, plan)


def _change(request, change_id: int, *, for_write: bool = False) -> GoalChange:
    scoped = GoalChange.objects.visible_to(request.actor).select_related("goal")
    return get_visible(scoped, change_id, actor=request.actor, for_write=for_write)


@router.get("/goal-changes", response=list[GoalChangeOut], summary="Target changes asked for (pending first)")
@paginate(Page)
def goal_changes_list(request, status: GoalChange.Status | None = None):
    changes = GoalChange.objects.visible_to(request.actor).select_related("goal").order_by("-requested_at", "pk")
    return changes.filter(status=status) if status else changes


@router.post("/goal-changes/{change_id}/approve", response=GoalChangeOut, summary="Approve a target change")
def goal_changes_approve(request, change_id: int, payload: DecisionIn):
    change = _change(request, change_id, for_write=True)
    return services.goal_change_approve(actor=request.actor, change=change, reason=payload.reason)


@router.post("/goal-changes/{change_id}/refuse", response=GoalChangeOut, summary="Refuse a target change")
def goal_changes_refuse(request, change_id: int, payload: DecisionIn):
    change = _change(request, change_id, for_write=True)
    return services.goal_change_refuse(actor=request.actor, change=change, reason=payload.reason)
