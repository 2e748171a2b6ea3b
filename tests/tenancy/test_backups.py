"""A backup taken while people write restores into an empty database whole and consistent."""

import threading
import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from pacekeeper.demo.seed import seed_organization
from pacekeeper.lib.backups import backup, fingerprint, fingerprint_of, restore
from pacekeeper.tenancy.models import AuditEntry, User

WRITTEN = "tenancy_auditentry"


def source_fingerprint():
    if connection.vendor == "postgresql":
        return fingerprint_of(connection.settings_dict)  # committed data, read like the restored copy
    return fingerprint(connection.cursor(), "sqlite")


@pytest.fixture
def empty_database(tmp_path):
    """Settings of a new, empty database of the same kind as the one under test."""
    if connection.vendor != "postgresql":
        yield {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "restored.sqlite3")}
        return
    name = f"{connection.settings_dict['NAME']}_restore"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield {**connection.settings_dict, "NAME": name}
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def keep_writing(org, stop: threading.Event, written: list):
    """Someone working meanwhile: audit rows, one committed transaction each."""
    actor = User.objects.filter(org=org).first()
    try:
        while not stop.is_set():
            AuditEntry.objects.create(org=org, actor=actor, object_type="x.y", object_id="1", field="f", after="v")
            written.append(1)
    finally:
        connections.close_all()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_backup_taken_during_writes_restores_whole(tmp_path, empty_database):
    org = seed_organization(managers=4, customers=20, months=2, seed=5, team_size=2).org
    before = source_fingerprint()
    stop, written = threading.Event(), []
    writer = threading.Thread(target=keep_writing, args=(org, stop, written))
    writer.start()
    deadline = time.monotonic() + 60
    while len(written) < 20:  # someone is really writing while the backup runs
        assert writer.is_alive() and time.monotonic() < deadline, "the writer stopped"
        time.sleep(0.01)
    call_command("backup", str(tmp_path / "pacekeeper.dump"))
    stop.set()
    writer.join()
    after = source_fingerprint()
    restore(tmp_path / "pacekeeper.dump", settings_dict=empty_database)
    restored = fingerprint_of(empty_database)

    assert restored.keys() == before.keys()
    unchanged = {table for table in before if table != WRITTEN}
    assert {table: restored[table] for table in unchanged} == {table: before[table] for table in unchanged}
    assert restored["crm_customer"][0] == 20
    # The table written meanwhile holds a whole prefix of the writes: none torn, none invented.
    assert before[WRITTEN][0] + 20 <= restored[WRITTEN][0] <= after[WRITTEN][0]


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_is_not_empty(tmp_path):
    backup(tmp_path / "pacekeeper.dump")
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(tmp_path / "pacekeeper.dump"))


def test_restore_says_when_there_is_no_backup(tmp_path, db):
    with pytest.raises(CommandError, match="No backup"):
        call_command("restore", str(tmp_path / "missing.dump"))
