"""Writes of tickets: opening (by hand or from a low survey score), assigning, moving through the
status flow, the thread, and the organisation's SLA settings. Pages, the API and the chore call
these same functions (docs/tickets.md)."""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pacekeeper.crm.models import Contact, Customer
from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.lib import date_rules
from pacekeeper.lib.ids import parse_id
from pacekeeper.lib.text import clean_text
from pacekeeper.tenancy.audit import audit_record
from pacekeeper.tenancy.models import Organization, User
from pacekeeper.tenancy.scopes import Actor, may_set_sla_policy, require_writer, ticket_assignees_q

from . import notices, sla
from .models import (
    CATEGORY_MAX_LENGTH,
    DEFAULT_TARGET_HOURS,
    DESCRIPTION_MAX_LENGTH,
    ENTRY_MAX_LENGTH,
    MAX_TARGET_HOURS,
    OPEN_STATUSES,
    RUNNING_STATUSES,
    SUBJECT_MAX_LENGTH,
    Channel,
    HolidayOverride,
    Kind,
    Severity,
    SlaPolicy,
    Status,
    Ticket,
    TicketAttachment,
    TicketEntry,
    TicketSettings,
    TicketStatusChange,
)

logger = logging.getLogger(__name__)
HOUR = 3600

# Where each status may go by hand. Closing needs a recorded report back (ticket_set_status);
# reported back is reached by recording the report back (ticket_add_entry).
TRANSITIONS = {
    Status.NEW: {Status.IN_PROGRESS, Status.WAITING, Status.RESOLVED},
    Status.IN_PROGRESS: {Status.WAITING, Status.RESOLVED},
    Status.WAITING: {Status.IN_PROGRESS, Status.RESOLVED},
    Status.RESOLVED: {Status.IN_PROGRESS, Status.CLOSED},
    Status.REPORTED_BACK: {Status.IN_PROGRESS, Status.CLOSED},
    Status.CLOSED: {Status.IN_PROGRESS},
}


# --- the organisation's calendar and targets ----------------------------------------------------


def settings_for(org: Organization) -> TicketSettings:
    found, _created = TicketSettings.objects.get_or_create(org=org)
    return found


def calendar_for(org: Organization) -> sla.WorkCalendar:
    """The organisation's working calendar: two queries."""
    chosen = settings_for(org)
    overrides = dict(HolidayOverride.objects.filter(org=org).values_list("day", "is_working_day"))
    return sla.WorkCalendar(
        zone=ZoneInfo(org.time_zone),
        day_start=chosen.day_start,
        day_end=chosen.day_end,
        official=chosen.official_calendar,
        overrides=overrides,
    )


def targets_for(org: Organization, severity: str, tier: str) -> tuple[int, int]:
    """(first response, resolution) in working hours: the tier's own target, else the
    severity's for every tier, else the built-in default."""
    rows = {row.tier: row for row in SlaPolicy.objects.filter(org=org, severity=severity, tier__in=[tier, ""])}
    row = rows.get(tier) or rows.get("")
    if row is not None:
        return row.first_response_hours, row.resolution_hours
    return DEFAULT_TARGET_HOURS[Severity(severity)]


def running_intervals(ticket: Ticket, changes: list[TicketStatusChange]) -> list[sla.Interval]:
    """When the ticket was in a running state (new, in progress), from its status history."""
    intervals: list[sla.Interval] = []
    for change in changes:
        if intervals and intervals[-1][1] is None and change.after not in RUNNING_STATUSES:
            intervals[-1] = (intervals[-1][0], change.at)
        elif change.after in RUNNING_STATUSES and (not intervals or intervals[-1][1] is not None):
            intervals.append((change.at, None))
    return intervals


def timers(
    ticket: Ticket, *, calendar: sla.WorkCalendar, changes: list[TicketStatusChange], now: dt.datetime
) -> tuple[sla.Timer, sla.Timer]:
    """The first-response and resolution timers of a ticket as of `now`."""
    running = running_intervals(ticket, changes)
    response = sla.timer(
        calendar, running=running, target_seconds=ticket.response_target, now=now, stopped_at=ticket.first_response_at
    )
    resolved = ticket.resolved_at if ticket.status not in OPEN_STATUSES else None
    resolution = sla.timer(
        calendar, running=running, target_seconds=ticket.resolution_target, now=now, stopped_at=resolved
    )
    return response, resolution


# --- opening --------------------------------------------------------------------------------------


