"""`pacekeeper bench work`: tasks at scale, on the KPI benchmark's data.

In a child process per database, on a fresh copy of the KPI benchmark's seeded database: add
20 tasks per account manager per month for the seeded months (about a million for 2,000
managers over 24 months; bulk inserted, then work's task rollups rebuilt), then time

- the board (`work:board`) of a 10-person team, as its lead sees it, and the workload view
  (`work:workload?team=`) of a 200-person branch (two of the seed's 100-person branches made
  one), as a director sees it: median and p95 server time over 100 requests each, in-process
  through Django's test client (the dashboard figures of `bench kpis` are taken the same way);
- the task completion rate of every manager for a year by the engine's rollup path against a
  hand-written SQL GROUP BY over the tasks (ratio; the figures must be identical).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import time
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Count
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from pacekeeper.kpis import components
from pacekeeper.kpis.engine import Level, compute
from pacekeeper.kpis.periods import Period
from pacekeeper.kpis.registry import percent
from pacekeeper.lib.bulk import insert_rows
from pacekeeper.tenancy import sign_in
from pacekeeper.tenancy.models import Organization, Role, Team, TeamMembership, User
from pacekeeper.work.models import Task, TaskDailyRollup, TaskMonthlyRollup, TaskOpenRollup
from pacekeeper.work.task_rollups import task_rollups_rebuild

from .kpis import PERIODS, READ_REPEATS, UNTIL, timed

TASKS_PER_MONTH = 20
BOARD_TEAM_SIZE = 10
BRANCH_SIZE = 200

# One hand-written GROUP BY per part of the completion rate, over the tasks (manager level).
RAW_SQL = {
    "done": """SELECT owner_id, COUNT(*) FROM work_task
               WHERE org_id = %(org)s AND status = 'done' AND completed_at >= %(start_at)s AND completed_at < %(end_at)s
               GROUP BY owner_id""",
    "left_open": """SELECT owner_id, COUNT(*) FROM work_task
               WHERE org_id = %(org)s AND due_on BETWEEN %(start)s AND %(end)s AND status <> 'cancelled'
               AND (completed_at IS NULL OR completed_at >= %(end_at)s)
               GROUP BY owner_id""",
}


def run_one(*, tasks_per_month: int = TASKS_PER_MONTH, months: int = 24, requests: int = 100) -> dict:
    """In a child process, on a copy of the KPI benchmark's database."""
    org = Organization.objects.get()
    figures: dict[str, object] = {}
    started = time.perf_counter()
    figures["tasks"] = add_tasks(org, per_month=tasks_per_month, months=months)
    figures["tasks_insert_s"] = round(time.perf_counter() - started, 1)
    rebuild_s, rows = timed(task_rollups_rebuild, org.pk)
    figures["task_rollups_rebuild_s"] = round(rebuild_s, 1)
    figures["task_rollup_rows"] = rows
    figures["vacuum_analyze_s"] = round(timed(vacuum_analyze_work_tables)[0], 1)
    figures["load_average_before"] = _load_average()
    figures.update(completion_times(org))
    figures.update(board_times(org, requests))
    figures.update(workload_times(org, requests))
    figures["load_average_after"] = _load_average()
    return figures


def _load_average() -> float | None:
    """The machine's one-minute load average: server times taken on a shared machine say
    little without it."""
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:  # not every system has one
        return None


# --- the tasks ---------------------------------------------------------------------------------


