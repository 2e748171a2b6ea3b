"""What the risk register announces (DESIGN rule 14): an overdue risk review, to its owner, once
per review date (services.reviews_notify_all)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pacekeeper.lib.formatting import format_date
from pacekeeper.notifications.kinds import Kind, register
from pacekeeper.notifications.services import notify

RISK_REVIEW_OVERDUE = "risk_review_overdue"


def _shown(params: dict, language: str) -> dict:
    import datetime as dt

    shown = dict(params)
    try:
        shown["day"] = format_date(dt.date.fromisoformat(params["day"]), language)
    except (KeyError, TypeError, ValueError):
        shown["day"] = "…"
    return shown


register(
    Kind(
        name=RISK_REVIEW_OVERDUE,
        message=_("The review of the risk “{risk}” was due on {day}."),
        link=lambda risk: reverse("risks:detail", args=[risk.pk]),
        shown=_shown,
    )
)


def announce_review_overdue(*, risk) -> None:
    notify(
        org=risk.org,
        recipients=[risk.owner],
        kind=RISK_REVIEW_OVERDUE,
        subject=risk,
        params={"risk": risk.title, "day": risk.review_on.isoformat()},
    )
