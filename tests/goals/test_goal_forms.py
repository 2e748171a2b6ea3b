"""The goal pages offer only what the person may do, and a refused target change is said beside
its field with the typed value kept (DESIGN rule 8)."""

import datetime as dt
from decimal import Decimal

from django.utils import translation

from pacekeeper.goals import services
from pacekeeper.goals.models import Goal, GoalChange
from pacekeeper.tenancy.services import membership_start

YEAR = {"starts_on": dt.date(2026, 1, 1), "ends_on": dt.date(2026, 12, 31)}


def _goal(world, **changes) -> Goal:
    goal = services.goal_save(
        actor=world.one.actor("director"),
        changes={"title": "Sales 2026", "metric": "sales_amount", "target": Decimal(1_000_000), **YEAR} | changes,
    )
    Goal.objects.filter(pk=goal.pk).update(status=Goal.Status.ACTIVE)
    goal.refresh_from_db()
    return goal


def _team_goal(world) -> Goal:
    return _goal(world, level="team", team=world.one.team_a.pk)


def test_it_offers_no_target_change_to_a_manager_on_their_own_goal(world, client):
    goal = _goal(world, level="manager", person=world.one.manager.pk)
    client.force_login(world.one.manager)
    page = client.get(f"/goals/{goal.pk}/").content.decode()
    assert "Adjust the target" not in page
    assert f"/goals/{goal.pk}/target/" not in page
    client.force_login(world.one.lead)
    assert "Adjust the target" in client.get(f"/goals/{goal.pk}/").content.decode()


def test_it_offers_a_lead_only_the_levels_they_may_set(world, client):
    client.force_login(world.one.lead)
    form = client.get("/goals/new/").context["form"]
    assert [value for value, _ in form.fields["level"].choices] == ["team", "manager"]
    assert [value for value, _ in form.fields["kind"].choices] == ["goal"]
    body = {"kind": "goal", "title": "Whole bank", "metric": "sales_amount", "level": "org", "target": "5000"}
    response = client.post("/goals/new/", body | {"starts_on": "2026-01-01", "ends_on": "2026-12-31"})
    assert response.status_code == 200  # the form again, not a bare 403
    assert response.context["form"].errors["level"]
    assert 'value="Whole bank"' in response.content.decode()
    assert not Goal.objects.exists()
    client.force_login(world.one.director)
    levels = client.get("/goals/new/").context["form"].fields["level"].choices
    assert [value for value, _ in levels] == ["org", "team", "manager"]


def test_it_says_why_a_new_target_is_refused_beside_the_field_and_keeps_it(world, client):
    goal = _team_goal(world)
    client.force_login(world.one.director)
    for typed, reason in (("12345678901234567890", "too large"), ("-5", "cannot be negative")):
        response = client.post(f"/goals/{goal.pk}/target/", {"target": typed, "reason": "market"})
        assert response.status_code == 400
        form = response.context["target_form"]
        assert reason in " ".join(form.errors["target"])
        page = response.content.decode()
        assert f'value="{typed}"' in page and 'value="market"' in page
        assert "Give the new target and a reason" not in page
    goal.refresh_from_db()
    assert goal.target == Decimal(1_000_000)


def test_it_refuses_a_negative_target_in_the_service(world):
    goal = _team_goal(world)
    try:
        services.goal_set_target(actor=world.one.actor("director"), goal=goal, target=Decimal(-500), reason="x")
    except Exception as error:  # noqa: BLE001 - the type is checked below
        assert "target" in error.errors
    else:
        raise AssertionError("a negative target was accepted")


def test_it_shows_the_pending_change_instead_of_the_form(world, client):
    goal = _team_goal(world)
    client.force_login(world.one.lead)
    response = client.post(f"/goals/{goal.pk}/target/", {"target": "8000", "reason": "branch closed"})
    assert response.status_code == 302 and GoalChange.objects.get().status == "pending"
    page = client.get(f"/goals/{goal.pk}/").content.decode()
    assert "Target change waiting for a director" in page and "Waiting for approval" in page
    assert f"/goals/{goal.pk}/target/" not in page


def test_it_writes_the_end_date_as_a_chinese_page_does(world):
    goal = _team_goal(world)
    with translation.override("zh-hans"):
        findings = services.goal_smart(goal, today=dt.date(2026, 3, 1)).findings
        said = " ".join(str(finding.message) for finding in findings)
    assert "2026年12月31日" in said and "2026-12-31" not in said


def test_a_part_of_someone_moved_to_another_team_is_listed_apart_and_not_split_again(world, client):
    """¥10,000 split evenly: ¥5,000 each for one_manager and one_teammate. The teammate moves to
    team B today: their part stays theirs, is listed apart with its value (no link the lead
    cannot open), and splitting again gives the whole ¥10,000 to the one who stayed."""
    goal = _goal(world, level="team", team=world.one.team_a.pk)
    lead = world.one.actor("lead")
    parts = {part.person.username: part for part in services.goal_cascade(actor=lead, goal=goal, method="even")}
    membership_start(user=world.one.teammate, team=world.one.team_b, started_on=lead.today())
    client.force_login(world.one.lead)
    response = client.get(f"/goals/{goal.pk}/")
    page = response.content.decode()
    moved = parts["one_teammate"]
    assert [part.pk for part in response.context["moved_parts"]] == [moved.pk]
    assert f"/goals/{moved.pk}/" not in page and "¥5,000.00" in page
    assert response.context["parts"] == Decimal(500_000)  # only the part of who stayed counts
    plan = services.goal_resplit_preview(actor=lead, goal=goal, method="current")
    assert [(row.goal.pk, row.after) for row in plan.rows] == [(parts["one_manager"].pk, Decimal(1_000_000))]


def test_it_shows_a_refused_change_with_its_state_and_reason_and_offers_the_form_again(world, client):
    goal = _team_goal(world)
    change = services.goal_set_target(actor=world.one.actor("lead"), goal=goal, target=Decimal(800_000), reason="x")
    services.goal_change_refuse(actor=world.one.actor("director"), change=change, reason="keep the promise")
    client.force_login(world.one.lead)
    page = client.get(f"/goals/{goal.pk}/").content.decode()
    assert "Refused" in page and "keep the promise" in page
    assert f"/goals/{goal.pk}/target/" in page
