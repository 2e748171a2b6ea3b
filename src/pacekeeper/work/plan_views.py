"""Plan pages: the list, making a plan for a goal, a plan's page (its tasks and figures, with
the forms to apply a template and to add tasks), and the organisation's plan templates. Each
view parses, fetches through the scope, calls the service the API calls too, and renders."""

from django.contrib import messages
from django.http import Http404, HttpRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from pacekeeper.errors import NotFound, ValidationFailed
from pacekeeper.lib.ids import parse_id
from pacekeeper.lib.pages import actor_required, add_service_errors, message_service_errors, paginate, query_without
from pacekeeper.tenancy.scopes import goal_levels_for, may_plan_goal, may_write_plan_templates, require_writer

from . import plan_selectors as selectors
from . import plans as services
from .models import PlanTemplate, WorkPlan
from .plan_forms import (
    AddTaskForm,
    ApplyTemplateForm,
    PlanTaskForm,
    PlanTemplateForm,
    StepFormSet,
    WorkPlanForm,
    WorkPlanTitleForm,
)
from .plan_templates import SHIPPED_BY_KEY, from_model
from .selectors import access_task, assignable_people


@actor_required
def plan_list(request: HttpRequest):
    actor = request.actor
    plans = selectors.work_plan_list(actor)
    q = (request.GET.get("q") or "").strip()[:100]
    if q:
        plans = plans.filter(title__icontains=q)
    goal = parse_id(request.GET.get("goal"))
    if goal is not None:
        plans = plans.filter(goal_id=goal)
    page = paginate(request, plans.order_by("-created_at", "-pk"))
    progress = selectors.plans_progress(actor, list(page.object_list))
    rows = [{"plan": plan, **progress[plan.pk]} for plan in page.object_list]
    may_plan = actor.can_write and bool(goal_levels_for(actor))
    context = {"page": page, "rows": rows, "q": q, "query": query_without(request, "page"), "may_plan": may_plan}
    return render(request, "work/plan_list.html", context)


