import datetime as dt
from zoneinfo import ZoneInfo

import pytest

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(y, m, d, h, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=SHANGHAI)


class Clock:
    """Django's `timezone.now` held at a chosen moment (entries' auto_now_add included)."""

    def __init__(self, monkeypatch):
        self.now = at(2026, 11, 30, 9)  # a Monday
        monkeypatch.setattr("django.utils.timezone.now", lambda: self.now)

    def set(self, *args):
        self.now = at(*args)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def open_ticket(world, actor="manager", owner="manager", **extra):
    from pacekeeper.tickets import services

    fields = {"channel": "phone", "kind": "complaint", "subject": "Late delivery", "severity": "normal"}
    fields.update(extra)
    return services.ticket_create(actor=world.one.actor(actor), customer_id=world.one.customers[owner].pk, **fields)
