"""Imports hold the database in short pieces and survive their worker (issue 13, items 13–14):
a file is written in pieces of IMPORT_WRITE_ROWS rows, each its own transaction; an import
interrupted between pieces completes exactly once when run again; a job whose worker died is
queued again by the next worker that looks; the heartbeat goes on through a database error."""

import threading

import pytest
from django.db import OperationalError
from django.db.models import QuerySet
from django.utils import translation

from pacekeeper.crm import imports
from pacekeeper.crm.import_jobs import MAX_ATTEMPTS, import_job_start, recover_stalled_imports
from pacekeeper.crm.imports import import_apply
from pacekeeper.crm.models import Customer, ImportJob
from pacekeeper.lib import jobs

ROWS = 5
CUSTOMERS = "统一社会信用代码,客户名称,客户经理\n" + "".join(
    f"9131P{number},客户{number},one_manager\n" for number in range(ROWS)
)


def imported() -> int:
    return Customer.objects.filter(external_id__startswith="9131P").count()


@pytest.mark.django_db
def test_an_import_interrupted_after_a_piece_keeps_it_and_completes_exactly_once_when_run_again(
    world, settings, monkeypatch
):
    settings.IMPORT_WRITE_ROWS = 2
    write, pieces = imports.WRITERS["customers"], []

    def dies_on_the_second_piece(actor, piece, report):
        pieces.append(len(piece))
        if len(pieces) == 2:
            raise OperationalError("disk I/O error")
        write(actor, piece, report)

    monkeypatch.setitem(imports.WRITERS, "customers", dies_on_the_second_piece)
    actor = world.one.actor("lead")
    with pytest.raises(OperationalError):
        import_apply(actor=actor, kind="customers", data=CUSTOMERS.encode(), filename="c.csv")
    assert imported() == 2  # the first piece was committed on its own: the lock was let go
    monkeypatch.setitem(imports.WRITERS, "customers", write)
    report = import_apply(actor=actor, kind="customers", data=CUSTOMERS.encode(), filename="c.csv")
    assert (report.applied, report.created, report.updated) == (True, ROWS - 2, 2)
    assert imported() == ROWS


@pytest.mark.django_db
def test_all_or_nothing_still_writes_nothing_when_a_row_is_out_of_scope(world, settings):
    settings.IMPORT_WRITE_ROWS = 2
    theirs = world.one.customers["other_manager"]
    Customer.objects.filter(pk=theirs.pk).update(external_id="9131THEIRS")
    data = (CUSTOMERS + "9131THEIRS,别人的客户,one_manager\n").encode()
    report = import_apply(actor=world.one.actor("manager"), kind="customers", data=data, filename="c.csv")
    assert not report.applied and report.bad_rows == 1
    assert imported() == 0


@pytest.fixture
def stalled_job(world, settings, django_capture_on_commit_callbacks):
    """A confirmed import whose worker was killed: importing, its heartbeat long silent."""
    with django_capture_on_commit_callbacks(execute=False):  # queued, not run
        job, _created = import_job_start(
            actor=world.one.actor("lead"),
            kind="customers",
            filename="c.csv",
            chunks=iter([CUSTOMERS.encode()]),
        )
    ImportJob.objects.filter(pk=job.pk).update(status="importing", heartbeat_at=job.created_at, attempts=1)
    settings.IMPORT_STALE_SECONDS = 0
    return job


@pytest.mark.django_db
def test_a_job_whose_worker_died_is_queued_again_and_completes(stalled_job, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert recover_stalled_imports() == 1
    stalled_job.refresh_from_db()
    assert stalled_job.status == ImportJob.Status.DONE
    assert imported() == ROWS


@pytest.mark.django_db
def test_a_job_whose_worker_died_too_often_is_marked_failed(stalled_job, django_capture_on_commit_callbacks):
    ImportJob.objects.filter(pk=stalled_job.pk).update(attempts=MAX_ATTEMPTS)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        assert recover_stalled_imports() == 1
    assert not queued
    stalled_job.refresh_from_db()
    assert stalled_job.status == ImportJob.Status.FAILED
    assert "not added twice" in stalled_job.failure


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_goes_on_beating_after_a_database_error(world, settings, monkeypatch):
    settings.IMPORT_HEARTBEAT_SECONDS = 0
    job = ImportJob.objects.create(
        org=world.one.org, created_by=world.one.lead, kind="customers", filename="c.csv", stored_as="x"
    )
    original, beats, beaten = QuerySet.update, [], threading.Event()

    def update(queryset, **values):
        if "heartbeat_at" in values and threading.current_thread() is not threading.main_thread():
            beats.append(values)
            if len(beats) == 1:
                raise OperationalError("database is locked")  # SQLite while an import writes
            if len(beats) == 3:
                beaten.set()
        return original(queryset, **values)

    monkeypatch.setattr(QuerySet, "update", update)
    with jobs.heartbeat(ImportJob, job.pk):
        assert beaten.wait(60), "the heartbeat stopped after one database error"


@pytest.mark.django_db
def test_the_report_is_in_the_language_of_whoever_started_the_import(world, django_capture_on_commit_callbacks):
    """Started from an English page, checked by a worker whose language is Chinese: the problems
    read in English, and the suggestion lists the labels the export writes ("SME"), not codes."""
    data = b"External id,Name,Account manager,Tier\n9131P1,Acme,one_manager,Gold\n"
    with django_capture_on_commit_callbacks() as queued, translation.override("en"):
        job, _created = import_job_start(
            actor=world.one.actor("manager"), kind="customers", filename="c.csv", chunks=[data]
        )
    with translation.override("zh-hans"):
        for callback in queued:
            callback()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED
    (error,) = job.report["errors"]
    assert error["reason"] == "Unknown value; use one of: Strategic, Key, Standard, SME"
