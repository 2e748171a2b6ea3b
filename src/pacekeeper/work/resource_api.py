"""/api/v1/resource-requests: what tasks and goals ask for, their decisions and spending.

Amounts are decimal strings in major units of the organisation's currency ("1234.50"). The
schema takes any decimal text with at most two decimals, so that a negative or oversized amount
reaches the service and is answered with a clear field error in the reader's language
("The amount is too large." — the one limit, lib.money.AMOUNT_LIMIT) rather than a pattern."""

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from pacekeeper.errors import NotFound, ValidationFailed
from pacekeeper.goals.models import Goal
from pacekeeper.lib.api_types import (
    BodySchema,
    DecimalText,
    MoneyText,
    ObjectId,
    Page,
    QueryId,
    decimal_string,
    decimal_text,
    omittable,
)
from pacekeeper.lib.money import AMOUNT_PLACES, from_minor
from pacekeeper.lib.text import VISIBLE
from pacekeeper.tenancy.scopes import get_visible, require_writer

from . import resource_selectors as selectors
from . import resources
from .resource_models import ResourceFlag, ResourceRequest
from .selectors import access_task

router = Router(tags=["resource requests"])
# Wider than MoneyIn on purpose: an oversized amount reaches the service's field error, which
# applies the one limit (lib.money.AMOUNT_LIMIT) in the reader's language.
AmountIn = decimal_string(digits=30, places=AMOUNT_PLACES)
HoursIn = decimal_string(digits=7, places=2)


class ResourceRequestIn(BodySchema):
    task: ObjectId | None = Field(None, description="the task it is for (or give `goal`)")
    goal: ObjectId | None = Field(None, description="the goal it is for (or give `task`)")
    kind: ResourceRequest.Kind
    description: str = Field(min_length=1, max_length=1000, pattern=VISIBLE)
    amount: AmountIn = Field(description="major units of the organisation's currency, as a decimal string")
    hours: HoursIn | None = Field(None, description="hours of people's time (needed for people_time)")


class ResourceRequestPatch(BodySchema):
    status: ResourceRequest.Status = omittable(description="approved or refused (a decision), or spent")
    refusal_reason: str = omittable(max_length=1000, description="needed to refuse")
    spent_amount: AmountIn = omittable(description="what was spent; sent alone, it corrects the recorded figure")


class ResourceRequestOut(Schema):
    id: int
    task: int | None = Field(alias="task_id")
    goal: int | None = Field(alias="goal_id")
    kind: str
    description: str
    amount: MoneyText
    hours: DecimalText | None
    status: str
    decision: str
    requested_by: int = Field(alias="requested_by_id")
    requested_at: dt.datetime
    decided_by: int | None = Field(alias="decided_by_id")
    decided_at: dt.datetime | None
    refusal_reason: str
    spent_amount: MoneyText | None
    spent_at: dt.datetime | None
    flags: list[str] = Field(description="over_budget, spent_unapproved, started_without")

    @staticmethod
    def resolve_amount(rr: ResourceRequest) -> str:
        return decimal_text(from_minor(rr.amount_minor, rr.org.currency))

    @staticmethod
    def resolve_hours(rr: ResourceRequest) -> str | None:
        return decimal_text(rr.hours)

    @staticmethod
    def resolve_spent_amount(rr: ResourceRequest) -> str | None:
        return None if rr.spent_minor is None else decimal_text(from_minor(rr.spent_minor, rr.org.currency))

    @staticmethod
    def resolve_flags(rr: ResourceRequest) -> list[str]:
        return rr.flags


@router.get("/resource-requests", response=list[ResourceRequestOut], summary="List resource requests, newest first")
@paginate(Page)
def resource_requests_list(
    request,
    status: ResourceRequest.Status | None = None,
    kind: ResourceRequest.Kind | None = None,
    task: QueryId | None = None,
    goal: QueryId | None = None,
    requested_by: QueryId | None = None,
    flag: ResourceFlag | None = None,
    to_decide: bool = False,
):
    actor = request.actor
    rows = selectors.resource_request_filter(
        actor,
        selectors.resource_request_list(actor),
        status=status,
        kind=kind,
        task=task,
        goal=goal,
        requested_by=requested_by,
        flag=flag,
        to_decide=to_decide,
    )
    return rows.order_by("-requested_at", "-pk")


@router.post("/resource-requests", response={201: ResourceRequestOut}, summary="Request resources for a task or goal")
def resource_requests_create(request, payload: ResourceRequestIn):
    actor = request.actor
    require_writer(actor)
    if (payload.task is None) == (payload.goal is None):
        raise ValidationFailed({"task": [_("A request belongs to one task or one goal.")]})
    task = goal = None
    try:  # an id out of the actor's scope is a field error of the body, not a 404 of the route
        if payload.task is not None:
            task = access_task(actor, payload.task)
        else:
            goal = get_visible(Goal.objects.visible_to(actor), payload.goal, actor=actor)
    except NotFound:
        field = "task" if payload.task is not None else "goal"
        raise ValidationFailed({field: [_("Choose one you can see.")]}) from None
    rr = resources.resource_request_create(
        actor=actor,
        task=task,
        goal=goal,
        kind=payload.kind,
        description=payload.description,
        amount=payload.amount,
        hours=payload.hours,
    )
    return 201, selectors.access_resource_request(actor, rr.pk)


@router.get("/resource-requests/{resource_request_id}", response=ResourceRequestOut, summary="Read a resource request")
def resource_requests_read(request, resource_request_id: int):
    return selectors.access_resource_request(request.actor, resource_request_id)


@router.patch(
    "/resource-requests/{resource_request_id}",
    response=ResourceRequestOut,
    summary="Decide a resource request or record its spending",
    description=(
        '{"status": "approved"}, {"status": "refused", "refusal_reason": "…"}, or {"status": "spent", '
        '"spent_amount": "1234.50"}. Deciding above one\'s threshold or one\'s own request is a field error.'
    ),
)
def resource_requests_update(request, resource_request_id: int, payload: ResourceRequestPatch):
    actor = request.actor
    rr = selectors.access_resource_request(actor, resource_request_id)
    changes = payload.dict(exclude_unset=True)
    resources.resource_request_change(actor=actor, rr=rr, **changes)
    return selectors.access_resource_request(actor, rr.pk)
