"""Daily rollups: the additive facts of one account manager on one day, so that long periods
read a few thousand small rows instead of millions of facts (DESIGN rule 3).

A row is credited like its facts: to the manager stored on each fact, on the fact's date
(sales: order date; interactions: local date; contracts: end date; pipeline: expected close).
"""

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
)


class DailyRollup(models.Model):
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, db_index=False)
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField()
    sales_minor = models.BigIntegerField(default=0)
    sales_count = models.IntegerField(default=0)
    margin_minor = models.BigIntegerField(default=0)
    interactions = models.IntegerField(default=0)
    visits = models.IntegerField(default=0)
    renewals_renewed = models.IntegerField(default=0)
    renewals_lost = models.IntegerField(default=0)
    pipeline_minor = models.BigIntegerField(default=0)
    pipeline_weighted_minor = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "day", "manager"], name="rollup_unique_per_day_manager")]
        indexes = [models.Index(fields=["org", "manager", "day"])]

    def __str__(self) -> str:
        return f"{self.manager_id} {self.day}"
