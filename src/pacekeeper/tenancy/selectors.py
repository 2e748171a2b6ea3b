"""Reads for the settings pages and the API: people, teams and memberships, scoped to the actor."""

from django.db.models import Prefetch, QuerySet

from .models import Role, Team, TeamMembership, User, person_named
from .scopes import Actor


def people_list(*, actor: Actor, search: str = "", role: str = "", active: str = "") -> QuerySet[User]:
    """People the actor sees, with their current teams prefetched (one query for the page)."""
    people = User.objects.visible_to(actor).order_by("-is_active", "username")
    if search:
        people = people.filter(person_named(search))
    if role in Role.values:
        people = people.filter(role=role)
    if active in ("yes", "no"):
        people = people.filter(is_active=active == "yes")
    current = TeamMembership.objects.current(actor.today()).select_related("team").order_by("-is_lead", "team__name")
    return people.prefetch_related(Prefetch("team_memberships", queryset=current, to_attr="current_memberships"))


def membership_history(*, actor: Actor, user: User) -> QuerySet[TeamMembership]:
    """A person's memberships, past and present, newest first."""
    return (
        TeamMembership.objects.visible_to(actor).filter(user=user).select_related("team").order_by("-started_on", "-pk")
    )


def team_list(*, actor: Actor) -> QuerySet[Team]:
    """Teams in tree order, with the memberships valid today (for member and lead names)."""
    current = (
        TeamMembership.objects.current(actor.today()).select_related("user").order_by("-is_lead", "user__username")
    )
    return (
        Team.objects.visible_to(actor)
        .select_related("parent")
        .prefetch_related(Prefetch("memberships", queryset=current, to_attr="current_memberships"))
        .order_by("path")
    )
