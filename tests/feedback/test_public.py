"""The public answer page: answered from the link without an account, in the contact's
language, every refusal a clear page, and rate-limited per address and per link."""

import pytest
from django.core.cache import cache
from django.test import Client

from pacekeeper.feedback.models import Answer, Invitation, OptOut
from tests.feedback.conftest import ask

pytestmark = pytest.mark.django_db


def _fields(sent):
    questions = {q.kind: q for q in sent.invitation.template.questions.all()}
    return questions["csat"], questions["text"]


def test_it_takes_an_answer_from_the_link_without_an_account(world, surveys):
    sent = ask(world, surveys)
    Invitation.objects.filter(pk=sent.invitation.pk).update(language="zh-hans")
    client = Client()
    page = client.get(f"/s/{sent.token}/")
    assert page.status_code == 200
    assert "客户满意度调查" in page.content.decode()
    assert "Customer satisfaction survey" in client.get(f"/s/{sent.token}/?lang=en").content.decode()
    csat, text = _fields(sent)
    done = client.post(f"/s/{sent.token}/", {f"q{csat.pk}": "5", f"q{text.pk}": "<b>很好</b>"})
    assert done.status_code == 200
    stored = Answer.objects.get()
    assert (stored.csat, stored.comment, stored.manager_id) == (5, "<b>很好</b>", world.one.manager.pk)
    again = client.get(f"/s/{sent.token}/")
    assert again.status_code == 410


def test_it_keeps_what_was_typed_when_a_score_is_missing(world, surveys):
    sent = ask(world, surveys)
    csat, text = _fields(sent)
    page = Client().post(f"/s/{sent.token}/?lang=en", {f"q{text.pk}": "slow replies"})
    assert page.status_code == 422
    body = page.content.decode()
    assert "Please answer this question." in body and "slow replies" in body
    assert not Answer.objects.exists()


def test_it_says_clearly_when_a_link_is_forged(world, surveys):
    page = Client().get("/s/" + "A" * 43 + "/?lang=en")
    assert page.status_code == 404
    assert "This survey link is not valid" in page.content.decode()


def test_it_escapes_a_script_in_an_answer_on_the_answers_page(world, surveys, client):
    sent = ask(world, surveys)
    csat, text = _fields(sent)
    Client().post(f"/s/{sent.token}/", {f"q{csat.pk}": "2", f"q{text.pk}": "<script>alert(1)</script>"})
    client.force_login(world.one.manager)
    body = client.get("/surveys/answers/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script>alert(1)" not in body


def test_it_limits_attempts_per_link_and_per_address(world, surveys, settings):
    cache.clear()  # earlier tests' visits from the same address
    settings.SURVEY_RATE_PER_TOKEN = 3
    settings.SURVEY_RATE_PER_ADDRESS = 5
    sent = ask(world, surveys)
    client = Client()
    statuses = [client.get(f"/s/{sent.token}/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    api = [client.get(f"/api/v1/feedback/public/{'B' * 43}").status_code for _ in range(2)]
    assert api == [404, 429]  # the address has used its five attempts
    other_address = Client(REMOTE_ADDR="10.0.0.9")
    assert other_address.get(f"/s/{'C' * 43}/").status_code == 404


def test_a_contact_can_ask_for_no_more_surveys(world, surveys):
    sent = ask(world, surveys)
    page = Client().post(f"/s/{sent.token}/unsubscribe/", {"lang": "en"})
    assert page.status_code == 200 and "no more surveys" in page.content.decode()
    assert OptOut.objects.filter(contact=surveys["contacts"]["manager"]).exists()


def test_the_api_refuses_out_of_range_and_oversized_answers_clearly(world, surveys):
    sent = ask(world, surveys)
    csat, text = _fields(sent)
    url = f"/api/v1/feedback/public/{sent.token}"
    client = Client()
    response = client.post(url, {"answers": {str(csat.pk): 9}}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == f"q{csat.pk}"
    huge = {"answers": {str(csat.pk): 4, str(text.pk): "x" * 1_000_000}}
    response = client.post(url, huge, content_type="application/json")
    assert response.status_code == 400 and not Answer.objects.exists()
    assert client.post(url, {"answers": {str(csat.pk): 4}}, content_type="application/json").status_code == 201
    assert client.post(url, {"answers": {str(csat.pk): 4}}, content_type="application/json").status_code == 404


@pytest.mark.parametrize("typed", ["²", "--5", "４", "1e3"])
def test_a_score_that_is_not_a_plain_number_is_a_field_error_not_a_500(world, surveys, typed):
    """str.isdigit() said yes to "²", then int() failed: a 500 for anyone with a link."""
    sent = ask(world, surveys)
    csat, _text = _fields(sent)
    response = Client().post(
        f"/api/v1/feedback/public/{sent.token}", {"answers": {str(csat.pk): typed}}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == f"q{csat.pk}"
    assert not Answer.objects.exists()
