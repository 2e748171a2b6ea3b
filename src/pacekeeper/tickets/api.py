"""/api/v1/tickets (complaints, suggestions, service requests), their thread and status, and
/api/v1/ticket-sla-policies (docs/tickets.md). Scoped by tenancy/scopes.py: a manager sees the
tickets of their customers and those given to them, a lead their team's, org-wide roles all."""

import datetime as dt

from ninja import Field, Router, Schema
from ninja.pagination import paginate

from pacekeeper.errors import NotFound
from pacekeeper.lib.api_types import BodySchema, ObjectId, Page, QueryId
from pacekeeper.lib.text import VISIBLE
from pacekeeper.tenancy.scopes import get_visible

from . import selectors, services
from .models import (
    CATEGORY_MAX_LENGTH,
    DESCRIPTION_MAX_LENGTH,
    ENTRY_MAX_LENGTH,
    MAX_TARGET_HOURS,
    SUBJECT_MAX_LENGTH,
    Channel,
    Kind,
    Severity,
    Status,
    TicketEntry,
)

router = Router(tags=["tickets"])


class TicketTimerOut(Schema):
    target_hours: float
    elapsed_hours: float = Field(description="working hours used (pauses excluded)")
    running: bool = Field(description="false while paused (waiting for the customer) or once met")
    met_or_stopped: bool
    breached: bool
    due_at: dt.datetime | None = Field(description="while running: when the target falls due")


class TicketOut(Schema):
    id: int
    customer: int
    customer_name: str
    contact: int | None
    channel: Channel
    kind: Kind
    category: str
    severity: Severity
    subject: str
    description: str
    assignee: int
    assignee_name: str
    manager: int = Field(description="the customer's responsible manager when the ticket was opened")
    status: Status
    survey_answer: int | None
    created_at: dt.datetime
    first_response_at: dt.datetime | None
    resolved_at: dt.datetime | None
    reported_back_at: dt.datetime | None
    closed_at: dt.datetime | None
    is_breached: bool
    first_response: TicketTimerOut
    resolution: TicketTimerOut


class TicketIn(BodySchema):
    customer: ObjectId
    contact: ObjectId | None = None
    channel: Channel
    kind: Kind
    severity: Severity = Severity.NORMAL
    category: str = Field("", max_length=CATEGORY_MAX_LENGTH)
    subject: str = Field(min_length=1, max_length=SUBJECT_MAX_LENGTH, pattern=VISIBLE)
    description: str = Field("", max_length=DESCRIPTION_MAX_LENGTH)
    assignee: ObjectId | None = Field(None, description="the customer's responsible manager if left out")


class TicketStatusIn(BodySchema):
    status: Status
    reason: str = Field("", max_length=500)


class TicketAssigneeIn(BodySchema):
    assignee: ObjectId
    reason: str = Field("", max_length=500)


class TicketEntryOut(Schema):
    id: int
    kind: TicketEntry.Kind
    author: int = Field(alias="author_id")
    author_name: str
    body: str
    created_at: dt.datetime


class TicketEntryIn(BodySchema):
    kind: TicketEntry.Kind
    body: str = Field(min_length=1, max_length=ENTRY_MAX_LENGTH, pattern=VISIBLE)


class TicketSlaPolicyOut(Schema):
    id: int
    severity: Severity
    tier: str = Field(description="empty: every tier")
    first_response_hours: int
    resolution_hours: int


class TicketSlaPolicyIn(BodySchema):
    severity: Severity
    tier: str = Field("", max_length=16)
    first_response_hours: int = Field(ge=1, le=MAX_TARGET_HOURS)
    resolution_hours: int = Field(ge=1, le=MAX_TARGET_HOURS)


def _timer(timed) -> dict:
    return {
        "target_hours": round(timed.target_seconds / 3600, 2),
        "elapsed_hours": round(timed.elapsed_seconds / 3600, 2),
        "running": timed.running,
        "met_or_stopped": timed.stopped,
        "breached": timed.breached,
        "due_at": timed.due_at,
    }


def _out(shown) -> dict:
    ticket = shown.ticket
    return {
        "id": ticket.pk,
        "customer": ticket.customer_id,
        "customer_name": ticket.customer.name,
        "contact": ticket.contact_id,
        "channel": ticket.channel,
        "kind": ticket.kind,
        "category": ticket.category,
        "severity": ticket.severity,
        "subject": ticket.subject,
        "description": ticket.description,
        "assignee": ticket.assignee_id,
        "assignee_name": str(ticket.assignee),
        "manager": ticket.manager_id,
        "status": ticket.status,
        "survey_answer": ticket.survey_answer_id,
        "created_at": ticket.created_at,
        "first_response_at": ticket.first_response_at,
        "resolved_at": ticket.resolved_at,
        "reported_back_at": ticket.reported_back_at,
        "closed_at": ticket.closed_at,
        "is_breached": ticket.is_breached,
        "first_response": _timer(shown.response),
        "resolution": _timer(shown.resolution),
    }


