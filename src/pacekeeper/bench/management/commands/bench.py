"""pacekeeper bench NAME — benchmarks; the last line printed is a JSON object of figures."""

import json
import shutil
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pacekeeper.bench import databases
from pacekeeper.bench import imports as import_bench


class Command(BaseCommand):
    help = "pacekeeper bench import [--rows N]: import speed on PostgreSQL and SQLite against COPY."

    def add_arguments(self, parser):
        parser.add_argument("name", choices=["import"])
        parser.add_argument("--rows", type=int, default=1_000_000)
        parser.add_argument("--engines", default="postgresql,sqlite", help="comma-separated subset")
        # Internal: the child process measuring one engine.
        parser.add_argument("--child", action="store_true", help="(internal) measure the current database")
        parser.add_argument("--folder", default="", help="(internal) scratch folder shared with the parent")

    def handle(self, *args, **options):
        if options["child"]:
            result = import_bench.run_one(options["rows"], Path(options["folder"]))
            self.stdout.write(json.dumps(result))
            return
        folder = databases.scratch_folder()
        figures = {}
        try:
            for engine in options["engines"].split(","):
                figures[engine] = self._measure(engine.strip(), options["rows"], folder)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        self.stdout.write(json.dumps(figures))

    def _measure(self, engine: str, rows: int, folder: Path) -> dict:
        argv = ["bench", "import", "--child", "--rows", str(rows), "--folder", str(folder)]
        if engine == "postgresql":
            url = databases.postgres_url()
            databases.recreate_postgres(url)
        elif engine == "sqlite":
            url = databases.sqlite_url(folder)
        else:
            raise CommandError(f"unknown engine {engine}")
        self.stderr.write(f"measuring {engine}…")
        return databases.run_child(url, argv, data_dir=folder)
