"""Backups that are consistent while people keep working, and restores into an empty database.

PostgreSQL: pg_dump's custom format (one snapshot, so concurrent writes are either wholly in or
wholly out) and pg_restore. SQLite: the online backup API, which copies a consistent image
page by page without stopping writers for long.

`fingerprint` gives every table's row count and a checksum of its rows, so a restore can be
compared with its source.
"""

import contextlib
import hashlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection as default_connection

from pacekeeper.errors import ValidationFailed


def backup(path: Path, *, connection=default_connection) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "postgresql":
        _pg_run("pg_dump", "--format=custom", "--no-owner", "--file", str(path), settings=connection.settings_dict)
    else:
        connection.ensure_connection()
        partial = path.with_suffix(path.suffix + ".partial")
        with sqlite3.connect(partial) as target:
            connection.connection.backup(target, pages=1024)
        target.close()
        os.replace(partial, path)  # a half-written backup never carries the final name


def restore(path: Path, *, settings_dict: dict) -> None:
    """Restore into the database of `settings_dict`, which must be empty (no tables)."""
    path = Path(path)
    if not path.is_file():
        raise ValidationFailed({"path": [f"No backup at {path}."]})
    if table_names(settings_dict):
        raise ValidationFailed({"database": ["The target database is not empty; restore only into an empty one."]})
    if settings_dict["ENGINE"].endswith("postgresql"):
        _pg_run("pg_restore", "--no-owner", "--exit-on-error", str(path), settings=settings_dict)
    else:
        with sqlite3.connect(path) as source, sqlite3.connect(settings_dict["NAME"]) as target:
            source.backup(target)
        source.close()
        target.close()


def _pg_run(program: str, *args: str, settings: dict) -> None:
    if shutil.which(program) is None:
        raise ValidationFailed({"": [f"{program} is not installed (it comes with the PostgreSQL client)."]})
    environment = dict(os.environ, PGPASSWORD=str(settings.get("PASSWORD") or ""))
    target = ["--dbname", settings["NAME"]]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            target += [flag, str(settings[key])]
    result = subprocess.run([program, *target, *args], env=environment, capture_output=True, text=True)
    if result.returncode != 0:
        raise ValidationFailed({"": [f"{program} failed: {result.stderr.strip()[:2000]}"]})


# --- comparing databases ------------------------------------------------------------------------


def _raw_connection(settings_dict: dict):
    if settings_dict["ENGINE"].endswith("postgresql"):
        import psycopg

        return psycopg.connect(
            dbname=settings_dict["NAME"],
            host=settings_dict.get("HOST") or None,
            port=settings_dict.get("PORT") or None,
            user=settings_dict.get("USER") or None,
            password=settings_dict.get("PASSWORD") or None,
        )
    # The same type detection as Django's connections, so rows read here compare with theirs.
    name = str(settings_dict["NAME"])
    detect = sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES
    return sqlite3.connect(name, detect_types=detect, uri=name.startswith("file:"))


def _tables(cursor, vendor: str) -> list[str]:
    if vendor == "postgresql":
        cursor.execute(
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
        )
    else:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    return sorted(row[0] for row in cursor.fetchall())


@contextlib.contextmanager
def _catalogue_cursor(settings_dict: dict):
    """(cursor, vendor) on a connection of its own to the database of `settings_dict`."""
    vendor = "postgresql" if settings_dict["ENGINE"].endswith("postgresql") else "sqlite"
    raw = _raw_connection(settings_dict)
    try:
        yield raw.cursor(), vendor
    finally:
        raw.close()


def table_names(settings_dict: dict) -> list[str]:
    with _catalogue_cursor(settings_dict) as (cursor, vendor):
        return _tables(cursor, vendor)


def fingerprint(cursor, vendor: str) -> dict[str, tuple[int, str]]:
    """{table: (rows, sha256 of the rows in key order)}. Table names come from the database's
    own catalogue and are quoted; nothing from outside reaches the SQL."""
    result = {}
    for table in _tables(cursor, vendor):
        quoted = '"' + table.replace('"', '""') + '"'
        cursor.execute(f"SELECT * FROM {quoted} ORDER BY 1")  # noqa: S608 (catalogue name, quoted)
        digest = hashlib.sha256()
        count = 0
        for row in cursor.fetchall():
            digest.update(repr(tuple(row)).encode())
            count += 1
        result[table] = (count, digest.hexdigest())
    return result


def fingerprint_of(settings_dict: dict) -> dict[str, tuple[int, str]]:
    with _catalogue_cursor(settings_dict) as (cursor, vendor):
        return fingerprint(cursor, vendor)