def _text(value: object, field: str, limit: int, errors: dict, *, required: bool) -> str:
    text = clean_text(value if isinstance(value, str) else "" if value is None else str(value)).strip()
    if required and not text:
        errors[field] = [_("This field is required.")]
    elif len(text) > limit:
        errors[field] = [_("At most %(n)d characters.") % {"n": limit}]
    return text


def _choice(value: object, choices, field: str, errors: dict, default=None) -> str | None:
    if value in (None, "") and default is not None:
        return default
    if value not in choices.values:
        errors[field] = [_("Choose one of the listed values.")]
        return None
    return value


def _assignee(actor: Actor, value: object, errors: dict) -> User | None:
    number = parse_id(value)
    found = User.objects.filter(ticket_assignees_q(actor), pk=number).first() if number is not None else None
    if found is None:
        errors["assignee"] = [_("Choose a colleague of your organisation who handles customers.")]
    return found


@transaction.atomic
def ticket_create(
    *,
    actor: Actor,
    customer_id: object,
    channel: object,
    kind: object,
    subject: object,
    description: object = "",
    severity: object = None,
    category: object = "",
    contact_id: object = None,
    assignee_id: object = None,
) -> Ticket:
    """Open a ticket for a customer the actor sees. Assigned to the customer's responsible
    manager unless someone is chosen. Refused with field errors, nothing written."""
    require_writer(actor)
    errors: dict[str, list[str]] = {}
    number = parse_id(customer_id)
    customer = Customer.objects.visible_to(actor).filter(pk=number).first() if number is not None else None
    if customer is None:
        errors["customer"] = [_("Choose a customer you can see.")]
    contact = None
    if contact_id not in (None, ""):
        contact_number = parse_id(contact_id)
        contact = (
            Contact.objects.filter(org_id=actor.org_id, customer=customer, pk=contact_number).first()
            if customer is not None and contact_number is not None
            else None
        )
        if contact is None:
            errors["contact"] = [_("Choose a contact of this customer.")]
    fields = {
        "channel": _choice(channel, Channel, "channel", errors),
        "kind": _choice(kind, Kind, "kind", errors),
        "severity": _choice(severity, Severity, "severity", errors, default=Severity.NORMAL),
        "subject": _text(subject, "subject", SUBJECT_MAX_LENGTH, errors, required=True),
        "description": _text(description, "description", DESCRIPTION_MAX_LENGTH, errors, required=False),
        "category": _text(category, "category", CATEGORY_MAX_LENGTH, errors, required=False),
    }
    assignee = _assignee(actor, assignee_id, errors) if assignee_id not in (None, "") else None
    if errors:
        raise ValidationFailed(errors)
    return _open(actor.org, customer=customer, contact=contact, assignee=assignee, by=actor.user, **fields)


def _open(org, *, customer, contact, assignee, by, survey_answer=None, **fields) -> Ticket:
    response_hours, resolution_hours = targets_for(org, fields["severity"], customer.tier)
    now = timezone.now()
    ticket = Ticket.objects.create(
        org=org,
        customer=customer,
        contact=contact,
        assignee=assignee or customer.owner,
        manager=customer.owner,
        created_by=by,
        created_at=now,
        survey_answer=survey_answer,
        response_target=response_hours * HOUR,
        resolution_target=resolution_hours * HOUR,
        **fields,
    )
    TicketStatusChange.objects.create(org=org, ticket=ticket, before="", after=Status.NEW, by=by, at=now)
    transaction.on_commit(lambda: notices.announce_assigned(ticket=ticket, by=by))
    return ticket


def ticket_open_from_answer(answer) -> Ticket | None:
    """A low survey score opens a complaint for the customer's responsible manager (feedback's
    ANSWER_RECORDED hook). Once per answer; thresholds per organisation (TicketSettings)."""
    chosen = settings_for(answer.org)
    low_csat = answer.csat is not None and answer.csat <= chosen.csat_threshold
    low_nps = answer.nps is not None and answer.nps <= chosen.nps_threshold
    if not (low_csat or low_nps):
        return None
    scores = []
    if answer.csat is not None:
        scores.append(f"CSAT {answer.csat}")
    if answer.nps is not None:
        scores.append(f"NPS {answer.nps}")
    very_low = (answer.csat is not None and answer.csat <= 1) or (answer.nps is not None and answer.nps <= 3)
    customer = answer.customer
    try:
        with transaction.atomic():
            return _open(
                answer.org,
                customer=customer,
                contact=answer.contact,
                assignee=None,
                by=None,
                survey_answer=answer,
                channel=Channel.SURVEY,
                kind=Kind.COMPLAINT,
                severity=Severity.HIGH if very_low else Severity.NORMAL,
                subject=(_("Low survey score: %(scores)s") % {"scores": ", ".join(scores)})[:SUBJECT_MAX_LENGTH],
                description=(answer.comment or "")[:DESCRIPTION_MAX_LENGTH],
                category="",
            )
    except IntegrityError:  # already opened for this answer
        return None


