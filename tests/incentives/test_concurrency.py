"""Two directors approve the same payout run at the same moment: exactly one approval wins, the
other is told the run is no longer waiting, and one audit row records it.

The approvals run in two threads of a separate process against a scratch database — a real
SQLite file (WAL, immediate transactions) or PostgreSQL database, as in production; the test
runner's in-memory SQLite would refuse the second writer outright instead of letting it wait."""

import pytest

from tests.crash.test_crash import Scratch
from tests.scratch import scratch_database

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def test_two_simultaneous_approvals_of_one_run_exactly_one_succeeds(tmp_path):
    with scratch_database(tmp_path, "approvals") as database:
        scratch = Scratch(database.env, database.vendor, sqlite_path=database.sqlite_path, pg=database.pg)
        run_id = scratch.step("prepare_payout")["run"]
        result = scratch.step("approve_twice", str(run_id))
    assert result == {"outcomes": ["approved", "refused"], "status": "approved", "approvals": 1, "by_the_approver": 1}
