"""Ticket pages: the list (filters, search, pages), a ticket with its thread and SLA timers (and
one URL per action on it), opening a ticket, and the org admin's SLA targets, working hours and
holidays. Each view fetches through the scope and calls the service the API calls too."""

from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import FileResponse, HttpRequest
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacekeeper.crm.models import Customer
from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.lib.formatting import format_datetime, format_hours
from pacekeeper.lib.ids import parse_id
from pacekeeper.lib.pages import actor_required, add_service_errors, message_service_errors, paginate, query_without
from pacekeeper.tenancy.scopes import may_set_sla_policy

from . import selectors, services
from .forms import (
    AssignForm,
    AttachmentForm,
    EntryForm,
    HolidayForm,
    SlaPolicyForm,
    StatusForm,
    TicketForm,
    TicketSettingsForm,
)
from .models import Kind, Severity, Status

PER_PAGE = 25


def _hours(seconds: int) -> str:
    return format_hours(Decimal(abs(seconds)) / 3600)


def timer_text(timed, zone) -> tuple[str, str]:
    """(state, words) of one SLA timer: "ok", "warn", "breached", "paused", "met" or "missed"."""
    if timed.stopped:
        return ("missed", _("Missed")) if timed.breached else ("met", _("Met"))
    if timed.breached:
        return "breached", _("Overdue by %(hours)s working hours") % {"hours": _hours(timed.remaining_seconds)}
    if not timed.running:
        return "paused", _("Paused (waiting for the customer), %(hours)s working hours left") % {
            "hours": _hours(timed.remaining_seconds)
        }
    words = _("Due in %(hours)s working hours (%(when)s)") % {
        "hours": _hours(timed.remaining_seconds),
        "when": format_datetime(timed.due_at.astimezone(zone), get_language() or "zh-hans"),
    }
    return ("warn" if timed.used_share >= 0.8 else "ok"), words


def _assignees(actor):
    return selectors.assignee_choices(actor)


@actor_required
def ticket_list(request: HttpRequest):
    actor = request.actor
    get = request.GET
    breached = {"yes": True, "no": False}.get(get.get("breached", ""))
    rows = selectors.ticket_filter(
        selectors.ticket_list(actor),
        status=get.get("status") if get.get("status") in Status.values else None,
        kind=get.get("kind") if get.get("kind") in Kind.values else None,
        severity=get.get("severity") if get.get("severity") in Severity.values else None,
        assignee=parse_id(get.get("assignee")) if get.get("assignee") else None,
        breached=breached,
        search=get.get("q", "").strip()[:100],
    )
    page = paginate(request, rows, PER_PAGE)
    zone = request.actor.org.time_zone
    shown = [
        (item, timer_text(item.response, ZoneInfo(zone)), timer_text(item.resolution, ZoneInfo(zone)))
        for item in selectors.shown_tickets(actor, list(page.object_list))
    ]
    context = {
        "page": page,
        "shown": shown,
        "statuses": Status.choices,
        "kinds": Kind.choices,
        "severities": Severity.choices,
        "assignees": _assignees(actor),
        "query": query_without(request, "page"),
        "chosen": get,
    }
    return render(request, "tickets/ticket_list.html", context)


@actor_required
def ticket_new(request: HttpRequest):
    actor = request.actor
    if not actor.can_write:
        raise Forbidden()
    customers = Customer.objects.visible_to(actor).order_by("name")
    initial = {"customer": parse_id(request.GET.get("customer"))}
    form = TicketForm(request.POST or None, initial=initial, customers=customers, assignees=_assignees(actor))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = services.ticket_create(
                actor=actor,
                customer_id=data["customer"],
                channel=data["channel"],
                kind=data["kind"],
                severity=data["severity"],
                subject=data["subject"],
                description=data["description"],
                category=data["category"],
                assignee_id=data.get("assignee"),
            )
        except ValidationFailed as failed:
            add_service_errors(form, failed)
        else:
            messages.success(request, _("Ticket #%(number)d opened.") % {"number": ticket.pk})
            return redirect("tickets:detail", ticket_id=ticket.pk)
    return render(request, "tickets/ticket_new.html", {"form": form}, status=400 if form.errors else 200)


@actor_required
def ticket_detail(request: HttpRequest, ticket_id: int, entry_form=None, attachment_form=None):
    actor = request.actor
    ticket = selectors.access_ticket(actor, ticket_id)
    shown = selectors.shown_tickets(actor, [ticket])[0]
    zone = ZoneInfo(actor.org.time_zone)
    context = {
        "ticket": ticket,
        "response": timer_text(shown.response, zone),
        "resolution": timer_text(shown.resolution, zone),
        "entries": ticket.entries.select_related("author").order_by("created_at", "pk"),
        "changes": sorted(ticket.changes.all(), key=lambda change: (change.at, change.pk)),
        "can_write": actor.can_write,
        "entry_form": entry_form or EntryForm(),
        "status_form": StatusForm(initial={"status": ticket.status}),
        "assign_form": AssignForm(initial={"assignee": ticket.assignee_id}, assignees=_assignees(actor)),
        "attachments": ticket.attachments.all(),
        "attachment_form": attachment_form or AttachmentForm(),
    }
    refused = entry_form is not None or attachment_form is not None
    return render(request, "tickets/ticket_detail.html", context, status=400 if refused else 200)


@require_POST
@actor_required
def ticket_entry(request: HttpRequest, ticket_id: int):
    ticket = selectors.access_ticket(request.actor, ticket_id, for_write=True)
    form = EntryForm(request.POST)
    if form.is_valid():
        try:
            services.ticket_add_entry(
                actor=request.actor, ticket=ticket, kind=form.cleaned_data["kind"], body=form.cleaned_data["body"]
            )
        except ValidationFailed as failed:
            add_service_errors(form, failed)
        else:
            return redirect("tickets:detail", ticket_id=ticket.pk)
    return ticket_detail(request, ticket_id, entry_form=form)


