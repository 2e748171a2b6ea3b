"""Goal pages: the list with progress, a goal's page (SMART, progress, parts, history), forms."""

from decimal import Decimal

from django.contrib import messages
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.kpis.registry import Unit, unit_of
from pacekeeper.lib.formatting import amount_in_words, format_amount
from pacekeeper.lib.money import AmountError, parse_amount, to_minor
from pacekeeper.lib.pages import actor_required, add_service_errors, paginate, query_without
from pacekeeper.tenancy.audit import audit_trail
from pacekeeper.tenancy.models import Team, User
from pacekeeper.tenancy.scopes import get_visible, goal_levels_for

from . import services, units
from .forms import ActivateForm, CascadeForm, GoalForm, ResplitForm, TargetForm
from .models import Goal, GoalChange
from .progress import goal_progress, goals_progress
from .smart import shown_value


def _goal(request: HttpRequest, goal_id: int, *, for_write: bool = False) -> Goal:
    scoped = Goal.objects.visible_to(request.actor).select_related("org", "team", "person", "parent")
    goal = get_visible(scoped, goal_id, actor=request.actor, for_write=for_write)
    if for_write:
        services.require_goal_setter(request.actor, goal)
    return goal


@actor_required
def goal_list(request: HttpRequest):
    status = request.GET.get("status", Goal.Status.ACTIVE)
    goals = Goal.objects.visible_to(request.actor).select_related("org", "team", "person").order_by("-starts_on", "pk")
    if status in Goal.Status.values:
        goals = goals.filter(status=status)
    page = paginate(request, goals)
    progress = goals_progress(page.object_list, today=request.actor.today())
    rows = [{"goal": goal, "progress": progress[goal.pk]} for goal in page.object_list]
    return render(
        request,
        "goals/goal_list.html",
        {
            "page": page,
            "rows": rows,
            "status": status,
            "statuses": Goal.Status.choices,
            "query": query_without(request, "page"),
        },
    )


def _goal_form(request: HttpRequest, goal: Goal | None = None) -> GoalForm:
    actor = request.actor
    initial = None
    if goal is not None:
        initial = {
            "kind": goal.kind,
            "title": goal.title,
            "metric": goal.metric,
            "level": goal.level,
            "team": goal.team_id,
            "person": goal.person_id,
            "parent": goal.parent_id,
            "starts_on": goal.starts_on,
            "ends_on": goal.ends_on,
            "description": goal.description,
            "target": units.shown(goal.metric, goal.target),
        }
    return GoalForm(
        request.POST or None,
        initial=initial,
        teams=Team.objects.visible_to(actor).order_by("path"),
        people=User.objects.visible_to(actor).filter(is_active=True, role__in=("manager", "lead")),
        parents=Goal.objects.visible_to(actor).exclude(status=Goal.Status.CANCELLED),
        levels=goal_levels_for(actor),
    )


def _changes_from(form: GoalForm) -> dict:
    changes = {key: value for key, value in form.cleaned_data.items() if value not in (None, "")}
    changes["target"] = units.stored(changes.get("metric", ""), changes.get("target"))
    return changes


def _save_from_form(request: HttpRequest, goal: Goal | None):
    form = _goal_form(request, goal)
    if request.method == "POST" and form.is_valid():
        changes = _changes_from(form)
        try:
            saved = services.goal_save(actor=request.actor, goal=goal, changes=changes)
        except ValidationFailed as error:
            add_service_errors(form, error)
        except Forbidden as error:
            # A team or person out of reach: said beside the form, the typed goal kept.
            form.add_error(None, str(error) or _("You may not set goals for this subject."))
        else:
            messages.success(request, _("Saved as a draft. Check it, then activate it."))
            return redirect("goals:detail", goal_id=saved.pk)
    return render(request, "goals/goal_form.html", {"form": form, "goal": goal})


@actor_required
@require_POST
def goal_check(request: HttpRequest):
    """The form's SMART check as the user types (htmx), from what is typed so far."""
    form = _goal_form(request)
    report = None
    if form.is_valid():
        changes = _changes_from(form)
        try:
            report = services.goal_preview(actor=request.actor, changes=changes)
        except (ValidationFailed, Forbidden) as error:
            form.add_error(None, str(error))
    context = {"smart": report, "form": form, "target_echo": _target_echo(request)}
    return render(request, "goals/_smart_check.html", context)


