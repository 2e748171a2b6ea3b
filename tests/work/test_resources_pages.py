"""Resource requests through the API and the pages: the same rules as the services, field errors
with nothing changed, the flags on the task, goal and team pages, and the thresholds setting."""

import json

import pytest

from pacekeeper.tenancy.audit import AuditEntry
from pacekeeper.work import resources
from pacekeeper.work.models import ResourceRequest, Task

CJK = lambda text: any("\u4e00" <= ch <= "\u9fff" for ch in text)  # noqa: E731


def _send(client, method, path, body):
    return client.generic(method, path, json.dumps(body), content_type="application/json")


def _errors(response) -> dict[str, str]:
    return {error["field"]: error["message"] for error in response.json()["errors"]}


def _task(owner, **extra):
    return Task.objects.create(org=owner.org, owner=owner, title="Renewal of Acme", **extra)


@pytest.fixture
def thresholds(world):
    return resources.resource_thresholds_set(actor=world.one.actor("admin"), lead_limit="5000", lead_limit_hours="16")


class TestApi:
    def test_it_asks_decides_and_spends_with_amounts_as_decimal_strings(self, world, client, thresholds):
        task = _task(world.one.manager)
        client.force_login(world.one.manager)
        body = {"task": task.pk, "kind": "training", "description": "Negotiation course", "amount": "4800.5"}
        created = _send(client, "POST", "/api/v1/resource-requests", body)
        assert created.status_code == 201, created.content
        data = created.json()
        assert (data["amount"], data["status"], data["hours"], data["flags"]) == ("4800.50", "requested", None, [])
        path = f"/api/v1/resource-requests/{data['id']}"
        client.force_login(world.one.lead)
        approved = _send(client, "PATCH", path, {"status": "approved"})
        assert approved.status_code == 200 and approved.json()["decision"] == "approved"
        client.force_login(world.one.manager)
        spent = _send(client, "PATCH", path, {"status": "spent", "spent_amount": "5100"})
        assert spent.json()["spent_amount"] == "5100.00"
        assert spent.json()["flags"] == ["over_budget"]

    def test_bad_input_answers_field_errors_in_chinese_and_changes_nothing(self, world, client, thresholds):
        for person in (world.one.lead, world.one.manager):
            person.language = "zh-hans"
            person.save(update_fields=["language"])
        task = _task(world.one.manager)
        client.force_login(world.one.manager)
        base = {"task": task.pk, "kind": "budget", "description": "Gifts"}
        for body, field in (
            ({**base, "amount": "-1"}, "amount"),
            ({**base, "amount": "100000000000000"}, "amount"),
            ({**base, "amount": "1", "kind": "people_time"}, "hours"),
            ({**base, "amount": "1", "task": _task(world.one.other_manager).pk}, "task"),
            ({"goal": 987654321, "kind": "budget", "description": "x", "amount": "1"}, "goal"),
        ):
            response = _send(client, "POST", "/api/v1/resource-requests", body)
            assert response.status_code == 400, (body, response.content)
            assert CJK(_errors(response)[field]), _errors(response)
        assert not ResourceRequest.objects.exists()
        big = resources.resource_request_create(
            actor=world.one.actor("manager"), task=task, kind="budget", description="Stand", amount="6000"
        )
        small = resources.resource_request_create(
            actor=world.one.actor("manager"), task=task, kind="budget", description="Cards", amount="60"
        )
        client.force_login(world.one.lead)
        for rr, body, field in (
            (big, {"status": "approved"}, "decision"),  # above the lead's ¥5,000.00
            (small, {"status": "refused"}, "refusal_reason"),
            (small, {"status": "requested"}, "status"),
            (small, {}, "status"),
        ):
            response = _send(client, "PATCH", f"/api/v1/resource-requests/{rr.pk}", body)
            assert response.status_code == 400, (body, response.content)
            assert CJK(_errors(response)[field]), _errors(response)
        client.force_login(world.one.manager)
        own = _send(client, "PATCH", f"/api/v1/resource-requests/{small.pk}", {"status": "approved"})
        assert own.status_code == 400 and "decision" in _errors(own)
        assert set(ResourceRequest.objects.values_list("status", flat=True)) == {"requested"}

    def test_the_list_filters_what_waits_for_me(self, world, client, thresholds):
        task = _task(world.one.manager)
        manager = world.one.actor("manager")
        small = resources.resource_request_create(actor=manager, task=task, kind="tools", description="x", amount="1")
        resources.resource_request_create(actor=manager, task=task, kind="budget", description="y", amount="9000")
        client.force_login(world.one.lead)
        items = client.get("/api/v1/resource-requests", {"to_decide": "true"}).json()["items"]
        assert [item["id"] for item in items] == [small.pk]
        assert len(client.get("/api/v1/resource-requests").json()["items"]) == 2
        assert [i["kind"] for i in client.get("/api/v1/resource-requests", {"kind": "tools"}).json()["items"]] == [
            "tools"
        ]


