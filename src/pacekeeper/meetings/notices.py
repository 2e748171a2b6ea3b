"""What meetings announce (DESIGN rule 14): **meeting_minutes_shared** — when a meeting
closes, to its attendees and to the leads of its team and the teams above it, and the
directors (nobody is told about their own act)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext_lazy

from pacekeeper.lib.formatting import format_date
from pacekeeper.notifications.kinds import Kind, register
from pacekeeper.notifications.services import notify
from pacekeeper.tenancy.models import User
from pacekeeper.tenancy.scopes import Actor, actor_for, team_chain

from .models import Meeting

MINUTES_SHARED = "meeting_minutes_shared"


def _minutes_link(meeting) -> str:
    return reverse("meetings:minutes", args=[meeting.pk])


def _day_shown(params: dict, language: str) -> dict:
    """The meeting's day stored as an ISO date, shown in the reader's language."""
    shown = dict(params)
    try:
        shown["day"] = format_date(dt.date.fromisoformat(params.get("day") or ""), language)
    except (TypeError, ValueError):
        shown["day"] = "…"
    return shown


register(
    Kind(
        name=MINUTES_SHARED,
        message=gettext_lazy("{person} shared the minutes of “{meeting}” ({day})."),
        link=_minutes_link,
        shown=_day_shown,
    )
)


def minutes_recipients(meeting) -> list[User]:
    """The attendees and the lead's chain — those of them who may still read the minutes (a
    person taken off the series since would get a link to a page that answers 404, and the
    meeting's title with it)."""
    attendees = [member["id"] for member in (meeting.agenda or {}).get("members", [])]
    people = list(User.objects.filter(org_id=meeting.org_id, pk__in=attendees, is_active=True))
    chain = list(team_chain(meeting.series.team, meeting.held_on))
    return [person for person in people + chain if _may_read(person, meeting)]


def _may_read(person: User, meeting: Meeting) -> bool:
    actor = actor_for(person)
    return actor is not None and Meeting.objects.visible_to(actor).filter(pk=meeting.pk).exists()


def announce_minutes(*, actor: Actor, meeting) -> None:
    notify(
        org=actor.org,
        recipients=minutes_recipients(meeting),
        kind=MINUTES_SHARED,
        subject=meeting,
        params={"person": str(actor.user), "meeting": str(meeting), "day": meeting.held_on.isoformat()},
        actor=actor.user,
    )
