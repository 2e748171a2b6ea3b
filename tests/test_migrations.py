"""Migrations go forward, all the way back, and forward again, on the database under test."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.scratch import scratch_database

ROOT = Path(__file__).resolve().parents[1]
PACEKEEPER = str(Path(sys.executable).parent / "pacekeeper")
OUR_APPS = ("tenancy", "kpis", "crm", "goals")


def pacekeeper(env: dict, *args: str) -> str:
    done = subprocess.run([PACEKEEPER, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.mark.slow
@pytest.mark.django_db
def test_migrations_go_forward_back_and_forward_again(tmp_path):
    with scratch_database(tmp_path, "migrations") as database:
        pacekeeper(database.env, "migrate", "--no-input")
        pacekeeper(database.env, "seed", "--managers", "2", "--customers", "5", "--months", "1")
        # Unapplying an app unapplies everything built on it first (with its data).
        for app in OUR_APPS:
            pacekeeper(database.env, "migrate", app, "zero", "--no-input")
        listing = pacekeeper(database.env, "showmigrations", *OUR_APPS)
        assert "[X]" not in listing and "[ ]" in listing
        pacekeeper(database.env, "migrate", "--no-input")
        listing = pacekeeper(database.env, "showmigrations", *OUR_APPS)
        assert "[ ]" not in listing
        pacekeeper(database.env, "makemigrations", "--check", "--dry-run")
