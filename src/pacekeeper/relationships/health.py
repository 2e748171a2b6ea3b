"""The relationship health score (0–100) of customers, with its reasons and their weights.

For all customers of a queryset at once, in a bounded number of grouped queries whatever their
number (DESIGN rule 3): the organisation's weights (1), the follow-up policy (1), the customers
(1), the last contact per customer (1), the sales windows per customer (1), the contracts up for
renewal (1), the survey answers' windows (1) — seven — plus one per registered complaint provider
(signals.py). tests/relationships/test_health.py holds the count.

Each factor is a condition from 0 (bad) to 1 (good); the score is 100 × Σ weight × condition /
Σ weight over the factors that apply to the customer (no survey answers, no sales history, no
complaint provider: the factor is left out and says so), rounded half up. A reason's "points
lost" is what it takes off 100. docs/relationships.md describes every factor.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.db.models import Avg, Count, IntegerField, Max, Min, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from pacekeeper.crm.models import Contract, Customer, FollowUpPolicy, Interaction, Sale
from pacekeeper.feedback.models import Answer
from pacekeeper.lib.formatting import change_percent, format_amount, format_date, format_percent

from . import signals
from .models import DEFAULT_AT_RISK_BELOW, DEFAULT_WEIGHTS, FACTORS, HealthSettings

SALES_WINDOW_DAYS = 182  # "recent sales": the last six months, against the same six months a year before
VALUE_WINDOW_DAYS = 365  # value at risk: the last twelve months' confirmed sales
SURVEY_WINDOW_DAYS = 180  # satisfaction: the last 180 days against the 180 before
RENEWAL_DAYS = 90
ONE = Decimal(1)
ZERO = Decimal(0)


@dataclass
class Reason:
    factor: str
    weight: int
    condition: Decimal | None  # None: does not apply to this customer
    text: str
    points_lost: Decimal = ZERO
    # The weight actually used, out of 100: the configured weights of the reasons that apply,
    # rescaled so they add up to 100 (a reason without data leaves its weight to the others).
    # points_lost never exceeds it.
    weight_used: Decimal = ZERO

    @property
    def applies(self) -> bool:
        return self.condition is not None


@dataclass
class Health:
    customer: Customer
    as_of: dt.date
    score: int
    reasons: list[Reason]
    value_at_risk_minor: int
    at_risk: bool
    next_step: str = ""
    weakest: Reason | None = field(default=None)


def health_weights(org_id: int) -> tuple[dict[str, int], int]:
    row = HealthSettings.objects.filter(org_id=org_id).first()
    if row is None:
        return dict(DEFAULT_WEIGHTS), DEFAULT_AT_RISK_BELOW
    return row.weights(), row.at_risk_below


def customers_health(
    *, org, customers: QuerySet, as_of: dt.date, backtest: bool = False, language: str | None = None
) -> list[Health]:
    """The health of every customer of `customers` on `as_of`, reading only facts up to that day.

    `backtest`: a contract's renewal outcome carries no date, so a score for a past day treats
    every contract ending within 90 days after it as undecided (what was known then)."""
    language = language or get_language() or "zh-hans"
    weights, threshold = health_weights(org.pk)
    intervals = FollowUpPolicy.objects.intervals(org.pk)
    rows = list(customers.select_related("owner"))
    ids = customers.values("pk")
    facts = _Facts(org=org, ids=ids, as_of=as_of, backtest=backtest)
    result = []
    for customer in rows:
        reasons = [
            _recency(customer, facts, intervals, language),
            _satisfaction(customer, facts),
            _sales(customer, facts, org.currency, language),
            _renewal(customer, facts, language),
            _complaints(customer, facts),
        ]
        for reason in reasons:
            reason.weight = weights[reason.factor]
        result.append(_scored(customer, as_of, reasons, facts.value_at_risk(customer.pk), threshold))
    return result


class _Facts:
    """The grouped queries, one per kind of fact, each for all customers of the subquery."""

    def __init__(self, *, org, ids: QuerySet, as_of: dt.date, backtest: bool):
        zone = ZoneInfo(org.time_zone)
        end = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(), tzinfo=zone)
        self.as_of = as_of
        self.last_contact = {
            row["customer_id"]: row["last"].astimezone(zone).date()
            for row in Interaction.objects.filter(org_id=org.pk, customer_id__in=ids, occurred_at__lt=end)
            .values("customer_id")
            .annotate(last=Max("occurred_at"))
        }
        recent_from = as_of - dt.timedelta(days=SALES_WINDOW_DAYS - 1)
        last_year = (as_of - dt.timedelta(days=365 + SALES_WINDOW_DAYS - 1), as_of - dt.timedelta(days=365))
        year_from = as_of - dt.timedelta(days=VALUE_WINDOW_DAYS - 1)
        zero = Value(0, output_field=IntegerField())
        self.sales = {
            row["customer_id"]: row
            for row in Sale.objects.filter(
                org_id=org.pk,
                customer_id__in=ids,
                status=Sale.Status.CONFIRMED,
                ordered_on__gte=last_year[0],
                ordered_on__lte=as_of,
            )
            .values("customer_id")
            .annotate(
                recent=Coalesce(Sum("amount_minor", filter=Q(ordered_on__gte=recent_from)), zero),
                before=Coalesce(Sum("amount_minor", filter=Q(ordered_on__lte=last_year[1])), zero),
                year=Coalesce(Sum("amount_minor", filter=Q(ordered_on__gte=year_from)), zero),
            )
        }
        due = Contract.objects.filter(
            org_id=org.pk, customer_id__in=ids, ends_on__gte=as_of, ends_on__lte=as_of + dt.timedelta(days=RENEWAL_DAYS)
        )
        if not backtest:
            due = due.filter(renewal=Contract.Renewal.PENDING)
        self.renewals = {
            row["customer_id"]: row
            for row in due.values("customer_id").annotate(first=Min("ends_on"), count=Count("pk"))
        }
        survey_from = dt.datetime.combine(as_of - dt.timedelta(days=2 * SURVEY_WINDOW_DAYS - 1), dt.time(), tzinfo=zone)
        split = dt.datetime.combine(as_of - dt.timedelta(days=SURVEY_WINDOW_DAYS - 1), dt.time(), tzinfo=zone)
        recent, before = Q(answered_at__gte=split), Q(answered_at__lt=split)
        self.answers = {
            row["customer_id"]: row
            for row in Answer.objects.filter(
                org_id=org.pk, customer_id__in=ids, answered_at__gte=survey_from, answered_at__lt=end
            )
            .values("customer_id")
            .annotate(
                csat_recent=Avg("csat", filter=recent),
                nps_recent=Avg("nps", filter=recent),
                csat_before=Avg("csat", filter=before),
                nps_before=Avg("nps", filter=before),
            )
        }
        self.has_complaints = signals.has_complaint_providers()
        self.complaints = (
            signals.complaint_counts(org_id=org.pk, customer_ids=ids, as_of=as_of) if self.has_complaints else {}
        )

    def value_at_risk(self, customer_id: int) -> int:
        row = self.sales.get(customer_id)
        return int(row["year"]) if row else 0


def _recency(customer, facts: _Facts, intervals: dict[str, int], language: str) -> Reason:
    """Full marks within the tier's follow-up interval, none at three intervals, linear between."""
    interval = intervals.get(customer.tier, 30)
    last = facts.last_contact.get(customer.pk)
    base = last or min(customer.created_on, facts.as_of)
    days = (facts.as_of - base).days
    if days <= interval:
        condition = ONE
    elif days >= 3 * interval:
        condition = ZERO
    else:
        condition = ONE - Decimal(days - interval) / Decimal(2 * interval)
    if last is None:
        text = _("Never contacted (customer since %(date)s); the policy asks every %(interval)s days.") % {
            "date": format_date(base, language),
            "interval": interval,
        }
    else:
        text = _("Last contact %(days)s days ago (%(date)s); the policy asks every %(interval)s days.") % {
            "days": days,
            "date": format_date(last, language),
            "interval": interval,
        }
    return Reason("recency", 0, condition, text)


