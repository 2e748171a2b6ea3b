import datetime as dt

import pytest

from pacekeeper.demo.tickets import TICKETS, make_tickets
from pacekeeper.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_the_demo_tickets_are_consistent(world):
    assert make_tickets(world.one.org, seed=1, until=dt.date(2026, 12, 3)) == TICKETS
    closed = Ticket.objects.filter(status="closed")
    assert closed.exists() and not closed.filter(reported_back_at=None).exists()
    assert Ticket.objects.filter(status="waiting").count() == 1
    assert all(ticket.changes.exists() for ticket in Ticket.objects.all())
