import datetime as dt

import pytest
from django.utils import timezone

from pacekeeper.feedback import services
from pacekeeper.feedback.defaults import templates_ensure
from pacekeeper.feedback.models import SurveyTemplate
from tests.factories import ContactFactory


@pytest.fixture
def surveys(world):
    """Org one's seeded templates and a contact with an email for each account manager."""
    org = world.one.org
    templates_ensure(org)
    contacts = {
        owner: ContactFactory(customer=customer, email=f"{owner}@example.com", name=f"{owner} contact")
        for owner, customer in world.one.customers.items()
    }
    return {
        "csat": SurveyTemplate.objects.get(org=org, kind="csat", is_default=True),
        "nps": SurveyTemplate.objects.get(org=org, kind="nps", is_default=True),
        "contacts": contacts,
    }


def ask(world, surveys, owner="manager", kind="csat", *, now=None, actor="director"):
    """An invitation to the owner's customer's contact (the director asks: a link)."""
    with timezone.override(world.one.org.time_zone):
        return services._invite(
            world.one.org,
            template=surveys[kind],
            contact=surveys["contacts"][owner],
            channel="link",
            now=now or timezone.now(),
        )


def answer(sent, *, csat=None, nps=None, text=""):
    questions = list(sent.invitation.template.questions.all())
    values = {}
    for question in questions:
        if question.kind == "csat" and csat is not None:
            values[str(question.pk)] = csat
        if question.kind == "nps" and nps is not None:
            values[str(question.pk)] = nps
        if question.kind == "text" and text:
            values[str(question.pk)] = text
    return services.answer_submit(token=sent.token, values=values)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    from zoneinfo import ZoneInfo

    return dt.datetime.combine(day, dt.time(hour), tzinfo=ZoneInfo("Asia/Shanghai"))
