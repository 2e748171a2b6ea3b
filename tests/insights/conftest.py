import datetime as dt
from zoneinfo import ZoneInfo

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
