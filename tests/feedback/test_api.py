"""/api/v1/feedback/…: templates, campaigns, invitations and answers, as the pages."""

import pytest

from pacekeeper.feedback.models import Invitation
from tests.feedback.conftest import answer, ask

pytestmark = pytest.mark.django_db


def _json(client, method, url, body=None):
    return client.generic(method, url, data=__import__("json").dumps(body or {}), content_type="application/json")


def test_it_makes_a_template_runs_a_campaign_and_reads_the_answers(world, surveys, client):
    client.force_login(world.one.director)
    body = {
        "name_zh": "服务回访",
        "name_en": "Service follow-up",
        "questions": [
            {"kind": "rating", "text_zh": "响应速度", "text_en": "Response speed"},
            {
                "kind": "multiple",
                "text_zh": "哪些方面？",
                "text_en": "Which?",
                "options": [{"zh": "价格", "en": "Price"}, {"zh": "速度", "en": "Speed"}],
            },
        ],
    }
    created = _json(client, "POST", "/api/v1/feedback/templates", body)
    assert created.status_code == 201 and len(created.json()["questions"]) == 2
    campaign = _json(
        client,
        "POST",
        "/api/v1/feedback/campaigns",
        {"name": "Q4", "template": surveys["csat"].pk, "filters": {"tier": "standard"}},
    )
    assert campaign.status_code == 201
    sent = _json(client, "POST", f"/api/v1/feedback/campaigns/{campaign.json()['id']}/send")
    assert sent.json()["sent"] == 5
    read = client.get(f"/api/v1/feedback/campaigns/{campaign.json()['id']}").json()
    assert (read["invited"], read["answered"], read["response_rate"]) == (5, 0, "0.00")


def test_it_gives_a_link_once_and_shows_it_while_open(world, surveys, client):
    client.force_login(world.one.manager)
    contact = surveys["contacts"]["manager"]
    created = _json(
        client, "POST", "/api/v1/feedback/invitations", {"contact": contact.pk, "template": surveys["csat"].pk}
    )
    assert created.status_code == 201
    url = created.json()["url"]
    assert client.get(f"/api/v1/feedback/invitations/{created.json()['id']}").json()["url"] == url
    foreign = surveys["contacts"]["teammate"]
    refused = _json(
        client, "POST", "/api/v1/feedback/invitations", {"contact": foreign.pk, "template": surveys["csat"].pk}
    )
    # An id in the body is a field: one out of scope is refused next to it (not an undocumented 404).
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "contact"
    assert Invitation.objects.filter(contact=foreign).count() == 0


def test_answers_are_read_only_and_a_delete_is_refused(world, surveys, client):
    stored = answer(ask(world, surveys), csat=3)
    client.force_login(world.one.manager)
    items = client.get("/api/v1/feedback/answers").json()["items"]
    assert [(item["id"], item["csat"]) for item in items] == [(stored.pk, 3)]
    assert client.delete(f"/api/v1/feedback/answers/{stored.pk}").status_code == 403
    client.force_login(world.one.teammate)
    assert client.get(f"/api/v1/feedback/answers/{stored.pk}").status_code == 404
    assert Invitation.objects.count() == 1


def test_a_live_link_is_shown_only_to_its_sender_and_the_credited_manager(world, surveys, client):
    """The link answers as the customer without an account: the analyst (read-only) and a lead
    reading the invitation see that it is open, not the link."""
    sent = ask(world, surveys)  # credited to the manager, sent by nobody in particular
    url = f"/api/v1/feedback/invitations/{sent.invitation.pk}"
    for who, sees in (("manager", True), ("analyst", False), ("lead", False), ("director", False)):
        client.force_login(getattr(world.one, who))
        link = client.get(url).json()["url"]
        assert (link is not None and sent.token in link) if sees else link is None, who
        page = client.get(f"/surveys/invitations/{sent.invitation.pk}/").content.decode()
        assert (sent.token in page) is sees, who
