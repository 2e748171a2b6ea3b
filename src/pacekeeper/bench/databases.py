"""Fresh databases for benchmarks, one per engine, each used by a child process.

A benchmark compares engines in one run, but the application talks to one database per
process (DATABASE_URL), so the parent starts a child per engine and collects its JSON line.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg

DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/pacekeeper_bench"


def postgres_url() -> str:
    return os.environ.get("PACEKEEPER_BENCH_POSTGRES_URL", DEFAULT_POSTGRES)


def recreate_postgres(url: str) -> None:
    """Drop and create the benchmark database named in `url` (never the application's own)."""
    base, name = url.rsplit("/", 1)
    if not name.startswith("pacekeeper_bench"):
        raise SystemExit("refusing to recreate a database whose name does not start with pacekeeper_bench")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def sqlite_url(folder: Path) -> str:
    return f"sqlite:///{folder / 'bench.sqlite3'}"


def run_child(database_url: str, argv: list[str], *, data_dir: Path) -> dict:
    """Run `pacekeeper <argv>` against one database; return the JSON object on its last line."""
    env = {**os.environ, "DATABASE_URL": database_url, "PACEKEEPER_DATA_DIR": str(data_dir)}
    command = [sys.executable, "-m", "pacekeeper.cli", *argv]
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    sys.stderr.write(completed.stderr)
    if completed.returncode != 0:
        raise SystemExit(f"benchmark child failed ({database_url}):\n{completed.stdout}")
    sys.stderr.write(completed.stdout)
    return json.loads(completed.stdout.strip().splitlines()[-1])


def scratch_folder() -> Path:
    return Path(tempfile.mkdtemp(prefix="pacekeeper-bench-"))
