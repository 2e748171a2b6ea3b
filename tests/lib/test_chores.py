"""The periodic chores run by the worker: once first with --batch, and from their own thread on
start-up and then every CHORE_MINUTES, a database error in a round logged and not fatal."""

import threading

import pytest
from django.core.management import call_command
from django.db import OperationalError

from pacekeeper.lib import chores
from pacekeeper.lib.worker import ResilientWorker

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ran(monkeypatch):
    calls = []
    monkeypatch.setattr(chores, "CHORES", {})
    chores.register("count", lambda: calls.append("count"))
    return calls


def test_the_worker_runs_the_chores_once_with_batch(ran, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    call_command("worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)
    assert ran == ["count"]


def test_the_chores_thread_runs_at_once_and_survives_a_database_error(caplog):
    rounds = []

    def round_of_chores():
        rounds.append(1)
        raise OperationalError("database is locked")

    worker = ResilientWorker(
        recover=lambda: None,
        chores=round_of_chores,
        queue_names=["*"],
        interval=0,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )
    done = threading.Event()
    done.set()  # stop after the first round
    worker._chores(done)
    assert rounds == [1]
    assert "the periodic chores failed" in caplog.text