class _Shown:
    """A lazily shown page: the paginator slices, then the page's timers are computed."""

    def __init__(self, actor, rows):
        self.actor, self.rows = actor, rows

    def count(self) -> int:
        return self.rows.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item):
        return [_out(shown) for shown in selectors.shown_tickets(self.actor, list(self.rows[item]))]


def _one(actor, ticket) -> dict:
    fresh = selectors.access_ticket(actor, ticket.pk)
    return _out(selectors.shown_tickets(actor, [fresh])[0])


@router.get("/tickets", response=list[TicketOut], summary="Tickets you may see, newest first")
@paginate(Page)
def tickets_list(
    request,
    status: Status | None = None,
    kind: Kind | None = None,
    severity: Severity | None = None,
    assignee: QueryId | None = None,
    customer: QueryId | None = None,
    breached: bool | None = None,
    q: str = "",
):
    """`breached`: a target was missed; `q`: words of the subject, description or customer's name, or #number."""
    rows = selectors.ticket_filter(
        selectors.ticket_list(request.actor),
        status=status,
        kind=kind,
        severity=severity,
        assignee=assignee,
        customer=customer,
        breached=breached,
        search=(q or "").strip()[:100],
    )
    return _Shown(request.actor, rows)


@router.post("/tickets", response={201: TicketOut}, summary="Open a ticket for a customer you see")
def tickets_create(request, payload: TicketIn):
    ticket = services.ticket_create(
        actor=request.actor,
        customer_id=payload.customer,
        contact_id=payload.contact,
        channel=payload.channel,
        kind=payload.kind,
        severity=payload.severity,
        category=payload.category,
        subject=payload.subject,
        description=payload.description,
        assignee_id=payload.assignee,
    )
    return 201, _one(request.actor, ticket)


@router.get("/tickets/{ticket_id}", response=TicketOut, summary="Read a ticket with its SLA timers")
def tickets_read(request, ticket_id: int):
    ticket = selectors.access_ticket(request.actor, ticket_id)
    return _out(selectors.shown_tickets(request.actor, [ticket])[0])


@router.post(
    "/tickets/{ticket_id}/status",
    response=TicketOut,
    summary="Move a ticket along its flow",
    description="new → in_progress → waiting → resolved → (report back) → closed; back to in_progress reopens. "
    "Closing before a report back is recorded is refused (400) and the attempt audited.",
)
def tickets_status(request, ticket_id: int, payload: TicketStatusIn):
    ticket = selectors.access_ticket(request.actor, ticket_id, for_write=True)
    services.ticket_set_status(actor=request.actor, ticket=ticket, status=payload.status, reason=payload.reason)
    return _one(request.actor, ticket)


@router.post("/tickets/{ticket_id}/assignee", response=TicketOut, summary="Give a ticket to someone (audited)")
def tickets_assign(request, ticket_id: int, payload: TicketAssigneeIn):
    ticket = selectors.access_ticket(request.actor, ticket_id, for_write=True)
    services.ticket_assign(actor=request.actor, ticket=ticket, assignee_id=payload.assignee, reason=payload.reason)
    try:
        return _one(request.actor, ticket)
    except NotFound:  # given away: a manager may no longer see it
        return _out(selectors.shown_tickets(request.actor, [ticket])[0])


@router.get("/tickets/{ticket_id}/entries", response=list[TicketEntryOut], summary="A ticket's thread, oldest first")
@paginate(Page)
def tickets_entries(request, ticket_id: int):
    ticket = selectors.access_ticket(request.actor, ticket_id)
    return [
        {**entry.__dict__, "author_name": str(entry.author)}
        for entry in ticket.entries.select_related("author").order_by("created_at", "pk")
    ]


@router.post(
    "/tickets/{ticket_id}/entries",
    response={201: TicketEntryOut},
    summary="Add an internal note, a reply to the customer, or the report back",
)
def tickets_entry_create(request, ticket_id: int, payload: TicketEntryIn):
    ticket = selectors.access_ticket(request.actor, ticket_id, for_write=True)
    entry = services.ticket_add_entry(actor=request.actor, ticket=ticket, kind=payload.kind, body=payload.body)
    return 201, {**entry.__dict__, "author_name": str(entry.author)}


@router.get("/ticket-sla-policies", response=list[TicketSlaPolicyOut], summary="The organisation's SLA targets")
@paginate(Page)
def sla_policies_list(request):
    return selectors.sla_policy_list(request.actor)


@router.post(
    "/ticket-sla-policies",
    response={201: TicketSlaPolicyOut},
    summary="Set the SLA targets of a severity (and tier); org admin; audited",
)
def sla_policies_set(request, payload: TicketSlaPolicyIn):
    policy = services.sla_policy_set(
        actor=request.actor,
        severity=payload.severity,
        tier=payload.tier,
        first_response_hours=payload.first_response_hours,
        resolution_hours=payload.resolution_hours,
    )
    return 201, policy


@router.delete("/ticket-sla-policies/{sla_policy_id}", response={204: None}, summary="Remove an SLA target")
def sla_policies_delete(request, sla_policy_id: int):
    policy = get_visible(selectors.sla_policy_list(request.actor), sla_policy_id, actor=request.actor)
    services.sla_policy_delete(actor=request.actor, policy=policy)
    return 204, None
