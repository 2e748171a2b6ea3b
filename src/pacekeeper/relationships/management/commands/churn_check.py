"""pacekeeper churn_check [--org ID] [--as-of DAY] — the churn flag against what happened next.

Scores the customers alive on a past day with what was known then, flags the at-risk ones and
prints precision and recall against the customers actually lost afterwards (validation.py).
The last line is a JSON object of the figures (like `pacekeeper bench`)."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Max

from pacekeeper.crm.models import Sale
from pacekeeper.relationships.validation import churn_backtest
from pacekeeper.tenancy.models import Organization


class Command(BaseCommand):
    help = "Check the churn-risk flag on history: precision and recall against customers lost afterwards."

    def add_arguments(self, parser):
        parser.add_argument("--org", type=int, default=None, help="organisation id (default: the first)")
        parser.add_argument(
            "--as-of",
            type=dt.date.fromisoformat,
            default=None,
            help="the past day scored (default: a year and a day before the last sale)",
        )
        parser.add_argument("--horizon-days", type=int, default=365)
        parser.add_argument("--silent-days", type=int, default=182)

    def handle(self, *args, **options):
        org = Organization.objects.filter(**({"pk": options["org"]} if options["org"] else {})).order_by("pk").first()
        if org is None:
            raise CommandError("No organisation: run `pacekeeper seed` first.")
        last = Sale.objects.filter(org=org).aggregate(last=Max("ordered_on"))["last"]
        if last is None:
            raise CommandError("The organisation has no sales to look back on.")
        horizon = options["horizon_days"]
        as_of = options["as_of"] or last - dt.timedelta(days=horizon + 1)
        if as_of + dt.timedelta(days=horizon) > last:
            raise CommandError(f"The horizon ends after the last recorded sale ({last}): choose an earlier --as-of.")
        result = churn_backtest(org=org, as_of=as_of, horizon_days=horizon, silent_days=options["silent_days"])
        figures = {
            "as_of": str(result.as_of),
            "horizon_end": str(result.horizon_end),
            "customers": result.customers,
            "lost": result.lost,
            "flagged": result.flagged,
            "flagged_lost": result.flagged_lost,
            "threshold": result.threshold,
            "precision": str(result.precision),
            "recall": str(result.recall),
            "base_rate": str(result.base_rate),
        }
        self.stdout.write(
            f"{result.customers} customers alive on {as_of}; {result.lost} lost by {result.horizon_end}; "
            f"{result.flagged} flagged below {result.threshold}: precision {result.precision}, "
            f"recall {result.recall} (losing rate {result.base_rate})"
        )
        self.stdout.write(json.dumps(figures))
