"""Resource requests: the approval thresholds worked by hand, the flags, who sees which
requests, and bad input refused with a field error and nothing changed.

The world (tests/factories.py): `lead` leads team A and its sub-team A1 (manager, teammate,
sub_manager); `other_lead` leads team B (other_manager). Thresholds here: a lead decides up to
¥5,000.00 and 16 hours; above either, a director."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.goals.models import Goal
from pacekeeper.notifications.models import Notification
from pacekeeper.tenancy.audit import AuditEntry
from pacekeeper.work import resource_selectors as selectors
from pacekeeper.work import resources
from pacekeeper.work.models import ResourceRequest, ResourceThresholds, Task


def _task(owner, title="Visit", status="todo", goal=None):
    return Task.objects.create(org=owner.org, owner=owner, title=title, status=status, goal=goal)


def _goal(world, level="team"):
    one = world.one
    return Goal.objects.create(
        org=one.org,
        title="Raise satisfaction",
        metric="visits",
        level=level,
        team=one.team_a if level == "team" else None,
        person=one.manager if level == "manager" else None,
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        target=10,
    )


@pytest.fixture
def thresholds(world):
    """¥5,000.00 and 16 hours, set by the org admin."""
    return resources.resource_thresholds_set(
        actor=world.one.actor("admin"), lead_limit="5000", lead_limit_hours="16", reason="Q1 budget"
    )


def _ask(world, who="manager", amount="100", kind="budget", hours=None, task=None, goal=None):
    person = getattr(world.one, who)
    if task is None and goal is None:
        task = _task(person)
    return resources.resource_request_create(
        actor=world.one.actor(who), task=task, goal=goal, kind=kind, description="Brochures", amount=amount, hours=hours
    )


class TestThresholds:
    def test_the_org_admin_sets_them_and_the_change_is_recorded(self, world, thresholds):
        assert (thresholds.lead_limit_minor, thresholds.lead_limit_hours) == (500_000, Decimal("16.00"))
        entries = AuditEntry.objects.filter(object_type="work.resourcethresholds").order_by("field")
        # From the defaults (¥10,000.00, 40 h) to ¥5,000.00 and 16 h.
        assert [(e.field, e.before, e.after, e.reason) for e in entries] == [
            ("lead_limit", "10000.00", "5000.00", "Q1 budget"),
            ("lead_limit_hours", "40", "16.00", "Q1 budget"),
        ]

    def test_only_the_org_admin_sets_them(self, world):
        with pytest.raises(Forbidden):
            resources.resource_thresholds_set(actor=world.one.actor("director"), lead_limit="1", lead_limit_hours="1")

    def test_a_negative_or_oversized_threshold_is_a_field_error(self, world):
        with pytest.raises(ValidationFailed) as error:
            resources.resource_thresholds_set(
                actor=world.one.actor("admin"), lead_limit="-1", lead_limit_hours="100000"
            )
        assert set(error.value.errors) == {"lead_limit", "lead_limit_hours"}
        assert not ResourceThresholds.objects.exists()

    def test_without_a_setting_the_defaults_apply(self, world):
        defaults = resources.thresholds_for(world.one.org)
        assert (defaults.lead_limit_minor, defaults.lead_limit_hours) == (1_000_000, Decimal(40))


class TestWhoDecides:
    """Hand-worked: ¥5,000.00 is the lead's (at most the threshold), ¥5,000.01 a director's; 16 h
    of people's time the lead's, 16.5 h a director's."""

    def test_the_lead_decides_up_to_the_threshold_inclusive(self, world, thresholds):
        at_limit = _ask(world, amount="5000.00")
        above = _ask(world, amount="5000.01")
        lead = world.one.actor("lead")
        assert resources.may_decide(lead, at_limit)
        assert "director" in resources.decide_problem(lead, above)
        assert resources.may_decide(world.one.actor("director"), above)
        assert resources.may_decide(world.one.actor("admin"), above)

    def test_hours_of_people_time_have_their_own_threshold(self, world, thresholds):
        lead = world.one.actor("lead")
        sixteen = _ask(world, kind="people_time", amount="0", hours="16")
        more = _ask(world, kind="people_time", amount="0", hours="16.5")
        assert resources.may_decide(lead, sixteen)
        assert not resources.may_decide(lead, more)

    def test_a_lead_decides_for_their_sub_teams_but_not_another_team(self, world, thresholds):
        from_sub_team = _ask(world, who="sub_manager")
        from_team_b = _ask(world, who="other_manager")
        assert resources.may_decide(world.one.actor("lead"), from_sub_team)
        assert not resources.may_decide(world.one.actor("lead"), from_team_b)
        assert resources.may_decide(world.one.actor("other_lead"), from_team_b)

    def test_nobody_decides_their_own_request_nor_does_an_account_manager_decide(self, world, thresholds):
        goal = _goal(world)
        own = _ask(world, who="director", goal=goal, amount="9000")
        assert "own" in resources.decide_problem(world.one.actor("director"), own)
        assert resources.may_decide(world.one.actor("admin"), own)
        teammates = _ask(world, who="teammate")
        assert not resources.may_decide(world.one.actor("manager"), teammates)
        assert not resources.may_decide(world.one.actor("analyst"), teammates)

    def test_the_requests_to_decide_follow_the_same_rule(self, world, thresholds):
        small, big = _ask(world, amount="4999.99"), _ask(world, amount="5000.01")
        own = _ask(world, who="lead", amount="1")
        for role, expected in (
            ("lead", {small}),
            ("director", {small, big, own}),
            ("admin", {small, big, own}),
            ("manager", set()),
            ("analyst", set()),
        ):
            actor = world.one.actor(role)
            rows = selectors.resource_request_filter(actor, selectors.resource_request_list(actor), to_decide=True)
            assert set(rows) == expected, role
            # The list and the rule agree on every request.
            assert {rr for rr in (small, big, own) if resources.may_decide(actor, rr)} == expected, role


