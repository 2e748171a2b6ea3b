"""A small organisation with facts in March 2026, February 2026 and March 2025 (the report's
period, the one before, the same one last year), a team goal and tasks."""

import datetime as dt
import importlib.util
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import timezone

from pacekeeper.goals.models import Goal
from pacekeeper.kpis.rollups import rollups_rebuild
from pacekeeper.progress import exports
from pacekeeper.work import services as work_services
from tests.factories import SaleFactory, build_world

MARCH = dt.date(2026, 3, 1)
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(autouse=True)
def _files_without_renderer(monkeypatch):
    """Until lib/pdf.py and lib/tabular.write_document_xlsx exist (the `pdf` branch), reports
    keep stand-in files; once they do, the real ones."""
    if importlib.util.find_spec("pacekeeper.lib.pdf") is None:
        monkeypatch.setattr(exports, "pdf_bytes", lambda document: b"%PDF-stand-in " + document.title.encode())
    from pacekeeper.lib import tabular

    if not hasattr(tabular, "write_document_xlsx"):
        monkeypatch.setattr(exports, "xlsx_bytes", lambda document: b"PK stand-in")


def _task(actor, owner, due, done_on=None):
    at = dt.datetime.combine(dt.date(2026, 2, 20), dt.time(10), tzinfo=SHANGHAI)
    with mock.patch.object(timezone, "now", return_value=at):
        task = work_services.task_create(actor=actor, changes={"title": "Call", "owner": owner.pk, "due_on": due})
    if done_on is not None:
        moment = dt.datetime.combine(done_on, dt.time(11), tzinfo=SHANGHAI)
        with mock.patch.object(timezone, "now", return_value=moment):
            work_services.task_move(actor=actor, task=task, status="done")
    return task


@pytest.fixture
def facts(db):
    world = build_world()
    one = world.one
    sales = {
        # (customer owner, day, amount in fen)
        ("manager", dt.date(2026, 3, 5), 500_000),
        ("manager", dt.date(2026, 2, 10), 200_000),
        ("manager", dt.date(2025, 3, 12), 100_000),
        ("teammate", dt.date(2026, 3, 8), 150_000),
        ("teammate", dt.date(2026, 2, 8), 300_000),
        ("sub_manager", dt.date(2026, 3, 20), 80_000),
        ("other_manager", dt.date(2026, 3, 3), 999_000),
    }
    for owner, day, amount in sales:
        SaleFactory(customer=one.customers[owner], ordered_on=day, amount_minor=amount)
    rollups_rebuild(org=one.org)
    director = one.actor("director")
    _task(director, one.manager, dt.date(2026, 3, 10), dt.date(2026, 3, 9))  # done on time
    _task(director, one.manager, dt.date(2026, 3, 12), dt.date(2026, 3, 15))  # done late
    _task(director, one.teammate, dt.date(2026, 3, 20))  # left open
    goal = Goal.objects.create(
        org=one.org,
        title="Team A sales in March",
        metric="sales_amount",
        level=Goal.Level.TEAM,
        team=one.team_a,
        starts_on=MARCH,
        ends_on=dt.date(2026, 3, 31),
        target=Decimal(1_000_000),
        status=Goal.Status.ACTIVE,
    )
    one.goal = goal
    return world
