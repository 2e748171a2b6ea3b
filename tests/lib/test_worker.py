"""`pacekeeper worker` keeps going through database errors (issue 13, item 13): a "database is
locked" when it begins claiming a task (SQLite during a long import) or a dropped connection
(PostgreSQL restarting) is logged, and after a pause the worker claims the task and runs it."""

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResultQuerySet

from pacekeeper.crm.import_jobs import import_job_start
from pacekeeper.crm.models import ImportJob
from pacekeeper.lib import worker as worker_module

pytestmark = pytest.mark.django_db(transaction=True)

CUSTOMERS = "统一社会信用代码,客户名称,客户经理\n9131W1,上海华信精密制造有限公司,one_manager\n"


@pytest.fixture
def queued_import(world, settings):
    """An import queued in the database, as the page leaves it for the worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.IMPORT_HEARTBEAT_SECONDS = 3600  # no beats from a second thread in this test
    job, _created = import_job_start(
        actor=world.one.actor("manager"),
        kind="customers",
        filename="客户.csv",
        chunks=iter([CUSTOMERS.encode()]),
        apply_mode="all_or_nothing",
    )
    return job


def fail_once(monkeypatch, owner, name: str, message: str) -> list:
    """Make `owner.name` raise OperationalError(message) the first time it is used."""
    original, raised = getattr(owner, name), []

    def flaky(*args, **kwargs):
        if not raised:
            raised.append(message)
            raise OperationalError(message)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, flaky)
    return raised


@pytest.fixture
def no_pauses(monkeypatch):
    monkeypatch.setattr(worker_module.time, "sleep", lambda seconds: None)


def run_worker_until_the_queue_is_empty() -> None:
    call_command("worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)


def test_it_goes_on_after_the_database_is_locked_as_it_begins_to_claim_a_task(
    queued_import, monkeypatch, no_pauses, caplog
):
    # Where the worker died in production: SQLite's BEGIN EXCLUSIVE of the claiming transaction.
    raised = fail_once(monkeypatch, db_worker, "exclusive_transaction", "database is locked")
    run_worker_until_the_queue_is_empty()
    assert raised
    assert "database is locked" in caplog.text
    queued_import.refresh_from_db()
    assert queued_import.status == ImportJob.Status.DONE
    assert queued_import.report["created"] == 1


def test_it_goes_on_after_the_connection_drops_while_claiming_a_task(queued_import, monkeypatch, no_pauses):
    raised = fail_once(monkeypatch, DBTaskResultQuerySet, "get_locked", "server closed the connection unexpectedly")
    run_worker_until_the_queue_is_empty()
    assert raised
    queued_import.refresh_from_db()
    assert queued_import.status == ImportJob.Status.DONE


def test_it_goes_on_when_looking_for_stalled_jobs_meets_a_locked_database(queued_import, monkeypatch, no_pauses):
    from pacekeeper.crm import import_jobs

    raised = fail_once(monkeypatch, import_jobs, "recover_stalled_imports", "database is locked")
    run_worker_until_the_queue_is_empty()
    assert raised
    queued_import.refresh_from_db()
    assert queued_import.status == ImportJob.Status.DONE


def test_a_pause_after_an_error_doubles_while_the_errors_go_on(monkeypatch):
    pauses, attempts = [], []
    monkeypatch.setattr(worker_module.time, "sleep", pauses.append)

    def step():
        attempts.append(1)
        if len(attempts) < 4:
            raise OperationalError("database is locked")

    worker_module.retry_without_error(step, until=lambda: False)
    assert len(attempts) == 4
    assert pauses == [worker_module.FIRST_PAUSE * factor for factor in (1, 2, 4)]
