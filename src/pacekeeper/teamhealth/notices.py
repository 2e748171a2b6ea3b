"""What team health announces (DESIGN rule 14): a team's pulse score dropping (to the manager of
the team's lead), and the steps of a conflict case (to the people involved, never beyond)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pacekeeper.lib.formatting import format_period
from pacekeeper.notifications.kinds import Kind, register
from pacekeeper.notifications.services import notify

PULSE_DROP = "pulse_drop"
CONFLICT_STEP = "conflict_step"


def _drop_shown(params: dict, language: str) -> dict:
    shown = dict(params)
    try:
        start, end = dt.date.fromisoformat(params["start"]), dt.date.fromisoformat(params["end"])
        shown["period"] = format_period(start, end, language)
    except (KeyError, TypeError, ValueError):
        shown["period"] = "…"
    return shown


register(
    Kind(
        name=PULSE_DROP,
        message=_("The pulse score of {team} fell from {before} to {after} in {period}."),
        link=lambda alert: reverse("teamhealth:results") + f"?team={alert.team_id}",
        shown=_drop_shown,
    )
)


def _step_shown(params: dict, language: str) -> dict:
    from .models import Conflict

    shown = dict(params)
    labels = dict(Conflict.Status.choices)
    shown["step"] = str(labels.get(params.get("step"), params.get("step", "…")))
    return shown


register(
    Kind(
        name=CONFLICT_STEP,
        message=_("Conflict case “{title}”: {step}."),
        link=lambda conflict: reverse("teamhealth:conflict", args=[conflict.pk]),
        shown=_step_shown,
    )
)


def announce_drop(*, alert, recipients) -> None:
    notify(
        org=alert.org,
        recipients=recipients,
        kind=PULSE_DROP,
        subject=alert,
        params={
            "team": alert.team.name,
            "before": str(alert.score_before),
            "after": str(alert.score_after),
            "start": alert.period_start.isoformat(),
            "end": alert.period_end.isoformat(),
        },
    )


def announce_step(*, actor, conflict, recipients) -> None:
    notify(
        org=conflict.org,
        recipients=recipients,
        kind=CONFLICT_STEP,
        subject=conflict,
        params={"title": conflict.title, "step": conflict.status},
        actor=actor.user,
    )
