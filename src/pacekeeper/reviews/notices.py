"""What evaluations announce (DESIGN rule 14): an overdue step to whoever it waits on, a
self-assessment sent back to its person, a dispute to the directors, a dispute's resolution to
the person. Registered at start-up by the notifications app; announced from reviews.services."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pacekeeper.notifications.kinds import Kind, register
from pacekeeper.notifications.services import notify

EVALUATION_OVERDUE = "evaluation_overdue"
SELF_ASSESSMENT_SENT_BACK = "self_assessment_sent_back"
EVALUATION_DISPUTED = "evaluation_disputed"
DISPUTE_RESOLVED = "evaluation_dispute_resolved"

STEP_WORDS = {
    "self": _("self-assessment"),
    "review": _("lead's review"),
    "calibration": _("calibration"),
    "acknowledgement": _("acknowledgement"),
}


def _link(evaluation) -> str:
    return reverse("reviews:evaluation", args=[evaluation.pk])


def _step_shown(params: dict, language: str) -> dict:
    shown = dict(params)
    shown["step"] = str(STEP_WORDS.get(params.get("step"), params.get("step", "…")))
    return shown


register(
    Kind(
        name=EVALUATION_OVERDUE,
        message=_("Overdue in “{cycle}”: the {step} of {person}."),
        link=_link,
        shown=_step_shown,
    )
)
register(
    Kind(
        name=SELF_ASSESSMENT_SENT_BACK,
        message=_("Your self-assessment in “{cycle}” was sent back: {reason}"),
        link=_link,
    )
)
register(Kind(name=EVALUATION_DISPUTED, message=_("{person} disputes their evaluation in “{cycle}”."), link=_link))
register(Kind(name=DISPUTE_RESOLVED, message=_("Your dispute in “{cycle}” was resolved: {reason}"), link=_link))


def announce_overdue(*, evaluation, step: str, recipients) -> None:
    notify(
        org=evaluation.org,
        recipients=recipients,
        kind=EVALUATION_OVERDUE,
        subject=evaluation,
        params={"cycle": evaluation.cycle.name, "step": step, "person": str(evaluation.person)},
    )


def announce_sent_back(*, actor, evaluation) -> None:
    notify(
        org=evaluation.org,
        recipients=[evaluation.person],
        kind=SELF_ASSESSMENT_SENT_BACK,
        subject=evaluation,
        params={"cycle": evaluation.cycle.name, "reason": evaluation.sent_back_reason[:200]},
        actor=actor.user,
    )


def announce_dispute(*, actor, evaluation) -> None:
    from pacekeeper.tenancy.models import Role, User

    directors = User.objects.filter(org_id=evaluation.org_id, role=Role.DIRECTOR, is_active=True)
    notify(
        org=evaluation.org,
        recipients=directors,
        kind=EVALUATION_DISPUTED,
        subject=evaluation,
        params={"cycle": evaluation.cycle.name, "person": str(actor.user)},
        actor=actor.user,
    )


def announce_resolution(*, actor, evaluation) -> None:
    notify(
        org=evaluation.org,
        recipients=[evaluation.person],
        kind=DISPUTE_RESOLVED,
        subject=evaluation,
        params={"cycle": evaluation.cycle.name, "reason": evaluation.resolution_reason[:200]},
        actor=actor.user,
    )
