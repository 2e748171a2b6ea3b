"""Skill pages: My skills (self-assessment), the team skills matrix (a lead confirms or adjusts
inline), a person's levels and history, and the catalogue (the org admin manages it). Each view
parses, fetches through the scope, calls the service the API calls too, and renders."""

from django.contrib import messages
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.lib.ids import parse_id
from pacekeeper.lib.pages import (
    actor_required,
    add_service_errors,
    is_htmx,
    message_service_errors,
    paginate,
    query_without,
)
from pacekeeper.tenancy.audit import audit_trail
from pacekeeper.tenancy.scopes import may_confirm_skill, may_manage_skills, may_self_assess

from . import selectors, services
from .forms import LEVEL_CHOICES, SkillForm, TeamFilterForm

PEOPLE_PER_PAGE = 25


@actor_required
def my_skills(request: HttpRequest):
    actor = request.actor
    context = {
        "rows": selectors.my_levels(actor),
        "may_assess": may_self_assess(actor, actor.user_id),
        "levels": LEVEL_CHOICES,
    }
    return render(request, "skills/my_skills.html", context)


@actor_required
@require_POST
def self_assess(request: HttpRequest):
    """One row of My skills: htmx swaps the row in place (with its error, if any)."""
    actor = request.actor
    error = None
    try:
        services.level_self_assess(
            actor=actor,
            skill_id=request.POST.get("skill"),
            level=request.POST.get("level"),
            note=request.POST.get("note", ""),
        )
    except ValidationFailed as failed:
        error = failed
    if is_htmx(request):
        skill = selectors.skill_list(actor).filter(pk=parse_id(request.POST.get("skill"))).first()
        if skill is None:
            return render(request, "skills/_error.html", {"error": error}, status=200)
        row = selectors.level_list(actor).filter(person_id=actor.user_id, skill=skill).first()
        context = {"row": {"skill": skill, "level": row}, "may_assess": True, "levels": LEVEL_CHOICES, "error": error}
        return render(request, "skills/_my_row.html", context)
    if error:
        message_service_errors(request, error)
    else:
        messages.success(request, _("Level saved."))
    return redirect("skills:mine")


@actor_required
def team(request: HttpRequest):
    """People × skills. On a phone each person is a card of labelled skills (.table.responsive)."""
    actor = request.actor
    skills = selectors.skill_choices(actor)
    form = TeamFilterForm(request.GET or None, teams=selectors.team_choices(actor), skills=skills)
    filters = form.cleaned_data if form.is_valid() else {}
    chosen_team = selectors.team_choices(actor).filter(pk=filters.get("team")).first() if filters.get("team") else None
    if filters.get("skill"):
        skills = [skill for skill in skills if skill.pk == filters["skill"]]
    people = selectors.matrix_people(actor, team=chosen_team)
    if filters.get("awaiting"):
        people = people.filter(pk__in=selectors.level_list(actor).awaiting().values("person_id"))
    page = paginate(request, people, PEOPLE_PER_PAGE)
    context = {
        "form": form,
        "skills": skills,
        "rows": selectors.matrix(actor, list(page.object_list), skills),
        "page": page,
        "query": query_without(request, "page"),
        "levels": LEVEL_CHOICES,
        "next": request.get_full_path(),
    }
    return render(request, "skills/team.html", context)


@actor_required
@require_POST
def confirm(request: HttpRequest):
    """One cell of the matrix: htmx swaps the cell in place (with its error, if any)."""
    actor = request.actor
    error, row = None, None
    try:
        row = services.level_confirm(
            actor=actor,
            person_id=request.POST.get("person"),
            skill_id=request.POST.get("skill"),
            level=request.POST.get("level") or None,
            note=request.POST.get("note", ""),
        )
    except ValidationFailed as failed:
        error = failed
    if is_htmx(request):
        return _cell(request, row, error)
    if error:
        message_service_errors(request, error)
    else:
        messages.success(request, _("Level confirmed."))
    return redirect(request.POST.get("next") if _is_team_url(request.POST.get("next")) else "skills:team")


def _cell(request: HttpRequest, row, error):
    actor = request.actor
    person = selectors.matrix_people(actor).filter(pk=parse_id(request.POST.get("person"))).first()
    skill = selectors.skill_list(actor).filter(pk=parse_id(request.POST.get("skill"))).first()
    if person is None or skill is None:
        return render(request, "skills/_error.html", {"error": error})
    if row is None:
        row = selectors.level_list(actor).filter(person=person, skill=skill).first()
    context = {
        "person": person,
        "skill": skill,
        "level": row,
        "levels": LEVEL_CHOICES,
        "error": error,
        "may_confirm": may_confirm_skill(actor, person.pk),
        "next": request.POST.get("next") if _is_team_url(request.POST.get("next")) else "",
    }
    return render(request, "skills/_cell.html", context)


def _is_team_url(url: str | None) -> bool:
    """Back to the matrix page as it was filtered; nowhere else (no open redirect)."""
    from django.urls import reverse

    return bool(url) and url.startswith(reverse("skills:team")) and "//" not in url


@actor_required
def person(request: HttpRequest, user_id: int):
    actor = request.actor
    someone = selectors.access_person(actor, user_id)
    levels = selectors.level_list(actor).filter(person=someone).order_by("skill__name")
    context = {
        "someone": someone,
        "levels": levels,
        "may_confirm": may_confirm_skill(actor, someone.pk),
        "page": paginate(request, selectors.person_history(actor, someone), 50),
        "query": query_without(request, "page"),
    }
    return render(request, "skills/person.html", context)


@actor_required
def catalogue(request: HttpRequest):
    actor = request.actor
    context = {"skills": selectors.catalogue(actor), "may_manage": may_manage_skills(actor)}
    return render(request, "skills/catalogue.html", context)


@actor_required
def skill_create(request: HttpRequest):
    if not may_manage_skills(request.actor):
        raise Forbidden()
    return _skill_form(request, None)


@actor_required
def skill_edit(request: HttpRequest, skill_id: int):
    skill = selectors.access_skill(request.actor, skill_id)
    if not may_manage_skills(request.actor):
        raise Forbidden()
    return _skill_form(request, skill)


def _skill_form(request: HttpRequest, skill):
    initial = {"name": skill.name, "description": skill.description, "is_active": skill.is_active} if skill else {}
    form = SkillForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if skill is None:
                services.skill_create(actor=request.actor, **form.cleaned_data)
            else:
                services.skill_update(actor=request.actor, skill=skill, changes=form.cleaned_data)
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Skill saved."))
            return redirect("skills:catalogue")
    history = audit_trail(actor=request.actor, obj=skill)[:20] if skill else []
    context = {"form": form, "skill": skill, "history": history}
    return render(request, "skills/skill_form.html", context, status=400 if form.errors else 200)
