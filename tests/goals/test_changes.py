"""Goals that can be changed without dead ends: splits rounded to a sensible unit that still add
up, splitting again after a target changes, and a director's approval when a lead lowers their
own team's target. Expected figures are worked out by hand in each test's docstring."""

import datetime as dt
from decimal import Decimal

import pytest

from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.goals import services
from pacekeeper.goals.models import Goal, GoalChange
from pacekeeper.goals.splitting import split
from pacekeeper.tenancy.models import AuditEntry
from tests.factories import CustomerFactory

YEAR = {"starts_on": dt.date(2026, 1, 1), "ends_on": dt.date(2026, 12, 31)}


def _team_goal(world, target_fen: int, *, active: bool = False) -> Goal:
    goal = services.goal_save(
        actor=world.one.actor("director"),
        changes={"title": "Team A sales", "metric": "sales_amount", "level": "team", "team": world.one.team_a.pk}
        | {"target": Decimal(target_fen), **YEAR},
    )
    if active:
        Goal.objects.filter(pk=goal.pk).update(status=Goal.Status.ACTIVE)
        goal.refresh_from_db()
    return goal


def _history(goal: Goal, field: str = "target") -> list[tuple]:
    entries = AuditEntry.objects.filter(object_type="goals.goal", object_id=str(goal.pk), field=field)
    pairs = [(entry.before, entry.after) for entry in entries.order_by("pk")]
    return [(Decimal(a), Decimal(b)) for a, b in pairs] if field == "target" else pairs


# --- rounding -------------------------------------------------------------------------------------


def test_it_rounds_split_parts_to_a_sensible_unit_and_names_the_part_with_the_remainder():
    """¥1,234,567 (123,456,700 fen) by weights 5:3:2. Average part ¥411,522: the largest power
    of ten leaving at least 100 units in it is ¥1,000 (100,000 fen). Exact shares ¥617,283.50,
    ¥370,370.10, ¥246,913.40 round to ¥617,000, ¥370,000, ¥247,000 = ¥1,234,000; the remainder
    ¥567 goes to the largest part: ¥617,567."""
    result = split(Decimal(123_456_700), [Decimal(5), Decimal(3), Decimal(2)], "sales_amount")
    assert result.parts == [Decimal(61_756_700), Decimal(37_000_000), Decimal(24_700_000)]
    assert (result.unit, result.remainder, result.remainder_index) == (100_000, 56_700, 0)
    assert sum(result.parts) == Decimal(123_456_700)


def test_it_splits_a_round_target_evenly_into_round_parts():
    """¥1,000,000 among three: ¥333,000 each (units of ¥1,000), and the first of the equal parts
    takes the ¥1,000 left over: ¥334,000 + ¥333,000 + ¥333,000."""
    result = split(Decimal(100_000_000), [Decimal(1)] * 3, "sales_amount")
    assert result.parts == [Decimal(33_400_000), Decimal(33_300_000), Decimal(33_300_000)]
    assert result.remainder_index == 0


def test_it_copies_rates_instead_of_splitting_them():
    result = split(Decimal(80), [Decimal(1), Decimal(2)], "retention_rate")
    assert result.parts == [Decimal(80), Decimal(80)] and result.remainder_index is None


def test_it_names_the_part_that_took_the_remainder_on_the_goal_page(world, client):
    """¥10,000.01 by portfolio 1:3 (units of ¥10): ¥2,500 and ¥7,500, and the teammate's larger
    part takes the remaining ¥0.01."""
    for _ in range(2):
        CustomerFactory(owner=world.one.teammate, org=world.one.org)
    goal = _team_goal(world, 1_000_001)
    children = services.goal_cascade(actor=world.one.actor("lead"), goal=goal, method="portfolio")
    marked = {child.person.username: child.takes_split_remainder for child in children}
    assert marked == {"one_manager": False, "one_teammate": True}
    client.force_login(world.one.lead)
    page = client.get(f"/goals/{goal.pk}/").content.decode()
    assert "took the rounding remainder" in page


# --- splitting again ------------------------------------------------------------------------------


def _split_then_raise(world) -> Goal:
    """Team A's ¥10,000 split by portfolio (manager 1 customer, teammate 3): ¥2,500 and ¥7,500;
    then the director raises the team target to ¥20,000."""
    for _ in range(2):
        CustomerFactory(owner=world.one.teammate, org=world.one.org)
    goal = _team_goal(world, 1_000_000)
    services.goal_cascade(actor=world.one.actor("lead"), goal=goal, method="portfolio")
    services.goal_set_target(actor=world.one.actor("director"), goal=goal, target=Decimal(2_000_000), reason="more")
    return goal


