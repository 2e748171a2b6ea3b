"""Assignment ranking (work/assignment.py) on a small team, worked out by hand; its reasons in
both languages; the API and the "Suggest an owner" panel; scope and bad input."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from pacekeeper.skills.models import Skill, SkillLevel
from pacekeeper.tenancy.models import Role, TeamMembership
from pacekeeper.tenancy.scopes import Actor, actor_for
from pacekeeper.tenancy.services import team_create
from pacekeeper.work.assignment import TaskDraft, ranked_candidates
from pacekeeper.work.models import Task, TaskRequiredSkill
from tests.factories import LONG_AGO, UserFactory

TODAY = dt.date(2026, 12, 2)  # a Wednesday; its week starts on 30 Nov
W50 = dt.date(2026, 12, 7)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(Actor, "today", lambda self: TODAY)


def _week_task(owner, hours, monday, title="Other work"):
    return Task.objects.create(
        org=owner.org, owner=owner, title=title, estimate_hours=Decimal(hours), start_on=monday,
        due_on=monday + dt.timedelta(days=4),
    )  # fmt: skip


@pytest.fixture
def team(world):
    """Lu leads a team of six; all have 40 h a week. Booked in the week of 7 Dec and level in
    Data analysis: Ann 36 h, 4 · Bo 10 h, 3 · Cy 20 h, 5 · Di 0 h, 2 · Ed 0 h, none ·
    Fay 10 h, 5 · Lu 40 h, none."""
    org = world.one.org
    squad = team_create(org=org, name="Squad", parent=world.one.branch)
    analysis = Skill.objects.create(org=org, name="Data analysis")
    people = {}
    for name, role, booked, level in [
        ("Lu", Role.LEAD, 40, None),
        ("Ann", Role.MANAGER, 36, 4),
        ("Bo", Role.MANAGER, 10, 3),
        ("Cy", Role.MANAGER, 20, 5),
        ("Di", Role.MANAGER, 0, 2),
        ("Ed", Role.MANAGER, 0, None),
        ("Fay", Role.MANAGER, 10, 5),
    ]:
        person = UserFactory(org=org, username=name.lower(), display_name=name, role=role)
        TeamMembership.objects.create(org=org, team=squad, user=person, is_lead=role == Role.LEAD, started_on=LONG_AGO)
        if booked:
            _week_task(person, booked, W50)
        if level:
            SkillLevel.objects.create(org=org, person=person, skill=analysis, self_level=level, level=level)
        people[name] = person
    # The task to assign: 8 h from Monday 7 to Friday 11 December, Data analysis at least 3;
    # Lu holds it now (it is left out of Lu's 40 h).
    task = _week_task(people["Lu"], 8, W50, title="Churn analysis")
    TaskRequiredSkill.objects.create(org=org, task=task, skill=analysis, min_level=3)
    return people, task, analysis


def test_it_ranks_by_skill_shortfall_then_fit_then_load_then_skill_surplus(team):
    people, task, _skill = team
    draft = TaskDraft(task.pk, task.owner_id, task.start_on, task.due_on, task.estimate_hours)
    ranked = ranked_candidates(actor_for(people["Lu"]), draft)
    # Shortfall 0 and fits: Fay (18/40 = .45, surplus 2), Bo (.45, surplus 0), Cy (28/40 = .7);
    # shortfall 0, over: Ann (44/40); shortfall 1: Di; shortfall 3: Ed (fits), Lu (48/40, over).
    assert [c.person.display_name for c in ranked] == ["Fay", "Bo", "Cy", "Ann", "Di", "Ed", "Lu"]
    assert [c.rank for c in ranked] == [1, 2, 3, 4, 5, 6, 7]
    by_name = {c.person.display_name: c for c in ranked}
    assert by_name["Fay"].reason == "Data analysis 5/3 ✓, week of 7 Dec 10/40 h"
    assert by_name["Ann"].reason == "Data analysis 4/3 ✓, week of 7 Dec 36/40 h (44 h with this task ✕)"
    assert by_name["Ed"].reason == "Data analysis –/3 ✕, week of 7 Dec 0/40 h"
    assert by_name["Lu"].is_owner and not by_name["Lu"].fits
    assert (by_name["Di"].shortfall, by_name["Ed"].shortfall, by_name["Fay"].surplus) == (1, 3, 2)


def test_the_reason_names_this_week_in_both_languages(world):
    """Bo has 32 h this week; a 4-hour task due Friday, needing 数据分析 ≥ 3 where Bo has 4."""
    one = world.one
    skill = Skill.objects.create(org=one.org, name="数据分析")
    Task.objects.create(
        org=one.org, owner=one.manager, title="x", estimate_hours=32, start_on=TODAY, due_on=dt.date(2026, 12, 4)
    )
    SkillLevel.objects.create(org=one.org, person=one.manager, skill=skill, self_level=4, level=4)
    task = Task.objects.create(
        org=one.org, owner=one.lead, title="y", estimate_hours=4, start_on=TODAY, due_on=dt.date(2026, 12, 4)
    )
    TaskRequiredSkill.objects.create(org=one.org, task=task, skill=skill, min_level=3)
    draft = TaskDraft(task.pk, task.owner_id, task.start_on, task.due_on, task.estimate_hours)
    with translation.override("en"):
        found = {c.person.pk: c for c in ranked_candidates(one.actor("lead"), draft)}
    assert found[one.manager.pk].reason == "数据分析 4/3 ✓, this week 32/40 h"
    with translation.override("zh-hans"):
        found = {c.person.pk: c for c in ranked_candidates(one.actor("lead"), draft)}
    assert found[one.manager.pk].reason == "数据分析 4/3 ✓, 本周负荷 32/40 h"


def test_an_undated_task_is_ranked_on_this_week(world):
    one = world.one
    Task.objects.create(org=one.org, owner=one.teammate, title="x", estimate_hours=30, due_on=dt.date(2026, 12, 4))
    ranked = ranked_candidates(one.actor("lead"), TaskDraft(None, None, None, None, Decimal(12)))
    teammate = next(c for c in ranked if c.person == one.teammate)
    assert [(w.week, w.booked, w.task_hours) for w in teammate.weeks] == [(dt.date(2026, 11, 30), 30, 12)]
    assert not teammate.fits and ranked[-1].person == one.teammate


def test_the_api_lists_candidates_in_scope_only(world, client):
    one = world.one
    task = Task.objects.create(org=one.org, owner=one.manager, title="Visit", estimate_hours=4, due_on=TODAY)
    client.force_login(one.lead)
    body = client.get(f"/api/v1/tasks/{task.pk}/candidates").json()
    assert {c["person"] for c in body} == {one.lead.pk, one.manager.pk, one.teammate.pk, one.sub_manager.pk}
    assert [c["rank"] for c in body] == [1, 2, 3, 4]
    assert body[0]["weeks"][0]["task_hours"] == "4.0" and body[0]["reason"]
    client.force_login(one.other_lead)
    assert client.get(f"/api/v1/tasks/{task.pk}/candidates").status_code == 404


def test_the_panel_ranks_what_the_form_says_and_refuses_bad_dates(world, client):
    one = world.one
    client.force_login(one.lead)
    response = client.get(
        "/tasks/candidates/",
        {"start_on": "2026-12-07", "due_on": "2026-12-11", "estimate_hours": "8"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and "week of 7 Dec 0/40 h" in response.content.decode()
    bad = client.get("/tasks/candidates/", {"start_on": "2026-12-11", "due_on": "2026-12-07"})
    assert bad.status_code == 200 and "The due date cannot be before the start." in bad.content.decode()
    far = client.get("/tasks/candidates/", {"due_on": "9999-12-31", "estimate_hours": "-3"})
    assert "Enter a date between" in far.content.decode()
    client.force_login(one.analyst)  # reads everything, assigns nothing
    assert client.get("/tasks/candidates/").status_code == 403


def test_the_task_page_and_form_offer_the_panel_to_whoever_may_reassign(world, client):
    one = world.one
    task = Task.objects.create(org=one.org, owner=one.manager, title="Visit", estimate_hours=4)
    client.force_login(one.lead)
    assert "Suggest an owner" in client.get(f"/tasks/{task.pk}/").content.decode()
    assert "Suggest an owner" in client.get(f"/tasks/{task.pk}/edit/").content.decode()
    assert "Suggest an owner" in client.get("/tasks/new/").content.decode()
    client.force_login(one.manager)  # assigns only to themselves: nothing to suggest on the form
    assert "Suggest an owner" not in client.get("/tasks/new/").content.decode()


def test_the_panel_follows_the_required_skills_typed_on_the_form(world, client):
    """Only the teammate has Negotiation (4): with "Negotiation ≥ 3" chosen on the form they come
    first; a skill of another organisation sent in the query is ignored."""
    one = world.one
    negotiation = Skill.objects.create(org=one.org, name="Negotiation")
    theirs = Skill.objects.create(org=world.two.org, name="Theirs")
    SkillLevel.objects.create(org=one.org, person=one.teammate, skill=negotiation, self_level=4, level=4)
    client.force_login(one.lead)
    query = {
        "start_on": "",
        "due_on": "",
        "estimate_hours": "2",
        f"requires-skill_{negotiation.pk}": "3",
        f"requires-skill_{theirs.pk}": "5",
    }
    response = client.get("/tasks/candidates/", query, headers={"HX-Request": "true"})
    candidates = response.context["candidates"]
    assert candidates[0].person == one.teammate
    assert candidates[0].reason == "Negotiation 4/3 ✓, this week 0/40 h"
    assert all(len(c.skills) == 1 for c in candidates)
    empty = client.get("/tasks/candidates/", {**query, f"requires-skill_{negotiation.pk}": ""})
    assert all(not c.skills for c in empty.context["candidates"])