# --- assignment and status --------------------------------------------------------------------------


@transaction.atomic
def ticket_assign(*, actor: Actor, ticket: Ticket, assignee_id: object, reason: str = "") -> Ticket:
    """Give the ticket to someone else; recorded in the audit trail and announced to them."""
    require_writer(actor)
    errors: dict[str, list[str]] = {}
    assignee = _assignee(actor, assignee_id, errors)
    reason = _text(reason, "reason", 500, errors, required=False)
    if errors:
        raise ValidationFailed(errors)
    if assignee.pk == ticket.assignee_id:
        return ticket
    before = str(ticket.assignee)
    ticket.assignee = assignee
    ticket.save(update_fields=["assignee"])
    audit_record(actor=actor, obj=ticket, field="assignee", before=before, after=str(assignee), reason=reason)
    transaction.on_commit(lambda: notices.announce_assigned(ticket=ticket, by=actor.user))
    return ticket


def _changes(ticket: Ticket) -> list[TicketStatusChange]:
    return list(ticket.changes.order_by("at", "pk"))


def _move(actor_user, ticket: Ticket, after: str, now: dt.datetime, reason: str = "") -> None:
    TicketStatusChange.objects.create(
        org_id=ticket.org_id, ticket=ticket, before=ticket.status, after=after, by=actor_user, at=now, reason=reason
    )
    ticket.status = after


def ticket_set_status(*, actor: Actor, ticket: Ticket, status: object, reason: str = "") -> Ticket:
    """Move the ticket along its flow. Closing before the customer was told what was done (a
    report back recorded) is refused with a clear error, and the attempt is audited."""
    require_writer(actor)
    errors: dict[str, list[str]] = {}
    after = _choice(status, Status, "status", errors)
    reason = _text(reason, "reason", 500, errors, required=False)
    if errors:
        raise ValidationFailed(errors)
    if after == Status.CLOSED and ticket.reported_back_at is None:
        # Recorded outside any transaction of this function: the refusal itself is kept.
        audit_record(
            actor=actor,
            obj=ticket,
            field="status",
            before=ticket.status,
            after="closed: refused",
            reason="no report back recorded",
        )
        raise _NotReportedBack()
    if after == Status.REPORTED_BACK:
        raise ValidationFailed(
            {"status": [_("Record the report back to the customer: it marks the ticket reported back.")]}
        )
    if after not in TRANSITIONS[Status(ticket.status)]:
        raise ValidationFailed(
            {
                "status": [
                    _("A ticket that is “%(before)s” cannot become “%(after)s”.")
                    % {"before": Status(ticket.status).label, "after": Status(after).label}
                ]
            }
        )
    with transaction.atomic():
        _apply_status(actor, ticket, after, reason)
    return ticket


def _apply_status(actor: Actor, ticket: Ticket, after: str, reason: str) -> None:
    now = timezone.now()
    calendar = calendar_for(ticket.org)
    if after == Status.RESOLVED:
        _move(actor.user, ticket, after, now, reason)
        ticket.resolved_at = now
        _response, resolution = timers(ticket, calendar=calendar, changes=_changes(ticket), now=now)
        ticket.resolution_seconds = resolution.elapsed_seconds
        ticket.resolution_met = not resolution.breached
        ticket.is_breached = ticket.is_breached or resolution.breached
    elif after == Status.IN_PROGRESS and ticket.status in (Status.RESOLVED, Status.REPORTED_BACK, Status.CLOSED):
        _move(actor.user, ticket, after, now, reason)  # a reopen: resolved again later, told again
        ticket.resolved_at = ticket.reported_back_at = ticket.closed_at = None
        ticket.resolution_met = ticket.resolution_seconds = None
    else:
        _move(actor.user, ticket, after, now, reason)
        if after == Status.CLOSED:
            ticket.closed_at = now
    ticket.save()


class _NotReportedBack(ValidationFailed):
    def __init__(self) -> None:
        super().__init__(
            {"status": [_("Tell the customer what was done first: record a report back, then close the ticket.")]}
        )


# --- the thread ---------------------------------------------------------------------------------------


