"""Relationship pages: the churn-risk list (per manager and team), a customer's health with its
reasons, needs and preferences, services and education sessions, the card on the customer page,
and the org admin's weights. Each view fetches through the scope and calls the API's service."""

from django.contrib import messages
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.lib.ids import parse_id
from pacekeeper.lib.pages import actor_required, add_service_errors, paginate, query_without
from pacekeeper.tenancy.models import Team, User
from pacekeeper.tenancy.scopes import may_set_health_weights

from . import selectors, services
from .forms import AttendanceForm, ProfileForm, SessionForm, ValueServiceForm, WeightsForm
from .health import factor_label, health_weights
from .models import FACTORS

PER_PAGE = 25


@actor_required
def churn(request: HttpRequest):
    """At-risk customers, largest value at risk first, for one manager or team or all in scope."""
    actor = request.actor
    manager = parse_id(request.GET.get("manager") or "")
    team = selectors.access_team(actor, parse_id(request.GET.get("team") or ""))
    customers = selectors.health_customers(actor, manager=manager, team=team)
    rows = selectors.churn_list(actor, customers)
    context = {
        "page": paginate(request, rows, PER_PAGE),
        "count": len(rows),
        "teams": Team.objects.visible_to(actor).order_by("path"),
        "managers": User.objects.visible_to(actor).filter(customers__isnull=False).distinct().order_by("display_name"),
        "team": team,
        "manager": manager,
        "today": actor.today(),
        "may_set_weights": may_set_health_weights(actor),
        "query": query_without(request, "page"),
    }
    return render(request, "relationships/churn.html", context)


def _reasons(health) -> list[dict]:
    return [{"reason": r, "label": factor_label(r.factor)} for r in health.reasons]


@actor_required
def customer(request: HttpRequest, customer_id: int):
    actor = request.actor
    chosen = selectors.access_customer(actor, customer_id)
    health = selectors.customer_health(actor, chosen)
    context = {
        "customer": chosen,
        "health": health,
        "reasons": _reasons(health),
        "profile": selectors.profile_for(chosen),
        "services": selectors.service_list(actor).filter(customer=chosen)[:50],
        "sessions": selectors.session_list(actor).filter(customer=chosen)[:50],
    }
    return render(request, "relationships/customer.html", context)


@actor_required
def card(request: HttpRequest, customer_id: int):
    """The small health card on the customer page (loaded by htmx)."""
    actor = request.actor
    chosen = selectors.access_customer(actor, customer_id)
    health = selectors.customer_health(actor, chosen)
    return render(request, "relationships/_card.html", {"customer": chosen, "health": health})


@actor_required
def profile_edit(request: HttpRequest, customer_id: int):
    actor = request.actor
    chosen = selectors.access_customer(actor, customer_id, for_write=True)
    profile = selectors.profile_for(chosen)
    initial = {"needs": chosen.needs} | (
        {"preferred_channel": profile.preferred_channel, "interests": profile.interests} if profile else {}
    )
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_save(actor=actor, customer=chosen, **form.cleaned_data)
        except ValidationFailed as failed:
            add_service_errors(form, failed)
        else:
            messages.success(request, _("Needs and preferences saved."))
            return redirect("relationships:customer", customer_id=chosen.pk)
    return _form_page(request, form, chosen, _("Needs and preferences"))


def _form_page(request, form, chosen, title: str):
    context = {"form": form, "customer": chosen, "title": title}
    return render(request, "relationships/form.html", context, status=400 if form.errors else 200)


@actor_required
def service_create(request: HttpRequest, customer_id: int):
    actor = request.actor
    chosen = selectors.access_customer(actor, customer_id, for_write=True)
    form = ValueServiceForm(
        request.POST or None, initial={"delivered_on": actor.today()}, people=selectors.deliverer_choices(actor)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.value_service_log(
                actor=actor,
                customer_id=chosen.pk,
                kind=data["kind"],
                delivered_on=data["delivered_on"],
                effort_hours=data["effort_hours"],
                delivered_by_id=data["delivered_by"],
                rating=data["rating"],
                note=data["note"],
            )
        except ValidationFailed as failed:
            add_service_errors(form, failed)
        else:
            messages.success(request, _("Service logged."))
            return redirect("relationships:customer", customer_id=chosen.pk)
    return _form_page(request, form, chosen, _("Log a value-added service"))


@actor_required
def session_create(request: HttpRequest, customer_id: int):
    actor = request.actor
    chosen = selectors.access_customer(actor, customer_id, for_write=True)
    form = SessionForm(request.POST or None, contacts=selectors.contact_choices(chosen))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.education_session_create(
                actor=actor,
                customer_id=chosen.pk,
                title=data["title"],
                held_on=data["held_on"],
                topic=data["topic"],
                survey_link=data["survey_link"],
                invitee_ids=data["invitees"],
            )
        except ValidationFailed as failed:
            add_service_errors(form, failed)
        else:
            messages.success(request, _("Session planned."))
            return redirect("relationships:session", education_session_id=session.pk)
    return _form_page(request, form, chosen, _("Plan an education session"))


@actor_required
def session(request: HttpRequest, education_session_id: int):
    """A session, its invitees, and (for those who may write its customer) recording attendance."""
    actor = request.actor
    chosen = selectors.access_session(actor, education_session_id)
    invitees = list(chosen.invitees.select_related("contact").order_by("contact__name"))
    initial = {"attended": [i.contact_id for i in invitees if i.attended]}
    form = AttendanceForm(request.POST or None, initial=initial, invitees=invitees) if actor.can_write else None
    if request.method == "POST":
        if form is None:
            raise Forbidden()
        if form.is_valid():
            try:
                came = services.education_attendance_record(
                    actor=actor, session=chosen, attended_ids=form.cleaned_data["attended"]
                )
            except ValidationFailed as failed:
                add_service_errors(form, failed)
            else:
                messages.success(request, _("Attendance saved: %(count)s came.") % {"count": came})
                return redirect("relationships:session", education_session_id=chosen.pk)
    context = {"session": chosen, "invitees": invitees, "form": form}
    status = 400 if form is not None and form.errors else 200
    return render(request, "relationships/session.html", context, status=status)


@actor_required
def weights(request: HttpRequest):
    """The org admin's weights of the health score's reasons, and the at-risk threshold."""
    actor = request.actor
    if not may_set_health_weights(actor):
        raise Forbidden(_("The health weights are set by the org admin."))
    current, threshold = health_weights(actor.org_id)
    initial = {f"weight_{f}": current[f] for f in FACTORS} | {"at_risk_below": threshold}
    form = WeightsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.health_settings_save(
                actor=actor,
                weights={f: data[f"weight_{f}"] for f in FACTORS},
                at_risk_below=data["at_risk_below"],
            )
        except ValidationFailed as failed:
            add_service_errors(form, failed)
        else:
            messages.success(request, _("Weights saved."))
            return redirect("relationships:weights")
    return render(request, "relationships/weights.html", {"form": form}, status=400 if form.errors else 200)