def _parts(goal: Goal) -> dict[str, Decimal]:
    return {child.person.username: child.target for child in goal.children.select_related("person")}


def test_it_previews_a_proportional_resplit_without_saving(world):
    """¥20,000 in proportion to ¥2,500 : ¥7,500 is ¥5,000 and ¥15,000."""
    goal = _split_then_raise(world)
    plan = services.goal_resplit_preview(actor=world.one.actor("lead"), goal=goal, method="current")
    rows = {row.goal.person.username: (row.before, row.after) for row in plan.rows}
    assert rows == {
        "one_manager": (Decimal(250_000), Decimal(500_000)),
        "one_teammate": (Decimal(750_000), Decimal(1_500_000)),
    }
    assert _parts(goal) == {"one_manager": Decimal(250_000), "one_teammate": Decimal(750_000)}


def test_it_splits_again_by_the_original_method_and_keeps_each_parts_history(world):
    """The original method (portfolio) is the default; a 1:3 portfolio gives ¥5,000 and ¥15,000.
    Splitting among members again is still refused (it would double the parts)."""
    goal = _split_then_raise(world)
    with pytest.raises(ValidationFailed):
        services.goal_cascade(actor=world.one.actor("lead"), goal=goal, method="even")
    plan = services.goal_resplit(actor=world.one.actor("lead"), goal=goal, method="", reason="target raised")
    assert plan.method == "portfolio"
    assert _parts(goal) == {"one_manager": Decimal(500_000), "one_teammate": Decimal(1_500_000)}
    manager_part = goal.children.get(person=world.one.manager)
    assert _history(manager_part) == [(Decimal(250_000), Decimal(500_000))]
    assert _history(goal, "split_method") == [("portfolio", "portfolio")]


def test_it_splits_again_evenly_when_asked(world):
    goal = _split_then_raise(world)
    services.goal_resplit(actor=world.one.actor("director"), goal=goal, method="even", reason="reset")
    assert _parts(goal) == {"one_manager": Decimal(1_000_000), "one_teammate": Decimal(1_000_000)}


def test_it_offers_the_resplit_on_the_page_when_the_parts_no_longer_add_up(world, client):
    goal = _split_then_raise(world)
    client.force_login(world.one.lead)
    page = client.get(f"/goals/{goal.pk}/")
    assert page.context["resplit"]["plan"].method == "portfolio"
    assert "The parts no longer add up to the target." in page.content.decode()
    response = client.post(f"/goals/{goal.pk}/resplit/", {"method": "current", "reason": "raised"})
    assert response.status_code == 302
    assert _parts(goal) == {"one_manager": Decimal(500_000), "one_teammate": Decimal(1_500_000)}
    assert client.get(f"/goals/{goal.pk}/").context["resplit"] is None  # it adds up again


def test_it_refuses_a_resplit_without_a_reason_or_by_a_manager(world):
    goal = _split_then_raise(world)
    with pytest.raises(ValidationFailed):
        services.goal_resplit(actor=world.one.actor("lead"), goal=goal, method="current", reason=" ")
    with pytest.raises(Forbidden):
        services.goal_resplit_preview(actor=world.one.actor("manager"), goal=goal, method="current")


def test_it_splits_again_through_the_api(world, client):
    goal = _split_then_raise(world)
    client.force_login(world.one.lead)
    preview = client.post(f"/api/v1/goals/{goal.pk}/resplit/preview", {"method": "current"}, "application/json")
    assert [part["after"] for part in preview.json()["parts"]] == ["5000.00", "15000.00"]
    applied = client.post(
        f"/api/v1/goals/{goal.pk}/resplit", {"method": "current", "reason": "raised"}, "application/json"
    )
    assert applied.status_code == 200
    assert _parts(goal) == {"one_manager": Decimal(500_000), "one_teammate": Decimal(1_500_000)}


# --- a lead lowering their own team's target ------------------------------------------------------


def test_it_holds_a_leads_lowering_of_their_own_team_target_for_a_director(world):
    goal = _team_goal(world, 1_000_000, active=True)
    change = services.goal_set_target(actor=world.one.actor("lead"), goal=goal, target=Decimal(800_000), reason="x")
    assert isinstance(change, GoalChange) and change.status == "pending"
    goal.refresh_from_db()
    assert goal.target == Decimal(1_000_000)
    with pytest.raises(ValidationFailed):  # one pending change at a time
        services.goal_set_target(actor=world.one.actor("lead"), goal=goal, target=Decimal(700_000), reason="y")
    with pytest.raises(Forbidden):  # the lead cannot approve it
        services.goal_change_approve(actor=world.one.actor("lead"), change=change)
    services.goal_change_approve(actor=world.one.actor("director"), change=change, reason="market fell")
    goal.refresh_from_db()
    assert goal.target == Decimal(800_000)
    assert _history(goal) == [(Decimal(1_000_000), Decimal(800_000))]
    decisions = AuditEntry.objects.filter(object_type="goals.goalchange", object_id=str(change.pk))
    assert [(entry.before, entry.after) for entry in decisions.order_by("pk")] == [
        ("", "pending"),
        ("pending", "approved"),
    ]


