"""The task list (search, filters, sort, pages, CSV/XLSX) and the calendar of due dates. Both
read only through the task scope (selectors.task_list) and keep every choice in the URL."""

from django.http import HttpRequest
from django.shortcuts import render

from pacekeeper.lib.pages import actor_required, is_htmx, paginate, query_without

from . import due_calendar, selectors
from .exports import EXPORT_FORMATS, tasks_export_response
from .list_forms import CalendarForm, TaskListForm
from .listing import TaskSort, task_list_filtered
from .models import Quadrant

TASKS_PER_PAGE = 25


@actor_required
def task_list(request: HttpRequest):
    actor = request.actor
    form = TaskListForm(
        request.GET,
        people=selectors.assignable_people(actor),
        goals=selectors.goal_choices(actor),
        customers=selectors.customer_choices(actor),
    )
    filters, sort = form.filters(), form.chosen_sort()
    tasks = task_list_filtered(actor, sort=sort, **filters)
    if request.GET.get("format") in EXPORT_FORMATS:
        return tasks_export_response(tasks, request.GET["format"], actor=actor)
    page = paginate(request, tasks, per_page=TASKS_PER_PAGE)
    page.object_list = list(page.object_list)
    for task in page.object_list:
        task.quadrant_label = Quadrant(task.quadrant_rank).label
    context = {
        "form": form,
        "page": page,
        "sort": sort,
        "sorts": TaskSort.choices,
        "query": query_without(request, "page", "format"),
        "query_unsorted": query_without(request, "page", "format", "sort"),
        "is_filtered": bool(filters),
        "today": actor.today(),
        "tab": "list",
    }
    template = "work/_task_list_rows.html" if is_htmx(request) else "work/task_list.html"
    return render(request, template, context)


@actor_required
def task_calendar(request: HttpRequest):
    actor = request.actor
    form = CalendarForm(request.GET, today=actor.today(), people=selectors.assignable_people(actor))
    view, day, person = form.choice()
    month = due_calendar.calendar_page(actor, view=view, day=day, person=person)
    context = {"form": form, "calendar": month, "view": view, "person": person, "tab": "calendar"}
    return render(request, "work/calendar.html", context)
