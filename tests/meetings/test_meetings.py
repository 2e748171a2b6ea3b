"""Progress meetings: the agenda's figures are the engine's, frozen when the meeting is opened;
action items become tasks whose status the next meeting shows; minutes are shared; scope."""

import datetime as dt
import json
from decimal import Decimal

import pytest

from pacekeeper.crm.models import Customer
from pacekeeper.crm.selectors import follow_ups_by_team
from pacekeeper.errors import Forbidden, NotFound, ValidationFailed
from pacekeeper.goals.models import Goal
from pacekeeper.goals.progress import goal_progress
from pacekeeper.kpis.engine import Level, compute
from pacekeeper.kpis.periods import Period
from pacekeeper.kpis.rollups import rollups_rebuild
from pacekeeper.meetings import selectors, services
from pacekeeper.meetings.models import Meeting, MeetingItem
from pacekeeper.notifications.models import Notification
from pacekeeper.work.kpi_components import completion_facts
from pacekeeper.work.models import Task
from pacekeeper.work.services import task_create, task_move
from tests.factories import SaleFactory


@pytest.fixture
def one(world):
    return world.one


@pytest.fixture
def series(one):
    return services.series_create(actor=one.actor("lead"), team_id=one.team_a.pk)


def _sales_goal(one, person):
    today = one.actor("lead").today()
    return Goal.objects.create(
        org=one.org,
        title="December sales",
        metric="sales_amount",
        level="manager",
        person=person,
        starts_on=today.replace(day=1),
        ends_on=(today.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1),
        target=1_000_000,
        status="active",
    )


def _sale(one, amount=123_450):
    SaleFactory(customer=one.customers["manager"], ordered_on=one.actor("lead").today(), amount_minor=amount)
    rollups_rebuild(org=one.org)


def _held(one, series):
    lead = one.actor("lead")
    meeting = services.meeting_schedule_next(actor=lead, series=series)
    return services.meeting_open(actor=lead, meeting=meeting)


def _section(meeting, key, person):
    return meeting.agenda["sections"][key].get(str(person.pk))


class TestSeries:
    def test_it_sets_up_a_weekly_series_with_the_teams_people(self, one, series):
        assert series.cadence == "weekly"
        members = {p.pk for p in selectors.members_of(series)}
        assert members == {one.lead.pk, one.manager.pk, one.teammate.pk}

    def test_it_plans_the_next_meeting_on_the_series_weekday(self, one, series):
        meeting = services.meeting_schedule_next(actor=one.actor("lead"), series=series)
        assert meeting.held_on.weekday() == series.weekday
        assert 0 <= (meeting.held_on - one.actor("lead").today()).days < 7
        assert services.meeting_schedule_next(actor=one.actor("lead"), series=series) == meeting

    def test_a_meeting_held_early_keeps_the_next_one_a_cadence_after_its_planned_day(self, one, series):
        lead = one.actor("lead")
        today = lead.today()
        series.weekday = (today.weekday() + 3) % 7  # the series meets three days from now
        series.save(update_fields=["weekday"])
        planned = services.meeting_schedule_next(actor=lead, series=series)
        assert planned.held_on == today + dt.timedelta(days=3)
        held = services.meeting_open(actor=lead, meeting=planned)
        assert held.held_on == today  # held today: its minutes say when it really happened
        upcoming, _past = selectors.series_meetings(series)
        assert [m.held_on for m in upcoming] == [today + dt.timedelta(days=3 + 7)]

    def test_it_refuses_a_series_for_a_team_one_does_not_lead(self, one):
        with pytest.raises(ValidationFailed):
            services.series_create(actor=one.actor("other_lead"), team_id=one.team_a.pk)
        with pytest.raises(ValidationFailed):
            services.series_create(actor=one.actor("manager"), team_id=one.team_a.pk)


