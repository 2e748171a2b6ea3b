"""A button on a page (not a form) whose action the rules refuse shows why and goes back; it
never answers 500 — here: marking done a next step that older data dated before its visit."""

import datetime as dt

import pytest

from tests.factories import InteractionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def step_dated_before_its_visit(world):
    # Saved before the date rules existed: the factory writes straight to the database.
    return InteractionFactory(
        customer=world.one.customers["manager"], next_step="call back", next_step_on=dt.date(2020, 1, 1)
    )


def test_a_refused_button_goes_back_with_the_reason(world, client, step_dated_before_its_visit):
    client.force_login(world.one.manager)
    response = client.post(
        f"/interactions/{step_dated_before_its_visit.pk}/done/", HTTP_REFERER="http://testserver/my-day/", follow=True
    )
    assert response.redirect_chain[0] == ("http://testserver/my-day/", 302)
    messages = [str(m) for m in response.context["messages"]]
    assert any("next step cannot be before" in m for m in messages), messages


def test_a_refused_htmx_button_answers_400_with_the_reason(world, client, step_dated_before_its_visit):
    client.force_login(world.one.manager)
    response = client.post(f"/interactions/{step_dated_before_its_visit.pk}/done/", HTTP_HX_REQUEST="true")
    assert response.status_code == 400 and "next step cannot be before" in response.content.decode()


def test_a_refused_button_never_sends_people_to_another_site(world, client, step_dated_before_its_visit):
    client.force_login(world.one.manager)
    response = client.post(
        f"/interactions/{step_dated_before_its_visit.pk}/done/", HTTP_REFERER="https://evil.example/"
    )
    assert response.status_code == 302 and response["Location"] == "/"
