"""Survey pages: templates, a campaign from a filtered list, a contact's link and QR code,
answers; in both languages, with empty states."""

import pytest

from pacekeeper.feedback.models import Campaign, Invitation, SurveyQuestion
from tests.feedback.conftest import answer, ask

pytestmark = pytest.mark.django_db


def test_it_shows_empty_states_then_figures(world, surveys, client):
    client.force_login(world.one.director)
    body = client.get("/surveys/").content.decode()
    assert "No campaigns yet" in body and "No survey sent or answered this quarter yet" in body
    answer(ask(world, surveys), csat=4)
    body = client.get("/surveys/").content.decode()
    assert "one manager" in body and "100.0%" in body
    assert "No answers yet" in client.get("/surveys/answers/?customer=999999").content.decode()


def test_it_makes_a_custom_survey_with_choice_questions(world, client):
    client.force_login(world.one.admin)
    response = client.post(
        "/surveys/templates/new/",
        {"name_zh": "培训反馈", "name_en": "Training feedback", "kind": "custom", "is_active": "on"},
    )
    template_id = int(response.url.rstrip("/").split("/")[-2])
    client.post(
        f"/surveys/templates/{template_id}/questions/",
        {"kind": "single", "text_zh": "有用吗？", "text_en": "Useful?", "options": "很有用 | Very\n一般 | Somewhat"},
    )
    refused = client.post(
        f"/surveys/templates/{template_id}/questions/",
        {"kind": "multiple", "text_zh": "哪些？", "text_en": "Which?", "options": "只有一个 | Only one"},
    )
    assert "at least two options" in refused.content.decode()
    question = SurveyQuestion.objects.get(template_id=template_id)
    assert question.options == [{"zh": "很有用", "en": "Very"}, {"zh": "一般", "en": "Somewhat"}]
    client.force_login(world.one.manager)
    assert client.get(f"/surveys/templates/{template_id}/edit/").status_code == 403


def test_a_lead_runs_a_campaign_from_a_filtered_list(world, surveys, client):
    client.force_login(world.one.lead)
    response = client.post(
        "/surveys/campaigns/new/",
        {"name": "Q4 satisfaction", "template": surveys["csat"].pk, "owner": world.one.teammate.pk},
    )
    campaign = Campaign.objects.get()
    body = client.get(f"/surveys/campaigns/{campaign.pk}/").content.decode()
    assert "1 contact to ask" in body and "teammate contact" in body
    client.post(f"/surveys/campaigns/{campaign.pk}/send/")
    invitation = Invitation.objects.get()
    assert (invitation.campaign_id, invitation.manager_id) == (campaign.pk, world.one.teammate.pk)
    body = client.get(f"/surveys/campaigns/{campaign.pk}/").content.decode()
    assert "0.0%" in body and "waiting" in body
    assert response.status_code == 302


def test_a_manager_makes_a_link_and_qr_code_for_a_contact(world, surveys, client):
    client.force_login(world.one.manager)
    contact = surveys["contacts"]["manager"]
    assert "manager contact" in client.get("/surveys/contacts/?q=manager").content.decode()
    page = client.post(f"/surveys/contacts/{contact.pk}/invite/", {"template": surveys["nps"].pk, "channel": "link"})
    body = page.content.decode()
    assert "/s/" in body and "<svg" in body
    invitation = Invitation.objects.get()
    assert "/s/" in client.get(f"/surveys/invitations/{invitation.pk}/").content.decode()
    again = client.post(f"/surveys/contacts/{contact.pk}/invite/", {"template": surveys["csat"].pk, "channel": "link"})
    assert "was asked within the last 90 days" in again.content.decode()


def test_the_pages_read_in_chinese(world, surveys, client):
    world.one.director.language = "zh-hans"
    world.one.director.save()
    client.force_login(world.one.director)
    answer(ask(world, surveys), csat=4, text="不错")
    for url in ("/surveys/", "/surveys/templates/", "/surveys/answers/", "/surveys/settings/"):
        body = client.get(url).content.decode()
        assert "满意" in body or "调查" in body, url