@actor_required
def plan_create(request: HttpRequest):
    actor = request.actor
    require_writer(actor)
    goals = selectors.plannable_goals(actor)
    initial = {"goal": parse_id(request.GET.get("goal")), "owner": actor.user_id, "start_on": actor.today()}
    form = WorkPlanForm(
        request.POST or None,
        initial=initial,
        goals=goals,
        templates=selectors.plan_templates(actor),
        people=assignable_people(actor),
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.work_plan_create(actor=actor, **form.cleaned_data)
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Plan saved."))
            return redirect("work:plan_detail", work_plan_id=plan.pk)
    status = 400 if form.errors else 200
    return render(request, "work/plan_form.html", {"form": form, "has_goals": bool(goals)}, status=status)


def _plan_page(request: HttpRequest, plan: WorkPlan, *, forms: dict | None = None, status: int = 200):
    """The plan's page; after a refused form, with that form's errors and what was typed."""
    actor = request.actor
    today = actor.today()
    tasks = selectors.plan_tasks(actor, plan)
    may_plan = may_plan_goal(actor, plan.goal)
    context = {
        "plan": plan,
        "goal": plan.goal,
        "tasks": tasks,
        "summary": selectors.plan_summary(plan, tasks, today=today),
        "today": today,
        "may_plan": may_plan,
        "limit": selectors.MAX_PLAN_TASKS,
    }
    if may_plan:
        people = assignable_people(actor)
        owner = plan.goal.person_id or actor.user_id
        forms = forms or {}
        context["apply_form"] = forms.get("apply") or ApplyTemplateForm(
            initial={"owner": owner, "start_on": max(today, plan.goal.starts_on)},
            templates=selectors.plan_templates(actor),
            people=people,
        )
        context["task_form"] = forms.get("task") or PlanTaskForm(initial={"owner": owner}, people=people)
        context["add_form"] = AddTaskForm(tasks=selectors.addable_tasks(actor, plan))
    return render(request, "work/plan_detail.html", context, status=status)


@actor_required
def plan_detail(request: HttpRequest, work_plan_id: int):
    return _plan_page(request, selectors.access_work_plan(request.actor, work_plan_id))


def _writable_plan(request: HttpRequest, work_plan_id: int) -> WorkPlan:
    plan = selectors.access_work_plan(request.actor, work_plan_id)
    services.require_plan_writer(request.actor, plan)
    return plan


@actor_required
def plan_edit(request: HttpRequest, work_plan_id: int):
    plan = _writable_plan(request, work_plan_id)
    form = WorkPlanTitleForm(request.POST or None, initial={"title": plan.title})
    if request.method == "POST" and form.is_valid():
        try:
            services.work_plan_update(actor=request.actor, plan=plan, title=form.cleaned_data["title"])
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Plan saved."))
            return redirect("work:plan_detail", work_plan_id=plan.pk)
    status = 400 if form.errors else 200
    return render(request, "work/plan_edit.html", {"form": form, "plan": plan}, status=status)


@actor_required
@require_POST
def plan_apply(request: HttpRequest, work_plan_id: int):
    actor = request.actor
    plan = _writable_plan(request, work_plan_id)
    form = ApplyTemplateForm(request.POST, templates=selectors.plan_templates(actor), people=assignable_people(actor))
    if form.is_valid():
        try:
            made = services.work_plan_apply_template(actor=actor, plan=plan, **form.cleaned_data)
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            added = ngettext("%(count)s task added to the plan.", "%(count)s tasks added to the plan.", len(made))
            messages.success(request, added % {"count": len(made)})
            return redirect("work:plan_detail", work_plan_id=plan.pk)
    return _plan_page(request, plan, forms={"apply": form}, status=400)


@actor_required
@require_POST
def plan_task_create(request: HttpRequest, work_plan_id: int):
    plan = _writable_plan(request, work_plan_id)
    form = PlanTaskForm(request.POST, people=assignable_people(request.actor))
    if form.is_valid():
        changes = dict(form.cleaned_data)
        changes["estimate_hours"] = changes["estimate_hours"] or 0
        try:
            services.work_plan_task_create(actor=request.actor, plan=plan, changes=changes)
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Task saved."))
            return redirect("work:plan_detail", work_plan_id=plan.pk)
    return _plan_page(request, plan, forms={"task": form}, status=400)


def _task_in_post(request: HttpRequest):
    """The task named in the form, among those the actor sees; None if it names none."""
    try:
        return access_task(request.actor, request.POST.get("task"))
    except NotFound:  # a missing or hidden task is a refusal of the form, not a missing page
        return None


@actor_required
@require_POST
def plan_task_add(request: HttpRequest, work_plan_id: int):
    plan = _writable_plan(request, work_plan_id)
    task = _task_in_post(request)
    try:
        if task is None:
            raise ValidationFailed({"task": [_("Choose a task from the list.")]})
        services.work_plan_task_add(actor=request.actor, plan=plan, task=task)
    except ValidationFailed as error:
        message_service_errors(request, error)
        return _plan_page(request, plan, status=400)
    messages.success(request, _("Task added to the plan."))
    return redirect("work:plan_detail", work_plan_id=plan.pk)


@actor_required
@require_POST
def plan_task_remove(request: HttpRequest, work_plan_id: int):
    plan = _writable_plan(request, work_plan_id)
    task = _task_in_post(request)
    try:
        if task is None:
            raise ValidationFailed({"task": [_("Choose a task from the list.")]})
        services.work_plan_task_remove(actor=request.actor, plan=plan, task=task)
    except ValidationFailed as error:
        message_service_errors(request, error)
        return _plan_page(request, plan, status=400)
    messages.success(request, _("Task taken out of the plan."))
    return redirect("work:plan_detail", work_plan_id=plan.pk)


# --- plan templates -------------------------------------------------------------------------------


@actor_required
def plan_template_list(request: HttpRequest):
    actor = request.actor
    context = {"templates": selectors.plan_templates(actor), "may_write": may_write_plan_templates(actor)}
    return render(request, "work/plan_template_list.html", context)


@actor_required
def plan_template_shipped(request: HttpRequest, key: str):
    template = SHIPPED_BY_KEY.get(key)
    if template is None:
        raise Http404()
    return render(request, "work/plan_template_detail.html", {"template": template, "may_write": False})


@actor_required
def plan_template_detail(request: HttpRequest, template_id: int):
    actor = request.actor
    row = selectors.access_plan_template(actor, template_id)
    context = {"template": from_model(row), "row": row, "may_write": may_write_plan_templates(actor)}
    return render(request, "work/plan_template_detail.html", context)


def _template_steps(formset) -> list[dict]:
    """The filled rows; an empty number is the service's default (day 0, one day, no hours)."""
    filled = [form.cleaned_data for form in formset.forms if form.cleaned_data and not form.is_blank()]
    return [{name: value for name, value in row.items() if value is not None} for row in filled]


def _template_form(request: HttpRequest, row: PlanTemplate | None):
    """Create or edit an organisation's template: its title and its steps (blank rows skipped)."""
    services.require_template_writer(request.actor)
    initial = {"title": row.title, "description": row.description} if row else None
    steps = [
        {name: getattr(step, name) for name in ("title", "description", "offset_days", "duration_days")}
        | {"estimate_hours": step.estimate_hours, "is_important": step.is_important}
        for step in (row.steps.all() if row else ())
    ]
    form = PlanTemplateForm(request.POST or None, initial=initial)
    formset = StepFormSet(request.POST or None, initial=steps or None, prefix="steps")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            row = services.plan_template_save(
                actor=request.actor, template=row, steps=_template_steps(formset), **form.cleaned_data
            )
        except ValidationFailed as error:
            _template_errors(form, formset, error)
        else:
            messages.success(request, _("Template saved."))
            return redirect("work:plan_template_detail", template_id=row.pk)
    failed = form.errors or any(formset.errors) or formset.non_form_errors()
    context = {"form": form, "formset": formset, "row": row}
    return render(request, "work/plan_template_form.html", context, status=400 if failed else 200)


def _template_errors(form, formset, error: ValidationFailed) -> None:
    """The service's "steps.<n>.<field>" errors go next to that field of the n-th filled row."""
    filled = [step for step in formset.forms if step.cleaned_data and not step.is_blank()]
    for field, problems in error.errors.items():
        parts = field.split(".")
        if len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(filled):
            for problem in problems:
                filled[int(parts[1])].add_error(parts[2] if parts[2] in StepFormSet.form.base_fields else None, problem)
        elif field == "steps":
            formset._non_form_errors = formset.error_class(problems)
        else:
            for problem in problems:
                form.add_error(field if field in form.fields else None, problem)


@actor_required
def plan_template_create(request: HttpRequest):
    return _template_form(request, None)


@actor_required
def plan_template_edit(request: HttpRequest, template_id: int):
    return _template_form(request, selectors.access_plan_template(request.actor, template_id))


@actor_required
@require_POST
def plan_template_delete(request: HttpRequest, template_id: int):
    """Asks once: the form's confirmation box must be ticked."""
    row = selectors.access_plan_template(request.actor, template_id)
    services.require_template_writer(request.actor)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm the deletion."))
        context = {"template": from_model(row), "row": row, "may_write": True, "confirm_error": True}
        return render(request, "work/plan_template_detail.html", context, status=400)
    services.plan_template_delete(actor=request.actor, template=row)
    messages.success(request, _("Template deleted. Plans made from it keep their tasks."))
    return redirect("work:plan_templates")
