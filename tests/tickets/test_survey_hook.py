"""A low survey score opens a complaint for the customer's manager (feedback's ANSWER_RECORDED
hook, registered by tickets); thresholds per organisation."""

import pytest

from pacekeeper.tickets import services
from pacekeeper.tickets.models import Ticket
from tests.feedback.conftest import answer, ask, surveys  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def test_a_low_csat_opens_a_complaint_once(world, surveys, django_capture_on_commit_callbacks):  # noqa: F811
    sent = ask(world, surveys, kind="csat")
    with django_capture_on_commit_callbacks(execute=True):
        recorded = answer(sent, csat=2, text="太慢了")
    ticket = Ticket.objects.get()
    assert ticket.survey_answer_id == recorded.pk and ticket.assignee == world.one.manager
    assert (ticket.kind, ticket.channel, ticket.description) == ("complaint", "survey", "太慢了")
    assert services.ticket_open_from_answer(recorded) is None  # once per answer
    assert Ticket.objects.count() == 1


def test_a_good_score_opens_nothing_and_the_threshold_is_the_orgs(world, surveys, django_capture_on_commit_callbacks):  # noqa: F811
    with django_capture_on_commit_callbacks(execute=True):
        answer(ask(world, surveys, kind="csat"), csat=3)
    assert not Ticket.objects.exists()
    chosen = services.settings_for(world.one.org)
    chosen.csat_threshold = 3
    chosen.save()
    with django_capture_on_commit_callbacks(execute=True):
        answer(ask(world, surveys, owner="teammate", kind="csat"), csat=3)
    assert Ticket.objects.get().assignee == world.one.teammate


def test_an_nps_of_six_opens_one_and_seven_does_not(world, surveys, django_capture_on_commit_callbacks):  # noqa: F811
    with django_capture_on_commit_callbacks(execute=True):
        answer(ask(world, surveys, kind="nps"), nps=7)
        answer(ask(world, surveys, owner="teammate", kind="nps"), nps=6)
    assert list(Ticket.objects.values_list("assignee", flat=True)) == [world.one.teammate.pk]