class TestAgendaFigures:
    def test_it_takes_goal_progress_from_the_engine(self, one, series):
        goal = _sales_goal(one, one.manager)
        _sale(one)
        meeting = _held(one, series)
        today = one.actor("lead").today()
        row = _section(meeting, "goals", one.manager)[0]
        engine = compute(
            org=one.org, metrics=["sales_amount"], level=Level.MANAGER, period=Period(goal.starts_on, today)
        )
        assert Decimal(row["actual"]) == Decimal(engine[one.manager.pk]["sales_amount"]) == Decimal(123_450)
        assert Decimal(row["attainment"]) == goal_progress(goal, today=today).attainment

    def test_it_takes_tasks_done_overdue_blocked_and_rates_from_work_and_the_engine(self, one, series):
        lead = one.actor("lead")
        today = lead.today()
        done = task_create(actor=lead, changes={"title": "Call", "owner": one.manager.pk, "due_on": today})
        task_move(actor=lead, task=done, status="done")
        task_create(
            actor=lead, changes={"title": "Late", "owner": one.manager.pk, "due_on": today - dt.timedelta(days=2)}
        )
        stuck = task_create(actor=lead, changes={"title": "Stuck", "owner": one.manager.pk})
        task_move(actor=lead, task=stuck, status="blocked", blocked_reason="Waiting for legal")
        meeting = _held(one, series)
        row = _section(meeting, "tasks", one.manager)
        period = Period(dt.date.fromisoformat(row["period"][0]), today)
        assert row["done"]["count"] == completion_facts(one.org, period).filter(owner=one.manager).count() == 1
        assert row["overdue"]["count"] == 1 and row["overdue"]["items"][0]["title"] == "Late"
        assert row["blocked"]["items"][0]["blocked_reason"] == "Waiting for legal"
        engine = compute(
            org=one.org,
            metrics=["task_completion_rate", "on_time_completion_rate"],
            level=Level.MANAGER,
            period=period,
            managers={one.manager.pk},
        )[one.manager.pk]
        assert Decimal(row["completion_rate"]) == engine["task_completion_rate"]
        assert Decimal(row["on_time_rate"]) == engine["on_time_completion_rate"]

    def test_it_counts_overdue_follow_ups_as_the_crm_does(self, one, series):
        today = one.actor("lead").today()
        Customer.objects.filter(pk=one.customers["manager"].pk).update(next_due_on=today - dt.timedelta(days=3))
        meeting = _held(one, series)
        row = _section(meeting, "follow_ups", one.manager)
        crm = {r["person"].pk: r for g in follow_ups_by_team(actor=one.actor("lead")) for r in g["people"]}
        assert row["count"] == crm[one.manager.pk]["overdue"] == 1
        assert row["items"][0]["name"] == one.customers["manager"].name
        assert _section(meeting, "follow_ups", one.teammate) is None

    def test_it_shows_last_meetings_action_items_with_their_task_status_now(self, one, series):
        lead = one.actor("lead")
        first = _held(one, series)
        due = lead.today() + dt.timedelta(days=3)
        item = services.action_item_add(actor=lead, meeting=first, title="Visit Acme", owner=one.manager.pk, due_on=due)
        services.meeting_close(actor=lead, meeting=first)
        task_move(actor=lead, task=item.task, status="done")
        second = _held(one, series)
        row = _section(second, "action_items", one.manager)
        assert [(r["text"], r["status"], r["task_id"]) for r in row] == [("Visit Acme", "done", item.task.pk)]


class TestFrozen:
    def test_a_closed_meetings_figures_do_not_change_when_facts_arrive(self, one, series, client):
        lead = one.actor("lead")
        goal = _sales_goal(one, one.manager)
        _sale(one)
        task = task_create(actor=lead, changes={"title": "Quote", "owner": one.manager.pk})
        meeting = _held(one, series)
        services.meeting_close(actor=lead, meeting=meeting)
        frozen = json.loads(json.dumps(meeting.agenda))
        _sale(one, amount=500_000)
        task_move(actor=lead, task=task, status="done")
        assert goal_progress(goal, today=lead.today()).actual == Decimal(623_450)  # the facts did arrive
        meeting.refresh_from_db()
        assert meeting.agenda == frozen
        assert _section(meeting, "goals", one.manager)[0]["actual"] == "123450"
        assert _section(meeting, "tasks", one.manager)["done"]["count"] == 0
        client.force_login(one.manager)
        page = client.get(f"/meetings/{meeting.pk}/minutes/").content.decode()
        assert "¥1,234.50" in page and "¥6,234.50" not in page

    def test_the_next_meeting_compares_with_the_frozen_figures(self, one, series):
        lead = one.actor("lead")
        _sales_goal(one, one.manager)
        _sale(one)
        first = _held(one, series)
        services.meeting_close(actor=lead, meeting=first)
        _sale(one, amount=100_000)
        second = _held(one, series)
        row = _section(second, "goals", one.manager)[0]
        assert row["previous_attainment"] == _section(first, "goals", one.manager)[0]["attainment"]
        assert Decimal(row["change"]) == Decimal(row["attainment"]) - Decimal(row["previous_attainment"]) > 0


