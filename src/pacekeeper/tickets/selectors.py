"""Reads of tickets, always scoped to the person asking (tenancy/scopes.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from pacekeeper.tenancy.scopes import Actor, get_visible

from . import sla
from .models import HolidayOverride, SlaPolicy, Ticket, TicketAttachment
from .services import calendar_for, timers


def ticket_list(actor: Actor) -> QuerySet:
    return (
        Ticket.objects.visible_to(actor)
        .select_related("customer", "contact", "assignee")
        .prefetch_related("changes")
        .order_by("-created_at", "-pk")
    )


def ticket_filter(
    rows: QuerySet,
    *,
    status: str | None = None,
    kind: str | None = None,
    severity: str | None = None,
    assignee: int | None = None,
    customer: int | None = None,
    breached: bool | None = None,
    search: str = "",
) -> QuerySet:
    """The list's filters; a value that names nothing filters to nothing."""
    if status:
        rows = rows.filter(status=status)
    if kind:
        rows = rows.filter(kind=kind)
    if severity:
        rows = rows.filter(severity=severity)
    if assignee is not None:
        rows = rows.filter(assignee_id=assignee)
    if customer is not None:
        rows = rows.filter(customer_id=customer)
    if breached is not None:
        rows = rows.filter(is_breached=breached)
    if search:
        found = Q(subject__icontains=search) | Q(description__icontains=search) | Q(customer__name__icontains=search)
        if search.lstrip("#").isdigit() and len(search) < 12:
            found |= Q(pk=int(search.lstrip("#")))
        rows = rows.filter(found)
    return rows


def access_ticket(actor: Actor, ticket_id: object, *, for_write: bool = False) -> Ticket:
    return get_visible(ticket_list(actor), ticket_id, actor=actor, for_write=for_write)


@dataclass(frozen=True)
class ShownTicket:
    ticket: Ticket
    response: sla.Timer
    resolution: sla.Timer


def shown_tickets(actor: Actor, tickets: list[Ticket], *, now: dt.datetime | None = None) -> list[ShownTicket]:
    """Tickets with their SLA timers: the calendar once, the history prefetched."""
    if not tickets:
        return []
    now = now or timezone.now()
    calendar = calendar_for(actor.org)
    shown = []
    for ticket in tickets:
        changes = sorted(ticket.changes.all(), key=lambda change: (change.at, change.pk))
        response, resolution = timers(ticket, calendar=calendar, changes=changes, now=now)
        shown.append(ShownTicket(ticket, response, resolution))
    return shown


def sla_policy_list(actor: Actor) -> QuerySet:
    return SlaPolicy.objects.filter(org_id=actor.org_id).order_by("severity", "tier")


def holiday_list(actor: Actor) -> QuerySet:
    return HolidayOverride.objects.filter(org_id=actor.org_id).order_by("day")


def access_attachment(actor: Actor, ticket_attachment_id: object) -> TicketAttachment:
    """An attachment is seen with its ticket."""
    from pacekeeper.tenancy.scopes import tickets_q

    rows = TicketAttachment.objects.filter(tickets_q(actor, prefix="ticket__")).select_related("ticket")
    return get_visible(rows, ticket_attachment_id, actor=actor)


def assignee_choices(actor: Actor) -> QuerySet:
    from pacekeeper.tenancy.models import User
    from pacekeeper.tenancy.scopes import ticket_assignees_q

    return User.objects.filter(ticket_assignees_q(actor)).order_by("username")
