"""/api/v1/tasks and /api/v1/checklist-items: tasks with their quadrant, and their checklist.
Estimates are decimal strings of hours ("4.50") like every decimal of the API."""

from decimal import Decimal

from ninja import Field, Router, Schema
from ninja.pagination import paginate

from pacekeeper.lib.api_types import (
    BodySchema,
    DecimalText,
    Flag,
    IsoDate,
    JsonInt,
    ObjectId,
    Page,
    QueryId,
    decimal_string,
    decimal_text,
    omittable,
)
from pacekeeper.lib.text import VISIBLE

from . import selectors, services
from .listing import TaskSort, task_sorted
from .models import ChecklistItem, DueWindow, Task

router = Router(tags=["tasks"])
Hours = decimal_string(digits=7, places=2)  # a negative estimate reaches the service's field error


# --- required skills (skills slice; docs/skills.md) ---
class RequiredSkillIn(BodySchema):
    skill: ObjectId
    min_level: JsonInt = Field(description="a whole number from 1 to 5")


class RequiredSkillOut(Schema):
    skill: int = Field(alias="skill_id")
    min_level: int


class TaskIn(BodySchema):
    title: str = Field(min_length=1, max_length=200, pattern=VISIBLE)
    description: str = Field("", max_length=5000)
    goal: ObjectId | None = None
    customer: ObjectId | None = None
    owner: ObjectId | None = Field(None, description="default: the person creating it")
    collaborators: list[ObjectId] = Field(default_factory=list, max_length=50)
    start_on: IsoDate | None = None
    due_on: IsoDate | None = None
    estimate_hours: Hours = Field(Decimal(0), description="hours, as a decimal string")
    status: Task.Status = Task.Status.TODO
    blocked_reason: str = Field("", max_length=500)
    is_important: Flag = False
    urgency: Task.Urgency = Task.Urgency.AUTO
    labels: str = Field("", max_length=300)
    required_skills: list[RequiredSkillIn] = Field(default_factory=list, max_length=20)


class TaskPatch(BodySchema):
    title: str = omittable(min_length=1, max_length=200, pattern=VISIBLE)
    description: str = omittable(max_length=5000)
    goal: ObjectId | None = None
    customer: ObjectId | None = None
    owner: ObjectId = omittable()
    collaborators: list[ObjectId] = omittable(max_length=50)
    start_on: IsoDate | None = None
    due_on: IsoDate | None = None
    estimate_hours: Hours = omittable()
    status: Task.Status = omittable()
    blocked_reason: str = omittable(max_length=500)
    is_important: Flag = omittable()
    urgency: Task.Urgency = omittable()
    labels: str = omittable(max_length=300)
    required_skills: list[RequiredSkillIn] = omittable(max_length=20, description="replaces the list")
    reason: str = Field("", max_length=2000, description="kept in the audit trail (reassigning, cancelling)")


class ChecklistItemOut(Schema):
    id: int
    task: int = Field(alias="task_id")
    text: str
    is_done: bool


class TaskOut(Schema):
    id: int
    title: str
    description: str
    goal: int | None = Field(alias="goal_id")
    customer: int | None = Field(alias="customer_id")
    owner: int = Field(alias="owner_id")
    collaborators: list[int]
    start_on: IsoDate | None
    due_on: IsoDate | None
    estimate_hours: DecimalText = Field(description="hours as a decimal string")
    status: str
    blocked_reason: str
    is_important: bool
    urgency: str
    is_urgent: bool
    quadrant: int = Field(description="1 do now, 2 schedule, 3 delegate, 4 drop")
    labels: list[str]
    completed_at: str | None
    updated_at: str = Field(description="when the task last changed (the `-updated` order)")
    checklist: list[ChecklistItemOut]
    required_skills: list[RequiredSkillOut]

    @staticmethod
    def resolve_required_skills(task: Task):
        return list(task.required_skills.all())

    @staticmethod
    def resolve_collaborators(task: Task):
        return [user.pk for user in task.collaborators.all()]

    @staticmethod
    def resolve_estimate_hours(task: Task):
        return decimal_text(task.estimate_hours)

    @staticmethod
    def resolve_is_urgent(task: Task, context):
        return task.is_urgent(context["request"].actor.today())

    @staticmethod
    def resolve_quadrant(task: Task, context):
        return int(task.quadrant(context["request"].actor.today()))

    @staticmethod
    def resolve_labels(task: Task):
        return task.label_list

    @staticmethod
    def resolve_completed_at(task: Task):
        return task.completed_at.isoformat() if task.completed_at else None

    @staticmethod
    def resolve_updated_at(task: Task):
        return task.updated_at.isoformat()

    @staticmethod
    def resolve_checklist(task: Task):
        return list(task.checklist.all())


