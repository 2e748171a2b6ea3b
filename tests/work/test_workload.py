"""The workload page and API: who sees which team, the figures as the load rule gives them,
rebalancing suggestions, and bad input."""

import datetime as dt
from decimal import Decimal

import pytest

from pacekeeper.skills.models import Skill, SkillLevel
from pacekeeper.tenancy.scopes import Actor
from pacekeeper.work.models import Task, TaskRequiredSkill
from pacekeeper.work.workload import team_workload

TODAY = dt.date(2026, 12, 2)  # a Wednesday
W49, W50 = dt.date(2026, 11, 30), dt.date(2026, 12, 7)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(Actor, "today", lambda self: TODAY)


def _task(owner, hours, *, start=None, due=None, status="todo", title="T"):
    return Task.objects.create(
        org=owner.org,
        owner=owner,
        title=title,
        estimate_hours=Decimal(hours),
        start_on=start,
        due_on=due,
        status=status,
    )


def _week(owner, hours, monday, title="T", status="todo"):
    """A task filling Monday to Friday of one week."""
    return _task(owner, hours, start=monday, due=monday + dt.timedelta(days=4), title=title, status=status)


def test_the_page_shows_the_teams_booked_hours_against_capacity(world, client):
    one = world.one
    _task(one.teammate, 25, start=TODAY, due=dt.date(2026, 12, 4))
    client.force_login(one.lead)
    response = client.get("/work/workload/", {"team": one.team_a.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert "25/40 h" in html and "✕ Over-loaded" not in html
    assert one.other_manager.display_name not in html  # team B is not the lead's
    # Without ?team=, the lead's own team (the top of what they lead).
    assert client.get("/work/workload/").context["team"] == one.team_a


def test_a_lead_cannot_open_another_teams_workload(world, client):
    client.force_login(world.one.lead)
    assert client.get("/work/workload/", {"team": world.one.team_b.pk}).status_code == 404
    assert client.get("/work/workload/", {"team": world.two.team_a.pk}).status_code == 404
    assert client.get("/api/v1/workload", {"team": world.one.team_b.pk}).status_code == 404


@pytest.mark.parametrize("role", ["director", "admin", "analyst"])
def test_org_wide_roles_see_every_team(world, client, role):
    client.force_login(getattr(world.one, role))
    body = client.get("/api/v1/workload", {"team": world.one.branch.pk}).json()
    people = {person["person"] for person in body["people"]}
    assert world.one.other_manager.pk in people and world.one.manager.pk in people
    assert world.two.manager.pk not in people


def test_an_account_manager_has_no_workload_view(world, client):
    client.force_login(world.one.manager)
    assert client.get("/work/workload/").status_code == 403
    assert client.get("/api/v1/workload").status_code == 403


@pytest.mark.parametrize(
    "query",
    [{"weeks": "0"}, {"weeks": "13"}, {"weeks": "two"}, {"team": "abc"}, {"team": "99999999999999999999"}],
)
def test_bad_input_is_a_field_error_not_a_500(world, client, query):
    client.force_login(world.one.director)
    response = client.get("/api/v1/workload", query)
    assert response.status_code == 422, response.content
    page = client.get("/work/workload/", {"team": query.get("team", "x")})
    assert page.status_code == 404


def test_the_api_gives_each_week_as_a_decimal_string(world, client):
    one = world.one
    _task(one.manager, 10, start=dt.date(2026, 12, 3), due=dt.date(2026, 12, 8))
    client.force_login(one.lead)
    body = client.get("/api/v1/workload", {"team": one.team_a.pk, "weeks": 2}).json()
    assert body["weeks"] == ["2026-11-30", "2026-12-07"]
    manager = next(person for person in body["people"] if person["person"] == one.manager.pk)
    assert [week["booked_hours"] for week in manager["weeks"]] == ["5.0", "5.0"]
    assert manager["capacity_hours"] == 40 and manager["is_under"] is True


def test_it_suggests_moving_a_task_not_started_to_someone_with_room_and_the_skill(world, client):
    """Team A (capacity 40 each). The manager has 50 h in week 50: "Big report" (30 h, to do,
    needs Negotiation ≥ 3), "Small memo" (8 h, to do) and "Ongoing" (12 h, doing). The teammate
    has 20 h that week and Negotiation 4; the sub-manager 5 h but no Negotiation; the lead 38 h.
    Over by 10 h: the largest to-do share of that week first. "Big report" can go only to the
    teammate (skill), who would be at 50 > 40: no. "Small memo" (8 h): the sub-manager ends
    at 13/40, the teammate at 28/40, the lead at 46 (over): the sub-manager, least loaded.
    Then the manager has 42 h, still over; "Big report" still fits nobody: no more moves."""
    one = world.one
    negotiation = Skill.objects.create(org=one.org, name="Negotiation")
    big = _week(one.manager, 30, W50, title="Big report")
    TaskRequiredSkill.objects.create(org=one.org, task=big, skill=negotiation, min_level=3)
    _week(one.manager, 8, W50, title="Small memo")
    _week(one.manager, 12, W50, title="Ongoing", status="doing")
    _week(one.teammate, 20, W50)
    _week(one.sub_manager, 5, W50)
    _week(one.lead, 38, W50)
    SkillLevel.objects.create(org=one.org, person=one.teammate, skill=negotiation, self_level=4, level=4)

    view = team_workload(one.actor("lead"), one.team_a)

    assert [(s.title, s.giver, s.receiver) for s in view.suggestions] == [("Small memo", one.manager, one.sub_manager)]
    move = view.suggestions[0]
    assert (move.giver_before, move.receiver_before, move.receiver_after) == (50, 5, 13)
    assert "50/40 h" in move.reason and "13/40 h" in move.reason

    # Give the sub-manager Negotiation 3: now "Big report" fits them (5 + 30 = 35 ≤ 40) and,
    # being the largest share, goes first; the manager is then at 20 h, not over: one move.
    SkillLevel.objects.create(org=one.org, person=one.sub_manager, skill=negotiation, self_level=3, level=3)
    view = team_workload(one.actor("lead"), one.team_a)
    assert [(s.title, s.receiver) for s in view.suggestions] == [("Big report", one.sub_manager)]
    assert "Negotiation 3/3 ✓" in view.suggestions[0].reason


def test_the_page_lists_the_suggestions_in_words(world, client):
    one = world.one
    _week(one.manager, 30, W50, title="Too much")
    _week(one.manager, 15, W50, title="Also")
    client.force_login(one.lead)
    html = client.get("/work/workload/", {"team": one.team_a.pk}).content.decode()
    assert "Too much" in html and "Rebalancing suggestions" in html
    # The page says the suggestions are cumulative (each counts the ones above it as made).
    assert "each one counts the moves listed above it as made" in html
    assert "✕" in html  # the over-loaded flag comes with its mark, not colour alone