def _target_echo(request: HttpRequest) -> str:
    """The typed money target read back in full and in words (¥5,000.00 — 0.5万元), so 5000
    typed for 5000万 is seen before saving (UX: inputs echo consequential amounts)."""
    metric, text = request.POST.get("metric", ""), request.POST.get("target", "").strip()
    if not text or unit_of(metric) != Unit.CURRENCY:
        return ""
    try:
        minor = to_minor(parse_amount(text))
    except AmountError:
        return ""
    language, currency = get_language() or "zh-hans", request.actor.org.currency
    return f"{format_amount(minor, currency, language)} — {amount_in_words(minor, currency, language)}"


@actor_required
def goal_create(request: HttpRequest):
    return _save_from_form(request, None)


@actor_required
def goal_edit(request: HttpRequest, goal_id: int):
    """Edit a draft (a cascaded part, say) before it is activated."""
    return _save_from_form(request, _goal(request, goal_id, for_write=True))


@actor_required
def goal_detail(request: HttpRequest, goal_id: int):
    return _detail_page(request, _goal(request, goal_id))


def _detail_page(request: HttpRequest, goal: Goal, *, target_form: TargetForm | None = None, status: int = 200):
    """The goal's page; after a refused target change, with that form's errors and input."""
    today = request.actor.today()
    may_change = services.may_set_goal(request.actor, goal)
    children = list(Goal.objects.visible_to(request.actor).filter(parent=goal).select_related("team", "person"))
    visible_ids = {child.pk for child in children}
    # Cancelled parts no longer count towards the split.
    live = [child for child in children if child.status != Goal.Status.CANCELLED and child.metric == goal.metric]
    moved = []
    if may_change:
        # Whoever splits the goal sees every part with its value, even one whose person is now
        # out of their reach (linked only if they may open it); the parts of people who left
        # the team are listed apart and no longer count (services.split_parts, docs/kpis.md).
        live, moved = services.split_parts(goal, today=today)
        counted_ids = {part.pk for part in [*live, *moved]}
        children = [*live, *(child for child in children if child.pk not in counted_ids)]
    for child in [*children, *moved]:
        child.viewable = child.pk in visible_ids
    history = [_history_row(goal, entry) for entry in audit_trail(actor=request.actor, obj=goal)]
    parts = sum((child.target or 0) for child in live)
    return render(
        request,
        "goals/goal_detail.html",
        {
            "goal": goal,
            "smart": services.goal_smart(goal, today=today),
            "progress": goal_progress(goal, today=today),
            "children": children,
            "moved_parts": moved,
            "parts": parts,
            "resplit": _resplit_preview(request, goal, show=bool(live) and parts != goal.target),
            "pending": GoalChange.objects.visible_to(request.actor).pending().filter(goal=goal).first(),
            # The latest decided request too, so a lead sees a refusal and why.
            "last_change": GoalChange.objects.visible_to(request.actor).filter(goal=goal).first(),
            "history": history,
            # Forms are offered only to whoever the services will let use them.
            "may_change": may_change,
            "target_form": target_form or TargetForm(),
            "cascade_form": CascadeForm(),
            "activate_form": ActivateForm(),
            "target_shown": units.shown(goal.metric, goal.target),
            "baseline_shown": units.shown(goal.metric, goal.baseline),
        },
        status=status,
    )


def _resplit_preview(request: HttpRequest, goal: Goal, *, show: bool) -> dict | None:
    """The preview of splitting again: offered by itself when the parts no longer add up to
    the target, or when the person asks for it (?resplit=method)."""
    actor = request.actor
    method = request.GET.get("resplit", "")
    if goal.level != Goal.Level.TEAM or not (show or method) or not services.may_set_goal(actor, goal):
        return None
    try:
        plan = services.goal_resplit_preview(actor=actor, goal=goal, method=method)
    except ValidationFailed:
        return None
    form = ResplitForm(initial={"method": plan.method})
    return {"plan": plan, "form": form, "original": goal.split_method}


