"""Skill pages: My skills (self-assessment with htmx), the team matrix a lead confirms in, a
person's history, the catalogue the admin keeps, and the task form's required skills."""

import pytest
from django.utils import translation

from pacekeeper.skills import services
from pacekeeper.skills.models import Skill, SkillLevel
from pacekeeper.work.models import Task

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def skills(world):
    admin = world.one.actor("admin")
    return {
        "analysis": services.skill_create(actor=admin, name="Data analysis"),
        "negotiation": services.skill_create(actor=admin, name="Negotiation"),
        "old": services.skill_create(actor=admin, name="Telex", is_active=False),
    }


def test_my_skills_lists_the_active_skills_and_saves_a_level_in_place(world, skills, client):
    client.force_login(world.one.manager)
    html = client.get("/skills/").content.decode()
    assert "Data analysis" in html and "Negotiation" in html and "Telex" not in html
    row = client.post("/skills/assess/", {"skill": skills["analysis"].pk, "level": "4"}, **HTMX)
    assert row.status_code == 200
    assert 'id="skill-{}"'.format(skills["analysis"].pk) in row.content.decode()
    assert "awaiting confirmation" in row.content.decode()
    assert SkillLevel.objects.get(person=world.one.manager).self_level == 4
    bad = client.post("/skills/assess/", {"skill": skills["analysis"].pk, "level": "9"}, **HTMX)
    assert "Choose a level from 1 to 5." in bad.content.decode()
    assert SkillLevel.objects.get(person=world.one.manager).self_level == 4
    # Without htmx: back to the page with a message.
    assert client.post("/skills/assess/", {"skill": skills["negotiation"].pk, "level": "2"}).status_code == 302


def test_the_lead_s_matrix_shows_their_people_and_confirms_a_cell(world, skills, client):
    one = world.one
    services.level_self_assess(actor=one.actor("manager"), skill_id=skills["analysis"].pk, level=2)
    client.force_login(one.lead)
    page = client.get("/skills/team/")
    html = page.content.decode()
    people = {row.person.username for row in page.context["rows"]}
    assert people == {"one_lead", "one_manager", "one_teammate", "one_sub_manager"}
    assert "one other_manager" not in html
    # The lead's own row offers no confirmation; their people's do.
    may = {row.person.username: row.may_confirm for row in page.context["rows"]}
    assert may == {"one_lead": False, "one_manager": True, "one_teammate": True, "one_sub_manager": True}
    awaiting = client.get("/skills/team/", {"awaiting": "on"}).context["rows"]
    assert [row.person.username for row in awaiting] == ["one_manager"]
    cell = client.post(
        "/skills/team/confirm/",
        {"person": one.manager.pk, "skill": skills["analysis"].pk, "level": "3", "next": "/skills/team/?page=1"},
        **HTMX,
    )
    assert cell.status_code == 200 and "confirmed" in cell.content.decode()
    assert SkillLevel.objects.get(person=one.manager).level == 3
    plain = client.post(
        "/skills/team/confirm/",
        {"person": one.teammate.pk, "skill": skills["analysis"].pk, "level": "1", "next": "https://evil.example/"},
    )
    assert plain.status_code == 302 and plain["Location"] == "/skills/team/"
    outsider = client.post(
        "/skills/team/confirm/", {"person": one.other_manager.pk, "skill": skills["analysis"].pk, "level": "3"}
    )
    assert outsider.status_code == 302
    assert not SkillLevel.objects.filter(person=one.other_manager).exists()


def test_a_person_s_page_shows_their_levels_and_history_in_chinese(world, skills, client):
    one = world.one
    services.level_self_assess(actor=one.actor("manager"), skill_id=skills["analysis"].pk, level=2)
    services.level_confirm(actor=one.actor("lead"), person_id=one.manager.pk, skill_id=skills["analysis"].pk, level=3)
    one.lead.language = "zh-hans"
    one.lead.save(update_fields=["language"])
    client.force_login(one.lead)
    html = client.get(f"/skills/people/{one.manager.pk}/").content.decode()
    assert "Data analysis" in html and "已确认" in html and "自评" in html
    assert client.get(f"/skills/people/{one.other_manager.pk}/").status_code == 404


