"""`pacekeeper bench load`: the production setup (gunicorn + PostgreSQL, at the KPI benchmark's
data size) under a scripted load from locust on loopback, in three phases:

1. trivial — everyone asks a JSON view that does nothing (the yardstick for throughput);
2. quiet — account managers, leads and an analyst at work (dashboards, customer pages, API
   reads and writes) while one person downloads the whole customer list (after a short
   warm-up of the same people, not measured);
3. busy — the same, download included, plus four people signing in over and over and a
   50,000-row sales import: the only difference from the quiet phase.

Figures: p50/p95/p99 and requests per second of the people at work in the quiet phase,
errors over all phases, throughput against the trivial view, and the busy phase's p95 over
the quiet one. The export and the sign-in storm are not "the people at work" and are left out
of the percentiles (the export is reported on its own).
"""

import importlib.util
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import NamedTuple

import psycopg
from django.conf import settings

from . import databases
from .imports import write_sales_csv

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
WORKING = ["ManagerUser", "LeadUser", "AnalystUser"]
EXPORTERS = 1  # locustfile.ExportUser.fixed_count: one person downloading, in quiet and busy
STORM_USERS = 4  # people signing in over and over in the busy phase
WARM_UP_SECONDS = 15
EXCLUDED_FROM_PERCENTILES = ("large export", "storm:", "sign in")


class Answer(NamedTuple):
    """One request as locustfile.py records it."""

    kind: str
    name: str
    ms: float
    failed: bool
    ended: float  # epoch seconds