def _survey_level(csat, nps) -> Decimal | None:
    """One 0–1 level from the averages: CSAT 1–5 → (csat − 1) / 4, NPS 0–10 → nps / 10, averaged."""
    levels = []
    if csat is not None:
        levels.append((Decimal(str(csat)) - 1) / 4)
    if nps is not None:
        levels.append(Decimal(str(nps)) / 10)
    return sum(levels) / len(levels) if levels else None


def _satisfaction(customer, facts: _Facts) -> Reason:
    """The level of the last 180 days' answers; a fall from the 180 days before counts twice."""
    row = facts.answers.get(customer.pk)
    recent = _survey_level(row["csat_recent"], row["nps_recent"]) if row else None
    before = _survey_level(row["csat_before"], row["nps_before"]) if row else None
    if recent is None and before is None:
        return Reason("satisfaction", 0, None, _("No survey answers in the last 360 days: not counted."))
    if recent is None:
        return Reason(
            "satisfaction",
            0,
            before,
            _("No answers in the last 180 days; %(level)s in the 180 days before.")
            % {"level": format_percent(before * 100)},
        )
    condition = recent
    if before is not None and recent < before:
        condition = max(ZERO, recent - (before - recent))
    text = _("Survey level %(level)s in the last 180 days") % {"level": format_percent(recent * 100)}
    if before is not None:
        text += " " + _("(%(level)s in the 180 days before).") % {"level": format_percent(before * 100)}
    return Reason("satisfaction", 0, condition, text)


