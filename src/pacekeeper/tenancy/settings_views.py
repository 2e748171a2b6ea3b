"""Settings: the org admin's own pages for people, teams and dated memberships, and the
organisation (the follow-up policies page is crm's). They call the same services as the API.

The whole area is the org admin's: everyone else gets 403 on every page, whatever the id.
"""

from functools import wraps

from django.contrib import messages
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacekeeper.errors import ValidationFailed
from pacekeeper.lib.pages import actor_required, add_service_errors, is_htmx, paginate, query_without

from . import selectors, services, sign_in
from .audit import audit_trail
from .forms import (
    MembershipEndForm,
    MembershipStartForm,
    OrganizationForm,
    PeopleFilterForm,
    PersonAddForm,
    PersonCapacityForm,
    PersonRoleForm,
    TeamAddForm,
)
from .models import Organization, TeamMembership, User
from .scopes import get_visible, require_admin


def admin_page(view):
    """Signed in, and the org admin (403 for every other role)."""

    @wraps(view)
    @actor_required
    def wrapper(request: HttpRequest, *args, **kwargs):
        require_admin(request.actor)
        return view(request, *args, **kwargs)

    return wrapper


def _person(request: HttpRequest, user_id: int) -> User:
    return get_visible(User.objects.visible_to(request.actor), user_id, actor=request.actor)


@admin_page
def people(request: HttpRequest):
    form = PeopleFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    found = selectors.people_list(
        actor=request.actor, search=data.get("q", ""), role=data.get("role", ""), active=data.get("active", "")
    )
    context = {
        "form": form,
        "page": paginate(request, found),
        "query": query_without(request, "page"),
        "is_filtered": any(request.GET.get(key) for key in ("q", "role", "active")),
        "tab": "people",
    }
    template = "tenancy/settings/_people_rows.html" if is_htmx(request) else "tenancy/settings/people.html"
    return render(request, template, context)


@admin_page
def person_create(request: HttpRequest):
    form = PersonAddForm(request.POST or None, actor=request.actor)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_add(actor=request.actor, **form.cleaned_data)
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s is added.") % {"name": user})
            return redirect("settings:person", user_id=user.pk)
    return render(request, "tenancy/settings/person_form.html", {"form": form, "tab": "people"})


def _person_page(request: HttpRequest, person: User, **forms):
    """The person's page, with any bound form that failed in place of its blank one."""
    actor = request.actor
    context = {
        "person": person,
        "memberships": selectors.membership_history(actor=actor, user=person),
        "has_two_factor": sign_in.confirmed_device(person) is not None,
        "history": audit_trail(actor=actor, obj=person)[:20],
        "role_form": forms.get("role_form") or PersonRoleForm(initial={"role": person.role}),
        "start_form": forms.get("start_form") or MembershipStartForm(actor=actor),
        "capacity_form": forms.get("capacity_form")
        or PersonCapacityForm(initial={"weekly_capacity_hours": person.weekly_capacity_hours}),
        "is_self": person.pk == actor.user_id,
        "tab": "people",
    }
    return render(request, "tenancy/settings/person.html", context)


@admin_page
def person(request: HttpRequest, user_id: int):
    return _person_page(request, _person(request, user_id))


@admin_page
@require_POST
def person_role(request: HttpRequest, user_id: int):
    person = _person(request, user_id)
    form = PersonRoleForm(request.POST)
    if form.is_valid():
        try:
            changes = {"role": form.cleaned_data["role"]}
            services.user_update(actor=request.actor, user=person, changes=changes, reason=form.cleaned_data["reason"])
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The role is changed."))
            return redirect("settings:person", user_id=person.pk)
    return _person_page(request, person, role_form=form)


@admin_page
@require_POST
def person_capacity(request: HttpRequest, user_id: int):
    """The hours a week the person can give to tasks (the workload view's capacity)."""
    person = _person(request, user_id)
    form = PersonCapacityForm(request.POST)
    if form.is_valid():
        changes = {"weekly_capacity_hours": form.cleaned_data["weekly_capacity_hours"]}
        try:
            services.user_update(actor=request.actor, user=person, changes=changes, reason=form.cleaned_data["reason"])
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The weekly capacity is saved."))
            return redirect("settings:person", user_id=person.pk)
    return _person_page(request, person, capacity_form=form)


@admin_page
@require_POST
def person_active(request: HttpRequest, user_id: int):
    """Deactivate (sessions end, history stays) or reactivate: the button says which."""
    person = _person(request, user_id)
    choice = request.POST.get("is_active")
    if choice not in ("yes", "no"):
        messages.error(request, _("Choose whether the person may sign in."))
        return redirect("settings:person", user_id=person.pk)
    activate = choice == "yes"
    try:
        services.user_update(actor=request.actor, user=person, changes={"is_active": activate})
    except ValidationFailed as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("%(name)s can sign in again.") if activate else _("%(name)s is deactivated."))
    return redirect("settings:person", user_id=person.pk)


@admin_page
@require_POST
def person_two_factor_reset(request: HttpRequest, user_id: int):
    person = _person(request, user_id)
    try:
        services.user_two_factor_reset(actor=request.actor, user=person, reason=request.POST.get("reason", "")[:2000])
    except ValidationFailed as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("Two-factor sign-in is reset: they set up their app again at the next sign-in."))
    return redirect("settings:person", user_id=person.pk)


@admin_page
@require_POST
def membership_start(request: HttpRequest, user_id: int):
    """Into a team from a date; a member's current team ends the day before (a move)."""
    person = _person(request, user_id)
    form = MembershipStartForm(request.POST, actor=request.actor)
    if form.is_valid():
        try:
            services.membership_start(actor=request.actor, user=person, **form.cleaned_data)
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The team change is saved; earlier results stay with the earlier team."))
            return redirect("settings:person", user_id=person.pk)
    return _person_page(request, person, start_form=form)


@admin_page
def membership_end(request: HttpRequest, membership_id: int):
    """A page of its own: it says what ending means before the date is given."""
    membership = get_visible(
        TeamMembership.objects.visible_to(request.actor).select_related("user", "team"),
        membership_id,
        actor=request.actor,
    )
    form = MembershipEndForm(request.POST or None, initial={"ended_on": request.actor.today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_end(actor=request.actor, membership=membership, **form.cleaned_data)
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The membership ends on the date given."))
            return redirect("settings:person", user_id=membership.user_id)
    context = {"membership": membership, "form": form, "tab": "people"}
    return render(request, "tenancy/settings/membership_end.html", context)


@admin_page
def teams(request: HttpRequest):
    form = TeamAddForm(request.POST or None, actor=request.actor)
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_create(org=request.actor.org, actor=request.actor, **form.cleaned_data)
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Team %(name)s is created.") % {"name": team.name})
            return redirect("settings:teams")
    context = {"teams": selectors.team_list(actor=request.actor), "form": form, "tab": "teams"}
    return render(request, "tenancy/settings/teams.html", context)


@admin_page
def organization(request: HttpRequest):
    # A fresh row: a bound model form writes its values onto its instance while validating.
    org = Organization.objects.get(pk=request.actor.org_id)
    form = OrganizationForm(request.POST or None, instance=org)
    if request.method == "POST" and form.is_valid():
        changes = {field: form.cleaned_data[field] for field in form.Meta.fields}
        try:
            services.organization_update(actor=request.actor, changes=changes, reason=form.cleaned_data["reason"])
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The organisation's settings are saved."))
            return redirect("settings:organization")
    context = {"form": form, "history": audit_trail(actor=request.actor, obj=org)[:20], "tab": "organization"}
    return render(request, "tenancy/settings/organization.html", context)