@transaction.atomic
def ticket_add_entry(*, actor: Actor, ticket: Ticket, kind: object, body: object) -> TicketEntry:
    """Add an internal note, a reply to the customer (the first one is the first response) or
    the report back (only once the ticket is resolved; it marks the ticket reported back)."""
    require_writer(actor)
    errors: dict[str, list[str]] = {}
    kind = _choice(kind, TicketEntry.Kind, "kind", errors)
    body = _text(body, "body", ENTRY_MAX_LENGTH, errors, required=True)
    if kind == TicketEntry.Kind.REPORT_BACK and ticket.status != Status.RESOLVED:
        errors["kind"] = [_("Resolve the ticket first, then report back to the customer what was done.")]
    if errors:
        raise ValidationFailed(errors)
    entry = TicketEntry.objects.create(org_id=ticket.org_id, ticket=ticket, kind=kind, author=actor.user, body=body)
    now = entry.created_at
    update = []
    if kind != TicketEntry.Kind.NOTE and ticket.first_response_at is None:
        ticket.first_response_at = now
        response, _resolution = timers(ticket, calendar=calendar_for(ticket.org), changes=_changes(ticket), now=now)
        ticket.response_met = not response.breached
        ticket.is_breached = ticket.is_breached or response.breached
        update += ["first_response_at", "response_met", "is_breached"]
    if kind == TicketEntry.Kind.REPORT_BACK:
        _move(actor.user, ticket, Status.REPORTED_BACK, now)
        ticket.reported_back_at = now
        update += ["status", "reported_back_at"]
    if update:
        ticket.save(update_fields=update)
    return entry


# --- the organisation's SLA settings (org admin) ----------------------------------------------------


def _require_sla_admin(actor: Actor) -> None:
    if not may_set_sla_policy(actor):
        raise Forbidden(_("The org admin keeps the SLA targets, working hours and holidays."))


def _hours(value: object, field: str, errors: dict) -> int | None:
    number = parse_id(value)
    if number is None or not 1 <= number <= MAX_TARGET_HOURS:
        errors[field] = [_("A whole number of working hours from 1 to %(n)d.") % {"n": MAX_TARGET_HOURS}]
        return None
    return number


@transaction.atomic
def sla_policy_set(
    *, actor: Actor, severity: object, tier: object, first_response_hours: object, resolution_hours: object
) -> SlaPolicy:
    """Set the targets of one severity (for every tier, or one tier); audited. New tickets use
    them; open tickets keep the targets they were opened with."""
    from pacekeeper.crm.models import Tier

    _require_sla_admin(actor)
    errors: dict[str, list[str]] = {}
    severity = _choice(severity, Severity, "severity", errors)
    tier = "" if tier in (None, "") else _choice(tier, Tier, "tier", errors)
    response = _hours(first_response_hours, "first_response_hours", errors)
    resolution = _hours(resolution_hours, "resolution_hours", errors)
    if response and resolution and resolution < response:
        errors["resolution_hours"] = [_("Resolving cannot take less time than the first response.")]
    if errors:
        raise ValidationFailed(errors)
    policy = SlaPolicy.objects.filter(org_id=actor.org_id, severity=severity, tier=tier).first()
    before = f"{policy.first_response_hours}h/{policy.resolution_hours}h" if policy else None
    if policy is None:
        policy = SlaPolicy(org_id=actor.org_id, severity=severity, tier=tier)
    policy.first_response_hours, policy.resolution_hours = response, resolution
    policy.save()
    audit_record(actor=actor, obj=policy, field="targets", before=before, after=f"{response}h/{resolution}h")
    return policy


@transaction.atomic
def sla_policy_delete(*, actor: Actor, policy: SlaPolicy) -> None:
    _require_sla_admin(actor)
    audit_record(
        actor=actor,
        obj=policy,
        field="targets",
        before=f"{policy.first_response_hours}h/{policy.resolution_hours}h",
        after=None,
    )
    policy.delete()


@transaction.atomic
def ticket_settings_update(
    *, actor: Actor, day_start: dt.time, day_end: dt.time, official_calendar: bool, csat_threshold, nps_threshold
) -> TicketSettings:
    _require_sla_admin(actor)
    if day_end <= day_start:
        raise ValidationFailed({"day_end": [_("The working day ends after it starts.")]})
    chosen = settings_for(actor.org)
    before = f"{chosen.day_start:%H:%M}-{chosen.day_end:%H:%M} official={chosen.official_calendar}"
    chosen.day_start, chosen.day_end, chosen.official_calendar = day_start, day_end, official_calendar
    chosen.csat_threshold, chosen.nps_threshold = csat_threshold, nps_threshold
    chosen.save()
    after = f"{day_start:%H:%M}-{day_end:%H:%M} official={official_calendar}"
    audit_record(actor=actor, obj=chosen, field="working_hours", before=before, after=after)
    return chosen


