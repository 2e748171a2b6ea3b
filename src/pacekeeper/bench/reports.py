"""`pacekeeper bench reports`: the monthly progress reports of a whole organisation, on the KPI
benchmark's data.

In a child process per database, on a fresh copy of the KPI benchmark's seeded database:
generate the organisation's, every team's and every account manager's and lead's report of the
benchmark's last month (page data + PDF + XLSX, kept) exactly as the scheduled job does — one
`ReportRun` through `progress.services.generate_run` — and time each report and count its
queries. The first report pays for what all share (the KPI engine's figures of the month, the
month before and the same month last year, for every person, team and the organisation); the
others read those and a fixed few rows of their own.
"""

from __future__ import annotations

import os
import statistics
import time

from django.db import connection

from pacekeeper.progress.models import PeriodKind, ProgressReport, ReportRun
from pacekeeper.progress.services import generate_run
from pacekeeper.tenancy.models import Organization

from .kpis import PERIODS


class _Counter:
    """Counts the queries of this thread's connection (connection.execute_wrapper)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def run_one() -> dict:
    """In a child process, on a copy of the KPI benchmark's database."""
    org = Organization.objects.get()
    month = PERIODS["month"]
    run = ReportRun.objects.create(org=org, period_kind=PeriodKind.MONTH, starts_on=month.start, ends_on=month.end)
    counter = _Counter()
    samples: list[float] = []
    queries: list[int] = []
    kinds: list[str] = []
    mark = {"at": 0.0, "queries": 0}

    def on_report(subject) -> None:
        now = time.perf_counter()
        samples.append((now - mark["at"]) * 1000)
        queries.append(counter.count - mark["queries"])
        kinds.append(subject.kind)
        mark.update(at=now, queries=counter.count)

    load_before = os.getloadavg()
    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        mark["at"] = started
        generate_run(run.pk, on_report=on_report)
        total = time.perf_counter() - started
    run.refresh_from_db()
    if run.status != ReportRun.Status.DONE:
        raise SystemExit(f"the run ended {run.status}: {run.failure}")
    kept = ProgressReport.objects.filter(run=run)
    sizes = sorted(len(pdf) for pdf in kept.values_list("pdf", flat=True))
    after_first = samples[1:] or samples
    return {
        "reports": len(samples),
        "teams": kinds.count("team"),
        "people": kinds.count("person"),
        "total_s": round(total, 1),
        "first_report_s": round(samples[0] / 1000, 2),
        "median_ms": round(statistics.median(samples), 1),
        "median_ms_after_first": round(statistics.median(after_first), 1),
        "p95_ms": round(sorted(samples)[max(0, int(len(samples) * 0.95) - 1)], 1),
        "queries_per_report_max": max(queries),
        "queries_per_report_max_after_first": max(queries[1:] or queries),
        "queries_per_report_median": statistics.median(queries),
        "pdf_kb_median": round(statistics.median(sizes) / 1024, 1) if sizes else 0,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }
