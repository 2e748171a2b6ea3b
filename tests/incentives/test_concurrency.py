"""Two directors approve the same payout run at the same moment: exactly one approval wins, the
other is told the run is no longer waiting, and one audit row records it. Each approval runs in
its own thread with its own database connection, as two web requests would."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection

from pacekeeper.errors import ValidationFailed
from pacekeeper.incentives import services
from pacekeeper.incentives.commission import Tier
from pacekeeper.incentives.models import PayoutRun
from pacekeeper.kpis.periods import Period
from pacekeeper.kpis.rollups import rollups_rebuild
from pacekeeper.tenancy.models import AuditEntry, Role
from pacekeeper.tenancy.scopes import actor_for
from tests.factories import SaleFactory, UserFactory


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_approvals_of_one_run_exactly_one_succeeds(world):
    one = world.one
    SaleFactory(customer=one.customers["manager"], ordered_on=dt.date(2026, 10, 3), amount_minor=50_000_00)
    rollups_rebuild(org=one.org)
    plan = services.plan_save(
        actor=one.actor("admin"), name="Commission", metric="sales_amount", tiers=[Tier(0, Decimal(2))]
    )
    run = services.payout_run_start(actor=one.actor("director"), plan=plan, period=Period.month(2026, 10))
    services.calculate(run.pk)
    second_director = UserFactory(org=one.org, username="one_director_2", role=Role.DIRECTOR)
    approvers = [one.actor("director"), actor_for(second_director)]
    start = threading.Barrier(len(approvers))
    outcomes: list[str] = []

    def approve(actor):
        try:
            start.wait()
            services.payout_run_approve(actor=actor, run=run, reason=f"approved by {actor.user.username}")
            outcomes.append("approved")
        except ValidationFailed:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(actor,)) for actor in approvers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["approved", "refused"]
    run.refresh_from_db()
    assert run.status == PayoutRun.Status.APPROVED
    approvals = AuditEntry.objects.filter(object_type="incentives.payoutrun", field="status", after="approved")
    assert approvals.count() == 1
    assert approvals.get().actor_id == run.approved_by_id
