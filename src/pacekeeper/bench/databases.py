"""Fresh databases for benchmarks, one per engine, each used by a child process.

A benchmark compares engines in one run, but the application talks to one database per
process (DATABASE_URL), so the parent starts a child per engine and collects its JSON line.
"""

import json
import os
import shutil
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


TEMPLATE_FOLDER = Path(os.environ.get("PACEKEEPER_BENCH_TEMPLATES", Path.cwd() / "var" / "bench"))


def kpis_database(engine: str, size: tuple[int, int, int], folder: Path, *, log, copy: str = "kpis") -> str:
    """A fresh copy of a seeded database of this size, generated once and kept as a template
    (PostgreSQL: a template database; SQLite: a file under var/bench) so reruns skip generation."""
    managers, customers, months = size
    tag = f"m{managers}_c{customers}_k{months}"
    if engine == "postgresql":
        base = postgres_url().rsplit("/", 1)[0]
        template = f"pacekeeper_bench_tpl_{tag}"
        building = f"pacekeeper_bench_building_{tag}"  # per size: two sizes may build at once
        if not _postgres_exists(base, template):
            log(f"generating the template {template} (once)…")
            recreate_postgres(f"{base}/{building}")
            _seed(f"{base}/{building}", size, folder)
            with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
                connection.execute(f'ALTER DATABASE "{building}" RENAME TO "{template}"')
        _migrate(f"{base}/{template}", folder)  # a template made by an older version catches up once
        name = f"pacekeeper_bench_{copy}"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return f"{base}/{name}"
    TEMPLATE_FOLDER.mkdir(parents=True, exist_ok=True)
    template_file = TEMPLATE_FOLDER / f"kpis_{tag}.sqlite3"
    if not template_file.exists():
        log(f"generating the template {template_file} (once)…")
        building = TEMPLATE_FOLDER / f"kpis_{tag}.building.sqlite3"
        building.unlink(missing_ok=True)
        _seed(f"sqlite:///{building}", size, folder)
        building.rename(template_file)
    _migrate(f"sqlite:///{template_file}", folder)
    copy = folder / "kpis.sqlite3"
    shutil.copyfile(template_file, copy)
    return f"sqlite:///{copy}"


def _postgres_exists(base: str, name: str) -> bool:
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        return connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


def _migrate(url: str, folder: Path) -> None:
    env = {**os.environ, "DATABASE_URL": url, "PACEKEEPER_DATA_DIR": str(folder)}
    subprocess.run([sys.executable, "-m", "pacekeeper.cli", "migrate", "-v", "0"], env=env, check=True)


def _seed(url: str, size: tuple[int, int, int], folder: Path) -> None:
    managers, customers, months = size
    env = {**os.environ, "DATABASE_URL": url, "PACEKEEPER_DATA_DIR": str(folder)}
    for argv in (
        ["migrate", "-v", "0"],
        [
            "seed",
            "--managers",
            str(managers),
            "--customers",
            str(customers),
            "--months",
            str(months),
            "--until",
            "2026-06-30",
            "--no-goals",
        ],
    ):
        subprocess.run([sys.executable, "-m", "pacekeeper.cli", *argv], env=env, check=True)
