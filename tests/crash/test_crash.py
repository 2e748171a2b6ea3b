"""Faults in the middle of an import: the worker killed (kill -9) and, on PostgreSQL, its
database connection terminated. The import is wholly present or wholly absent, the job is
marked failed, runs again to completion, and nothing is duplicated. On SQLite the file
passes PRAGMA integrity_check after the kill.

Each step runs in its own process against a scratch database, as in production."""

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from tests.scratch import scratch_database

ROWS = 60_000
ROOT = Path(__file__).resolve().parents[2]
PACEKEEPER = str(Path(sys.executable).parent / "pacekeeper")

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


class Scratch:
    """Steps and queries against a scratch database (tests.scratch)."""

    def __init__(self, env: dict, vendor: str, sqlite_path: Path | None = None, pg: dict | None = None):
        self.env, self.vendor, self.sqlite_path, self.pg = env, vendor, sqlite_path, pg

    def step(self, *args: str, env: dict | None = None) -> dict:
        command = [sys.executable, "-m", "tests.crash.scenario", *args]
        done = subprocess.run(command, env=env or self.env, cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads(done.stdout.strip().splitlines()[-1]) if done.stdout.strip() else {}

    def drain_queue(self, **extra_env: str) -> None:
        """A worker that runs whatever is queued, then exits."""
        command = [PACEKEEPER, "worker", "--batch", "--no-startup-delay", "--interval", "0.1"]
        done = subprocess.run(command, env=self.env | extra_env, cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]

    def start_worker(self) -> subprocess.Popen:
        command = [PACEKEEPER, "worker", "--no-startup-delay", "--interval", "0.1"]
        return subprocess.Popen(command, env=self.env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def query(self, sql: str):
        if self.vendor == "postgresql":
            with psycopg.connect(**self.pg) as raw:
                return raw.execute(sql).fetchone()
        raw = sqlite3.connect(self.sqlite_path, timeout=30)
        try:
            return raw.execute(sql).fetchone()
        finally:
            raw.close()

    def job(self, job_id: int) -> tuple[str, int]:
        return self.query(f"SELECT status, rows_seen FROM crm_importjob WHERE id = {int(job_id)}")

    def sales(self) -> int:
        return self.query("SELECT COUNT(*) FROM crm_sale")[0]

    def wait_for(self, job_id: int, condition, timeout: float = 120) -> tuple[str, int]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = self.job(job_id)
            if condition(*state):
                return state
            time.sleep(0.02)
        raise AssertionError(f"job {job_id} stuck at {self.job(job_id)}")


@pytest.fixture
def scratch(tmp_path):
    with scratch_database(tmp_path, "crash") as database:
        database.env["PACEKEEPER_IMPORT_HEARTBEAT_SECONDS"] = "1"
        yield Scratch(database.env, database.vendor, sqlite_path=database.sqlite_path, pg=database.pg)


def checked_import(scratch) -> tuple[int, int]:
    prepared = scratch.step("prepare", str(ROWS))
    job, before = prepared["job"], prepared["sales_before"]
    scratch.drain_queue()
    assert scratch.job(job) == ("checked", ROWS)
    scratch.step("confirm", str(job))
    return job, before


def run_again_to_completion(scratch, job: int, before: int) -> None:
    scratch.step("rerun", str(job))
    scratch.drain_queue()
    assert scratch.job(job) == ("checked", ROWS)
    scratch.step("confirm", str(job))
    scratch.drain_queue()
    assert scratch.job(job)[0] == "done"
    assert scratch.sales() == before + ROWS  # exactly once, whatever happened before


def test_killing_the_worker_mid_import_loses_nothing_and_tears_nothing(scratch):
    job, before = checked_import(scratch)
    worker = scratch.start_worker()
    scratch.wait_for(job, lambda status, seen: status == "importing" and seen == ROWS)  # writing now
    time.sleep(0.1)
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    assert scratch.sales() in (before, before + ROWS)  # wholly absent or wholly present
    if scratch.vendor == "sqlite":
        assert scratch.query("PRAGMA integrity_check") == ("ok",)
    assert scratch.job(job)[0] == "importing"  # nobody could say otherwise: the worker is gone
    scratch.drain_queue(PACEKEEPER_IMPORT_STALE_SECONDS="0")  # a worker starting up notices
    assert scratch.job(job)[0] == "failed"
    run_again_to_completion(scratch, job, before)


def test_losing_the_database_connection_mid_import_fails_the_job_cleanly(scratch):
    if scratch.vendor != "postgresql":
        pytest.skip("terminating a server connection is PostgreSQL's")
    job, before = checked_import(scratch)
    worker = scratch.start_worker()
    try:
        scratch.wait_for(job, lambda status, seen: status == "importing" and seen == ROWS)
        time.sleep(0.1)
        with psycopg.connect(**scratch.pg) as raw:
            raw.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        status, _seen = scratch.wait_for(job, lambda status, seen: status in ("failed", "done"))
        assert (status, scratch.sales()) in (("failed", before), ("done", before + ROWS))
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    if status == "failed":
        run_again_to_completion(scratch, job, before)
