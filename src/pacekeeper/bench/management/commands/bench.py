"""pacekeeper bench NAME — benchmarks; the last line printed is a JSON object of figures."""

import json
import os
import shutil
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pacekeeper.bench import databases
from pacekeeper.bench import feedback as feedback_bench
from pacekeeper.bench import imports as import_bench
from pacekeeper.bench import kpis as kpis_bench
from pacekeeper.bench import load as load_bench
from pacekeeper.bench import payouts as payouts_bench
from pacekeeper.bench import reports as reports_bench
from pacekeeper.bench import upload as upload_bench
from pacekeeper.bench import work as work_bench


class Command(BaseCommand):
    help = (
        "pacekeeper bench import [--rows N] [--with-writer] | "
        "pacekeeper bench kpis [--managers N --customers M --months K] | "
        "pacekeeper bench load [--seconds S --users U] (PostgreSQL + gunicorn) | "
        "pacekeeper bench work [--managers N --customers M --months K --requests R] | "
        "pacekeeper bench reports [--managers N --customers M --months K] | "
        "pacekeeper bench payouts [--managers N --customers M --months K] | "
        "pacekeeper bench upload (SQLite; the limits from the environment) | "
        "pacekeeper bench feedback [--comments N] (text analysis speed and held-out figures): "
        "a JSON object on the last line"
    )

    def add_arguments(self, parser):
        choices = ["import", "kpis", "load", "upload", "work", "reports", "feedback", "payouts"]
        parser.add_argument("name", choices=choices)
        parser.add_argument("--comments", type=int, default=100_000, help="feedback: comments analysed")
        parser.add_argument("--rows", type=int, default=1_000_000)
        parser.add_argument("--managers", type=int, default=2000)
        parser.add_argument("--customers", type=int, default=200_000)
        parser.add_argument("--months", type=int, default=24)
        parser.add_argument("--engines", default="postgresql,sqlite", help="comma-separated subset")
        parser.add_argument("--seconds", type=int, default=120, help="load: the whole run, split into 3 phases")
        parser.add_argument("--users", type=int, default=12, help="load: simultaneous people")
        parser.add_argument("--requests", type=int, default=100, help="work: requests timed per page")
        parser.add_argument(
            "--tasks-per-month", type=int, default=work_bench.TASKS_PER_MONTH, help="work: per account manager"
        )
        parser.add_argument(
            "--with-writer",
            action="store_true",
            help="import: someone edits a customer through the API all along (longest_writer_wait_s)",
        )
        # Internal: the child process measuring one engine.
        parser.add_argument("--child", action="store_true", help="(internal) measure the current database")
        parser.add_argument("--folder", default="", help="(internal) scratch folder shared with the parent")
        parser.add_argument("--stage", default="", help="(internal) upload: prepare or import")

    def handle(self, *args, **options):
        if options["child"]:
            if options["name"] == "import":
                result = import_bench.run_one(
                    options["rows"], Path(options["folder"]), with_writer=options["with_writer"]
                )
            elif options["name"] == "upload":
                folder = Path(options["folder"])
                if options["stage"] == "prepare":
                    result = upload_bench.prepare(folder)
                else:
                    result = upload_bench.run_one(folder, kind=options["stage"])
            elif options["name"] == "work":
                result = work_bench.run_one(
                    tasks_per_month=options["tasks_per_month"], months=options["months"], requests=options["requests"]
                )
            elif options["name"] == "reports":
                result = reports_bench.run_one()
            elif options["name"] == "payouts":
                result = payouts_bench.run_one()
            else:
                result = kpis_bench.run_one()
            self.stdout.write(json.dumps(result))
            return
        if options["name"] == "load":
            size = (options["managers"], options["customers"], options["months"])
            figures = load_bench.run(
                seconds=options["seconds"], users=options["users"], size=size, log=self.stderr.write
            )
            self.stdout.write(json.dumps(figures))
            return
        if options["name"] == "upload":
            self.stdout.write(json.dumps(self._upload()))
            return
        if options["name"] == "feedback":  # pure text analysis: in this process, no database
            figures = feedback_bench.run(count=options["comments"], log=self.stderr.write)
            self.stdout.write(json.dumps(figures))
            return
        folder = databases.scratch_folder()
        figures = {}
        try:
            for engine in options["engines"].split(","):
                figures[engine] = self._measure(options, engine.strip(), folder)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        self.stdout.write(json.dumps(figures))

    def _upload(self) -> dict:
        """Children: one prepares the database and the files, then one per file only imports
        it, so that its peak memory is the import's."""
        folder = databases.scratch_folder()
        try:
            url = databases.sqlite_url(folder)
            self.stderr.write("preparing the database and the worst file…")
            argv = ["bench", "upload", "--child", "--folder", str(folder)]
            built = databases.run_child(url, [*argv, "--stage", "prepare"], data_dir=folder)
            figures = {"limits": upload_bench.limits(), "files": built}
            for kind, name in (("sales", "xlsx_sales"), ("customers", "csv_customers")):
                self.stderr.write(f"importing {name}…")
                figures[name] = databases.run_child(url, [*argv, "--stage", kind], data_dir=folder)
            return figures
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def _measure(self, options: dict, engine: str, folder: Path) -> dict:
        name = options["name"]
        argv = ["bench", name, "--child", "--rows", str(options["rows"]), "--folder", str(folder)]
        if options["with_writer"]:
            argv.append("--with-writer")
        if name == "work":
            argv += ["--months", str(options["months"]), "--requests", str(options["requests"])]
            argv += ["--tasks-per-month", str(options["tasks_per_month"])]
        if engine not in ("postgresql", "sqlite"):
            raise CommandError(f"unknown engine {engine}")
        self.stderr.write(f"measuring {engine}…")
        if name in ("kpis", "work", "reports", "payouts"):  # these run on a copy of the KPI data
            size = (options["managers"], options["customers"], options["months"])
            url = databases.kpis_database(engine, size, folder, log=self.stderr.write, copy=name)
            return databases.run_child(url, argv, data_dir=folder)
        # The import benchmark times files larger than one upload may be (PACEKEEPER_IMPORT_MAX_ROWS).
        rows = max(options["rows"], int(os.environ.get("PACEKEEPER_IMPORT_MAX_ROWS", "0")))
        os.environ["PACEKEEPER_IMPORT_MAX_ROWS"] = str(rows)
        if engine == "postgresql":
            url = databases.postgres_url()
            databases.recreate_postgres(url)
        else:
            url = databases.sqlite_url(folder)
        return databases.run_child(url, argv, data_dir=folder)
