"""Ticket KPIs through the registry, by hand: opened, complaints per 100 customers, SLA
compliance and the median time to resolve (the histogram's grouped-data median)."""

from decimal import Decimal

import pytest

from pacekeeper.kpis.periods import Period
from pacekeeper.kpis.registry import METRICS
from pacekeeper.tickets import metrics, services
from pacekeeper.tickets.models import Ticket
from tests.tickets.conftest import open_ticket

pytestmark = pytest.mark.django_db
NOVEMBER = Period.month(2026, 11)


def _components(name_values: dict) -> dict:
    return {name: 0 for name in metrics.BUCKET_NAMES} | name_values


def test_the_median_reads_the_middle_bucket():
    # 1 ticket ≤1 h, 2 in (1, 2], 1 in (2, 3]: n/2 = 2 falls in (1, 2] with 1 below: 1 + (2-1)/2 × 1 = 1.5.
    counts = _components({"tickets_resolved_le_1h": 1, "tickets_resolved_le_2h": 2, "tickets_resolved_le_3h": 1})
    assert metrics.median_hours(counts) == Decimal("1.5")
    assert metrics.median_hours(_components({})) is None
    assert metrics.median_hours(_components({"tickets_resolved_over": 3})) == Decimal(240)


def test_the_metrics_are_registered_and_computed_for_the_managers(world, clock):
    assert {"tickets_opened", "complaints_per_100_customers", "sla_first_response", "sla_resolution"} <= set(METRICS)
    actor = world.one.actor("manager")
    first = open_ticket(world)  # normal: 8 h / 40 h
    open_ticket(world, kind="suggestion")
    clock.set(2026, 11, 30, 11)
    services.ticket_add_entry(actor=actor, ticket=first, kind="reply", body="On it")  # 2 h: met
    clock.set(2026, 12, 1, 10)
    services.ticket_set_status(actor=actor, ticket=first, status="resolved")  # 9 + 1 = 10 h: met
    assert Ticket.objects.get(pk=first.pk).resolution_seconds == 10 * 3600
    credits = metrics.ticket_live(world.one.org, Period(NOVEMBER.start, Period.month(2026, 12).end), set())
    mine = credits.by_manager[world.one.manager.pk]
    assert (mine["tickets_opened"], mine["complaints_opened"]) == (2, 1)
    assert (mine["tickets_responded"], mine["tickets_responded_on_time"]) == (1, 1)
    assert (mine["tickets_resolved"], mine["tickets_resolved_on_time"], mine["tickets_resolved_le_12h"]) == (1, 1, 1)
    customers = mine["ticket_portfolio_customers"]
    assert customers >= 1
    assert METRICS["complaints_per_100_customers"].value(mine) == metrics.per_hundred(1, customers)
    assert METRICS["sla_resolution"].value(mine) == Decimal("100.00")
    # One ticket in (8, 12]: the median is 8 + 0.5 × 4 = 10.0 working hours.
    assert METRICS["ticket_median_resolution_hours"].value(mine) == Decimal("10.0")