def _history_row(goal: Goal, entry) -> dict:
    """An audit entry as people read it: the field's name, statuses by their label, amounts in yuan."""

    def shown(value: str) -> str:
        if not value:
            return "—"
        if entry.field == "status" and value in Goal.Status.values:
            return str(Goal.Status(value).label)
        if entry.field == "target":  # recorded as stored: fen for amounts
            return shown_value(goal.metric, Decimal(value), goal.org.currency)
        if entry.field == "split_method":
            return str(dict(ResplitForm.base_fields["method"].choices).get(value, value))
        return value

    named = ("status", "target", "split_method")
    label = Goal._meta.get_field(entry.field).verbose_name if entry.field in named else entry.field
    return {"entry": entry, "field": label, "before": shown(entry.before), "after": shown(entry.after)}


def _act(request: HttpRequest, goal: Goal, action) -> object:
    try:
        action(goal)
    except ValidationFailed as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("Saved."))
    return redirect("goals:detail", goal_id=goal.pk)


@actor_required
@require_POST
def goal_activate(request: HttpRequest, goal_id: int):
    reason = request.POST.get("override_reason", "")
    return _act(
        request,
        _goal(request, goal_id, for_write=True),
        lambda goal: services.goal_activate(actor=request.actor, goal=goal, override_reason=reason),
    )


@actor_required
@require_POST
def goal_target(request: HttpRequest, goal_id: int):
    goal = _goal(request, goal_id, for_write=True)
    form = TargetForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, goal, target_form=form, status=400)
    try:
        result = services.goal_set_target(
            actor=request.actor,
            goal=goal,
            target=units.stored(goal.metric, form.cleaned_data["target"]),
            reason=form.cleaned_data["reason"],
        )
    except ValidationFailed as error:
        add_service_errors(form, error)
        return _detail_page(request, goal, target_form=form, status=400)
    else:
        if isinstance(result, GoalChange):
            message = _("Lowering your own team's target needs a director: the change waits for approval.")
            messages.info(request, message)
        else:
            messages.success(request, _("Saved."))
    return redirect("goals:detail", goal_id=goal.pk)


@actor_required
@require_POST
def goal_resplit(request: HttpRequest, goal_id: int):
    """Split again as previewed on the goal's page; each part's old target stays in its history."""
    goal = _goal(request, goal_id, for_write=True)
    method, reason = request.POST.get("method", ""), request.POST.get("reason", "")
    return _act(
        request, goal, lambda goal: services.goal_resplit(actor=request.actor, goal=goal, method=method, reason=reason)
    )


def _change(request: HttpRequest, change_id: int) -> GoalChange:
    scoped = GoalChange.objects.visible_to(request.actor).select_related("goal")
    return get_visible(scoped, change_id, actor=request.actor, for_write=True)


@actor_required
@require_POST
def change_approve(request: HttpRequest, change_id: int):
    change = _change(request, change_id)
    services.require_change_decider(request.actor)
    reason = request.POST.get("reason", "")
    return _decide(request, lambda: services.goal_change_approve(actor=request.actor, change=change, reason=reason))


@actor_required
@require_POST
def change_refuse(request: HttpRequest, change_id: int):
    change = _change(request, change_id)
    services.require_change_decider(request.actor)
    reason = request.POST.get("reason", "")
    return _decide(request, lambda: services.goal_change_refuse(actor=request.actor, change=change, reason=reason))


def _decide(request: HttpRequest, action) -> object:
    """Back to the overview, where directors decide pending changes."""
    try:
        action()
    except ValidationFailed as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("Saved."))
    return redirect("dashboards:overview")


@actor_required
@require_POST
def goal_cascade(request: HttpRequest, goal_id: int):
    method = request.POST.get("method", "even")
    return _act(
        request,
        _goal(request, goal_id, for_write=True),
        lambda goal: services.goal_cascade(actor=request.actor, goal=goal, method=method),
    )


@actor_required
@require_POST
def goal_status(request: HttpRequest, goal_id: int):
    status, reason = request.POST.get("status", ""), request.POST.get("reason", "")
    return _act(
        request,
        _goal(request, goal_id, for_write=True),
        lambda goal: services.goal_set_status(actor=request.actor, goal=goal, status=status, reason=reason),
    )
