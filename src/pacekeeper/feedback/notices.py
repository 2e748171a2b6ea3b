"""What surveys announce (DESIGN rule 14): an account manager learns when a customer of theirs
answers, with the score. Registered at start-up; announced from feedback.services."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pacekeeper.notifications.kinds import Kind, register
from pacekeeper.notifications.services import notify

SURVEY_ANSWERED = "survey_answered"

register(
    Kind(
        name=SURVEY_ANSWERED,
        message=_("{contact} of {customer} answered the survey “{survey}”: {score}."),
        link=lambda answer: reverse("feedback:answers") + f"?customer={answer.customer_id}",
    )
)


def announce_answer(answer) -> None:
    if answer.csat is not None:
        score = f"CSAT {answer.csat}/5"
    elif answer.nps is not None:
        score = f"NPS {answer.nps}/10"
    else:
        score = "—"
    notify(
        org=answer.org,
        recipients=[answer.manager],
        kind=SURVEY_ANSWERED,
        subject=answer,
        params={
            "contact": answer.contact.name,
            "customer": answer.customer.name,
            "survey": answer.template.name_en,
            "score": score,
        },
    )
