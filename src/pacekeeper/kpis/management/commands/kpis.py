import json
import time

from django.core.management.base import BaseCommand, CommandError

from pacekeeper.kpis.engine import Level, compute
from pacekeeper.kpis.periods import Period
from pacekeeper.kpis.registry import METRICS
from pacekeeper.kpis.rollups import rollups_rebuild
from pacekeeper.tenancy.models import Organization


class Command(BaseCommand):
    help = "pacekeeper kpis rebuild | pacekeeper kpis compute METRIC[,METRIC] --level L --period P"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "compute", "list"])
        parser.add_argument("metrics", nargs="?", default="sales_amount")
        parser.add_argument("--org", type=int, help="organisation id (default: every organisation)")
        parser.add_argument("--level", choices=[level.value for level in Level], default="org")
        parser.add_argument("--period", default="", help="2026-03, 2026-Q1, 2026 or 2026-01-01..2026-03-31")
        parser.add_argument("--source", choices=["rollup", "live"], default="rollup")

    def handle(self, *args, **options):
        orgs = Organization.objects.all() if options["org"] is None else Organization.objects.filter(pk=options["org"])
        if options["action"] == "list":
            for metric in METRICS.values():
                self.stdout.write(f"{metric.key:<22} {metric.unit:<9} {metric.direction:<7} {metric.label}")
        elif options["action"] == "rebuild":
            for org in orgs:
                started = time.perf_counter()
                rows = rollups_rebuild(org=org)
                self.stdout.write(f"{org.name}: {rows} rollup rows in {time.perf_counter() - started:.1f}s")
        else:
            if not options["period"]:
                raise CommandError("--period is required")
            for org in orgs:
                result = compute(
                    org=org,
                    metrics=options["metrics"].split(","),
                    level=options["level"],
                    period=Period.parse(options["period"]),
                    source=options["source"],
                )
                self.stdout.write(json.dumps({"org": org.pk, "values": result}, default=str, ensure_ascii=False))
