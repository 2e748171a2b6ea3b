"""What training announces (DESIGN rule 14): a place freed from the waiting list, and an
onboarding item overdue. Registered at start-up by the notifications app."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pacekeeper.notifications.kinds import Kind, register
from pacekeeper.notifications.services import notify
from pacekeeper.tenancy.scopes import work_report_leads

TRAINING_PLACE_FREED = "training_place_freed"
ONBOARDING_OVERDUE = "onboarding_overdue"

register(
    Kind(
        name=TRAINING_PLACE_FREED,
        message=_("A place freed up: you are now enrolled in “{course}”."),
        link=lambda enrolment: reverse("training:session", args=[enrolment.session_id]),
    )
)
register(
    Kind(
        name=ONBOARDING_OVERDUE,
        message=_("Onboarding item overdue for {person}: “{item}”."),
        link=lambda task: reverse("training:onboarding"),
    )
)


def announce_promoted(*, actor, enrolment) -> None:
    notify(
        org=actor.org,
        recipients=[enrolment.person],
        kind=TRAINING_PLACE_FREED,
        subject=enrolment,
        params={"course": str(enrolment.session.course)},
        actor=actor.user,
    )


def announce_overdue(*, task, today) -> None:
    person = task.person
    notify(
        org=person.org,
        recipients=[person, *work_report_leads(person, today)],
        kind=ONBOARDING_OVERDUE,
        subject=task,
        params={"person": str(person), "item": task.item.title},
    )
