"""Rollups: the additive facts of one account manager on one day (and per month), and each
customer's repeat purchases by month, so that long periods read a few thousand small rows
instead of millions of facts (DESIGN rule 3).

A daily row is credited like its facts: to the manager stored on each fact, on the fact's date
(sales: order date; interactions: local date; contracts: end date; pipeline: expected close;
new customers: the date of the customer's first sale ever). A monthly row is the sum of the
month's daily rows.
"""

import datetime as dt

from django.conf import settings
from django.db import models

from pacekeeper.tenancy.models import Organization

# The additive components a rollup row carries, in the order of its columns.
ROLLUP_FIELDS = (
    "sales_minor",
    "sales_count",
    "margin_minor",
    "interactions",
    "visits",
    "renewals_renewed",
    "renewals_lost",
    "pipeline_minor",
    "pipeline_weighted_minor",
    "new_customers",
)


class RollupComponents(models.Model):
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, db_index=False)
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    sales_minor = models.BigIntegerField(default=0)
    sales_count = models.IntegerField(default=0)
    margin_minor = models.BigIntegerField(default=0)
    interactions = models.IntegerField(default=0)
    visits = models.IntegerField(default=0)
    renewals_renewed = models.IntegerField(default=0)
    renewals_lost = models.IntegerField(default=0)
    pipeline_minor = models.BigIntegerField(default=0)
    pipeline_weighted_minor = models.BigIntegerField(default=0)
    new_customers = models.IntegerField(default=0)

    class Meta:
        abstract = True


class DailyRollup(RollupComponents):
    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "day", "manager"], name="rollup_unique_per_day_manager")]
        indexes = [models.Index(fields=["org", "manager", "day"])]

    def __str__(self) -> str:
        return f"{self.manager_id} {self.day}"


class MonthlyRollup(RollupComponents):
    month = models.DateField(help_text="The first day of the month.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org", "month", "manager"], name="rollup_unique_per_month_manager")
        ]

    def __str__(self) -> str:
        return f"{self.manager_id} {self.month:%Y-%m}"


# The next purchase month of a customer who has not bought since: later than any period.
NOT_SINCE = dt.date(9999, 12, 1)


class RepeatPurchaseRollup(models.Model):
    """How many customers made their last purchase of `month` with `manager` and bought next in
    `next_month` (NOT_SINCE: not since). Customer retention over whole months reads these
    counts: the previous period's buyers are those whose next purchase month lies after it."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, db_index=False)
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    month = models.DateField(help_text="The first day of the month.")
    next_month = models.DateField(help_text="The first day of the next month with a purchase.")
    customers = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org", "month", "manager", "next_month"], name="repeat_purchase_unique")
        ]

    def __str__(self) -> str:
        return f"{self.manager_id} {self.month:%Y-%m} → {self.next_month:%Y-%m}"