def add_tasks(org: Organization, *, per_month: int, months: int, seed: int = 15) -> int:
    """`per_month` tasks for each account manager in each of the `months` months up to UNTIL,
    inserted in bulk a month at a time: due dates spread over the month, most done around
    their due date (some late, a few weeks late), some cancelled, some left open; a tenth
    undated. Columns this does not set take their model defaults (other parts of work add
    columns)."""
    rng = random.Random(seed)
    zone = ZoneInfo(org.time_zone)
    owners = list(User.objects.filter(org=org, role=Role.MANAGER).order_by("pk").values_list("pk", flat=True))
    fields = [field for field in Task._meta.concrete_fields if not field.primary_key]
    defaults = {field.attname: field.get_default() for field in fields}
    columns = tuple(field.column for field in fields)
    first = Period.month_of(UNTIL)
    month_list = [first]
    for _month in range(months - 1):
        month_list.insert(0, month_list[0].previous())
    cutoff = dt.datetime.combine(UNTIL + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    total = 0
    for month in month_list:
        rows = []
        for owner in owners:
            for number in range(per_month):
                row = _task(rng, zone, month, cutoff)
                row.update(
                    org_id=org.pk, owner_id=owner, created_by_id=owner, title=f"任务 {month.start:%Y-%m} #{number + 1}"
                )
                rows.append(tuple(_value(row, field, defaults) for field in fields))
        insert_rows(Task, columns, rows)
        total += len(rows)
    return total


def _value(row: dict, field, defaults: dict):
    """The row's value, else the model's default; time stamps the ORM fills (auto_now, such as
    the last change) take the creation time."""
    if field.attname in row:
        return row[field.attname]
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return row["created_at"]
    return defaults[field.attname]


def _task(rng: random.Random, zone: ZoneInfo, month: Period, cutoff: dt.datetime) -> dict:
    due = month.start + dt.timedelta(days=rng.randrange(month.days))
    created = dt.datetime.combine(due - dt.timedelta(days=rng.randint(3, 30)), dt.time(9), tzinfo=zone)
    row = {
        "due_on": due if rng.random() >= 0.1 else None,
        "start_on": None,
        "estimate_hours": rng.choice((1, 2, 4, 8, 16)),
        "is_important": rng.random() < 0.4,
        "created_at": created,
        "status": Task.Status.TODO,
        "completed_at": None,
    }
    fate = rng.random()
    if fate < 0.05:
        row["status"] = Task.Status.CANCELLED
        return row
    # Done a few days before or after the due date; one in ten weeks late; one in ten never.
    if fate < 0.86:
        shift = rng.randint(-5, 3) if rng.random() < 0.9 else rng.randint(7, 45)
        done_at = dt.datetime.combine(due + dt.timedelta(days=shift), dt.time(rng.randint(8, 21)), tzinfo=zone)
        if done_at < cutoff:
            row["status"], row["completed_at"] = Task.Status.DONE, done_at
            return row
    row["status"] = rng.choice((Task.Status.TODO, Task.Status.TODO, Task.Status.DOING))
    return row


def vacuum_analyze_work_tables() -> None:
    """VACUUM ANALYZE of the tables just filled, on PostgreSQL, as autovacuum does some minutes
    after a bulk load: without it the copy keeps the template's planner statistics (no tasks at
    all) and plans a million tasks as if there were none, and no index-only scan is possible
    (the workload's hours read work_task_open_load alone). (SQLite keeps no statistics unless
    asked; the application never asks, so neither does the benchmark.)"""
    if connection.vendor != "postgresql":
        return
    models = (Task, Task.collaborators.through, TaskDailyRollup, TaskMonthlyRollup, TaskOpenRollup)
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
    # VACUUM cannot run inside a transaction (a test's); ANALYZE alone gives the statistics.
    command = "ANALYZE " if connection.in_atomic_block else "VACUUM ANALYZE "
    with connection.cursor() as cursor:
        cursor.execute(command + tables)


# --- the completion rate: the engine's rollups against SQL --------------------------------------


def raw_completion_rate(org: Organization, period: Period) -> dict[int, dict[str, object]]:
    start_at, end_at = components.day_bounds(org, period)
    # Instants as the database stores them (SQLite compares text: an aware value would not match).
    adapt = connection.ops.adapt_datetimefield_value
    params = {
        "org": org.pk,
        "start": period.start,
        "end": period.end,
        "start_at": adapt(start_at),
        "end_at": adapt(end_at),
    }
    found: dict[int, dict[str, int]] = {}
    with connection.cursor() as cursor:
        for name, sql in RAW_SQL.items():
            cursor.execute(sql, params)
            for owner, count in cursor.fetchall():
                found.setdefault(owner, {"done": 0, "left_open": 0})[name] = count
    return {
        owner: {"task_completion_rate": percent(parts["done"], parts["done"] + parts["left_open"])}
        for owner, parts in found.items()
    }


def completion_times(org: Organization) -> dict:
    year = PERIODS["year"]
    metric = ["task_completion_rate"]
    rollup_s, rolled = timed(compute, org=org, metrics=metric, level=Level.MANAGER, period=year, repeat=READ_REPEATS)
    live_s, live = timed(
        compute, org=org, metrics=metric, level=Level.MANAGER, period=year, source="live", repeat=READ_REPEATS
    )
    raw_s, raw = timed(raw_completion_rate, org, year, repeat=READ_REPEATS)
    return {
        "completion_rollup_s": round(rollup_s, 3),
        "completion_live_s": round(live_s, 3),
        "completion_raw_sql_s": round(raw_s, 3),
        "completion_rollup_vs_raw_sql_year": round(rollup_s / raw_s, 3),
        "completion_identical": rolled == live == raw,
    }


# --- pages ---------------------------------------------------------------------------------------


def _signed_in(user: User) -> Client:
    """A client signed in as the person, two-factor step done for the roles that need one."""
    client = Client(HTTP_HOST="127.0.0.1")  # an allowed host; the test client says "testserver"
    client.force_login(user)
    if sign_in.two_factor_required(user):
        device = sign_in.confirmed_device(user) or TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def _serve(client: Client, url: str, requests: int, name: str) -> dict:
    answer = client.get(url)
    if answer.status_code != 200:
        raise SystemExit(f"{url} answered {answer.status_code}")
    samples = []
    cpu_before = _cpu_seconds()
    for _request in range(requests):
        started = time.perf_counter()
        client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
    cpu_after = _cpu_seconds()
    samples.sort()
    return {
        f"{name}_median_ms": round(statistics.median(samples), 1),
        f"{name}_p95_ms": round(samples[max(0, int(len(samples) * 0.95) - 1)], 1),
        # The CPU the answers cost, on average (a busy machine stretches the times above but
        # hardly this); None where the database's share cannot be read (see _cpu_seconds).
        f"{name}_cpu_mean_ms": (
            round((cpu_after - cpu_before) * 1000 / requests, 1) if None not in (cpu_before, cpu_after) else None
        ),
    }


def _cpu_seconds() -> float | None:
    """CPU time used so far by this process and, on PostgreSQL on this machine, by its database
    session's server process (Linux /proc; ticks of 10 ms, so only a mean over many requests
    means anything; parallel query workers are not counted). SQLite runs inside this process."""
    own = time.process_time()
    if connection.vendor == "sqlite":
        return own
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None  # a database on another machine, or no /proc
    return own + (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _current_members(team_ids: list[int]) -> TeamMembership:
    today = timezone.localdate()
    return TeamMembership.objects.filter(team_id__in=team_ids, started_on__lte=today).exclude(ended_on__lt=today)


def board_times(org: Organization, requests: int) -> dict:
    """The board of the team whose size is nearest 10 people, as its lead sees it (their
    team's tasks: the lead's scope)."""
    sizes = (
        _current_members(list(Team.objects.filter(org=org, kind=Team.Kind.TEAM).values_list("pk", flat=True)))
        .values("team_id")
        .annotate(people=Count("user_id", distinct=True))
    )
    team_id = min(sizes, key=lambda row: (abs(row["people"] - 1 - BOARD_TEAM_SIZE), row["team_id"]))["team_id"]
    lead = TeamMembership.objects.filter(team_id=team_id, is_lead=True).select_related("user").first().user
    figures = _serve(_signed_in(lead), reverse("work:board"), requests, "board")
    figures["board_team_people"] = _current_members([team_id]).values("user_id").distinct().count()
    return figures


def workload_times(org: Organization, requests: int) -> dict:
    """The workload view of a 200-person branch, as a director sees it; left out (None) until
    work has the view."""
    try:
        url = reverse("work:workload")
    except NoReverseMatch:
        return {"workload_median_ms": None, "workload_p95_ms": None}
    branch = _branch_of(org, BRANCH_SIZE)
    director = User.objects.filter(org=org, role=Role.DIRECTOR, is_active=True).order_by("pk").first()
    figures = _serve(_signed_in(director), f"{url}?team={branch.pk}", requests, "workload")
    figures["workload_branch_people"] = _people_under(branch)
    return figures


def _people_under(team: Team) -> int:
    subtree = list(Team.objects.filter(org=team.org, path__startswith=team.path).values_list("pk", flat=True))
    return _current_members(subtree).values("user_id").distinct().count()


def _branch_of(org: Organization, size: int) -> Team:
    """A branch of about `size` people: the seed makes branches of 10 teams of 10; the teams of
    the next branches move under the first until it holds enough (in this copy only)."""
    branches = list(Team.objects.filter(org=org, kind=Team.Kind.BRANCH).order_by("pk"))
    first = branches[0]
    for other in branches[1:]:
        if _people_under(first) >= size:
            break
        for team in Team.objects.filter(org=org, parent=other):
            team.parent = first
            team.path = f"{first.path}{team.pk}/"
            team.save(update_fields=["parent", "path"])
    return first