class TestActionItem:
    def test_an_action_item_becomes_the_owners_task_due_on_the_date(self, one, series):
        lead = one.actor("lead")
        meeting = _held(one, series)
        problem = services.item_add(actor=lead, meeting=meeting, kind="problem", text="Renewals slipping")
        due = lead.today() + dt.timedelta(days=5)
        item = services.action_item_add(
            actor=lead,
            meeting=meeting,
            title="Call every renewal",
            owner=one.teammate.pk,
            due_on=due,
            problem=problem.pk,
        )
        task = Task.objects.get(pk=item.task_id)
        assert (task.title, task.owner, task.due_on, task.is_important) == (
            "Call every renewal",
            one.teammate,
            due,
            True,
        )
        assert item.problem == problem

    def test_it_refuses_an_owner_outside_the_meeting(self, one, series):
        lead = one.actor("lead")
        meeting = _held(one, series)
        with pytest.raises(ValidationFailed) as refused:
            services.action_item_add(
                actor=lead, meeting=meeting, title="X", owner=one.other_manager.pk, due_on=lead.today()
            )
        assert "owner" in refused.value.errors
        assert not Task.objects.filter(title="X").exists()

    def test_closing_shares_the_minutes_with_attendees_and_the_leads_chain(self, one, series):
        lead = one.actor("lead")
        meeting = _held(one, series)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("django.db.transaction.on_commit", lambda run: run())
            services.meeting_close(actor=lead, meeting=meeting)
        told = set(Notification.objects.filter(kind="meeting_minutes_shared").values_list("recipient_id", flat=True))
        assert told == {one.manager.pk, one.teammate.pk, one.director.pk}  # the lead closed it

    def test_problems_and_measures_pairs_each_problem_with_what_answers_it(self, one, series):
        lead = one.actor("lead")
        meeting = _held(one, series)
        problem = services.item_add(
            actor=lead, meeting=meeting, kind="problem", text="Slow quotes", person=one.manager.pk
        )
        services.item_add(actor=lead, meeting=meeting, kind="decision", text="Templates by Friday", problem=problem.pk)
        rows = selectors.problems_and_measures(
            org=one.org, person_ids=[one.manager.pk], start=meeting.held_on, end=meeting.held_on
        )
        assert [(r["problem"], r["measure"], r["person_id"]) for r in rows] == [
            ("Slow quotes", "Templates by Friday", one.manager.pk)
        ]
        assert rows[0]["url"] == f"/meetings/{meeting.pk}/"
        assert (
            selectors.problems_and_measures(
                org=one.org, person_ids=[one.other_manager.pk], start=meeting.held_on, end=meeting.held_on
            )
            == []
        )


class TestPermission:
    def test_a_member_adds_points_and_reads_but_does_not_run_the_meeting(self, one, series):
        meeting = services.meeting_schedule_next(actor=one.actor("lead"), series=series)
        point = services.item_add(actor=one.actor("manager"), meeting=meeting, kind="point", text="Discount policy")
        assert point.person == one.manager
        with pytest.raises(ValidationFailed) as refused:
            services.item_add(
                actor=one.actor("manager"), meeting=meeting, kind="point", text="Y's pricing", person=one.teammate.pk
            )
        assert "person" in refused.value.errors
        lead_filed = services.item_add(
            actor=one.actor("lead"), meeting=meeting, kind="point", text="Y's pricing", person=one.teammate.pk
        )
        assert lead_filed.person == one.teammate
        with pytest.raises(Forbidden):
            services.meeting_open(actor=one.actor("manager"), meeting=meeting)
        with pytest.raises(Forbidden):
            services.item_add(actor=one.actor("manager"), meeting=meeting, kind="decision", text="x")

    def test_another_teams_lead_gets_404(self, one, series):
        meeting = services.meeting_schedule_next(actor=one.actor("lead"), series=series)
        with pytest.raises(NotFound):
            selectors.access_meeting(one.actor("other_lead"), meeting.pk)
        with pytest.raises(NotFound):
            selectors.access_series(one.actor("sub_manager"), series.pk)

    def test_a_closed_meeting_takes_no_more_points(self, one, series):
        lead = one.actor("lead")
        meeting = _held(one, series)
        services.meeting_close(actor=lead, meeting=meeting)
        with pytest.raises(ValidationFailed):
            services.item_add(actor=one.actor("manager"), meeting=meeting, kind="point", text="late")

    def test_the_api_refuses_an_oversized_text_and_keeps_nothing(self, one, series, client):
        meeting = services.meeting_schedule_next(actor=one.actor("lead"), series=series)
        client.force_login(one.manager)
        url = f"/api/v1/meetings/{meeting.pk}/items"
        for text in ("x" * 2001, "x" * 5 * 1024 * 1024):
            response = client.post(url, {"kind": "point", "text": text}, content_type="application/json")
            assert response.status_code in (413, 422), response.status_code
        assert response.status_code == 413 or "text" in response.content.decode()
        assert not MeetingItem.objects.exists()
        ok = client.post(url, {"kind": "point", "text": "Pricing"}, content_type="application/json")
        assert ok.status_code == 201 and ok.json()["person"] == one.manager.pk

    def test_the_api_sets_up_a_series_for_a_team_one_leads_only(self, one, client):
        client.force_login(one.lead)
        body = {"team": one.team_a1.pk, "cadence": "biweekly", "weekday": 4, "members": [one.sub_manager.pk]}
        made = client.post("/api/v1/meeting-series", body, content_type="application/json")
        assert made.status_code == 201 and made.json()["members"] == [one.sub_manager.pk]
        url = f"/api/v1/meeting-series/{made.json()['id']}"
        moved = client.patch(url, {"starts_at": "10:30+08:00", "weekday": 9}, content_type="application/json")
        assert moved.status_code == 400 and moved.json()["errors"][0]["field"] == "weekday"
        moved = client.patch(url, {"starts_at": "10:30+08:00"}, content_type="application/json")
        assert moved.status_code == 200 and moved.json()["starts_at"] == "10:30:00"
        client.force_login(one.other_lead)
        refused = client.post("/api/v1/meeting-series", {"team": one.team_a.pk}, content_type="application/json")
        assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "team"

    def test_the_api_runs_a_meeting_end_to_end(self, one, series, client):
        client.force_login(one.lead)
        created = client.post(f"/api/v1/meeting-series/{series.pk}/meetings", {}, content_type="application/json")
        meeting_id = created.json()["id"]
        assert client.post(f"/api/v1/meetings/{meeting_id}/open").json()["status"] == "open"
        due = (one.actor("lead").today() + dt.timedelta(days=2)).isoformat()
        action = client.post(
            f"/api/v1/meetings/{meeting_id}/action-items",
            {"title": "Send the offer", "owner": one.manager.pk, "due_on": due},
            content_type="application/json",
        )
        assert action.status_code == 201 and action.json()["task_status"] == "todo"
        agenda = client.get(f"/api/v1/meetings/{meeting_id}/agenda").json()["agenda"]
        assert {m["id"] for m in agenda["members"]} == {one.lead.pk, one.manager.pk, one.teammate.pk}
        assert client.post(f"/api/v1/meetings/{meeting_id}/close").json()["status"] == "closed"
        found = client.get("/api/v1/meetings", {"q": "offer"}).json()["items"]
        assert [m["id"] for m in found] == [meeting_id]


