"""A scratch database of the kind under test, for tests that run the real commands in other
processes (crash, migrations): its environment, and how to reach it from the test."""

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

import psycopg
from django.db import connection


@dataclass
class ScratchDatabase:
    env: dict
    vendor: str
    sqlite_path: Path | None = None
    pg: dict | None = None


@contextlib.contextmanager
def scratch_database(folder: Path, label: str):
    env = dict(os.environ, PACEKEEPER_DATA_DIR=str(folder))
    env.pop("PYTEST_XDIST_WORKER", None)
    if connection.vendor != "postgresql":
        path = folder / f"{label}.sqlite3"
        yield ScratchDatabase(env | {"DATABASE_URL": f"sqlite:///{path}"}, "sqlite", sqlite_path=path)
        return
    settings = connection.settings_dict
    name = f"pacekeeper_{label}_{os.getpid()}"
    server = {"host": settings["HOST"], "port": settings["PORT"], "user": settings["USER"]}
    server = {key: value for key, value in server.items() if value}
    if settings.get("PASSWORD"):
        server["password"] = settings["PASSWORD"]
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    credentials = server.get("user", "") + (f":{server['password']}" if "password" in server else "")
    url = f"postgres://{credentials}@{server.get('host', '127.0.0.1')}:{server.get('port', 5432)}/{name}"
    try:
        yield ScratchDatabase(env | {"DATABASE_URL": url}, "postgresql", pg=server | {"dbname": name})
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
