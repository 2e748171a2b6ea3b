"""Resource pages: the request form (from a task or a goal), the list of requests (by default
the ones waiting for the actor's decision), a request's page with its decide and spend forms,
and the org admin's thresholds under Settings. Each view parses, fetches through the scope,
calls the service the API calls too, and renders."""

from django.contrib import messages
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.goals.models import Goal
from pacekeeper.lib.money import from_minor
from pacekeeper.lib.pages import actor_required, add_service_errors, paginate, query_without
from pacekeeper.tenancy.audit import audit_trail
from pacekeeper.tenancy.scopes import decides_resource_requests, get_visible, require_admin

from . import resource_selectors as selectors
from . import resources
from .resource_forms import DecideForm, ResourceFilterForm, ResourceRequestForm, SpendForm, ThresholdsForm
from .resource_models import FLAG_LABELS
from .selectors import access_task


def _create_page(request: HttpRequest, *, task=None, goal=None):
    actor = request.actor
    form = ResourceRequestForm(request.POST or None, currency=actor.org.currency)
    if request.method == "POST" and form.is_valid():
        try:
            rr = resources.resource_request_create(actor=actor, task=task, goal=goal, **form.cleaned_data)
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Request sent. The people who decide it are told."))
            return redirect("work:resource_request", resource_request_id=rr.pk)
    context = {"form": form, "task": task, "goal": goal, "thresholds": resources.thresholds_for(actor.org)}
    return render(request, "work/resource_request_form.html", context, status=400 if form.errors else 200)


@actor_required
def task_resource_request_create(request: HttpRequest, task_id: int):
    task = access_task(request.actor, task_id)
    if not resources.may_request_for_task(request.actor, task):
        raise Forbidden()
    return _create_page(request, task=task)


@actor_required
def goal_resource_request_create(request: HttpRequest, goal_id: int):
    goal = get_visible(Goal.objects.visible_to(request.actor), goal_id, actor=request.actor)
    if not resources.may_request_for_goal(request.actor, goal):
        raise Forbidden()
    return _create_page(request, goal=goal)


@actor_required
def resource_request_list(request: HttpRequest):
    """Deciders land on what waits for them; everyone may widen the filters (kept in the URL)."""
    actor = request.actor
    is_decider = decides_resource_requests(actor)
    # No filter in the URL (a bare ?page=2 too): the default view.
    chosen = any(name in request.GET for name in ResourceFilterForm.base_fields)
    data = request.GET if chosen or not is_decider else {"status": "requested", "to_decide": "on"}
    form = ResourceFilterForm(data, is_decider=is_decider)
    filters = {key: value for key, value in form.cleaned_data.items() if value} if form.is_valid() else {}
    rows = selectors.resource_request_filter(actor, selectors.resource_request_list(actor), **filters)
    page = paginate(request, rows.order_by("-requested_at", "-pk"))
    query = query_without(request, "page") or ("" if chosen or not is_decider else "status=requested&to_decide=on")
    context = {"form": form, "page": page, "query": query, "is_decider": is_decider}
    return render(request, "work/resource_request_list.html", context)


def _detail_page(request: HttpRequest, rr, *, decide_form=None, spend_form=None, status: int = 200):
    actor = request.actor
    thresholds = resources.thresholds_for(actor.org)
    currency = actor.org.currency
    # Pre-fill what was spent, else the approved amount; never the amount merely asked for, so
    # one click cannot record spending on a request nobody approved.
    if rr.spent_minor is not None:
        spent_initial = {"spent_amount": f"{from_minor(rr.spent_minor, currency):f}"}
    elif rr.decision == rr.Decision.APPROVED:
        spent_initial = {"spent_amount": f"{from_minor(rr.amount_minor, currency):f}"}
    else:
        spent_initial = {}
    context = {
        "rr": rr,
        "flags": [{"name": name, "label": label} for name, label in _flag_labels(rr)],
        "thresholds": thresholds,
        "is_within_lead_limit": resources.is_within_lead_limit(rr, thresholds),
        "decide_problem": resources.decide_problem(actor, rr, thresholds),
        "may_spend": resources.may_record_spending(actor, rr),
        "decide_form": decide_form or DecideForm(),
        "spend_form": spend_form or SpendForm(currency=currency, initial=spent_initial),
        "history": audit_trail(actor=actor, obj=rr)[:20],
    }
    return render(request, "work/resource_request_detail.html", context, status=status)


def _flag_labels(rr):
    return [(name, FLAG_LABELS[name]) for name in rr.flags]


@actor_required
def resource_request_detail(request: HttpRequest, resource_request_id: int):
    return _detail_page(request, selectors.access_resource_request(request.actor, resource_request_id))


@actor_required
@require_POST
def resource_request_decide(request: HttpRequest, resource_request_id: int):
    rr = selectors.access_resource_request(request.actor, resource_request_id)
    form = DecideForm(request.POST)
    if form.is_valid():
        try:
            resources.resource_request_decide(
                actor=request.actor,
                rr=rr,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["refusal_reason"],
            )
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Decision saved. The requester is told."))
            return redirect("work:resource_request", resource_request_id=rr.pk)
    elif not request.actor.can_write:
        raise Forbidden()
    return _detail_page(request, rr, decide_form=form, status=400)


@actor_required
@require_POST
def resource_request_spend(request: HttpRequest, resource_request_id: int):
    rr = selectors.access_resource_request(request.actor, resource_request_id)
    form = SpendForm(request.POST, currency=request.actor.org.currency)
    if form.is_valid():
        try:
            resources.resource_request_spend(actor=request.actor, rr=rr, amount=form.cleaned_data["spent_amount"])
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Spending recorded."))
            return redirect("work:resource_request", resource_request_id=rr.pk)
    elif not request.actor.can_write:
        raise Forbidden()
    return _detail_page(request, rr, spend_form=form, status=400)


@actor_required
def resource_thresholds(request: HttpRequest):
    """Settings: up to which amount and hours a team lead decides (the org admin's)."""
    actor = request.actor
    require_admin(actor)
    thresholds = resources.thresholds_for(actor.org)
    currency = actor.org.currency
    initial = {
        "lead_limit": f"{from_minor(thresholds.lead_limit_minor, currency):f}",
        "lead_limit_hours": f"{thresholds.lead_limit_hours:f}",
    }
    form = ThresholdsForm(request.POST or None, currency=currency, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            resources.resource_thresholds_set(actor=actor, **form.cleaned_data)
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The approval thresholds are saved."))
            return redirect("work:resource_thresholds")
    history = audit_trail(actor=actor, obj=thresholds)[:20] if thresholds.pk else []
    context = {"form": form, "tab": "resources", "history": history}
    return render(request, "work/resource_thresholds.html", context, status=400 if form.errors else 200)
