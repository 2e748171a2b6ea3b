"""The first announcers, end to end: target changes and payout runs waiting for approval."""

import datetime as dt
from decimal import Decimal

from pacekeeper.goals import services as goal_services
from pacekeeper.goals.models import Goal
from pacekeeper.incentives import services as pay_services
from pacekeeper.kpis.rollups import rollups_rebuild
from pacekeeper.notifications.models import Notification
from pacekeeper.tenancy.models import Role, User
from tests.factories import SaleFactory
from tests.incentives.test_incentives import OCTOBER, _october_sales, _plan


def _team_goal(world) -> Goal:
    goal = goal_services.goal_save(
        actor=world.one.actor("director"),
        changes={
            "title": "Team A sales",
            "metric": "sales_amount",
            "level": "team",
            "team": world.one.team_a.pk,
            "target": Decimal(1_000_000_00),
            "starts_on": dt.date(2026, 1, 1),
            "ends_on": dt.date(2026, 12, 31),
        },
    )
    Goal.objects.filter(pk=goal.pk).update(status=Goal.Status.ACTIVE)
    goal.refresh_from_db()
    return goal


def _inbox(person) -> list[str]:
    return [n.message for n in Notification.objects.filter(recipient=person)]


def test_a_lead_lowering_their_team_target_asks_the_directors_and_hears_back(
    world, client, django_capture_on_commit_callbacks
):
    second_director = User.objects.create(org=world.one.org, username="one_director2", role=Role.DIRECTOR)
    goal = _team_goal(world)
    client.force_login(world.one.lead)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/goals/{goal.pk}/target/", {"target": "800000", "reason": "Market fell"})
    asked = (
        "one lead asks to lower the target of “Team A sales” (one team A) from ¥1,000,000.00 to ¥800,000.00:"
        " Market fell"
    )
    assert _inbox(world.one.director) == [asked] and _inbox(second_director) == [asked]
    # Nobody else: not the admin, not the other organisation's director, not the lead themselves.
    assert Notification.objects.count() == 2
    client.force_login(world.one.director)
    body = client.get("/notifications/").content.decode()
    assert "Market fell" in body
    opened = client.post(f"/notifications/{Notification.objects.filter(recipient=world.one.director).get().pk}/open/")
    assert opened["Location"] == "/overview/#pending-changes"
    change = goal.changes.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/goals/changes/{change.pk}/approve/", {"reason": "ok"})
    assert _inbox(world.one.lead) == [
        "one director approved lowering the target of “Team A sales” from ¥1,000,000.00 to ¥800,000.00."
    ]
    link = Notification.objects.get(recipient=world.one.lead).link
    assert link == f"/goals/{goal.pk}/"


def test_a_refused_change_tells_the_lead_why(world, django_capture_on_commit_callbacks):
    goal = _team_goal(world)
    with django_capture_on_commit_callbacks(execute=True):
        change = goal_services.goal_set_target(
            actor=world.one.actor("lead"), goal=goal, target=Decimal(500_000_00), reason="x"
        )
        goal_services.goal_change_refuse(actor=world.one.actor("director"), change=change, reason="Keep the promise")
    assert _inbox(world.one.lead) == [
        "one director refused lowering the target of “Team A sales” to ¥500,000.00: Keep the promise"
    ]


def test_a_raised_target_asks_no_one(world, django_capture_on_commit_callbacks):
    goal = _team_goal(world)
    with django_capture_on_commit_callbacks(execute=True):
        goal_services.goal_set_target(
            actor=world.one.actor("lead"), goal=goal, target=Decimal(2_000_000_00), reason="x"
        )
    assert not Notification.objects.exists()