def run(*, seconds: int, users: int, size: tuple[int, int, int], log) -> dict:
    if importlib.util.find_spec("locust") is None:
        raise SystemExit("pacekeeper bench load needs locust: pip install 'pacekeeper[bench]'")
    if users <= EXPORTERS:
        raise SystemExit(f"pacekeeper bench load needs --users {EXPORTERS + 1} or more (one downloads the export)")
    folder = databases.scratch_folder()
    url = databases.kpis_database("postgresql", size, folder, log=log, copy="load")
    port = _free_port()
    env = _server_env(url, folder, managers=size[0])
    server = _start_server(env, port, log)
    try:
        host = f"http://127.0.0.1:{port}"
        # The yardstick's figure settles within seconds; quiet and busy get the rest, alike.
        short_phase, phase = max(10, seconds // 6), max(10, seconds * 5 // 12)
        trivial = _phase("trivial", ["TrivialUser"], users, short_phase, host, env, folder, log)
        # Not measured: the first requests on a fresh copy of the database read it from disk.
        warm_up = _phase("warm-up", WORKING, users - EXPORTERS, WARM_UP_SECONDS, host, env, folder, log)
        quiet = _phase("quiet", [*WORKING, "ExportUser"], users, phase, host, env, folder, log)
        sales_file = _sales_file(url, folder, rows=50_000)
        importer = subprocess.Popen(
            [sys.executable, "-m", "pacekeeper.cli", "import", "sales", str(sales_file), "--mode", "good_rows_only"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        # The quiet phase's people, the download included, and STORM_USERS signing in meanwhile.
        busy_users = users + STORM_USERS
        busy = _phase("busy", [*WORKING, "ExportUser", "LoginStormUser"], busy_users, phase, host, env, folder, log)
        import_out, import_err = importer.communicate(timeout=1800)
        if importer.returncode != 0:
            raise SystemExit(f"the import during the load failed:\n{import_err[-2000:]}")
        log(f"import during the busy phase: {import_out.strip().splitlines()[-1]}")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    return _figures(trivial, warm_up, quiet, busy, log)


def _figures(trivial: dict, warm_up: dict, quiet: dict, busy: dict, log) -> dict:
    quiet_times = _working_times(quiet)
    busy_times = _working_times(busy)
    errors = sum(phase["errors"] for phase in (trivial, warm_up, quiet, busy))
    rps = len(quiet_times) / quiet["seconds"]
    trivial_rps = len(trivial["requests"]) / trivial["seconds"]
    log(f"busy phase: p95 {_percentile(busy_times, 95):.0f} ms over {len(busy_times)} requests")
    for phase_name, phase in (("quiet", quiet), ("busy", busy)):
        _log_phase(phase_name, phase, log)
    return {
        "p50_ms": round(_percentile(quiet_times, 50), 1),
        "p95_ms": round(_percentile(quiet_times, 95), 1),
        "p99_ms": round(_percentile(quiet_times, 99), 1),
        "rps": round(rps, 1),
        "errors": errors,
        "vs_trivial": round(rps / trivial_rps, 3) if trivial_rps else None,
        "p95_under_import_ratio": round(_percentile(busy_times, 95) / _percentile(quiet_times, 95), 2),
    }


def _log_phase(phase_name: str, phase: dict, log, window: int = 5) -> None:
    """The download's time, the people at work's p95 per few seconds (a stall shows where in the
    phase it happened), and each page's figures."""
    export = [answer.ms for answer in phase["requests"] if answer.name == "large export"]
    log(f"large export, {phase_name}: {export[0] / 1000:.1f} s" if export else "large export: did not finish")
    working = _working(phase)
    if working:
        start = min(answer.ended for answer in working)
        by_window: dict[int, list[float]] = {}
        for answer in working:
            by_window.setdefault(int((answer.ended - start) // window), []).append(answer.ms)
        steps = ", ".join(f"{_percentile(times, 95):.0f}" for _index, times in sorted(by_window.items()))
        log(f"  {phase_name} · p95 per {window} s: {steps}")
    for name in sorted({answer.name for answer in phase["requests"]}):
        times = [answer.ms for answer in phase["requests"] if answer.name == name]
        p50, p95 = _percentile(times, 50), _percentile(times, 95)
        log(f"  {phase_name} · {name}: {len(times)} × p50 {p50:.0f} ms, p95 {p95:.0f} ms")


def _working(phase: dict) -> list[Answer]:
    return [answer for answer in phase["requests"] if not answer.name.startswith(EXCLUDED_FROM_PERCENTILES)]


def _working_times(phase: dict) -> list[float]:
    return [answer.ms for answer in _working(phase)]


def _percentile(values: list[float], percent: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]


def _phase(name: str, user_classes: list[str], users: int, seconds: int, host, env, folder: Path, log) -> dict:
    log(f"phase {name}: {users} users for {seconds} s…")
    results = folder / f"load-{name}.json"
    command = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--only-summary",
        "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{seconds}s",
        "--stop-timeout", "60", "--host", host, "--loglevel", "ERROR", *user_classes,
    ]  # fmt: skip
    started = time.monotonic()
    done = subprocess.run(command, env=env | {"PACEKEEPER_LOAD_RESULTS": str(results)}, capture_output=True, text=True)
    elapsed = time.monotonic() - started
    if not results.exists():
        raise SystemExit(f"locust failed in phase {name}:\n{done.stderr[-3000:]}")
    recorded = json.loads(results.read_text())
    requests = [Answer(*row) for row in recorded["requests"]]
    errors = sum(1 for answer in requests if answer.failed)
    log(f"phase {name}: {len(requests)} requests ({len(requests) / seconds:.0f}/s), {errors} errors")
    for failure, count in sorted(recorded["failures"].items()):
        log(f"  {count} × {failure}")
    for name, count in sorted(recorded.get("refused", {}).items()):
        log(f"  {count} × {name}: refused, busy (503), tried again after Retry-After")
    return {"requests": requests, "errors": errors, "seconds": min(elapsed, seconds)}


def _server_env(url: str, folder: Path, *, managers: int) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "PACEKEEPER_DATA_DIR": str(folder),
        "PACEKEEPER_SECRET_KEY": secrets.token_urlsafe(50),
        "PACEKEEPER_ALLOWED_HOSTS": "127.0.0.1",
        # The simulated people sign in with passwords only (two-factor is tested elsewhere).
        "PACEKEEPER_2FA_REQUIRED_ROLES": "",
        "PACEKEEPER_LOG_LEVEL": "ERROR",
        "PACEKEEPER_LOAD_MANAGERS": str(managers),
        "PACEKEEPER_LOAD_STORM_USERS": str(STORM_USERS),
    }


def _start_server(env: dict, port: int, log) -> subprocess.Popen:
    """`pacekeeper serve` as deployed (its worker class and threads), with gunicorn's usual
    2 × cores + 1 workers unless PACEKEEPER_WORKERS says otherwise."""
    workers = os.environ.get("PACEKEEPER_WORKERS", str(2 * (os.cpu_count() or 1) + 1))
    command = [
        sys.executable, "-m", "pacekeeper.cli", "serve", "--bind", f"127.0.0.1:{port}", "--workers", workers,
        "--access-logfile", "/dev/null",
    ]  # fmt: skip
    log(f"gunicorn on 127.0.0.1:{port} with {workers} workers × {settings.SERVER_THREADS} threads…")
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("the server did not start")


def _sales_file(url: str, folder: Path, *, rows: int) -> Path:
    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as connection:
        customers = connection.execute(
            "SELECT c.external_id, u.username FROM crm_customer c JOIN tenancy_user u ON u.id = c.owner_id"
            " ORDER BY c.id LIMIT 20000"
        ).fetchall()
    path = folder / "load-sales.csv"
    write_sales_csv(path, rows=rows, customers=customers, seed=7)
    return path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
