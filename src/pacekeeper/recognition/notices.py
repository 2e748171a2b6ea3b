"""What recognition announces (DESIGN rule 14): the recipient of kudos, and the person who earns a
badge. Registered at start-up by the notifications app; announced from recognition.services."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pacekeeper.lib.formatting import format_period, is_chinese
from pacekeeper.notifications.kinds import Kind, register
from pacekeeper.notifications.services import notify

KUDOS_RECEIVED = "kudos_received"
BADGE_AWARDED = "badge_awarded"
PREVIEW = 80  # characters of the kudos shown in the notification


def _badge_shown(params: dict, language: str) -> dict:
    """The badge's name in the reader's language, the period as people write it."""
    shown = dict(params)
    shown["badge"] = params.get("badge_zh") if is_chinese(language) else params.get("badge_en")
    try:
        import datetime as dt

        start, end = dt.date.fromisoformat(params["start"]), dt.date.fromisoformat(params["end"])
        shown["period"] = format_period(start, end, language)
    except (KeyError, TypeError, ValueError):
        shown["period"] = "…"
    return shown


register(
    Kind(
        name=KUDOS_RECEIVED,
        message=_("{person} praised you: “{text}”"),
        link=lambda kudos: reverse("recognition:person", args=[kudos.recipient_id]),
    )
)
register(
    Kind(
        name=BADGE_AWARDED,
        message=_("You earned the badge “{badge}” for {period}."),
        link=lambda award: reverse("recognition:person", args=[award.person_id]),
        shown=_badge_shown,
    )
)


def announce_kudos(*, actor, kudos) -> None:
    text = kudos.text if len(kudos.text) <= PREVIEW else kudos.text[: PREVIEW - 1] + "…"
    notify(
        org=actor.org,
        recipients=[kudos.recipient],
        kind=KUDOS_RECEIVED,
        subject=kudos,
        params={"person": str(actor.user), "text": text},
        actor=actor.user,
    )


def announce_award(*, award, actor_user=None) -> None:
    notify(
        org=award.org,
        recipients=[award.person],
        kind=BADGE_AWARDED,
        subject=award,
        params={
            "badge_zh": award.badge.name_zh,
            "badge_en": award.badge.name_en,
            "start": award.period_start.isoformat(),
            "end": award.period_end.isoformat(),
        },
        actor=actor_user,
    )
