"""Task pages: My tasks, a task's page with its checklist, the form, and the board. Each view
parses, fetches through the scope, calls the service that the API calls too, and renders."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.lib.pages import (
    actor_required,
    add_service_errors,
    is_htmx,
    message_service_errors,
    paginate,
    query_without,
)
from pacekeeper.skills.selectors import skill_choices
from pacekeeper.tenancy.audit import named_trail
from pacekeeper.tenancy.scopes import TASK_FULL, require_writer, task_write_level

from . import selectors, services
from .forms import BoardFilterForm, ChecklistItemForm, RequiredSkillsForm, StatusForm, TaskForm
from .models import Quadrant, Task

MY_TASKS_PER_PAGE = 50


@actor_required
def my_tasks(request: HttpRequest):
    """The actor's open tasks grouped by quadrant (do now first), each group by due date, in
    pages: the quadrant order runs on across pages, and each group says on which page it starts
    (its count is the whole group's, from one grouped COUNT)."""
    actor = request.actor
    tasks = selectors.my_tasks(actor)
    page = paginate(request, tasks, per_page=MY_TASKS_PER_PAGE)
    rows = list(page.object_list)
    counts = selectors.my_tasks_by_quadrant(actor)
    groups, before = [], 0
    for q in Quadrant:
        count = counts.get(q, 0)
        first_page = before // MY_TASKS_PER_PAGE + 1
        groups.append(
            {
                "quadrant": q,
                "label": q.label,
                "count": count,
                "tasks": [t for t in rows if t.quadrant_rank == q],
                "page": first_page if count and first_page != page.number else None,
            }
        )
        before += count
    context = {"groups": groups, "today": actor.today(), "count": page.paginator.count, "page": page, "tab": "mine"}
    return render(request, "work/my_tasks.html", context | {"query": query_without(request, "page")})


def _form(request: HttpRequest, task: Task | None) -> TaskForm:
    actor = request.actor
    initial = {"owner": actor.user_id}
    if task is not None:
        initial = {name: getattr(task, name) for name in services.FIELDS - {"goal", "customer", "owner"}}
        initial |= {"goal": task.goal_id, "customer": task.customer_id, "owner": task.owner_id}
        initial["collaborators"] = [user.pk for user in task.collaborators.all()]
    people = list(selectors.assignable_people(actor))
    if task is not None and task.owner not in people:
        people.append(task.owner)  # shown as it is; choosing someone else is checked by the service
    # A goal or customer the task already has stays offered and selected even when the editor
    # could not pick it (a closed goal, another team's customer): the service keeps a link
    # that does not change, and a form without it would silently drop it on save.
    goals = list(selectors.goal_choices(actor))
    customers = selectors.customer_choices(actor, task.customer_id if task else None)
    if task is not None and task.goal_id and task.goal_id not in {g.pk for g in goals}:
        goals.append(task.goal)
    if task is not None and task.customer_id and task.customer_id not in {c.pk for c in customers}:
        customers.append(task.customer)
    return TaskForm(
        request.POST or None,
        initial=initial,
        people=people,
        collaborators=selectors.collaborator_choices(actor),
        goals=goals,
        customers=customers,
        editing=task is not None,
    )


def _required_skills_form(request: HttpRequest, task: Task | None) -> RequiredSkillsForm:
    """The task's required skills with their minimum levels (skills slice)."""
    current = {row.skill_id: row.min_level for row in task.required_skills.all()} if task else {}
    skills = skill_choices(request.actor, keep=current)
    initial = {f"skill_{skill_id}": level for skill_id, level in current.items()}
    return RequiredSkillsForm(request.POST or None, initial=initial, skills=skills)


def _save_from_form(request: HttpRequest, task: Task | None):
    form = _form(request, task)
    skills_form = _required_skills_form(request, task)
    if request.method == "POST" and form.is_valid() and skills_form.is_valid():
        changes = dict(form.cleaned_data)
        changes["required_skills"] = skills_form.required()
        if changes["estimate_hours"] is None:
            changes["estimate_hours"] = 0
        reason = changes.pop("reason", "")  # kept in the audit trail with a reassignment or cancelling
        try:
            if task is None:
                task = services.task_create(actor=request.actor, changes=changes)
            else:
                task = services.task_update(actor=request.actor, task=task, changes=changes, reason=reason)
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Task saved."))
            return redirect("work:detail", task_id=task.pk)
    status = 400 if form.errors or skills_form.errors else 200
    context = {"form": form, "task": task, "skills_form": skills_form}
    return render(request, "work/task_form.html", context, status=status)


@actor_required
def task_create(request: HttpRequest):
    require_writer(request.actor)
    return _save_from_form(request, None)


@actor_required
def task_edit(request: HttpRequest, task_id: int):
    task = selectors.access_task(request.actor, task_id)
    if task_write_level(request.actor, task) != TASK_FULL:
        raise Forbidden()
    return _save_from_form(request, task)


@actor_required
def task_detail(request: HttpRequest, task_id: int):
    actor = request.actor
    task = selectors.access_task(actor, task_id)
    # ?status=blocked: a status move refused for want of a reason keeps the choice it made.
    chosen = request.GET.get("status")
    chosen = chosen if chosen in Task.Status.values else task.status
    context = {
        "task": task,
        "today": actor.today(),
        "quadrant": task.quadrant(actor.today()),
        "level": task_write_level(actor, task),
        "statuses": Task.Status.choices,
        "chosen_status": chosen,
        "ask_reason": chosen == Task.Status.BLOCKED and task.status != Task.Status.BLOCKED,
        "item_form": ChecklistItemForm(),
        "history": named_trail(actor=actor, obj=task),  # owners by name, never ids
    }
    return render(request, "work/task_detail.html", context)


@actor_required
@require_POST
def task_status(request: HttpRequest, task_id: int):
    """The board's drop and the card's status menu: 204 to htmx, else back where it came from."""
    task = selectors.access_task(request.actor, task_id)
    if task_write_level(request.actor, task) is None:
        raise Forbidden()
    form = StatusForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Choose a status from the list."), status=400)
    try:
        services.task_move(actor=request.actor, task=task, **form.cleaned_data)
    except ValidationFailed as error:
        if is_htmx(request):
            return HttpResponse(error.text, status=400)
        message_service_errors(request, error)
        if request.POST.get("next") == "board" and form.cleaned_data["status"] != Task.Status.BLOCKED:
            return redirect(_board_url(request))
        # Blocked without a reason: the task's page with "blocked" still chosen and the reason
        # field focused, so the next submission only adds the reason (nothing was changed).
        url = reverse("work:detail", kwargs={"task_id": task.pk})
        return redirect(f"{url}?status={form.cleaned_data['status']}#blocked_reason")
    if is_htmx(request):
        return HttpResponse(status=204)
    if request.POST.get("next") == "board":
        return redirect(_board_url(request))
    return redirect("work:detail", task_id=task.pk)


def _board_url(request: HttpRequest) -> str:
    """The board as the card's menu left it: its grouping and filters (`board_query`), only the
    board's own parameters, re-encoded (never a URL taken from the form)."""
    given = QueryDict(request.POST.get("board_query", "")[:1000])
    kept = QueryDict(mutable=True)
    for name in BoardFilterForm.base_fields:
        if value := given.get(name, "").strip():
            kept[name] = value
    url = reverse("work:board")
    return f"{url}?{kept.urlencode()}" if kept else url


@actor_required
@require_POST
def checklist_add(request: HttpRequest, task_id: int):
    task = selectors.access_task(request.actor, task_id)
    try:
        services.checklist_item_add(actor=request.actor, task=task, text=request.POST.get("text", ""))
    except ValidationFailed as error:
        message_service_errors(request, error)
    return redirect("work:detail", task_id=task.pk)


@actor_required
@require_POST
def checklist_toggle(request: HttpRequest, item_id: int):
    """Tick or untick an item; htmx swaps the item's row in place."""
    item = selectors.access_checklist_item(request.actor, item_id)
    item = services.checklist_item_toggle(actor=request.actor, item=item)
    if is_htmx(request):
        return render(request, "work/_checklist_item.html", {"item": item, "may_tick": True})
    return redirect("work:detail", task_id=item.task_id)


@actor_required
def board(request: HttpRequest):
    actor = request.actor
    form = BoardFilterForm(
        request.GET or None, people=selectors.assignable_people(actor), goals=selectors.goal_choices(actor)
    )
    filters = {key: value for key, value in form.cleaned_data.items() if value} if form.is_valid() else {}
    by = filters.pop("by", "status")
    columns = selectors.board_columns(actor, by=by, **filters)
    may_change = any(task.write_level for column in columns for task in column["cards"])
    context = {
        "form": form,
        "columns": columns,
        "by": by,
        "statuses": Task.Status.choices,
        "today": actor.today(),
        # Dragging changes the status, so only the status columns take drops; grouped by owner
        # or quadrant a card keeps its status menu (no reassigning by drag).
        "may_move": may_change and by == "status",
        "may_change": may_change,
        # The list behind each column's "show all": the same filters, that column's status or owner.
        "list_query": query_without(request, "status", "page", "by", *(("owner",) if by == "owner" else ())),
        "tab": "board",
    }
    return render(request, "work/board.html", context)