def test_the_admin_adds_renames_and_deactivates_skills_on_the_catalogue(world, skills, client):
    client.force_login(world.one.director)
    assert client.get("/skills/catalogue/").status_code == 200
    assert client.get("/skills/catalogue/new/").status_code == 403
    client.force_login(world.one.admin)
    clash = client.post("/skills/catalogue/new/", {"name": "negotiation", "is_active": "on"})
    assert clash.status_code == 400 and "already has a skill of this name" in clash.content.decode()
    assert client.post("/skills/catalogue/new/", {"name": "Cold calling", "is_active": "on"}).status_code == 302
    skill = Skill.objects.get(org=world.one.org, name="Cold calling")
    assert client.post(f"/skills/catalogue/{skill.pk}/edit/", {"name": "Cold calls"}).status_code == 302
    skill.refresh_from_db()
    assert (skill.name, skill.is_active) == ("Cold calls", False)  # an unticked box deactivates
    html = client.get(f"/skills/catalogue/{skill.pk}/edit/").content.decode()
    assert "Cold calling" in html  # the rename in its recorded changes


def test_the_task_form_sets_required_skills(world, skills, client):
    client.force_login(world.one.lead)
    form = client.get("/tasks/new/").content.decode()
    assert "Required skills" in form and "Telex" not in form
    body = {
        "title": "Quarterly review",
        "owner": world.one.manager.pk,
        "urgency": "auto",
        "status": "todo",
        f"requires-skill_{skills['analysis'].pk}": "3",
        f"requires-skill_{skills['negotiation'].pk}": "",
    }
    response = client.post("/tasks/new/", body)
    assert response.status_code == 302, response.content.decode()[:2000]
    task = Task.objects.get(title="Quarterly review")
    assert [(r.skill.name, r.min_level) for r in task.required_skills.all()] == [("Data analysis", 3)]
    detail = client.get(f"/tasks/{task.pk}/").content.decode()
    assert "Data analysis ≥ 3" in detail
    # Deactivated since: still shown on the task's form, and kept when saved.
    services.skill_update(actor=world.one.actor("admin"), skill=skills["analysis"], changes={"is_active": False})
    edit = client.get(f"/tasks/{task.pk}/edit/").content.decode()
    assert "Data analysis" in edit
    body[f"requires-skill_{skills['negotiation'].pk}"] = "4"
    assert client.post(f"/tasks/{task.pk}/edit/", body).status_code == 302
    assert {(r.skill.name, r.min_level) for r in task.required_skills.all()} == {
        ("Data analysis", 3),
        ("Negotiation", 4),
    }


def test_the_pages_answer_in_both_languages(world, skills, client):
    client.force_login(world.one.admin)
    for language, word in (("en", "Team skills"), ("zh-hans", "团队技能")):
        world.one.admin.language = language
        world.one.admin.save(update_fields=["language"])
        with translation.override(language):
            for url in ("/skills/", "/skills/team/", "/skills/catalogue/", f"/skills/people/{world.one.manager.pk}/"):
                response = client.get(url)
                assert response.status_code == 200, url
            assert word in client.get("/skills/team/").content.decode()


def test_the_matrix_reads_its_levels_in_one_query_however_many_there_are(world, skills, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.one.director)
    with CaptureQueriesContext(connection) as empty:
        client.get("/skills/team/")
    for person in (world.one.manager, world.one.teammate, world.one.sub_manager, world.one.other_manager):
        for skill in (skills["analysis"], skills["negotiation"]):
            SkillLevel.objects.create(org=world.one.org, person=person, skill=skill, self_level=3, level=3)
    with CaptureQueriesContext(connection) as full:
        html = client.get("/skills/team/").content.decode()
    assert html.count("3/5") == 8
    assert len(full.captured_queries) == len(empty.captured_queries)
