"""Risk register pages: the list with its heat map, a risk (evidence, history, actions), recording
and changing a risk, adding an action, and running the signals. Each view fetches through the
scope and calls the service the API calls too."""

from django.contrib import messages
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacekeeper.crm.models import Customer
from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.goals.models import Goal
from pacekeeper.lib.ids import parse_id
from pacekeeper.lib.pages import actor_required, add_service_errors, paginate, query_without
from pacekeeper.tenancy.models import Team
from pacekeeper.tenancy.scopes import may_run_risk_signals, may_write_risk

from . import selectors, services
from .forms import RiskActionForm, RiskForm
from .models import Category, Level, Status

PER_PAGE = 25
CHOICES_LIMIT = 500


def _form(request, data=None, *, initial=None, editing=False) -> RiskForm:
    actor = request.actor
    owners = selectors.owner_choices(actor)[:CHOICES_LIMIT]
    if editing:
        return RiskForm(data, initial=initial, owners=owners, editing=True)
    return RiskForm(
        data,
        initial=initial,
        teams=Team.objects.visible_to(actor).order_by("path"),
        customers=Customer.objects.visible_to(actor).order_by("name")[:CHOICES_LIMIT],
        goals=Goal.objects.visible_to(actor).order_by("-pk")[:CHOICES_LIMIT],
        owners=owners,
    )


def _filters(request) -> dict:
    get = request.GET
    return {
        "level": get.get("level") if get.get("level") in Level.values else None,
        "category": get.get("category") if get.get("category") in Category.values else None,
        "status": get.get("status", Status.OPEN) if get.get("status", Status.OPEN) in Status.values else None,
        "probability": _score(get.get("probability")),
        "impact": _score(get.get("impact")),
        "review_overdue": get.get("review_overdue") == "on",
        "q": (get.get("q") or "").strip()[:100],
    }


def _score(value) -> int | None:
    number = parse_id(value)
    return number if number is not None and 1 <= number <= 5 else None


@actor_required
def risk_list(request: HttpRequest):
    """The risks the person sees, with the heat map of the open ones (each cell a filter)."""
    actor = request.actor
    filters = _filters(request)
    visible = selectors.risk_list(actor)
    rows = selectors.risk_filter(visible, actor=actor, **filters).order_by("review_on", "-pk")
    context = {
        "page": paginate(request, rows, PER_PAGE),
        "grid": selectors.heat_map(visible),
        "filters": filters,
        "levels": Level.choices,
        "categories": Category.choices,
        "statuses": Status.choices,
        "query": query_without(request, "page"),
        "may_run_signals": may_run_risk_signals(actor),
        "today": actor.today(),
    }
    return render(request, "risks/risk_list.html", context)


@actor_required
def risk_create(request: HttpRequest):
    actor = request.actor
    if not actor.can_write:
        raise Forbidden()
    form = _form(request, request.POST or None, initial={"review_on": actor.today().isoformat()})
    if request.method == "POST" and form.is_valid():
        try:
            risk = services.risk_create(actor=actor, data=form.cleaned_data)
        except ValidationFailed as failed:
            add_service_errors(form, failed)
        else:
            messages.success(request, _("Risk recorded."))
            return redirect("risks:detail", risk.pk)
    return render(request, "risks/risk_form.html", {"form": form, "risk": None}, status=400 if form.errors else 200)


@actor_required
def risk_detail(request: HttpRequest, risk_id: int):
    actor = request.actor
    risk = selectors.access_risk(actor, risk_id)
    context = {
        "risk": risk,
        "history": selectors.risk_history(actor, risk),
        "actions": selectors.risk_actions(actor, risk),
        "may_write": may_write_risk(actor, risk),
        "action_form": RiskActionForm(),
        "today": actor.today(),
    }
    return render(request, "risks/risk_detail.html", context)


@actor_required
def risk_edit(request: HttpRequest, risk_id: int):
    actor = request.actor
    risk = selectors.access_risk(actor, risk_id)
    if not may_write_risk(actor, risk):
        raise Forbidden()
    initial = {field: getattr(risk, field) for field in services.EDITABLE if field != "owner"}
    initial["owner"] = risk.owner_id
    form = _form(request, request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        note = data.pop("note", "")
        try:
            services.risk_update(actor=actor, risk=risk, data=data, note=note)
        except ValidationFailed as failed:
            add_service_errors(form, failed)
            risk.refresh_from_db()
        else:
            messages.success(request, _("Risk saved."))
            return redirect("risks:detail", risk.pk)
    return render(request, "risks/risk_form.html", {"form": form, "risk": risk}, status=400 if form.errors else 200)


@require_POST
@actor_required
def action_add(request: HttpRequest, risk_id: int):
    actor = request.actor
    risk = selectors.access_risk(actor, risk_id)
    if not may_write_risk(actor, risk):
        raise Forbidden()
    form = RiskActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Name the action."))
        return redirect("risks:detail", risk.pk)
    try:
        services.risk_action_add(
            actor=actor, risk=risk, title=form.cleaned_data["title"], due_on=form.cleaned_data["due_on"]
        )
    except ValidationFailed as failed:
        messages.error(request, failed.text)
    else:
        messages.success(request, _("Action added as a task."))
    return redirect("risks:detail", risk.pk)


@require_POST
@actor_required
def signals_run(request: HttpRequest):
    result = services.signals_run_now(actor=request.actor)
    messages.success(request, _("Signals run: %(raised)d risks raised, %(updated)d updated.") % result)
    return redirect("risks:list")
