"""Plan pages: the goal's "Plans" section, making a plan from a template, the plan's figures
and flags, adding tasks by hand, and the template form keeping what was typed on an error."""

import datetime as dt

from pacekeeper.goals.models import Goal
from pacekeeper.work.models import PlanTemplate, Task, WorkPlan


def _goal(person, **extra):
    return Goal.objects.create(
        org=person.org,
        title="Satisfaction up",
        metric="visits",
        level="manager",
        person=person,
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2026, 3, 31),
        target=10,
        status="active",
        **extra,
    )


def test_the_goal_page_offers_a_plan_to_whoever_sets_the_goal(world, client):
    goal = _goal(world.one.manager)
    client.force_login(world.one.lead)
    html = client.get(f"/goals/{goal.pk}/").content.decode()
    assert 'id="plans"' in html and f"/tasks/plans/new/?goal={goal.pk}" in html
    client.force_login(world.one.manager)
    html = client.get(f"/goals/{goal.pk}/").content.decode()
    assert 'id="plans"' in html and "/tasks/plans/new/" not in html


def test_a_lead_makes_a_plan_from_a_template_and_sees_its_figures(world, client):
    goal = _goal(world.one.manager)
    client.force_login(world.one.lead)
    form = client.get(f"/tasks/plans/new/?goal={goal.pk}")
    assert form.status_code == 200
    body = {"goal": goal.pk, "title": "", "template": "satisfaction", "start_on": "2026-03-02"}
    response = client.post("/tasks/plans/new/", {**body, "owner": world.one.manager.pk})
    plan = WorkPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/tasks/plans/{plan.pk}/"
    Task.objects.filter(plan=plan, title="Measure the current satisfaction").update(status="done")
    html = client.get(response["Location"]).content.decode()
    # Done: the first step's 6 of 38 hours = 15.789…% → 15.8%.
    assert "15.8%" in html and "6 h / 38 h" in html
    # The last two steps end in April, after the goal's period.
    assert "2 tasks are due after the goal&#x27;s period ends" in html or "2 tasks are due after the goal's" in html
    assert 'id="plan-overdue"' in html
    # The goal page lists it with its share.
    goal_html = client.get(f"/goals/{goal.pk}/").content.decode()
    assert plan.title in goal_html and "15.8% done by estimate" in goal_html


def test_the_plan_form_refuses_a_template_without_a_start_and_keeps_the_input(world, client):
    goal = _goal(world.one.manager)
    client.force_login(world.one.lead)
    body = {"goal": goal.pk, "title": "Typed title", "template": "renewals", "start_on": ""}
    response = client.post("/tasks/plans/new/", body)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose the day the plan starts." in html and 'value="Typed title"' in html
    assert not WorkPlan.objects.exists()


def test_a_task_added_by_hand_serves_the_plans_goal_and_a_manager_only_reads(world, client):
    goal = _goal(world.one.manager)
    plan = WorkPlan.objects.create(org=goal.org, goal=goal, title="By hand")
    client.force_login(world.one.lead)
    body = {"title": "Call Acme", "owner": world.one.manager.pk, "due_on": "2026-03-05", "estimate_hours": "2"}
    response = client.post(f"/tasks/plans/{plan.pk}/tasks/new/", body)
    assert response.status_code == 302
    task = Task.objects.get()
    assert (task.plan_id, task.goal_id) == (plan.pk, goal.pk)
    bad = client.post(f"/tasks/plans/{plan.pk}/tasks/new/", {**body, "start_on": "2026-03-09"})
    assert bad.status_code == 400 and "The due date cannot be before the start." in bad.content.decode()
    assert Task.objects.count() == 1
    client.force_login(world.one.manager)
    page = client.get(f"/tasks/plans/{plan.pk}/")
    assert page.status_code == 200 and "Call Acme" in page.content.decode()
    assert 'id="apply"' not in page.content.decode()
    assert client.post(f"/tasks/plans/{plan.pk}/tasks/new/", body).status_code == 403
    assert f"/tasks/plans/{plan.pk}/" in client.get(f"/tasks/{task.pk}/").content.decode()


def test_the_template_form_puts_errors_next_to_the_step_and_keeps_what_was_typed(world, client):
    client.force_login(world.one.director)
    management = {"steps-TOTAL_FORMS": "2", "steps-INITIAL_FORMS": "0", "steps-MIN_NUM_FORMS": "0"}
    step = {"steps-0-title": "Call", "steps-0-offset_days": "0", "steps-0-duration_days": "0"}
    response = client.post("/tasks/plan-templates/new/", {"title": "Calls", **management, **step})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="Calls"' in html and 'value="Call"' in html
    assert not PlanTemplate.objects.exists()
    empty = client.post("/tasks/plan-templates/new/", {"title": "Calls", **management})
    assert empty.status_code == 400 and "Add at least one step." in empty.content.decode()
    good = client.post(
        "/tasks/plan-templates/new/", {"title": "Calls", **management, **step, "steps-0-duration_days": "2"}
    )
    template = PlanTemplate.objects.get()
    assert good.status_code == 302 and template.steps.get().duration_days == 2
    assert client.post(f"/tasks/plan-templates/{template.pk}/delete/", {}).status_code == 400
    assert client.post(f"/tasks/plan-templates/{template.pk}/delete/", {"confirm": "yes"}).status_code == 302
    assert not PlanTemplate.objects.exists()


def test_the_template_pages_show_shipped_and_own_templates(world, client):
    client.force_login(world.one.manager)
    html = client.get("/tasks/plan-templates/").content.decode()
    assert "Win back dormant customers" in html and "/tasks/plan-templates/new/" not in html
    shipped = client.get("/tasks/plan-templates/shipped/renewals/").content.decode()
    assert "List the contracts ending in the next 90 days" in shipped
    assert client.get("/tasks/plan-templates/shipped/nothing/").status_code == 404
    assert client.get("/tasks/plan-templates/new/").status_code == 403


def test_the_plan_pages_do_not_grow_their_queries_with_plans_and_tasks(world, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    goal = _goal(world.one.manager)

    def add(how_many):
        for number in range(how_many):
            plan = WorkPlan.objects.create(org=goal.org, goal=goal, title=f"Plan {number}")
            for hours, status in ((2, "done"), (3, "todo")):
                Task.objects.create(
                    org=goal.org, plan=plan, goal=goal, owner=world.one.manager, title="t", estimate_hours=hours,
                    status=status, due_on=dt.date(2026, 3, 5),
                )  # fmt: skip
        return plan

    def count(path):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    client.force_login(world.one.lead)
    plan = add(1)
    paths = ["/tasks/plans/", f"/goals/{goal.pk}/", f"/tasks/plans/{plan.pk}/"]
    before = {path: count(path) for path in paths}
    add(6)
    for number in range(5):
        Task.objects.create(org=goal.org, plan=plan, goal=goal, owner=world.one.teammate, title=f"more {number}")
    assert {path: count(path) for path in paths} == before
