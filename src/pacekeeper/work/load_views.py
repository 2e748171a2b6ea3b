"""Pages of workload and assignment: a team's workload with rebalancing suggestions, and the
"Suggest an owner" panel of a task's page and form (htmx partial; a page of its own without
JavaScript). They read through work/workload.py and work/assignment.py, as the API does."""

from django import forms
from django.http import HttpRequest
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from pacekeeper.lib import date_rules
from pacekeeper.lib.ids import parse_id
from pacekeeper.lib.pages import actor_required, is_htmx, paginate, query_without
from pacekeeper.lib.text import CleanTextFormMixin
from pacekeeper.skills.models import MAX_LEVEL, MIN_LEVEL, Skill
from pacekeeper.tenancy.scopes import require_writer

from . import selectors, workload
from .assignment import TaskDraft, ranked_candidates
from .skill_fit import Requirement

# The panel shows the best few; the API lists everyone.
PANEL_CANDIDATES = 8


# A branch has hundreds of people: the table shows them a page at a time (the figures, flags
# and suggestions are worked out for everyone).
PEOPLE_PER_PAGE = 50
SHOW_CHOICES = [("", _("Everyone")), ("over", _("Over-loaded")), ("under", _("Under-loaded"))]


class WorkloadFilterForm(CleanTextFormMixin, forms.Form):
    team = forms.TypedChoiceField(label=_("Team"), coerce=int, required=False, empty_value=None)
    show = forms.ChoiceField(label=_("Show"), choices=SHOW_CHOICES, required=False)

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [(team.pk, team.name) for team in teams]
        for name in ("team", "show"):
            self.fields[name].widget.attrs["data-autosubmit"] = ""


@actor_required
def workload_page(request: HttpRequest):
    """`?team=<id>`: the team's (and its sub-teams') people, four weeks from this one;
    `?show=over|under` keeps the flagged ones."""
    actor = request.actor
    teams = list(workload.workload_teams(actor))
    team = workload.access_workload_team(actor, request.GET.get("team"))
    show = request.GET.get("show") if request.GET.get("show") in ("over", "under") else ""
    form = WorkloadFilterForm(initial={"team": team.pk if team else None, "show": show}, teams=teams)
    view = workload.team_workload(actor, team) if team else None
    rows = [row for row in view.rows if not show or getattr(row, f"is_{show}")] if view else []
    context = {
        "form": form,
        "team": team,
        "view": view,
        "page": paginate(request, rows, per_page=PEOPLE_PER_PAGE),
        "query": query_without(request, "page"),
        "over_count": sum(row.is_over for row in view.rows) if view else 0,
        "under_count": sum(row.is_under for row in view.rows) if view else 0,
    }
    return render(request, "work/workload.html", context)


class DraftForm(CleanTextFormMixin, forms.Form):
    """The dates and estimate typed on the task form, to rank before saving."""

    start_on = forms.DateField(required=False)
    due_on = forms.DateField(required=False)
    estimate_hours = forms.DecimalField(required=False, min_value=0, max_digits=7, decimal_places=2)

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self):
        data = super().clean()
        for name in ("start_on", "due_on"):
            if problem := date_rules.window_problem(data.get(name), self.today):
                self.add_error(name, problem)
        if data.get("start_on") and data.get("due_on") and data["due_on"] < data["start_on"]:
            self.add_error("due_on", _("The due date cannot be before the start."))
        return data


def _panel(request: HttpRequest, draft: TaskDraft, *, task=None, form: DraftForm | None = None):
    candidates = [] if form is not None and form.errors else ranked_candidates(request.actor, draft)
    context = {"candidates": candidates[:PANEL_CANDIDATES], "count": len(candidates), "task": task, "form": form}
    template = "work/_candidates.html" if is_htmx(request) else "work/candidates.html"
    return render(request, template, context)


def _typed(request: HttpRequest, task=None) -> tuple[TaskDraft, DraftForm | None]:
    """The draft from the task, with what the form sent (if anything) in place of its values."""
    draft = TaskDraft(
        pk=task.pk if task else None,
        owner_id=task.owner_id if task else None,
        start_on=task.start_on if task else None,
        due_on=task.due_on if task else None,
        estimate=task.estimate_hours if task else 0,
    )
    names = ("start_on", "due_on", "estimate_hours")
    if not any(name in request.GET for name in names):
        return draft, None
    form = DraftForm(request.GET, today=request.actor.today())
    if not form.is_valid():
        return draft, form
    data = form.cleaned_data
    typed = TaskDraft(
        draft.pk,
        draft.owner_id,
        data["start_on"],
        data["due_on"],
        data["estimate_hours"] or 0,
        requirements=_typed_requirements(request),
    )
    return typed, form


def _typed_requirements(request: HttpRequest) -> tuple[Requirement, ...] | None:
    """The form's required skills (`requires-skill_<id>` = minimum level 1–5, empty: not
    required) among the skills the actor sees; None when the form sent none (no skill offered)."""
    prefix = "requires-skill_"
    typed = {}
    for name, value in request.GET.items():
        skill_id = parse_id(name.removeprefix(prefix)) if name.startswith(prefix) else None
        if skill_id is not None and value in {str(level) for level in range(MIN_LEVEL, MAX_LEVEL + 1)}:
            typed[skill_id] = int(value)
    if not any(name.startswith(prefix) for name in request.GET):
        return None
    skills = Skill.objects.visible_to(request.actor).filter(pk__in=typed).order_by("name", "pk")
    return tuple(Requirement(skill.pk, skill.name, typed[skill.pk]) for skill in skills)


@actor_required
def task_candidates(request: HttpRequest, task_id: int):
    """Who could own this task, best first, each with the reason."""
    task = selectors.access_task(request.actor, task_id)
    draft, form = _typed(request, task)
    return _panel(request, draft, task=task, form=form)


@actor_required
def new_task_candidates(request: HttpRequest):
    """The same for a task still on the form (it has no required skills yet)."""
    require_writer(request.actor)
    draft, form = _typed(request)
    return _panel(request, draft, form=form)
