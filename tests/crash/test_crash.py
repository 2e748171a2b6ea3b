"""Faults in the middle of an import and of a payout run: the worker killed (kill -9), also
while another writer holds SQLite's lock, and, on PostgreSQL, its database connection
terminated. An import is written in pieces (IMPORT_WRITE_ROWS), each wholly present or wholly
absent; the next worker takes an interrupted job up again by itself and it completes with
nothing duplicated. A payout run's lines are wholly present or wholly absent, the run is marked
failed and runs again; its total is the sum of its lines. On SQLite the file passes PRAGMA
integrity_check after the kill.

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
PIECE = 5_000  # rows an import writes per transaction in these tests (PACEKEEPER_IMPORT_WRITE_ROWS)
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
        """A worker that runs whatever is queued, then exits. It looks for stalled jobs once, on
        start-up: with a staleness of 0 s (the tests' way to say "the killed worker is gone"),
        its periodic look would find its own running job stalled on a slow machine."""
        extra_env = {"PACEKEEPER_JOB_RECOVERY_SECONDS": "3600"} | extra_env
        command = [PACEKEEPER, "worker", "--batch", "--no-startup-delay", "--interval", "0.1"]
        done = subprocess.run(command, env=self.env | extra_env, cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]

    def start_worker(self, **extra_env: str) -> subprocess.Popen:
        command = [PACEKEEPER, "worker", "--no-startup-delay", "--interval", "0.1"]
        env = self.env | extra_env
        return subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

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
        database.env["PACEKEEPER_IMPORT_WRITE_ROWS"] = str(PIECE)
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


def whole_pieces(scratch, before: int) -> int:
    written = scratch.sales() - before
    assert 0 <= written <= ROWS and written % PIECE == 0, written  # no piece torn
    return written


def test_killing_the_worker_mid_import_tears_nothing_and_the_next_worker_completes_it(scratch):
    job, before = checked_import(scratch)
    worker = scratch.start_worker()
    scratch.wait_for(job, lambda status, seen: status == "importing" and seen == ROWS)  # writing now
    time.sleep(0.1)
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    whole_pieces(scratch, before)
    if scratch.vendor == "sqlite":
        assert scratch.query("PRAGMA integrity_check") == ("ok",)
    assert scratch.job(job)[0] in ("importing", "done")  # if not done, nobody can say: the worker is gone
    scratch.drain_queue(PACEKEEPER_IMPORT_STALE_SECONDS="0")  # a worker starting up takes it up again
    assert scratch.job(job)[0] == "done"
    assert scratch.sales() == before + ROWS  # exactly once


def test_killing_the_worker_while_another_writer_holds_sqlite_recovers_without_anyone(scratch):
    """The worker is killed while another writer holds SQLite's lock (its next piece waiting for
    it); a worker started again at once, as a service manager does, meets the lock too. Once the
    lock is let go, that worker notices the job went silent and completes it: nobody reruns it."""
    if scratch.vendor != "sqlite":
        pytest.skip("SQLite's one-writer lock")
    job, before = checked_import(scratch)
    worker = scratch.start_worker()
    scratch.wait_for(job, lambda status, seen: status == "importing" and seen == ROWS)
    holder = sqlite3.connect(scratch.sqlite_path, timeout=30, isolation_level=None)
    restarted = None
    try:
        holder.execute("BEGIN IMMEDIATE")  # as soon as the current piece commits
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        restarted = scratch.start_worker(PACEKEEPER_IMPORT_STALE_SECONDS="2", PACEKEEPER_JOB_RECOVERY_SECONDS="0.5")
        time.sleep(1)  # it starts, and waits for the lock like everyone else
        assert restarted.poll() is None
        holder.execute("ROLLBACK")
        scratch.wait_for(job, lambda status, seen: status == "done", timeout=240)
        assert restarted.poll() is None  # still running: it survived the lock
    finally:
        holder.close()
        if restarted is not None:
            restarted.terminate()
            restarted.wait(timeout=30)
    assert scratch.query("PRAGMA integrity_check") == ("ok",)
    assert scratch.sales() == before + ROWS  # exactly once


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
        written = whole_pieces(scratch, before)
        assert status == "failed" or written == ROWS
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    if status == "failed":
        run_again_to_completion(scratch, job, before)


# --- payout runs ------------------------------------------------------------------------------------


def payout_state(scratch, run_id: int) -> tuple[str, int, int, int]:
    """(status, lines, total, sum of the lines)."""
    status, total = scratch.query(f"SELECT status, total_minor FROM incentives_payoutrun WHERE id = {int(run_id)}")
    lines, lines_sum = scratch.query(
        f"SELECT COUNT(*), COALESCE(SUM(amount_minor), 0) FROM incentives_payoutline WHERE run_id = {int(run_id)}"
    )
    return status, lines, total, lines_sum


def wait_for_payout(scratch, run_id: int, condition, timeout: float = 120) -> tuple:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = payout_state(scratch, run_id)
        if condition(*state):
            return state
        time.sleep(0.02)
    raise AssertionError(f"payout run {run_id} stuck at {payout_state(scratch, run_id)}")


def calculate_again_to_completion(scratch, run_id: int) -> None:
    scratch.step("payout_rerun", str(run_id))
    scratch.drain_queue()
    status, lines, total, lines_sum = payout_state(scratch, run_id)
    assert status == "calculated" and lines > 0 and total == lines_sum


def _lines_waiting_on_a_lock(scratch) -> int:
    with psycopg.connect(**scratch.pg) as watcher:
        return watcher.execute(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO \"incentives_payoutline\"%'"
        ).fetchone()[0]


def hold_the_lines_mid_write(scratch, raw, run_id: int) -> None:
    """Write, uncommitted, a line for every person of the run: the worker's INSERT of its lines
    then waits on the unique (run, person) index inside its own transaction, so the fault lands
    in the middle of the write with nothing committed."""
    raw.execute(
        "INSERT INTO incentives_payoutline"
        " (org_id, run_id, person_id, basis_minor, calculated_minor, amount_minor, adjustment_reason,"
        " rates, multiplier)"
        " SELECT org_id, %s, id, 0, 0, 0, '', '{}', 1 FROM tenancy_user",
        [run_id],
    )
    deadline = time.monotonic() + 120
    while not _lines_waiting_on_a_lock(scratch):
        assert time.monotonic() < deadline, "the worker never reached the lines"
        time.sleep(0.05)


def test_killing_the_worker_mid_payout_run_leaves_no_lines_and_it_runs_again(scratch):
    run_id = scratch.step("prepare_payout")["run"]
    worker = scratch.start_worker()
    if scratch.vendor == "postgresql":
        with psycopg.connect(**scratch.pg) as raw:
            hold_the_lines_mid_write(scratch, raw, run_id)
            worker.send_signal(signal.SIGKILL)
            worker.wait()
            raw.rollback()
        assert payout_state(scratch, run_id)[:2] == ("calculating", 0)  # wholly absent
    else:
        # SQLite has no row locks to stop the worker at: kill it as soon as the lines are due.
        wait_for_payout(scratch, run_id, lambda *_: scratch.query(
            f"SELECT lines_expected IS NOT NULL FROM incentives_payoutrun WHERE id = {int(run_id)}")[0])  # fmt: skip
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        assert scratch.query("PRAGMA integrity_check") == ("ok",)
        status, lines, total, lines_sum = payout_state(scratch, run_id)
        assert (status, lines) == ("calculating", 0) or (status == "calculated" and lines and total == lines_sum)
        if status == "calculated":
            return  # the kill came after the commit: the run is whole and done
    scratch.drain_queue(PACEKEEPER_IMPORT_STALE_SECONDS="0")  # a worker starting up notices
    assert payout_state(scratch, run_id)[:2] == ("failed", 0)
    calculate_again_to_completion(scratch, run_id)


def test_losing_the_database_connection_mid_payout_run_fails_it_cleanly(scratch):
    if scratch.vendor != "postgresql":
        pytest.skip("terminating a server connection is PostgreSQL's")
    run_id = scratch.step("prepare_payout")["run"]
    worker = scratch.start_worker()
    try:
        with psycopg.connect(**scratch.pg) as raw:
            hold_the_lines_mid_write(scratch, raw, run_id)
            raw.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            raw.rollback()
        wait_for_payout(scratch, run_id, lambda status, *_: status == "failed")
        assert payout_state(scratch, run_id)[:2] == ("failed", 0)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    calculate_again_to_completion(scratch, run_id)