class TestPages:
    def test_a_manager_asks_from_the_task_page_and_the_lead_decides_from_the_list(
        self, world, client, thresholds, django_capture_on_commit_callbacks
    ):
        task = _task(world.one.manager, status="doing")
        client.force_login(world.one.manager)
        page = client.get(f"/tasks/{task.pk}/").content.decode()
        assert f"/tasks/{task.pk}/resources/new/" in page
        form = {"kind": "budget", "description": "Event stand", "amount": "-3", "hours": ""}
        refused = client.post(f"/tasks/{task.pk}/resources/new/", form)
        assert refused.status_code == 400
        assert "The amount cannot be below zero." in refused.content.decode()
        assert 'value="-3"' in refused.content.decode() and "Event stand" in refused.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            sent = client.post(f"/tasks/{task.pk}/resources/new/", {**form, "amount": "¥2,000"})
        rr = ResourceRequest.objects.get()
        assert sent.status_code == 302 and sent["Location"] == f"/resources/{rr.pk}/"
        # The task is under way while its request waits: flagged on the task page.
        assert "Started without its resources" in client.get(f"/tasks/{task.pk}/").content.decode()
        client.force_login(world.one.lead)
        waiting = client.get("/resources/").content.decode()
        assert "Event stand" in waiting
        no_reason = client.post(f"/resources/{rr.pk}/decide/", {"decision": "refused", "refusal_reason": ""})
        assert no_reason.status_code == 400 and "Say why the request is refused." in no_reason.content.decode()
        decided = client.post(f"/resources/{rr.pk}/decide/", {"decision": "approved"})
        assert decided.status_code == 302
        assert "Event stand" not in client.get("/resources/").content.decode()  # nothing waits any more
        assert "Event stand" in client.get("/resources/", {"status": "approved"}).content.decode()
        rr.refresh_from_db()
        assert rr.status == "approved"

    def test_the_requester_sees_why_they_cannot_decide_and_records_spending(self, world, client, thresholds):
        rr = resources.resource_request_create(
            actor=world.one.actor("manager"), task=_task(world.one.manager), kind="budget", description="x", amount="1"
        )
        client.force_login(world.one.manager)
        page = client.get(f"/resources/{rr.pk}/").content.decode()
        assert "You cannot decide your own request" in page
        attempt = client.post(f"/resources/{rr.pk}/decide/", {"decision": "approved"})
        assert attempt.status_code == 400
        spent = client.post(f"/resources/{rr.pk}/spend/", {"spent_amount": "100000000000000"})
        assert spent.status_code == 400 and "The amount is too large." in spent.content.decode()
        client.post(f"/resources/{rr.pk}/spend/", {"spent_amount": "1.50"})
        rr.refresh_from_db()
        assert (rr.status, rr.spent_minor, rr.decision) == ("spent", 150, "")
        assert "Spent but not approved" in client.get(f"/resources/{rr.pk}/").content.decode()

    def test_the_team_and_goal_pages_show_the_flags(self, world, client, thresholds):
        from pacekeeper.goals.models import Goal

        goal = Goal.objects.create(
            org=world.one.org, title="Win back", metric="visits", level="team", team=world.one.team_a,
            starts_on="2026-01-01", ends_on="2026-12-31", target=5,
        )  # fmt: skip
        task = _task(world.one.sub_manager, goal=goal, status="done")
        resources.resource_request_create(
            actor=world.one.actor("sub_manager"), task=task, kind="tools", description="CRM seat", amount="300"
        )
        client.force_login(world.one.lead)
        team = client.get("/team/").content.decode()
        assert "Started without its resources" in team and "1 request to decide" in team
        goal_page = client.get(f"/goals/{goal.pk}/").content.decode()
        assert "Started without its resources" in goal_page and f"/goals/{goal.pk}/resources/new/" in goal_page

    def test_the_org_admin_sets_the_thresholds_on_the_settings_page(self, world, client):
        client.force_login(world.one.admin)
        assert client.get("/settings/resources/").status_code == 200
        bad = client.post("/settings/resources/", {"lead_limit": "-1", "lead_limit_hours": "8"})
        assert bad.status_code == 400 and "The amount cannot be below zero." in bad.content.decode()
        saved = client.post("/settings/resources/", {"lead_limit": "¥20,000", "lead_limit_hours": "8", "reason": "x"})
        assert saved.status_code == 302
        thresholds = resources.thresholds_for(world.one.org)
        assert (thresholds.lead_limit_minor, str(thresholds.lead_limit_hours)) == (2_000_000, "8.00")
        assert AuditEntry.objects.filter(object_type="work.resourcethresholds").count() == 2
        client.force_login(world.one.director)
        assert client.get("/settings/resources/").status_code == 403

    def test_the_pages_query_the_same_whatever_the_number_of_requests(
        self, world, client, thresholds, django_assert_max_num_queries
    ):
        task = _task(world.one.manager, status="doing")
        manager = world.one.actor("manager")
        for n in range(12):
            resources.resource_request_create(actor=manager, task=task, kind="budget", description=f"r{n}", amount="1")
        client.force_login(world.one.lead)
        with django_assert_max_num_queries(30):
            assert client.get("/resources/").status_code == 200
        with django_assert_max_num_queries(40):
            assert client.get(f"/tasks/{task.pk}/").status_code == 200