class ChecklistItemIn(BodySchema):
    text: str = Field(min_length=1, max_length=300, pattern=VISIBLE)


class ChecklistItemPatch(BodySchema):
    text: str = omittable(min_length=1, max_length=300, pattern=VISIBLE)
    is_done: Flag = omittable()


@router.get("/tasks", response=list[TaskOut], summary="List tasks (by quadrant, then due date, or `sort`)")
@paginate(Page)
def tasks_list(
    request,
    status: Task.Status | None = None,
    owner: QueryId | None = None,
    goal: QueryId | None = None,
    customer: QueryId | None = None,
    due: DueWindow | None = None,
    label: str | None = None,
    q: str | None = None,
    sort: TaskSort = TaskSort.QUADRANT,
):
    actor = request.actor
    tasks = selectors.task_filter(
        selectors.task_list(actor).prefetch_related("collaborators", "checklist", "required_skills"),
        today=actor.today(),
        status=status,
        owner=owner,
        goal=goal,
        customer=customer,
        due=due,
        label=label,
        q=q,
    )
    return task_sorted(tasks, sort, today=actor.today())


@router.post("/tasks", response={201: TaskOut}, summary="Create a task")
def tasks_create(request, payload: TaskIn):
    changes = payload.dict()
    if changes["owner"] is None:
        changes.pop("owner")
    return 201, services.task_create(actor=request.actor, changes=changes)


@router.get("/tasks/{task_id}", response=TaskOut, summary="Read a task")
def tasks_read(request, task_id: int):
    return selectors.access_task(request.actor, task_id)


@router.patch(
    "/tasks/{task_id}",
    response=TaskOut,
    summary="Change a task",
    description="The owner, their lead, directors and admins change anything; a collaborator the status only.",
)
def tasks_update(request, task_id: int, payload: TaskPatch):
    task = selectors.access_task(request.actor, task_id)
    changes = payload.dict(exclude_unset=True)
    reason = changes.pop("reason", "")
    return services.task_update(actor=request.actor, task=task, changes=changes, reason=reason)


@router.post("/tasks/{task_id}/checklist", response={201: ChecklistItemOut}, summary="Add a checklist item")
def tasks_checklist_add(request, task_id: int, payload: ChecklistItemIn):
    task = selectors.access_task(request.actor, task_id)
    return 201, services.checklist_item_add(actor=request.actor, task=task, text=payload.text)


@router.patch("/checklist-items/{item_id}", response=ChecklistItemOut, summary="Tick or reword a checklist item")
def checklist_items_update(request, item_id: int, payload: ChecklistItemPatch):
    item: ChecklistItem = selectors.access_checklist_item(request.actor, item_id)
    changes = payload.dict(exclude_unset=True)
    return services.checklist_item_update(
        actor=request.actor, item=item, is_done=changes.get("is_done"), text=changes.get("text")
    )


# --- recurring tasks (work/recurring_api.py) ------------------------------------------------------
from .recurring_api import router as recurring_router  # noqa: E402

router.add_router("/", recurring_router)
# --- discussion: comments and attachments (work/discussion_api.py) ------------------------------
from .discussion_api import router as discussion_router  # noqa: E402

router.add_router("/", discussion_router)

# --- workload and assignment (work/load_api.py) --------------------------------------------------
from .load_api import router as load_router  # noqa: E402

router.add_router("", load_router)