def test_a_calculated_payout_run_asks_those_who_may_approve_it(world, client, django_capture_on_commit_callbacks):
    _october_sales(world)
    plan = _plan(world)
    with django_capture_on_commit_callbacks(execute=True):
        run = pay_services.payout_run_start(
            actor=world.one.actor("admin"), plan_id=plan.pk, starts_on=OCTOBER.start, ends_on=OCTOBER.end
        )
    # Approvers are the directors (PAYOUT_APPROVER_ROLES); the admin, the analyst and managers are not asked.
    assert {n.recipient for n in Notification.objects.all()} == {world.one.director}
    assert _inbox(world.one.director) == [
        "The payout run of “Sales commission” for Oct 2026 waits for your approval: ¥17,300.00 in total."
    ]
    client.force_login(world.one.director)
    notification = Notification.objects.get()
    assert client.post(f"/notifications/{notification.pk}/open/")["Location"] == f"/pay/runs/{run.pk}/#approval"


def test_the_director_who_started_a_run_is_not_asked_to_approve_it(world, settings, django_capture_on_commit_callbacks):
    settings.PAYOUT_APPROVER_ROLES = ["director", "admin"]
    _october_sales(world)
    with django_capture_on_commit_callbacks(execute=True):
        pay_services.payout_run_start(
            actor=world.one.actor("director"), plan_id=_plan(world).pk, starts_on=OCTOBER.start, ends_on=OCTOBER.end
        )
    assert {n.recipient for n in Notification.objects.all()} == {world.one.admin}


def test_nobody_is_asked_to_approve_a_run_that_pays_them(world, settings, django_capture_on_commit_callbacks):
    settings.PAYOUT_APPROVER_ROLES = ["director", "lead"]
    _october_sales(world)
    SaleFactory(customer=world.one.customers["lead"], ordered_on=dt.date(2026, 10, 8), amount_minor=10_000_00)
    rollups_rebuild(org=world.one.org)
    with django_capture_on_commit_callbacks(execute=True):
        run = pay_services.payout_run_start(
            actor=world.one.actor("admin"), plan_id=_plan(world).pk, starts_on=OCTOBER.start, ends_on=OCTOBER.end
        )
    assert run.lines.filter(person=world.one.lead).exists()
    asked = {n.recipient for n in Notification.objects.all()}
    assert asked == {world.one.director, world.one.other_lead}


def test_a_decided_change_leaves_no_other_director_asked(world, django_capture_on_commit_callbacks):
    second_director = User.objects.create(org=world.one.org, username="one_director2", role=Role.DIRECTOR)
    goal = _team_goal(world)
    with django_capture_on_commit_callbacks(execute=True):
        change = goal_services.goal_set_target(
            actor=world.one.actor("lead"), goal=goal, target=Decimal(500_000_00), reason="x"
        )
    with django_capture_on_commit_callbacks(execute=True):
        goal_services.goal_change_approve(actor=world.one.actor("director"), change=change, reason="ok")
    asked = Notification.objects.filter(kind="goal_change_requested")
    assert asked.count() == 2 and not asked.filter(read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=second_director).get().read_at is not None
    # The lead's own news stays unread until they read it.
    assert Notification.objects.get(recipient=world.one.lead).read_at is None


def test_an_approved_or_cancelled_run_leaves_nobody_asked(world, django_capture_on_commit_callbacks):
    _october_sales(world)
    with django_capture_on_commit_callbacks(execute=True):
        run = pay_services.payout_run_start(
            actor=world.one.actor("admin"), plan_id=_plan(world).pk, starts_on=OCTOBER.start, ends_on=OCTOBER.end
        )
    asked = Notification.objects.get(recipient=world.one.director)
    assert asked.read_at is None
    with django_capture_on_commit_callbacks(execute=True):
        pay_services.payout_run_cancel(actor=world.one.actor("admin"), run=run, reason="wrong data")
    asked.refresh_from_db()
    assert asked.read_at is not None
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        run = pay_services.payout_run_start(
            actor=world.one.actor("admin"), plan_id=run.plan_id, starts_on=OCTOBER.start, ends_on=OCTOBER.end
        )
    with django_capture_on_commit_callbacks(execute=True):
        pay_services.payout_run_approve(actor=world.one.actor("director"), run=run, reason="Checked")
    assert Notification.objects.get(recipient=world.one.director).read_at is not None