class TestPage:
    @pytest.mark.parametrize("language", ["en", "zh-hans"])
    def test_the_meeting_page_shows_the_agenda_per_member(self, one, series, client, language):
        _sales_goal(one, one.manager)
        _sale(one)
        meeting = _held(one, series)
        one.lead.language = language
        one.lead.save(update_fields=["language"])
        client.force_login(one.lead)
        page = client.get(f"/meetings/{meeting.pk}/", HTTP_ACCEPT_LANGUAGE=language)
        body = page.content.decode()
        assert page.status_code == 200 and "December sales" in body and str(one.manager) in body
        assert ("Close and share the minutes" in body) == (language == "en")

    def test_the_series_list_says_what_to_do_when_empty(self, one, client):
        client.force_login(one.lead)
        body = client.get("/meetings/").content.decode()
        assert "Set up your team" in body
        client.force_login(one.manager)
        assert "Your team's lead sets one up" in client.get("/meetings/").content.decode()

    def test_past_meetings_are_searched_by_what_was_said(self, one, series, client):
        lead = one.actor("lead")
        meeting = _held(one, series)
        services.item_add(actor=lead, meeting=meeting, kind="problem", text="Competitor undercuts on price")
        services.meeting_close(actor=lead, meeting=meeting)
        client.force_login(one.manager)
        found = client.get(f"/meetings/series/{series.pk}/", {"q": "undercuts"}).context["page"].object_list
        missed = client.get(f"/meetings/series/{series.pk}/", {"q": "nothing like it"}).context["page"].object_list
        assert list(found) == [meeting] and list(missed) == []
        assert Meeting.objects.get(pk=meeting.pk).is_closed

    def test_the_meeting_page_costs_the_same_queries_however_many_items(self, one, series, client):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        lead = one.actor("lead")
        meeting = _held(one, series)
        client.force_login(one.lead)

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(f"/meetings/{meeting.pk}/").status_code == 200
            return len(captured)

        services.item_add(actor=lead, meeting=meeting, kind="problem", text="p0")
        few = queries()
        for n in range(5):
            problem = services.item_add(actor=lead, meeting=meeting, kind="problem", text=f"p{n + 1}")
            services.item_add(actor=lead, meeting=meeting, kind="decision", text=f"d{n}", problem=problem.pk)
        assert queries() == few
