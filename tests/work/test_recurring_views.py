"""Recurring-task pages and API: a lead sets a rule for their person and the first task appears,
field errors in the user's language with nothing saved, mine / my team's, pause and resume,
deleting asks once and keeps the tasks made."""

import datetime as dt
import json

from pacekeeper.tenancy.scopes import actor_for
from pacekeeper.work.models import Occurrence, RecurringTask, Task


def _rule(owner, **fields) -> RecurringTask:
    values = {"title": "Weekly report", "frequency": "weekly", "weekday": 0, "starts_on": dt.date(2026, 1, 5)}
    return RecurringTask.objects.create(
        org=owner.org, owner=owner, active_since=actor_for(owner).today(), **(values | fields)
    )


def _post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def _patch(client, path, body):
    return client.patch(path, json.dumps(body), content_type="application/json")


class TestPages:
    def test_a_lead_sets_a_weekly_report_for_their_person_and_its_first_task_appears(self, world, client):
        today = actor_for(world.one.lead).today()
        client.force_login(world.one.lead)
        body = {
            "title": "Weekly report",
            "owner": world.one.manager.pk,
            "frequency": "weekly",
            "interval": 1,
            "weekday": today.weekday(),  # today is one of its dates: within the 3 days ahead
            "starts_on": today.isoformat(),
            "lead_days": 3,
        }
        response = client.post("/tasks/recurring/new/", body)
        rule = RecurringTask.objects.get()
        assert response.status_code == 302 and response["Location"] == f"/tasks/recurring/{rule.pk}/"
        task = Task.objects.get(owner=world.one.manager)
        assert task.due_on == today and task.title == "Weekly report"
        page = client.get(f"/tasks/recurring/{rule.pk}/").content.decode()
        assert "Every week on" in page and "Weekly report" in page

    def test_the_form_keeps_what_was_typed_and_says_what_is_missing_in_chinese(self, world, client):
        world.one.manager.language = "zh-hans"
        world.one.manager.save(update_fields=["language"])
        client.force_login(world.one.manager)
        body = {"title": "月度组合复盘", "owner": world.one.manager.pk, "frequency": "monthly", "interval": 1}
        response = client.post("/tasks/recurring/new/", {**body, "starts_on": "2026-01-01", "lead_days": 3})
        html = response.content.decode()
        assert response.status_code == 400
        assert "请选择 1 至 31 号中的一天。" in html and 'value="月度组合复盘"' in html
        assert not RecurringTask.objects.exists()

    def test_mine_and_my_teams(self, world, client):
        _rule(world.one.manager, title="Manager's report")
        _rule(world.one.lead, title="Lead's review")
        _rule(world.one.other_manager, title="Other team's report")
        client.force_login(world.one.lead)
        team = client.get("/tasks/recurring/").content.decode()
        assert "Manager&#x27;s report" in team and "Lead&#x27;s review" in team and "Other team" not in team
        mine = client.get("/tasks/recurring/?whose=mine").content.decode()
        assert "Lead&#x27;s review" in mine and "Manager&#x27;s report" not in mine
        client.force_login(world.one.manager)
        own = client.get("/tasks/recurring/").content.decode()
        assert "Manager&#x27;s report" in own and "Lead&#x27;s review" not in own

    def test_pause_resume_and_delete_asking_once(self, world, client):
        rule = _rule(world.one.manager)
        task = Task.objects.create(org=rule.org, owner=rule.owner, title="Weekly report")
        Occurrence.objects.create(org=rule.org, recurring_task=rule, occurs_on=dt.date(2026, 1, 5), task=task)
        client.force_login(world.one.manager)
        client.post(f"/tasks/recurring/{rule.pk}/pause/")
        rule.refresh_from_db()
        assert rule.is_paused
        assert "Paused: no tasks are created" in client.get(f"/tasks/recurring/{rule.pk}/").content.decode()
        client.post(f"/tasks/recurring/{rule.pk}/resume/")
        rule.refresh_from_db()
        assert not rule.is_paused
        assert client.post(f"/tasks/recurring/{rule.pk}/delete/").status_code == 400
        assert RecurringTask.objects.exists()
        response = client.post(f"/tasks/recurring/{rule.pk}/delete/", {"confirm": "yes"})
        assert response.status_code == 302 and not RecurringTask.objects.exists()
        assert Task.objects.filter(pk=task.pk).exists()


class TestApi:
    def test_it_creates_a_monthly_review_with_its_next_dates(self, world, client):
        client.force_login(world.one.lead)
        body = {
            "title": "Portfolio review",
            "owner": world.one.manager.pk,
            "frequency": "monthly",
            "day_of_month": 31,
            "starts_on": "2026-01-01",
            "ends_on": "2035-12-31",
            "estimate_hours": "2",
        }
        response = _post(client, "/api/v1/recurring-tasks", body)
        assert response.status_code == 201, response.content
        data = response.json()
        assert (data["owner"], data["estimate_hours"], data["weekday"]) == (world.one.manager.pk, "2.00", None)
        assert len(data["next_occurrences"]) == 5
        # Every next date is the 31st or the last day of a shorter month.
        for text in data["next_occurrences"]:
            day = dt.date.fromisoformat(text)
            assert day.day == 31 or (day + dt.timedelta(days=1)).day == 1
        paused = _patch(client, f"/api/v1/recurring-tasks/{data['id']}", {"status": "paused"})
        assert paused.json()["status"] == "paused" and paused.json()["next_occurrences"] == []
        made = Task.objects.filter(owner=world.one.manager).count()
        assert client.delete(f"/api/v1/recurring-tasks/{data['id']}").status_code == 204
        assert not RecurringTask.objects.exists()
        assert Task.objects.filter(owner=world.one.manager).count() == made  # the tasks stay

    def test_bad_input_answers_field_errors_and_changes_nothing(self, world, client):
        client.force_login(world.one.manager)
        base = {"title": "Report", "frequency": "weekly", "weekday": 0, "starts_on": "2026-01-05"}
        cases = [
            ({"weekday": 7}, "weekday", 422),
            ({"weekday": None}, "weekday", 400),
            ({"frequency": "daily"}, "frequency", 422),
            ({"interval": 0}, "interval", 422),
            ({"ends_on": "2025-12-31"}, "ends_on", 400),
            ({"owner": world.one.teammate.pk}, "owner", 400),
            ({"estimate_hours": "-1"}, "estimate_hours", 400),
        ]
        for change, field, status in cases:
            response = _post(client, "/api/v1/recurring-tasks", base | change)
            assert response.status_code == status, (change, response.content)
            assert field in {error["field"] for error in response.json()["errors"]}, (change, response.content)
        assert not RecurringTask.objects.exists()

    def test_the_list_is_the_askers_scope(self, world, client):
        mine = _rule(world.one.manager)
        _rule(world.one.teammate)
        client.force_login(world.one.manager)
        items = client.get("/api/v1/recurring-tasks").json()["items"]
        assert [item["id"] for item in items] == [mine.pk]
