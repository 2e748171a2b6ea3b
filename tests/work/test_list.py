"""The task list: filters, sorts and pages kept in the URL, the CSV/XLSX export of exactly
the filtered rows in the reader's language, and the same scope as every other task read."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import openpyxl
import pytest

from pacekeeper.goals.models import Goal
from pacekeeper.work import list_views
from pacekeeper.work.models import Task


def _task(owner, title, **extra):
    return Task.objects.create(org=owner.org, owner=owner, title=title, **extra)


def _titles(response) -> list[str]:
    return [task.title for task in response.context["page"]]


@pytest.fixture
def tasks(world):
    one = world.one
    goal = Goal.objects.create(
        org=one.org,
        title="Renewals",
        metric="visits",
        level="team",
        team=one.team_a,
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        target=10,
    )
    today = one.actor("lead").today()
    return {
        "renew": _task(
            one.manager,
            "Renew Acme",
            goal=goal,
            customer=one.customers["manager"],
            due_on=today + dt.timedelta(days=10),
            is_important=True,
            labels="renewal, q4",
            estimate_hours=Decimal("4.50"),
        ),
        "late": _task(
            one.manager, "Call back", description="About the renewal quote", due_on=today - dt.timedelta(days=2)
        ),
        "blocked": _task(one.teammate, "Fix invoice", status="blocked", blocked_reason="Waiting for finance"),
        "done": _task(one.teammate, "Send report", status="done", due_on=today - dt.timedelta(days=5)),
        "elsewhere": _task(one.other_manager, "Team B work"),
        "other_org": _task(world.two.manager, "Other org work"),
        "goal": goal,
    }


class TestFilters:
    def test_it_filters_by_each_field_and_keeps_the_filters_in_the_page_links(self, world, client, tasks):
        one = world.one
        client.force_login(one.lead)
        get = lambda **query: _titles(client.get("/tasks/list/", query))  # noqa: E731
        # The lead sees team A (and A1), not team B nor the other organisation.
        assert sorted(get()) == ["Call back", "Fix invoice", "Renew Acme", "Send report"]
        assert get(status="blocked") == ["Fix invoice"]
        assert sorted(get(owner=one.manager.pk)) == ["Call back", "Renew Acme"]
        assert get(goal=tasks["goal"].pk) == ["Renew Acme"]
        assert get(customer=one.customers["manager"].pk) == ["Renew Acme"]
        assert get(label="q4") == ["Renew Acme"]
        assert get(due="overdue") == ["Call back"]  # the done one is not overdue
        # Words search titles and descriptions.
        assert sorted(get(q="renew")) == ["Call back", "Renew Acme"]
        assert get(q="renew", owner=one.manager.pk, due="overdue") == ["Call back"]

    def test_it_reports_a_bad_filter_beside_its_field_and_applies_the_others(self, world, client, tasks):
        client.force_login(world.one.lead)
        response = client.get("/tasks/list/", {"status": "lost", "owner": world.one.manager.pk})
        assert response.status_code == 200
        assert sorted(_titles(response)) == ["Call back", "Renew Acme"]
        assert "Select a valid choice" in response.content.decode()
        # Someone out of scope is no choice either: nothing of theirs leaks.
        response = client.get("/tasks/list/", {"owner": world.one.other_manager.pk})
        assert "Team B work" not in response.content.decode()

    def test_an_account_manager_sees_only_their_tasks_and_no_person_filter(self, world, client, tasks):
        client.force_login(world.one.manager)
        response = client.get("/tasks/list/")
        assert sorted(_titles(response)) == ["Call back", "Renew Acme"]
        assert "owner" not in response.context["form"].fields


class TestSortAndPages:
    def test_it_sorts_by_each_order(self, world, client, tasks):
        one = world.one
        client.force_login(one.lead)
        get = lambda sort: _titles(client.get("/tasks/list/", {"sort": sort}))  # noqa: E731
        # Worked by hand. Due: late (-2), done (-5)… earliest first: done -5, late -2, renew +10, undated last.
        assert get("due") == ["Send report", "Call back", "Renew Acme", "Fix invoice"]
        assert get("-due") == ["Renew Acme", "Call back", "Send report", "Fix invoice"]
        # Quadrant: renew important, not urgent (10 days) → 2; late overdue, unimportant → 3;
        # blocked undated → 4; done → 4 (closed is never urgent); within 4 by due date, undated last.
        assert get("quadrant") == ["Renew Acme", "Call back", "Send report", "Fix invoice"]
        # Status in workflow order: to do (renew, late by due date), blocked, done.
        assert get("status") == ["Call back", "Renew Acme", "Fix invoice", "Send report"]
        # Owner by display name: "one manager" before "one teammate".
        assert get("owner") == ["Call back", "Renew Acme", "Send report", "Fix invoice"]
        Task.objects.filter(pk=tasks["blocked"].pk).update(updated_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
        assert get("-updated")[0] == "Fix invoice"

    def test_the_api_sorts_and_searches_as_the_list_does(self, world, client, tasks):
        client.force_login(world.one.lead)
        for sort in ("due", "-due", "quadrant", "status", "owner"):
            page = _titles(client.get("/tasks/list/", {"sort": sort}))
            api = [item["title"] for item in client.get("/api/v1/tasks", {"sort": sort}).json()["items"]]
            assert api == page, sort
        assert client.get("/api/v1/tasks", {"sort": "size"}).status_code == 422
        Task.objects.filter(pk=tasks["done"].pk).update(updated_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
        newest = client.get("/api/v1/tasks", {"sort": "-updated"}).json()["items"][0]
        assert (newest["title"], newest["updated_at"]) == ("Send report", "2030-01-01T00:00:00+00:00")
        assert {item["title"] for item in client.get("/api/v1/tasks", {"q": "renew"}).json()["items"]} == {
            "Call back",
            "Renew Acme",
        }

    def test_it_pages_and_keeps_filters_and_sort_in_the_links(self, world, client, tasks, monkeypatch):
        monkeypatch.setattr(list_views, "TASKS_PER_PAGE", 2)
        client.force_login(world.one.lead)
        first = client.get("/tasks/list/", {"sort": "due", "q": "e"})
        assert _titles(first) == ["Send report", "Call back"]
        next_link = re.search(r'href="\?([^"]*)" rel="next"', first.content.decode()).group(1)
        assert sorted(next_link.replace("&amp;", "&").split("&")) == ["page=2", "q=e", "sort=due"]
        second = client.get("/tasks/list/", {"sort": "due", "q": "e", "page": 2})
        assert _titles(second) == ["Renew Acme", "Fix invoice"]
        assert _titles(client.get("/tasks/list/", {"sort": "due", "q": "e", "page": "x"})) == _titles(first)

    def test_htmx_gets_only_the_rows(self, world, client, tasks):
        client.force_login(world.one.lead)
        response = client.get("/tasks/list/", {"q": "invoice"}, headers={"HX-Request": "true"})
        html = response.content.decode()
        assert "Fix invoice" in html and "<h1>" not in html

    def test_the_page_queries_the_same_whatever_the_number_of_tasks(self, world, client):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        one = world.one
        client.force_login(one.lead)

        def count():
            with CaptureQueriesContext(connection) as queries:
                assert client.get("/tasks/list/").status_code == 200
            return len(queries)

        _task(one.manager, "T", customer=one.customers["manager"])
        before = count()
        for n in range(10):
            _task(one.teammate if n % 2 else one.manager, f"T{n}", customer=one.customers["manager"])
        assert count() == before


class TestExport:
    def test_the_csv_holds_the_filtered_rows_in_the_readers_language(self, world, client, tasks):
        one = world.one
        _task(one.manager, '=HYPERLINK("http://x")', labels="-1")
        client.force_login(one.lead)
        response = client.get("/tasks/list/", {"owner": one.manager.pk, "sort": "due", "format": "csv"})
        assert response["Content-Type"].startswith("text/csv")
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0][:5] == ["Id", "Title", "Status", "Why blocked", "Quadrant"]
        by_title = {row[1]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
        # Only the manager's three tasks: the filter and the scope as on the page.
        assert set(by_title) == {"Call back", "Renew Acme", '\'=HYPERLINK("http://x")'}
        renew = by_title["Renew Acme"]
        due = tasks["renew"].due_on
        assert renew["Due"] == due.isoformat() and renew["Start"] == ""
        assert renew["Estimate (hours)"] == "4.5"
        assert renew["Quadrant"] == "Important, not urgent: schedule"
        assert renew["Important"] == "Yes" and renew["Urgency"] == "From the due date"
        assert renew["Owner"] == "one manager" and renew["Goal"] == "Renewals"
        assert renew["Customer"] == "one manager's customer" and renew["Labels"] == "renewal, q4"
        assert by_title['\'=HYPERLINK("http://x")']["Labels"] == "'-1"

    def test_the_xlsx_has_typed_cells_and_chinese_headers_for_a_chinese_reader(self, world, client, tasks):
        client.force_login(world.one.manager)
        client.cookies["django_language"] = "zh-hans"
        response = client.get("/tasks/list/", {"q": "Acme", "format": "xlsx"})
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        header, row = [cell.value for cell in sheet[1]], [cell.value for cell in sheet[2]]
        assert sheet.max_row == 2
        assert header[1] == "标题" and header[2] == "状态"
        values = dict(zip(header, row, strict=True))
        assert values["标题"] == "Renew Acme" and values["状态"] == "待办"
        assert values["截止日期"].date() == tasks["renew"].due_on  # a real date cell
        assert values["预计工时（小时）"] == 4.5

    def test_nobody_exports_what_they_cannot_see(self, world, client, tasks):
        client.force_login(world.two.director)
        response = client.get("/tasks/list/", {"format": "csv"})
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        assert "Other org work" in text and "Renew Acme" not in text and "Team B work" not in text