def test_the_list_pages_what_waits_without_losing_its_default_filter(world, client, thresholds):
    task = _task(world.one.manager)
    manager = world.one.actor("manager")
    made = [
        resources.resource_request_create(actor=manager, task=task, kind="budget", description=f"r{n}", amount="1")
        for n in range(27)
    ]
    resources.resource_request_decide(actor=world.one.actor("lead"), rr=made[0], decision="approved")
    client.force_login(world.one.lead)
    first = client.get("/resources/")
    assert len(first.context["page"].object_list) == 25
    assert "?status=requested&amp;to_decide=on&page=2" in first.content.decode()
    second = client.get("/resources/", {"page": 2})
    assert {rr.pk for rr in second.context["page"].object_list} == {made[1].pk}  # 26 waiting, newest first
    client.force_login(world.one.manager)
    page = client.get("/resources/")
    assert "to_decide" not in page.context["form"].fields and page.context["page"].paginator.count == 27


def test_the_plan_page_shows_the_flags_of_its_tasks_requests(world, client, thresholds):
    from pacekeeper.goals.models import Goal
    from pacekeeper.work.models import WorkPlan

    goal = Goal.objects.create(
        org=world.one.org, title="Renewals", metric="visits", level="team", team=world.one.team_a,
        starts_on="2026-01-01", ends_on="2026-12-31", target=5,
    )  # fmt: skip
    plan = WorkPlan.objects.create(org=world.one.org, goal=goal, title="Renewal push")
    task = _task(world.one.manager, goal=goal, plan=plan, status="doing")
    resources.resource_request_create(
        actor=world.one.actor("manager"), task=task, kind="budget", description="Lunch", amount="80"
    )
    client.force_login(world.one.lead)
    page = client.get(f"/tasks/plans/{plan.pk}/").content.decode()
    assert "Resource flags" in page and "Started without its resources: 1" in page
