"""Try-out fixes on plans: a blank owner goes to a personal goal's person and is a field error
for any other goal (no silent "all to the director"); the owner list leaves out the org admin
account; each goal is offered once with its period and whom it is for; the goal page and the
plan page count the plan's tasks the same way (cancelled ones said apart)."""

import datetime as dt

from pacekeeper.goals.models import Goal
from pacekeeper.work.models import Task, WorkPlan


def _goal(world, **extra):
    values = {
        "org": world.one.org,
        "title": "2026年销售额",
        "metric": "visits",
        "level": "manager",
        "person": world.one.manager,
        "starts_on": dt.date(2026, 1, 1),
        "ends_on": dt.date(2026, 12, 31),
        "target": 10,
        "status": "active",
    }
    return Goal.objects.create(**(values | extra))


BODY = {"title": "", "template": "satisfaction", "start_on": "2026-03-02", "owner": ""}


def test_a_blank_owner_goes_to_the_goals_person(world, client):
    goal = _goal(world)
    client.force_login(world.one.director)
    response = client.post("/tasks/plans/new/", {**BODY, "goal": goal.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    owners = set(Task.objects.filter(plan__goal=goal).values_list("owner_id", flat=True))
    assert owners == {world.one.manager.pk}


def test_a_blank_owner_on_a_team_goal_is_a_field_error_in_both_languages(world, client):
    goal = _goal(world, level="team", person=None, team=world.one.team_a, title="Team visits")
    client.force_login(world.one.director)
    for language, message in (("en", "Choose who carries the plan"), ("zh-hans", "请选择由谁承担计划中的任务")):
        world.one.director.language = language
        world.one.director.save(update_fields=["language"])
        response = client.post("/tasks/plans/new/", {**BODY, "goal": goal.pk})
        assert response.status_code == 400
        assert message in response.content.decode()
    assert not WorkPlan.objects.exists() and not Task.objects.exists()


def test_the_owner_list_leaves_out_the_org_admin_and_goals_show_once(world, client):
    _goal(world)
    client.force_login(world.one.director)
    world.one.director.language = "en"
    world.one.director.save(update_fields=["language"])
    form = client.get("/tasks/plans/new/").context["form"]
    owners = {value for value, _label in form.fields["owner"].choices}
    assert world.one.admin.pk not in owners and world.one.manager.pk in owners
    labels = [label for _value, label in form.fields["goal"].choices]
    person = str(world.one.manager)
    assert f"2026年销售额 · 2026 (full year) · {person}" in labels
    assert len(labels) == len(set(labels))
    assert all(label.count(person) <= 1 for label in labels)


def test_the_goal_page_and_the_plan_page_count_alike(world, client):
    goal = _goal(world)
    client.force_login(world.one.lead)
    world.one.lead.language = "en"
    world.one.lead.save(update_fields=["language"])
    client.post("/tasks/plans/new/", {**BODY, "goal": goal.pk, "owner": world.one.manager.pk})
    plan = WorkPlan.objects.get()
    tasks = list(Task.objects.filter(plan=plan).order_by("pk"))
    Task.objects.filter(pk=tasks[0].pk).update(status="cancelled")
    kept = len(tasks) - 1
    plan_page = client.get(f"/tasks/plans/{plan.pk}/").content.decode()
    goal_page = client.get(f"/goals/{goal.pk}/").content.decode()
    assert f"({kept}, and 1 cancelled)" in plan_page
    assert f"{kept} tasks (and 1 cancelled)" in goal_page
