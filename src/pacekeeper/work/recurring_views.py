"""Recurring-task pages: the list of rules (mine / my team's), a rule's page with its next dates
and the tasks it made, the form, and pause, resume and delete. Each view fetches through the
scope and calls the service the API calls too."""

from django.contrib import messages
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.lib.pages import actor_required, add_service_errors, paginate, query_without
from pacekeeper.tenancy.scopes import may_change_recurring_task, require_writer

from . import recurring_selectors as selectors
from . import recurring_services as services
from .recurrence import next_occurrences
from .recurring_forms import RecurringTaskForm
from .recurring_models import RecurringTask
from .selectors import assignable_people, collaborator_choices

FORM_FIELDS = (
    "title",
    "frequency",
    "interval",
    "weekday",
    "day_of_month",
    "starts_on",
    "ends_on",
    "lead_days",
    "estimate_hours",
    "is_important",
    "labels",
    "description",
)


@actor_required
def recurring_list(request: HttpRequest):
    actor = request.actor
    sees_others = actor.member_ids is None or len(actor.member_ids) > 1
    whose = request.GET.get("whose", "")
    if whose not in selectors.WHOSE:
        whose = "team" if sees_others else "mine"
    status = request.GET.get("status", "")
    rules = selectors.recurring_task_list(actor, whose=whose, status=status)
    page = paginate(request, rules)
    today = actor.today()
    rows = [{"rule": rule, "next": next_occurrences(rule.schedule, today=today, count=1)} for rule in page]
    context = {
        "page": page,
        "rows": rows,
        "whose": whose,
        "status": status,
        "statuses": RecurringTask.Status.choices,
        "sees_others": sees_others,
        "query": query_without(request, "page"),
    }
    return render(request, "work/recurring_list.html", context)


def _form(request: HttpRequest, rule: RecurringTask | None) -> RecurringTaskForm:
    actor = request.actor
    initial = {"owner": actor.user_id, "starts_on": actor.today(), "frequency": RecurringTask.Frequency.WEEKLY}
    if rule is not None:
        initial = {name: getattr(rule, name) for name in FORM_FIELDS} | {"owner": rule.owner_id}
        initial["collaborators"] = [user.pk for user in rule.collaborators.all()]
    people = list(assignable_people(actor))
    if rule is not None and rule.owner not in people:
        people.append(rule.owner)  # shown as it is; choosing someone else is checked by the service
    return RecurringTaskForm(
        request.POST or None, initial=initial, people=people, collaborators=collaborator_choices(actor)
    )


def _save_from_form(request: HttpRequest, rule: RecurringTask | None):
    form = _form(request, rule)
    if request.method == "POST" and form.is_valid():
        changes = dict(form.cleaned_data)
        if changes["estimate_hours"] is None:
            changes["estimate_hours"] = 0
        try:
            if rule is None:
                rule = services.recurring_task_create(actor=request.actor, changes=changes)
            else:
                rule = services.recurring_task_update(actor=request.actor, rule=rule, changes=changes)
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Recurring task saved."))
            return redirect("work:recurring_detail", recurrence_id=rule.pk)
    status = 400 if form.errors else 200
    return render(request, "work/recurring_form.html", {"form": form, "rule": rule}, status=status)


@actor_required
def recurring_create(request: HttpRequest):
    require_writer(request.actor)
    return _save_from_form(request, None)


@actor_required
def recurring_edit(request: HttpRequest, recurrence_id: int):
    rule = selectors.access_recurring_task(request.actor, recurrence_id)
    if not may_change_recurring_task(request.actor, rule):
        raise Forbidden()
    return _save_from_form(request, rule)


def _detail(request: HttpRequest, rule: RecurringTask, status: int = 200):
    actor = request.actor
    context = {
        "rule": rule,
        "next_dates": [] if rule.is_paused else next_occurrences(rule.schedule, today=actor.today(), count=5),
        "occurrences": selectors.recent_occurrences(actor, rule),
        "may_change": may_change_recurring_task(actor, rule),
        "made": rule.occurrences.exclude(task=None).count(),
    }
    return render(request, "work/recurring_detail.html", context, status=status)


@actor_required
def recurring_detail(request: HttpRequest, recurrence_id: int):
    return _detail(request, selectors.access_recurring_task(request.actor, recurrence_id))


@actor_required
@require_POST
def recurring_pause(request: HttpRequest, recurrence_id: int):
    rule = selectors.access_recurring_task(request.actor, recurrence_id)
    services.recurring_task_pause(actor=request.actor, rule=rule)
    messages.success(request, _("Paused: no new tasks until you resume it."))
    return redirect("work:recurring_detail", recurrence_id=rule.pk)


@actor_required
@require_POST
def recurring_resume(request: HttpRequest, recurrence_id: int):
    rule = selectors.access_recurring_task(request.actor, recurrence_id)
    services.recurring_task_resume(actor=request.actor, rule=rule)
    messages.success(request, _("Resumed: tasks are created again from today."))
    return redirect("work:recurring_detail", recurrence_id=rule.pk)


@actor_required
@require_POST
def recurring_delete(request: HttpRequest, recurrence_id: int):
    """Deleting asks once (the page's confirmation sends `confirm`); the tasks made stay."""
    rule = selectors.access_recurring_task(request.actor, recurrence_id)
    if not may_change_recurring_task(request.actor, rule):
        raise Forbidden()
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Confirm that the recurring task should be deleted."))
        return _detail(request, rule, status=400)
    made = services.recurring_task_delete(actor=request.actor, rule=rule)
    messages.success(
        request,
        ngettext(
            "Recurring task deleted; the %(n)s task it created stays.",
            "Recurring task deleted; the %(n)s tasks it created stay.",
            made,
        )
        % {"n": made},
    )
    return redirect("work:recurring")
