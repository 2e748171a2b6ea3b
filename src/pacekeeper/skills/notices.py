"""What skills announce (DESIGN rule 14): a person learns when their lead confirms or changes
their level. Registered at start-up by the notifications app; announced from skills.services."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pacekeeper.notifications.kinds import Kind, register
from pacekeeper.notifications.services import notify
from pacekeeper.tenancy.scopes import Actor

LEVEL_CONFIRMED = "skill_level_confirmed"
LEVEL_CHANGED = "skill_level_changed"

register(
    Kind(
        name=LEVEL_CONFIRMED,
        message=_("{person} confirmed your level in “{skill}”: {level} of 5."),
        link=lambda row: reverse("skills:mine"),
    )
)
register(
    Kind(
        name=LEVEL_CHANGED,
        message=_("{person} set your level in “{skill}” to {level} of 5 (your own assessment: {own})."),
        link=lambda row: reverse("skills:mine"),
    )
)


def announce_confirmed(*, actor: Actor, row, person, skill) -> None:
    same = row.self_level == row.confirmed_level
    notify(
        org=actor.org,
        recipients=[person],
        kind=LEVEL_CONFIRMED if same else LEVEL_CHANGED,
        subject=row,
        params={
            "person": str(actor.user),
            "skill": skill.name,
            "level": row.confirmed_level,
            "own": row.self_level if row.self_level is not None else "—",
        },
        actor=actor.user,
    )