class TestDecisions:
    def test_approving_tells_the_requester_and_is_audited(self, world, thresholds, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            rr = _ask(world, amount="1200.50")
        # The manager's team lead is asked (within the threshold), nobody else.
        asked = Notification.objects.filter(kind="resource_request_to_decide")
        assert [n.recipient for n in asked] == [world.one.lead]
        with django_capture_on_commit_callbacks(execute=True):
            resources.resource_request_decide(actor=world.one.actor("lead"), rr=rr, decision="approved")
        rr.refresh_from_db()
        assert (rr.status, rr.decision, rr.decided_by) == ("approved", "approved", world.one.lead)
        told = Notification.objects.get(kind="resource_request_approved")
        assert told.recipient == world.one.manager
        assert "¥1,200.50" in told.message
        assert asked.get().read_at is not None  # settled
        audit = AuditEntry.objects.filter(object_type="work.resourcerequest", object_id=str(rr.pk))
        assert {(e.field, e.before, e.after) for e in audit} == {
            ("amount", "", "1200.50"),
            ("status", "requested", "approved"),
        }

    def test_above_the_threshold_the_directors_are_asked(self, world, thresholds, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            _ask(world, amount="8000")
            _ask(world, who="lead", amount="10")  # a lead's own: nobody leads them, so a director
        assert {n.recipient for n in Notification.objects.filter(kind="resource_request_to_decide")} == {
            world.one.director
        }
        assert Notification.objects.filter(kind="resource_request_to_decide").count() == 2

    def test_refusing_needs_a_reason_and_changes_nothing_without_one(self, world, thresholds):
        rr = _ask(world)
        with pytest.raises(ValidationFailed) as error:
            resources.resource_request_decide(actor=world.one.actor("lead"), rr=rr, decision="refused", reason="  ")
        assert set(error.value.errors) == {"refusal_reason"}
        rr.refresh_from_db()
        assert rr.status == "requested" and rr.decided_by is None
        resources.resource_request_decide(actor=world.one.actor("lead"), rr=rr, decision="refused", reason="No budget")
        rr.refresh_from_db()
        assert (rr.status, rr.refusal_reason) == ("refused", "No budget")

    def test_deciding_above_ones_threshold_or_ones_own_is_a_field_error(self, world, thresholds):
        big = _ask(world, amount="5000.01")
        with pytest.raises(ValidationFailed) as error:
            resources.resource_request_decide(actor=world.one.actor("lead"), rr=big, decision="approved")
        assert "¥5,000.00" in error.value.errors["decision"][0]
        own = _ask(world, who="lead")
        with pytest.raises(ValidationFailed):
            resources.resource_request_decide(actor=world.one.actor("lead"), rr=own, decision="approved")
        assert set(ResourceRequest.objects.values_list("status", flat=True)) == {"requested"}

    def test_a_decided_request_is_not_decided_again(self, world, thresholds):
        rr = _ask(world)
        resources.resource_request_decide(actor=world.one.actor("lead"), rr=rr, decision="approved")
        with pytest.raises(ValidationFailed):
            resources.resource_request_decide(actor=world.one.actor("director"), rr=rr, decision="refused", reason="x")

    def test_the_analyst_decides_nothing(self, world, thresholds):
        with pytest.raises(Forbidden):
            resources.resource_request_decide(actor=world.one.actor("analyst"), rr=_ask(world), decision="approved")


class TestRequests:
    def test_a_request_belongs_to_exactly_one_task_or_goal_in_the_database(self, world):
        task = _task(world.one.manager)
        with pytest.raises(IntegrityError), transaction.atomic():
            ResourceRequest.objects.create(
                org=world.one.org, task=task, goal=_goal(world), kind="budget", description="x",
                requested_by=world.one.manager,
            )  # fmt: skip
        with pytest.raises(IntegrityError), transaction.atomic():
            ResourceRequest.objects.create(org=world.one.org, kind="budget", description="x", requested_by=task.owner)

    @pytest.mark.parametrize(
        "amount,message",
        [
            ("-0.01", "The amount cannot be below zero."),
            ("100000000000000", "The amount is too large."),
            ("12.345", "Too many decimals for the currency."),
            ("lots", "Not an amount; write 1234.50 or ¥1,234.50."),
        ],
    )
    def test_a_bad_amount_is_a_field_error_and_nothing_is_saved(self, world, amount, message):
        with pytest.raises(ValidationFailed) as error:
            _ask(world, amount=amount)
        assert error.value.errors == {"amount": [message]}
        assert not ResourceRequest.objects.exists()

    def test_amounts_are_read_as_people_type_them(self, world):
        assert _ask(world, amount="¥1,234.50").amount_minor == 123_450
        assert _ask(world, amount="99999999999999.99").amount_minor == 9_999_999_999_999_999

    def test_people_time_needs_its_hours(self, world):
        with pytest.raises(ValidationFailed) as error:
            _ask(world, kind="people_time", amount="0")
        assert set(error.value.errors) == {"hours"}

    def test_who_may_ask(self, world):
        goal = _goal(world)
        with pytest.raises(Forbidden):
            _ask(world, who="manager", goal=goal)  # a goal's resources are asked by whoever sets it
        assert _ask(world, who="lead", goal=goal).goal == goal
        with pytest.raises(Forbidden):
            _ask(world, who="teammate", task=_task(world.one.manager))  # not their task
        with pytest.raises(Forbidden):
            _ask(world, who="analyst", task=_task(world.one.manager))


class TestSpendingAndFlags:
    def test_over_budget_spent_unapproved_and_started_without(self, world, thresholds):
        lead = world.one.actor("lead")
        manager = world.one.actor("manager")
        goal = _goal(world)
        # Approved ¥1,000.00, spent ¥1,200.00: over budget by hand (1,200 > 1,000).
        over = _ask(world, amount="1000", task=_task(world.one.manager, goal=goal))
        resources.resource_request_decide(actor=lead, rr=over, decision="approved")
        resources.resource_request_spend(actor=manager, rr=over, amount="1200")
        # Approved ¥500.00, spent exactly that: no flag.
        exact = _ask(world, amount="500", task=_task(world.one.manager, goal=goal))
        resources.resource_request_decide(actor=lead, rr=exact, decision="approved")
        resources.resource_request_spend(actor=manager, rr=exact, amount="500")
        # Never decided, ¥300.00 spent anyway: spent but not approved.
        unapproved = _ask(world, amount="300", task=_task(world.one.manager, goal=goal))
        resources.resource_request_spend(actor=manager, rr=unapproved, amount="300")
        # The task is under way while its request still waits: started without its resources.
        doing = _task(world.one.manager, status="doing", goal=goal)
        waiting = _ask(world, task=doing)
        # Refused, and the task is done: also started without.
        done = _task(world.one.manager, status="done", goal=goal)
        refused = _ask(world, task=done)
        resources.resource_request_decide(actor=lead, rr=refused, decision="refused", reason="Later")
        # Waiting on a task still to do: no flag.
        calm = _ask(world, task=_task(world.one.manager, goal=goal))

        expected = {
            over.pk: ["over_budget"],
            unapproved.pk: ["spent_unapproved"],
            waiting.pk: ["started_without"],
            refused.pk: ["started_without"],
        }
        flags = selectors.resource_flags_for_goal(goal, world.one.actor("lead"))
        assert {row["request"].pk: [f["name"] for f in row["flags"]] for row in flags["rows"]} == expected
        assert {c["name"]: c["count"] for c in flags["counts"]} == {
            "over_budget": 1,
            "spent_unapproved": 1,
            "started_without": 2,
        }
        assert flags["total"] == 4 and flags["flagged"] == 4
        assert exact.pk not in expected and calm.pk not in expected
        # The team page counts the same requests (all of team A's people).
        team = selectors.resource_flags_for_team(world.one.actor("lead"), world.one.team_a)
        assert {row["request"].pk for row in team["rows"]} == set(expected)
        # The database filter and the row's own rule agree.
        for name in ("over_budget", "spent_unapproved", "started_without"):
            rows = selectors.resource_request_filter(lead, selectors.resource_request_list(lead), flag=name)
            assert {rr.pk for rr in rows} == {pk for pk, names in expected.items() if name in names}, name

    def test_spending_is_audited_and_may_be_corrected(self, world, thresholds):
        rr = _ask(world, amount="1000")
        resources.resource_request_decide(actor=world.one.actor("lead"), rr=rr, decision="approved")
        resources.resource_request_spend(actor=world.one.actor("manager"), rr=rr, amount="950")
        resources.resource_request_spend(actor=world.one.actor("manager"), rr=rr, amount="980.40")
        rr.refresh_from_db()
        assert (rr.status, rr.spent_minor, rr.decision) == ("spent", 98_040, "approved")
        spent = AuditEntry.objects.filter(object_type="work.resourcerequest", field="spent").order_by("pk")
        assert [(e.before, e.after) for e in spent] == [("", "950.00"), ("950.00", "980.40")]

    def test_spending_before_a_decision_leaves_it_to_decide(self, world, thresholds):
        """Spent while waiting: flagged, and still the lead's to approve or refuse (recording the
        spending does not take it out of the decision)."""
        lead = world.one.actor("lead")
        rr = _ask(world, amount="300")
        resources.resource_request_spend(actor=world.one.actor("manager"), rr=rr, amount="300")
        waiting = selectors.resource_request_filter(lead, selectors.resource_request_list(lead), to_decide=True)
        assert rr.pk in {row.pk for row in waiting}
        resources.resource_request_decide(actor=lead, rr=rr, decision="refused", reason="Not in the budget")
        rr.refresh_from_db()
        assert (rr.status, rr.decision, rr.spent_minor) == ("spent", "refused", 30_000)
        assert rr.flags == ["spent_unapproved"]
        with pytest.raises(ValidationFailed):
            resources.resource_request_decide(actor=lead, rr=rr, decision="approved")

    def test_who_records_spending(self, world, thresholds):
        rr = _ask(world)
        with pytest.raises(ValidationFailed) as error:
            resources.resource_request_spend(actor=world.one.actor("teammate"), rr=rr, amount="1")
        assert set(error.value.errors) == {"spent_amount"}
        with pytest.raises(ValidationFailed) as error:
            resources.resource_request_spend(actor=world.one.actor("manager"), rr=rr, amount="-5")
        assert error.value.errors == {"spent_amount": ["The amount cannot be below zero."]}
        rr.refresh_from_db()
        assert rr.spent_minor is None and rr.status == "requested"


class TestScope:
    def test_a_request_is_seen_with_its_task_or_goal(self, world):
        on_task = _ask(world)
        on_goal = _ask(world, who="lead", goal=_goal(world, level="manager"))
        for role, expected in (
            ("manager", {on_task, on_goal}),
            ("teammate", set()),
            ("lead", {on_task, on_goal}),
            ("other_lead", set()),
            ("director", {on_task, on_goal}),
            ("analyst", {on_task, on_goal}),
        ):
            assert set(selectors.resource_request_list(world.one.actor(role))) == expected, role
        assert not selectors.resource_request_list(world.two.actor("admin")).exists()
