import datetime as dt
import json
import time

from django.core.management.base import BaseCommand

from pacekeeper.crm.models import Contact, Contract, Customer, Interaction, Opportunity, Sale
from pacekeeper.demo.seed import seed_organization
from pacekeeper.kpis.models import DailyRollup, MonthlyRollup, RepeatPurchaseRollup
from pacekeeper.lib.statistics import refresh_after_bulk_load

SEEDED_MODELS = (
    Customer,
    Contact,
    Interaction,
    Sale,
    Contract,
    Opportunity,
    DailyRollup,
    MonthlyRollup,
    RepeatPurchaseRollup,
)


class Command(BaseCommand):
    help = "Generate a realistic organisation: pacekeeper seed --managers N --customers M --months K [--seed S]"

    def add_arguments(self, parser):
        parser.add_argument("--managers", type=int, default=12)
        parser.add_argument("--customers", type=int, default=300)
        parser.add_argument("--months", type=int, default=12)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--password", default="pacekeeper", help="password of every generated login")
        parser.add_argument(
            "--until",
            type=dt.date.fromisoformat,
            default=None,
            help="last day of generated history (default: today); same seed + until = same data",
        )
        parser.add_argument("--org-name", default="华信银行上海分行")
        parser.add_argument(
            "--no-goals",
            action="store_true",
            help="skip this year's demo goals and the commission plan with its payout runs",
        )

    def handle(self, *args, **options):
        started = time.perf_counter()
        result = seed_organization(
            managers=options["managers"],
            customers=options["customers"],
            months=options["months"],
            seed=options["seed"],
            password=options["password"],
            until=options["until"],
            org_name=options["org_name"],
            with_goals=not options["no_goals"],
        )
        refresh_after_bulk_load(*SEEDED_MODELS)
        self.stdout.write(
            f"Organisation {result.org.name} (id {result.org.pk}) in {time.perf_counter() - started:.1f}s"
        )
        self.stdout.write(json.dumps(result.counts, ensure_ascii=False))