def test_it_lets_a_lead_raise_their_team_target_without_approval(world):
    goal = _team_goal(world, 1_000_000, active=True)
    result = services.goal_set_target(actor=world.one.actor("lead"), goal=goal, target=Decimal(1_200_000), reason="x")
    assert result == goal and goal.target == Decimal(1_200_000)
    result = services.goal_set_target(actor=world.one.actor("director"), goal=goal, target=Decimal(900_000), reason="y")
    assert isinstance(result, Goal) and not GoalChange.objects.exists()


def test_it_refuses_a_change_only_with_a_reason_and_keeps_the_target(world):
    goal = _team_goal(world, 1_000_000, active=True)
    change = services.goal_set_target(actor=world.one.actor("lead"), goal=goal, target=Decimal(500_000), reason="x")
    with pytest.raises(ValidationFailed):
        services.goal_change_refuse(actor=world.one.actor("director"), change=change, reason="")
    services.goal_change_refuse(actor=world.one.actor("director"), change=change, reason="keep the promise")
    goal.refresh_from_db()
    change.refresh_from_db()
    assert (goal.target, change.status, change.decision_reason) == (Decimal(1_000_000), "refused", "keep the promise")
    with pytest.raises(ValidationFailed):  # decided once
        services.goal_change_approve(actor=world.one.actor("director"), change=change)


def test_it_refuses_to_approve_a_change_from_a_target_that_has_moved_since(world):
    goal = _team_goal(world, 1_000_000, active=True)
    change = services.goal_set_target(actor=world.one.actor("lead"), goal=goal, target=Decimal(500_000), reason="x")
    services.goal_set_target(actor=world.one.actor("director"), goal=goal, target=Decimal(1_500_000), reason="y")
    with pytest.raises(ValidationFailed):
        services.goal_change_approve(actor=world.one.actor("director"), change=change)


def test_it_shows_pending_changes_on_the_directors_overview_until_decided(world, client):
    goal = _team_goal(world, 1_000_000, active=True)
    client.force_login(world.one.lead)
    response = client.post(f"/goals/{goal.pk}/target/", {"target": "8000", "reason": "branch closed"})
    assert response.status_code == 302
    change = GoalChange.objects.get()
    assert change.target_after == Decimal(800_000)
    client.force_login(world.one.director)
    overview = client.get("/overview/")
    assert [c.pk for c in overview.context["pending_changes"]] == [change.pk]
    assert "branch closed" in overview.content.decode()
    assert client.post(f"/goals/changes/{change.pk}/approve/").status_code == 302
    goal.refresh_from_db()
    assert goal.target == Decimal(800_000)
    assert client.get("/overview/").context["pending_changes"] == []


def test_it_answers_a_leads_lowering_in_the_api_with_a_pending_change(world, client):
    goal = _team_goal(world, 1_000_000, active=True)
    client.force_login(world.one.lead)
    body = {"target": "8000", "reason": "branch closed"}
    response = client.post(f"/api/v1/goals/{goal.pk}/target", body, "application/json")
    assert response.status_code == 202
    assert (response.json()["status"], response.json()["target_after"]) == ("pending", "8000.00")
    client.force_login(world.one.director)
    change_id = response.json()["id"]
    refused = client.post(f"/api/v1/goal-changes/{change_id}/refuse", {"reason": "no"}, "application/json")
    assert refused.json()["status"] == "refused"


def test_of_two_directors_deciding_at_once_the_second_finds_it_decided(world):
    """Both loaded the pending change; one approves, the other refuses from their stale copy."""
    goal = _team_goal(world, 1_000_000, active=True)
    change = services.goal_set_target(actor=world.one.actor("lead"), goal=goal, target=Decimal(500_000), reason="x")
    stale = GoalChange.objects.get(pk=change.pk)
    services.goal_change_approve(actor=world.one.actor("director"), change=change, reason="ok")
    with pytest.raises(ValidationFailed):
        services.goal_change_refuse(actor=world.one.actor("director"), change=stale, reason="no")
    goal.refresh_from_db()
    assert (goal.target, GoalChange.objects.get(pk=change.pk).status) == (Decimal(500_000), "approved")
