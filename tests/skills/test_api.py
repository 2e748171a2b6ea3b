"""/api/v1/skills and /api/v1/skill-levels, and tasks' required skills through /api/v1/tasks:
field errors in the user's language and nothing changed."""

import json

import pytest

from pacekeeper.skills import services
from pacekeeper.skills.models import Skill, SkillLevel
from pacekeeper.work.models import Task, TaskRequiredSkill

pytestmark = pytest.mark.django_db


def _post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def _patch(client, path, body):
    return client.patch(path, json.dumps(body), content_type="application/json")


def _errors(response) -> dict[str, str]:
    return {error["field"]: error["message"] for error in response.json()["errors"]}


@pytest.fixture
def skills(world):
    admin = world.one.actor("admin")
    return {
        "analysis": services.skill_create(actor=admin, name="Data analysis"),
        "negotiation": services.skill_create(actor=admin, name="Negotiation"),
        "theirs": services.skill_create(actor=world.two.actor("admin"), name="Theirs"),
    }


def test_a_person_assesses_themselves_and_their_lead_confirms(world, skills, client):
    analysis = skills["analysis"].pk
    client.force_login(world.one.manager)
    mine = _post(client, "/api/v1/skill-levels", {"skill": analysis, "level": 2, "note": "Learning SQL"})
    assert mine.status_code == 200, mine.content
    assert (mine.json()["level"], mine.json()["awaits_confirmation"]) == (2, True)
    client.force_login(world.one.lead)
    waiting = client.get("/api/v1/skill-levels", {"awaiting": "true"}).json()["items"]
    assert [item["id"] for item in waiting] == [mine.json()["id"]]
    confirmed = _post(client, f"/api/v1/skill-levels/{mine.json()['id']}/confirm", {"level": 3})
    assert confirmed.status_code == 200, confirmed.content
    data = confirmed.json()
    assert (data["self_level"], data["confirmed_level"], data["level"]) == (2, 3, 3)
    assert data["confirmed_by"] == world.one.lead.pk
    history = client.get(f"/api/v1/skill-levels/{data['id']}/history").json()["items"]
    assert [(h["kind"], h["from_level"], h["to_level"]) for h in history] == [("confirmed", None, 3), ("self", None, 2)]
    # Setting a level the person never assessed, by person and skill.
    set_level = _post(
        client, "/api/v1/skill-levels/confirm", {"person": world.one.teammate.pk, "skill": analysis, "level": 4}
    )
    assert set_level.status_code == 200 and set_level.json()["level"] == 4


def test_bad_levels_answer_field_errors_in_chinese_and_change_nothing(world, skills, client):
    world.one.lead.language = "zh-hans"
    world.one.lead.save(update_fields=["language"])
    client.force_login(world.one.lead)
    analysis = skills["analysis"].pk
    confirm = "/api/v1/skill-levels/confirm"
    cases = [
        ("/api/v1/skill-levels", {"skill": analysis, "level": 6}, "level", 400),
        ("/api/v1/skill-levels", {"skill": analysis, "level": 0}, "level", 400),
        ("/api/v1/skill-levels", {"skill": analysis, "level": "3"}, "level", 422),
        ("/api/v1/skill-levels", {"skill": skills["theirs"].pk, "level": 3}, "skill", 400),
        (confirm, {"person": world.one.other_manager.pk, "skill": analysis, "level": 3}, "person", 400),
        (confirm, {"person": world.two.manager.pk, "skill": analysis, "level": 3}, "person", 400),
        (confirm, {"person": world.one.manager.pk, "skill": analysis, "level": 9}, "level", 400),
        (confirm, {"person": world.one.manager.pk, "skill": analysis}, "level", 400),
        ("/api/v1/skill-levels", {"skill": analysis, "level": 3, "person": world.one.manager.pk}, "person", 422),
    ]  # fmt: skip
    for path, body, field, status in cases:
        response = _post(client, path, body)
        assert response.status_code == status, (body, response.content)
        assert field in _errors(response), (body, response.json())
        if status == 400:
            assert any("\u4e00" <= ch <= "\u9fff" for ch in _errors(response)[field]), response.json()
    assert not SkillLevel.objects.exists()


def test_a_lead_cannot_confirm_their_own_level(world, skills, client):
    row = services.level_self_assess(actor=world.one.actor("lead"), skill_id=skills["analysis"].pk, level=5)
    client.force_login(world.one.lead)
    response = _post(client, f"/api/v1/skill-levels/{row.pk}/confirm", {})
    assert response.status_code == 403
    assert SkillLevel.objects.get(pk=row.pk).confirmed_level is None


def test_only_the_org_admin_keeps_the_catalogue(world, skills, client):
    client.force_login(world.one.director)
    assert _post(client, "/api/v1/skills", {"name": "Cold calling"}).status_code == 403
    client.force_login(world.one.admin)
    created = _post(client, "/api/v1/skills", {"name": "Cold calling", "description": "Phoning strangers"})
    assert created.status_code == 201, created.content
    clash = _patch(client, f"/api/v1/skills/{created.json()['id']}", {"name": "data ANALYSIS"})
    assert clash.status_code == 400 and set(_errors(clash)) == {"name"}
    off = _patch(client, f"/api/v1/skills/{created.json()['id']}", {"is_active": False})
    assert off.json()["is_active"] is False
    assert Skill.objects.get(pk=created.json()["id"]).name == "Cold calling"
    assert client.delete(f"/api/v1/skills/{created.json()['id']}").status_code == 405  # deactivated, never deleted


def test_a_task_carries_its_required_skills(world, skills, client):
    client.force_login(world.one.lead)
    analysis, negotiation = skills["analysis"].pk, skills["negotiation"].pk
    body = {"title": "Portfolio review", "required_skills": [{"skill": analysis, "min_level": 3}]}
    created = _post(client, "/api/v1/tasks", body)
    assert created.status_code == 201, created.content
    task_id = created.json()["id"]
    assert created.json()["required_skills"] == [{"skill": analysis, "min_level": 3}]
    replaced = _patch(
        client,
        f"/api/v1/tasks/{task_id}",
        {"required_skills": [{"skill": negotiation, "min_level": 4}, {"skill": analysis, "min_level": 2}]},
    )
    assert replaced.status_code == 200, replaced.content
    assert replaced.json()["required_skills"] == [
        {"skill": analysis, "min_level": 2},
        {"skill": negotiation, "min_level": 4},
    ]  # by skill name
    listed = client.get("/api/v1/tasks").json()["items"]
    assert listed[0]["required_skills"] == replaced.json()["required_skills"]
    # Refused by field, and nothing changes: not the title, not the skills.
    bad = [
        ([{"skill": analysis, "min_level": 6}], "required_skills.0.min_level"),
        ([{"skill": skills["theirs"].pk, "min_level": 3}], "required_skills.0.skill"),
        ([{"skill": analysis, "min_level": 3}, {"skill": analysis, "min_level": 4}], "required_skills.1.skill"),
    ]
    for items, field in bad:
        response = _patch(client, f"/api/v1/tasks/{task_id}", {"title": "Changed", "required_skills": items})
        assert response.status_code == 400, response.content
        assert field in _errors(response), response.json()
    assert Task.objects.get(pk=task_id).title == "Portfolio review"
    assert set(TaskRequiredSkill.objects.values_list("skill_id", "min_level")) == {(analysis, 2), (negotiation, 4)}
    cleared = _patch(client, f"/api/v1/tasks/{task_id}", {"required_skills": []})
    assert cleared.json()["required_skills"] == []
