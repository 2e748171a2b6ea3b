"""/api/v1/recurring-tasks: the rules that create a task on each date (docs/work.md, "Recurring
tasks"). Pausing and resuming are a PATCH of `status`; each rule shows its next dates; deleting
a rule keeps the tasks it created."""

from decimal import Decimal

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

from . import recurring_selectors as selectors
from . import recurring_services as services
from .filters import filter_given
from .recurrence import next_occurrences
from .recurring_models import MAX_INTERVAL, MAX_LEAD_DAYS, RecurringTask

router = Router(tags=["recurring tasks"])
Hours = decimal_string(digits=7, places=2)
Interval = json_int(ge=1, le=MAX_INTERVAL)
WeekdayNumber = json_int(ge=0, le=6)
DayOfMonth = json_int(ge=1, le=31)
LeadDays = json_int(ge=0, le=MAX_LEAD_DAYS)


class RecurringTaskIn(BodySchema):
    title: str = Field(min_length=1, max_length=200, pattern=VISIBLE)
    description: str = Field("", max_length=5000)
    owner: ObjectId | None = Field(None, description="default: the person creating it")
    collaborators: list[ObjectId] = Field(default_factory=list, max_length=50)
    estimate_hours: Hours = Field(Decimal(0), description="hours, as a decimal string")
    is_important: Flag = False
    labels: str = Field("", max_length=300)
    frequency: RecurringTask.Frequency
    interval: Interval = Field(1, description="every N weeks, months or quarters")
    weekday: WeekdayNumber | None = Field(None, description="weekly: 0 Monday … 6 Sunday")
    day_of_month: DayOfMonth | None = Field(None, description="monthly, quarterly: 1–31 (29–31: or the last day)")
    starts_on: IsoDate
    ends_on: IsoDate | None = None
    lead_days: LeadDays = Field(7, description="the task is created this many days before its date")


class RecurringTaskPatch(BodySchema):
    title: str = omittable(min_length=1, max_length=200, pattern=VISIBLE)
    description: str = omittable(max_length=5000)
    owner: ObjectId = omittable()
    collaborators: list[ObjectId] = omittable(max_length=50)
    estimate_hours: Hours = omittable()
    is_important: Flag = omittable()
    labels: str = omittable(max_length=300)
    frequency: RecurringTask.Frequency = omittable()
    interval: Interval = omittable()
    weekday: WeekdayNumber | None = None
    day_of_month: DayOfMonth | None = None
    starts_on: IsoDate = omittable()
    ends_on: IsoDate | None = None
    lead_days: LeadDays = omittable()
    status: RecurringTask.Status = omittable(description="paused: no new tasks; active again: from today on")


class RecurringTaskOut(Schema):
    id: int
    title: str
    description: str
    owner: int = Field(alias="owner_id")
    collaborators: list[int]
    estimate_hours: DecimalText = Field(description="hours as a decimal string")
    is_important: bool
    labels: list[str]
    frequency: str
    interval: int
    weekday: int | None
    day_of_month: int | None
    starts_on: IsoDate
    ends_on: IsoDate | None
    lead_days: int
    status: str
    schedule: str = Field(description="the schedule in words, in the asker's language")
    next_occurrences: list[IsoDate] = Field(description="the next five dates (none while paused)")

    @staticmethod
    def resolve_collaborators(rule: RecurringTask):
        return [user.pk for user in rule.collaborators.all()]

    @staticmethod
    def resolve_estimate_hours(rule: RecurringTask):
        return decimal_text(rule.estimate_hours)

    @staticmethod
    def resolve_labels(rule: RecurringTask):
        return rule.label_list

    @staticmethod
    def resolve_schedule(rule: RecurringTask):
        return rule.describe()

    @staticmethod
    def resolve_next_occurrences(rule: RecurringTask, context):
        if rule.is_paused:
            return []
        return next_occurrences(rule.schedule, today=context["request"].actor.today(), count=5)


@router.get("/recurring-tasks", response=list[RecurringTaskOut], summary="List recurring tasks")
@paginate(Page)
def recurring_tasks_list(
    request, owner: QueryId | None = None, status: RecurringTask.Status | None = None, mine: bool = False
):
    rules = selectors.recurring_task_list(request.actor, whose="mine" if mine else "", status=status or "")
    return filter_given(rules, owner_id=owner).prefetch_related("collaborators")


@router.post("/recurring-tasks", response={201: RecurringTaskOut}, summary="Create a recurring task")
def recurring_tasks_create(request, payload: RecurringTaskIn):
    changes = payload.dict()
    if changes["owner"] is None:
        changes.pop("owner")
    return 201, services.recurring_task_create(actor=request.actor, changes=changes)


@router.get("/recurring-tasks/{recurrence_id}", response=RecurringTaskOut, summary="Read a recurring task")
def recurring_tasks_read(request, recurrence_id: int):
    return selectors.access_recurring_task(request.actor, recurrence_id)


@router.patch(
    "/recurring-tasks/{recurrence_id}",
    response=RecurringTaskOut,
    summary="Change, pause or resume a recurring task",
    description="Tasks already created keep what they were created with; a changed schedule starts from today.",
)
def recurring_tasks_update(request, recurrence_id: int, payload: RecurringTaskPatch):
    rule = selectors.access_recurring_task(request.actor, recurrence_id)
    return services.recurring_task_update(actor=request.actor, rule=rule, changes=payload.dict(exclude_unset=True))


@router.delete(
    "/recurring-tasks/{recurrence_id}",
    response={204: None},
    summary="Delete a recurring task",
    description="No more tasks are created; the tasks it created stay.",
)
def recurring_tasks_delete(request, recurrence_id: int):
    rule = selectors.access_recurring_task(request.actor, recurrence_id)
    services.recurring_task_delete(actor=request.actor, rule=rule)
    return 204, None
