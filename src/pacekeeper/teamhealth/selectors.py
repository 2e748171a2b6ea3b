"""Team health reads for pages and the API: which teams' pulse a person may ask about, and whom
they may name in a conflict case (both decided in tenancy/scopes.py)."""

from __future__ import annotations

from django.db.models import QuerySet

from pacekeeper.tenancy.models import Team, User
from pacekeeper.tenancy.scopes import Actor, conflict_people_q, pulse_teams_q


def pulse_teams(actor: Actor) -> QuerySet[Team]:
    return Team.objects.filter(pulse_teams_q(actor)).order_by("path")


def conflict_people(actor: Actor) -> QuerySet[User]:
    return User.objects.filter(conflict_people_q(actor)).order_by("display_name", "username")