@transaction.atomic
def holiday_set(*, actor: Actor, day: dt.date, is_working_day: bool, name: str = "") -> HolidayOverride:
    _require_sla_admin(actor)
    if problem := date_rules.window_problem(day, actor.today()):  # 1900 or 9999 is a slip of the keyboard
        raise ValidationFailed({"day": [problem]})
    name = clean_text(name or "").strip()[:100]
    found, _created = HolidayOverride.objects.update_or_create(
        org_id=actor.org_id, day=day, defaults={"is_working_day": is_working_day, "name": name}
    )
    audit_record(actor=actor, obj=found, field="working_day", before=None, after=f"{day} {is_working_day}")
    return found


@transaction.atomic
def holiday_delete(*, actor: Actor, holiday: HolidayOverride) -> None:
    _require_sla_admin(actor)
    audit_record(actor=actor, obj=holiday, field="working_day", before=str(holiday.day), after=None)
    holiday.delete()


# --- the breach warnings (the chore) ----------------------------------------------------------------

THRESHOLDS = ((0.8, "80"), (1.0, "100"))


def tickets_check_sla(*, org: Organization, now: dt.datetime | None = None) -> int:
    """Warn each open ticket's assignee once at 80 % of a target and once at its breach.
    Idempotent: the warnings sent are kept on the ticket. Returns how many were sent."""
    now = now or timezone.now()
    calendar = calendar_for(org)
    tickets = list(Ticket.objects.filter(org=org).open().select_related("assignee", "org").order_by("pk"))
    changes: dict[int, list] = {}
    for change in TicketStatusChange.objects.filter(ticket__in=tickets).order_by("at", "pk"):
        changes.setdefault(change.ticket_id, []).append(change)
    sent = 0
    for ticket in tickets:
        response, resolution = timers(ticket, calendar=calendar, changes=changes.get(ticket.pk, []), now=now)
        for name, timed in (("response", response), ("resolution", resolution)):
            if timed.stopped:
                continue
            for share, label in THRESHOLDS:
                key = f"{name}_{label}"
                reached = timed.elapsed_seconds >= share * timed.target_seconds
                if reached and key not in ticket.warned:
                    ticket.warned = [*ticket.warned, key]
                    ticket.is_breached = ticket.is_breached or label == "100"
                    Ticket.objects.filter(pk=ticket.pk).update(warned=ticket.warned, is_breached=ticket.is_breached)
                    notices.announce_sla(ticket=ticket, target=name, breached=label == "100")
                    sent += 1
    return sent


def tickets_check_sla_all() -> int:
    sent = 0
    for org in Organization.objects.order_by("pk"):
        sent += tickets_check_sla(org=org)
    return sent


# --- attachments (lib/uploads.py, as task attachments) ------------------------------------------------

ATTACHMENTS_PER_TICKET = 20


def attachments_folder(org_id: int):
    from pathlib import Path

    from django.conf import settings

    return Path(settings.DATA_DIR) / "ticket-attachments" / str(int(org_id))


@transaction.atomic
def ticket_attachment_add(*, actor: Actor, ticket: Ticket, file) -> TicketAttachment:
    """Check the upload, keep it, record it. A refused file is never written."""
    from django.conf import settings

    from pacekeeper.lib import uploads

    require_writer(actor)
    if file is None:
        raise ValidationFailed({"file": [_("Choose a file to attach.")]})
    if ticket.attachments.count() >= ATTACHMENTS_PER_TICKET:
        message = _("A ticket holds at most %(n)s files.") % {"n": ATTACHMENTS_PER_TICKET}
        raise ValidationFailed({"file": [message]})

    def record(checked, stored_as: str) -> TicketAttachment:
        return TicketAttachment.objects.create(
            org_id=ticket.org_id,
            ticket=ticket,
            uploaded_by=actor.user,
            name=checked.name,
            stored_as=stored_as,
            content_type=checked.content_type,
            size=checked.size,
        )

    folder = attachments_folder(ticket.org_id)
    return uploads.keep(file, folder, max_bytes=settings.ATTACHMENT_MAX_BYTES, record=record)


def ticket_attachment_open(attachment: TicketAttachment):
    """The stored file, opened for reading; a file gone from the disk answers 404 like a missing row."""
    from pacekeeper.errors import NotFound
    from pacekeeper.lib import uploads

    try:
        return open(uploads.stored_path(attachments_folder(attachment.org_id), attachment.stored_as), "rb")
    except (OSError, ValueError):
        raise NotFound() from None
