"""Each audited service writes exactly one audit row per change (a bulk transfer one per
customer), with the actor, the before and the after."""

import datetime as dt
from decimal import Decimal

import pytest

from pacekeeper.crm.services import customers_transfer, follow_up_policy_set
from pacekeeper.goals import services as goals
from pacekeeper.goals.models import Goal
from pacekeeper.tenancy.models import AuditEntry
from pacekeeper.tenancy.services import user_set_role, user_update

pytestmark = pytest.mark.django_db


def a_goal(world, status=Goal.Status.DRAFT) -> Goal:
    return Goal.objects.create(
        org=world.one.org, title="Visits", metric="visits", level="manager", person=world.one.manager,
        starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31), target=10, status=status,
    )  # fmt: skip


CHANGES = {
    "role": lambda w: (user_set_role(actor=w.one.actor("admin"), user=w.one.manager, role="lead"), "manager", "lead"),
    "deactivation": lambda w: (
        user_update(actor=w.one.actor("admin"), user=w.one.teammate, changes={"is_active": False}, reason="left"),
        "True",
        "False",
    ),
    "follow-up policy": lambda w: (
        follow_up_policy_set(actor=w.one.actor("director"), tier="key", interval_days=21),
        "30",
        "21",
    ),
    "goal activation": lambda w: (
        goals.goal_activate(actor=w.one.actor("director"), goal=a_goal(w), override_reason="agreed in review"),
        "draft",
        "active",
    ),
    "goal target": lambda w: (
        goals.goal_set_target(actor=w.one.actor("director"), goal=a_goal(w, "active"), target=Decimal(12), reason="x"),
        "10",
        "12",
    ),
    "goal status": lambda w: (
        goals.goal_set_status(actor=w.one.actor("lead"), goal=a_goal(w, "active"), status="cancelled", reason="moved"),
        "active",
        "cancelled",
    ),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_an_audited_change_writes_exactly_one_row(world, change):
    before_count = AuditEntry.objects.count()
    _result, before, after = CHANGES[change](world)
    assert AuditEntry.objects.count() == before_count + 1
    entry = AuditEntry.objects.latest("pk")
    assert (entry.before, entry.after, entry.org_id) == (before, after, world.one.org.pk)
    assert entry.actor_id is not None and entry.at is not None


def test_a_bulk_transfer_writes_one_row_per_customer(world):
    from tests.factories import CustomerFactory

    moving = [CustomerFactory(org=world.one.org, owner=world.one.manager) for _ in range(3)]
    before_count = AuditEntry.objects.count()
    moved = customers_transfer(
        actor=world.one.actor("director"), customer_ids=[c.pk for c in moving], to_manager_id=world.one.teammate.pk,
        reason="rebalancing",
    )  # fmt: skip
    assert moved == 3 and AuditEntry.objects.count() == before_count + 3
    rows = AuditEntry.objects.filter(field="owner")
    assert sorted((r.object_id, r.before, r.after, r.reason) for r in rows) == sorted(
        (str(c.pk), str(world.one.manager.pk), str(world.one.teammate.pk), "rebalancing") for c in moving
    )
