"""The survey metrics' components, for every account manager of an organisation over a period in
a fixed number of grouped queries. `feedback.metrics` registers them with the KPI engine.

Credit follows the fact (DESIGN rule 4), to the manager stored on the invitation when it was
sent (the customer's responsible manager then), whoever owns the customer now:

- an answer (`csat_answers`, `csat_score_sum`, `csat_satisfied` for scores 4–5, `nps_answers`,
  `nps_promoters` 9–10, `nps_detractors` 0–6) on the local day it was answered;
- an invitation (`survey_invitations`; `survey_responses` once it is answered) on the local day
  it was sent — the response rate of the invitations sent in a period.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncDate

from pacekeeper.kpis.components import Credits, day_bounds, grouped, summed_rollup
from pacekeeper.kpis.periods import Period
from pacekeeper.tenancy.models import Organization

from .models import (
    CSAT_SATISFIED,
    NPS_PASSIVE,
    NPS_PROMOTER,
    Answer,
    Invitation,
    SurveyDailyRollup,
    SurveyMonthlyRollup,
)

ANSWER_COMPONENTS = (
    "csat_answers",
    "csat_score_sum",
    "csat_satisfied",
    "nps_answers",
    "nps_promoters",
    "nps_detractors",
)
INVITATION_COMPONENTS = ("survey_invitations", "survey_responses")
COMPONENTS = (*ANSWER_COMPONENTS, *INVITATION_COMPONENTS)

ANSWER_AGGREGATES = {
    "csat_answers": Count("pk", filter=Q(csat__isnull=False)),
    "csat_score_sum": Sum("csat"),
    "csat_satisfied": Count("pk", filter=Q(csat__gte=CSAT_SATISFIED)),
    "nps_answers": Count("pk", filter=Q(nps__isnull=False)),
    "nps_promoters": Count("pk", filter=Q(nps__gte=NPS_PROMOTER)),
    "nps_detractors": Count("pk", filter=Q(nps__lt=NPS_PASSIVE)),
}
INVITATION_AGGREGATES = {
    "survey_invitations": Count("pk"),
    "survey_responses": Count("pk", filter=Q(answered_at__isnull=False)),
}


def local_day(org: Organization, field: str) -> TruncDate:
    return TruncDate(field, tzinfo=ZoneInfo(org.time_zone))


def answer_facts(org: Organization, period: Period) -> QuerySet:
    start, end = day_bounds(org, period)
    rows = Answer.objects.filter(org=org, answered_at__gte=start, answered_at__lt=end)
    return rows.annotate(credit_on=local_day(org, "answered_at"))


def invitation_facts(org: Organization, period: Period) -> QuerySet:
    start, end = day_bounds(org, period)
    rows = Invitation.objects.filter(org=org, sent_at__gte=start, sent_at__lt=end)
    return rows.annotate(credit_on=local_day(org, "sent_at"))


def _wants(wanted, names) -> bool:
    return wanted is None or bool(set(wanted) & set(names))


def survey_live(org: Organization, period: Period, split: set[int], *, wanted=None, only=None) -> Credits:
    """The survey components from the answers and invitations themselves (the live path)."""
    credits = Credits()
    if _wants(wanted, ANSWER_COMPONENTS):
        rows = answer_facts(org, period)
        credits.merge(
            grouped(
                rows, manager="manager_id", day=F("credit_on"), aggregates=ANSWER_AGGREGATES, split=split, only=only
            )
        )
    if _wants(wanted, INVITATION_COMPONENTS):
        rows = invitation_facts(org, period)
        credits.merge(
            grouped(
                rows, manager="manager_id", day=F("credit_on"), aggregates=INVITATION_AGGREGATES, split=split, only=only
            )
        )
    return credits


def survey_rollup(org: Organization, period: Period, split: set[int], *, wanted=None, only=None) -> Credits:
    """The same from feedback's daily and monthly rollups (feedback/rollups.py keeps them)."""
    fields = [name for name in COMPONENTS if wanted is None or name in wanted]
    return summed_rollup(
        org, period, split, daily=SurveyDailyRollup, monthly=SurveyMonthlyRollup, fields=fields, only=only
    )