@require_POST
@actor_required
def ticket_status(request: HttpRequest, ticket_id: int):
    ticket = selectors.access_ticket(request.actor, ticket_id, for_write=True)
    try:
        services.ticket_set_status(
            actor=request.actor, ticket=ticket, status=request.POST.get("status"), reason=request.POST.get("reason", "")
        )
    except ValidationFailed as failed:
        message_service_errors(request, failed)
    return redirect("tickets:detail", ticket_id=ticket.pk)


@require_POST
@actor_required
def ticket_assign(request: HttpRequest, ticket_id: int):
    ticket = selectors.access_ticket(request.actor, ticket_id, for_write=True)
    try:
        services.ticket_assign(
            actor=request.actor,
            ticket=ticket,
            assignee_id=request.POST.get("assignee"),
            reason=request.POST.get("reason", ""),
        )
    except ValidationFailed as failed:
        message_service_errors(request, failed)
        return redirect("tickets:detail", ticket_id=ticket.pk)
    messages.success(request, _("Ticket given to %(person)s.") % {"person": ticket.assignee})
    if selectors.ticket_list(request.actor).filter(pk=ticket.pk).exists():
        return redirect("tickets:detail", ticket_id=ticket.pk)
    return redirect("tickets:list")


@actor_required
def sla_settings(request: HttpRequest):
    """The org admin's SLA page: targets by severity (and tier), working hours, holidays. Others
    read it (what the timers count)."""
    actor = request.actor
    writer = may_set_sla_policy(actor)
    chosen = services.settings_for(actor.org)
    policy_form, holiday_form = SlaPolicyForm(), HolidayForm()
    settings_form = TicketSettingsForm(
        initial={
            "day_start": chosen.day_start,
            "day_end": chosen.day_end,
            "official_calendar": chosen.official_calendar,
            "csat_threshold": chosen.csat_threshold,
            "nps_threshold": chosen.nps_threshold,
        }
    )
    if request.method == "POST":
        if not writer:
            raise Forbidden()
        done, policy_form, holiday_form, settings_form = _sla_post(request, policy_form, holiday_form, settings_form)
        if done:
            return redirect("tickets:sla")
    context = {
        "writer": writer,
        "policies": selectors.sla_policy_list(actor),
        "defaults": [(Severity(key).label, hours) for key, hours in _defaults()],
        "holidays": selectors.holiday_list(actor),
        "settings": chosen,
        "policy_form": policy_form,
        "holiday_form": holiday_form,
        "settings_form": settings_form,
    }
    bad = any(form.errors for form in (policy_form, holiday_form, settings_form))
    return render(request, "tickets/sla.html", context, status=400 if bad else 200)


def _defaults():
    from .models import DEFAULT_TARGET_HOURS

    return list(DEFAULT_TARGET_HOURS.items())


def _sla_post(request, policy_form, holiday_form, settings_form):
    """One form per action, told apart by the button's name."""
    actor, post = request.actor, request.POST
    try:
        if "delete_policy" in post:
            found = selectors.sla_policy_list(actor).filter(pk=parse_id(post["delete_policy"])).first()
            if found is not None:
                services.sla_policy_delete(actor=actor, policy=found)
            return True, policy_form, holiday_form, settings_form
        if "delete_holiday" in post:
            found = selectors.holiday_list(actor).filter(pk=parse_id(post["delete_holiday"])).first()
            if found is not None:
                services.holiday_delete(actor=actor, holiday=found)
            return True, policy_form, holiday_form, settings_form
        if "save_policy" in post:
            policy_form = SlaPolicyForm(post)
            if policy_form.is_valid():
                services.sla_policy_set(actor=actor, **policy_form.cleaned_data)
                return True, policy_form, holiday_form, settings_form
        elif "save_holiday" in post:
            holiday_form = HolidayForm(post)
            if holiday_form.is_valid():
                services.holiday_set(actor=actor, **holiday_form.cleaned_data)
                return True, policy_form, holiday_form, settings_form
        elif "save_settings" in post:
            settings_form = TicketSettingsForm(post)
            if settings_form.is_valid():
                services.ticket_settings_update(actor=actor, **settings_form.cleaned_data)
                return True, policy_form, holiday_form, settings_form
    except ValidationFailed as failed:
        for form in (policy_form, holiday_form, settings_form):
            if form.is_bound:
                add_service_errors(form, failed)
    return False, policy_form, holiday_form, settings_form


@require_POST
@actor_required
def attachment_add(request: HttpRequest, ticket_id: int):
    ticket = selectors.access_ticket(request.actor, ticket_id, for_write=True)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.ticket_attachment_add(actor=request.actor, ticket=ticket, file=form.cleaned_data["file"])
        except ValidationFailed as failed:
            add_service_errors(form, failed)
        else:
            return redirect("tickets:detail", ticket_id=ticket.pk)
    return ticket_detail(request, ticket_id, attachment_form=form)


# The download is a file to save, never a page to render (as task attachments).
DOWNLOAD_POLICY = "default-src 'none'; sandbox"


@actor_required
def attachment_download(request: HttpRequest, ticket_attachment_id: int):
    attachment = selectors.access_attachment(request.actor, ticket_attachment_id)
    response = FileResponse(
        services.ticket_attachment_open(attachment),
        as_attachment=True,
        filename=attachment.name,
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_POLICY
    return response
