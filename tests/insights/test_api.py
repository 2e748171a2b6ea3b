"""/api/v1/insight-topics and /api/v1/text-analyses: who writes topics, what a list shows to
whom, bad input answered 4xx, huge or script-laden texts."""

import datetime as dt

import pytest

from pacekeeper.insights import services
from pacekeeper.insights.models import TextAnalysis, Topic

from .conftest import note

NOV = dt.date(2026, 11, 10)


@pytest.fixture
def api(client, world):
    def as_(role, org="one"):
        client.force_login(getattr(getattr(world, org), role))
        return client

    return as_


def test_topics_are_read_by_all_and_written_by_admins_and_directors(api, world):
    body = {"code": "security", "name_zh": "安全", "name_en": "Security", "keywords_zh": "诈骗"}
    assert api("manager").post("/api/v1/insight-topics", body, content_type="application/json").status_code == 403
    made = api("director").post("/api/v1/insight-topics", body, content_type="application/json")
    assert made.status_code == 201, made.content
    topic_id = made.json()["id"]
    assert made.json()["keywords_zh"] == "诈骗"
    listed = api("manager").get("/api/v1/insight-topics").json()["items"]
    assert "security" in [t["code"] for t in listed]
    patched = api("admin").patch(
        f"/api/v1/insight-topics/{topic_id}", {"name_en": "Fraud"}, content_type="application/json"
    )
    assert patched.json()["name_en"] == "Fraud"
    again = api("admin").post("/api/v1/insight-topics", body, content_type="application/json")
    assert again.status_code == 400
    assert [e["field"] for e in again.json()["errors"]] == ["code"]
    assert api("admin", "two").get(f"/api/v1/insight-topics/{topic_id}").status_code == 404
    assert api("admin").delete(f"/api/v1/insight-topics/{topic_id}").status_code == 204
    assert not Topic.objects.filter(pk=topic_id).exists()


@pytest.mark.parametrize(
    "body",
    [
        {"code": "a b", "name_zh": "x", "name_en": "x", "keywords_zh": "x"},
        {"code": "ok", "name_zh": "", "name_en": "x", "keywords_zh": "x"},
        {"code": "ok", "name_zh": "x", "name_en": "x"},  # no keyword at all
        {"code": "ok", "name_zh": "x", "name_en": "x", "keywords_en": "x" * 5000},
        {"code": "ok", "name_zh": "x", "name_en": "x", "keywords_zh": "x", "position": -1},
        {"code": "ok", "name_zh": "x", "name_en": "x", "keywords_zh": "x", "is_active": "yes"},
        {"code": "ok", "name_zh": "x", "name_en": "x", "keywords_zh": "x", "position": True},
        {"code": "ok", "name_zh": "x", "name_en": "x", "keywords_zh": "x", "position": "3"},
        {"code": "ok", "name_zh": "x", "name_en": "x", "keywords_zh": "x", "position": 2.5},
    ],
)
def test_bad_topics_answer_4xx_with_field_errors(api, body):
    response = api("admin").post("/api/v1/insight-topics", body, content_type="application/json")
    assert response.status_code in (400, 422), response.content
    assert not Topic.objects.filter(code="ok").exists()


def test_analyses_are_listed_by_portfolio(api, world):
    mine = note(world, "manager", "价格太贵了", NOV)
    note(world, "other_manager", "信号很差", NOV)
    services.analyse_org(world.one.org)
    items = api("manager").get("/api/v1/text-analyses").json()["items"]
    assert [(i["source"], i["source_id"], i["sentiment"]) for i in items] == [("interaction", mine.pk, "negative")]
    price = Topic.objects.get(org=world.one.org, code="price")
    assert items[0]["topics"] == [price.pk] and items[0]["text"] == "价格太贵了"
    theirs = TextAnalysis.objects.get(manager=world.one.other_manager)
    assert api("manager").get(f"/api/v1/text-analyses/{theirs.pk}").status_code == 404
    assert api("director").get(f"/api/v1/text-analyses/{theirs.pk}").status_code == 200
    # A team the lead does not see filters to nothing.
    assert api("lead").get("/api/v1/text-analyses", {"team": world.one.team_b.pk}).json()["items"] == []
    assert api("manager").get("/api/v1/text-analyses", {"sentiment": "angry"}).json()["items"] == []


def test_a_text_is_analysed_on_request_and_nothing_is_stored(api, world):
    response = api("manager").post(
        "/api/v1/text-analyses/preview",
        {"text": "<script>alert('x')</script> 虽然贵，但是服务很好"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["sentiment"] == "positive"
    assert set(body["topic_codes"]) == {"price", "service_attitude"}
    assert response["Content-Type"].startswith("application/json")
    assert not TextAnalysis.objects.exists()


@pytest.mark.parametrize("text", ["", "   ", "x" * 10_001, None, 5])
def test_a_bad_text_to_analyse_answers_4xx(api, text):
    response = api("manager").post("/api/v1/text-analyses/preview", {"text": text}, content_type="application/json")
    assert response.status_code in (400, 422), response.status_code


def test_a_one_megabyte_text_is_refused_clearly(api):
    response = api("manager").post(
        "/api/v1/text-analyses/preview", {"text": "好" * 1_000_000}, content_type="application/json"
    )
    assert response.status_code in (400, 413, 422)


@pytest.mark.parametrize("position", [True, "3", 2.5, None, -1, 1000])
def test_a_topic_position_is_a_whole_json_number(api, world, position):
    topic = Topic.objects.filter(org=world.one.org).first()
    response = api("admin").patch(
        f"/api/v1/insight-topics/{topic.pk}", {"position": position}, content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert [e["field"] for e in response.json()["errors"]] == ["position"]
