import datetime as dt
from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest

from pacekeeper.insights import sources
from tests.factories import InteractionFactory
from tests.feedback.conftest import surveys  # noqa: F401  (the fixture, for survey answers)


def note(world, owner: str, text: str, day: dt.date, org: str = "one"):
    """An interaction note about the owner's customer on `day` (10:00 Shanghai)."""
    people = getattr(world, org)
    return InteractionFactory(
        customer=people.customers[owner],
        summary=text,
        occurred_at=dt.datetime.combine(day, dt.time(10), tzinfo=ZoneInfo("Asia/Shanghai")),
    )


ORIGINAL_SOURCES = dict(sources.SOURCES)


@pytest.fixture(autouse=True)
def notes_analysed(monkeypatch):
    """Most tests here write their texts as interaction notes (the quickest text to make): treat
    notes as customer-authored for them. By default notes are left out of the customer's voice
    (test_services.py checks that, with the registry as shipped: `ORIGINAL_SOURCES`)."""
    monkeypatch.setitem(
        sources.SOURCES, "interaction", replace(ORIGINAL_SOURCES["interaction"], customer_authored=True)
    )