def _sales(customer, facts: _Facts, currency: str, language: str) -> Reason:
    """The last six months' confirmed sales against the same six months a year before: full marks
    when they held or grew, the share kept when they fell."""
    row = facts.sales.get(customer.pk)
    recent = int(row["recent"]) if row else 0
    before = int(row["before"]) if row else 0
    if not before and not recent:
        return Reason("sales", 0, None, _("No sales in the last six months nor a year before: not counted."))
    figures = {
        "recent": format_amount(recent, currency, language, short=True),
        "before": format_amount(before, currency, language, short=True),
    }
    if not before:
        return Reason(
            "sales", 0, ONE, _("Sales %(recent)s in the last six months; none in the same months last year.") % figures
        )
    figures["change"] = format_percent(change_percent(recent, before))
    condition = min(ONE, Decimal(recent) / Decimal(before))
    text = _("Sales %(recent)s in the last six months vs %(before)s in the same months last year (%(change)s).")
    return Reason("sales", 0, condition, text % figures)


def _renewal(customer, facts: _Facts, language: str) -> Reason:
    """A contract ending within 90 days without a renewal outcome: none within 30 days, half before."""
    row = facts.renewals.get(customer.pk)
    if row is None:
        return Reason("renewal", 0, ONE, _("No contract ends within 90 days without a renewal outcome."))
    days = (row["first"] - facts.as_of).days
    condition = ZERO if days <= 30 else Decimal("0.5")
    text = _("A contract ends on %(date)s (in %(days)s days) without a renewal outcome.") % {
        "date": format_date(row["first"], language),
        "days": days,
    }
    return Reason("renewal", 0, condition, text)


def _complaints(customer, facts: _Facts) -> Reason:
    """Each open complaint takes a third, each SLA breach a half (never below 0)."""
    if not facts.has_complaints:
        return Reason("complaints", 0, None, _("Complaints are not tracked yet: not counted."))
    counts = facts.complaints.get(customer.pk, signals.ComplaintCounts())
    condition = max(ZERO, ONE - Decimal(counts.open_complaints) / 3 - Decimal(counts.sla_breaches) / 2)
    text = _("%(open)s open complaints, %(breaches)s SLA breaches.") % {
        "open": counts.open_complaints,
        "breaches": counts.sla_breaches,
    }
    return Reason("complaints", 0, condition, text)


def _scored(customer, as_of, reasons: list[Reason], value_minor: int, threshold: int) -> Health:
    counted = [reason for reason in reasons if reason.applies and reason.weight > 0]
    total = sum(reason.weight for reason in counted)
    if not total:
        score = 100
    else:
        raw = sum(Decimal(reason.weight) * reason.condition for reason in counted) * 100 / total
        score = int(raw.quantize(ONE, rounding=ROUND_HALF_UP))
        tenth = Decimal("0.1")
        for reason in counted:
            share = Decimal(reason.weight) * 100 / total
            # Both rounded half up to a tenth from exact values, so points_lost <= weight_used holds.
            reason.weight_used = share.quantize(tenth, rounding=ROUND_HALF_UP)
            reason.points_lost = (share * (ONE - reason.condition)).quantize(tenth, rounding=ROUND_HALF_UP)
    weakest = max(counted, key=lambda r: r.points_lost, default=None)
    if weakest is not None and weakest.points_lost <= 0:
        weakest = None
    health = Health(customer, as_of, score, reasons, value_minor, score < threshold, weakest=weakest)
    health.next_step = next_step(health)
    return health


def next_step(health: Health) -> str:
    """A rule per weakest reason: what an experienced account manager would do first."""
    factor = health.weakest.factor if health.weakest else ""
    steps = {
        "recency": _("Visit or call now: the follow-up is overdue for this tier."),
        "satisfaction": _("Call the decision maker about the latest survey answers and agree on fixes."),
        "sales": _("Review the account plan with the customer: sales fell against last year."),
        "renewal": _("Start the renewal conversation and record its outcome on the contract."),
        "complaints": _("Resolve the open complaints and report back to the customer."),
    }
    return steps.get(factor, _("Keep the rhythm: nothing needs attention."))


def factor_label(factor: str) -> str:
    return {
        "recency": _("Contact recency"),
        "satisfaction": _("Satisfaction trend"),
        "sales": _("Sales trend"),
        "renewal": _("Contract renewal"),
        "complaints": _("Complaints and SLA breaches"),
    }[factor]


assert set(FACTORS) == set(DEFAULT_WEIGHTS)
