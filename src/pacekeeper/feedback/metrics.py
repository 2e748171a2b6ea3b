"""Survey KPIs: CSAT (average and share satisfied), NPS and the response rate, for people, teams
and the organisation, registered with the KPI engine at start-up (`FeedbackConfig.ready`). The
engine imports nothing of feedback; this module is the whole of what it knows of it.
Definitions: docs/feedback.md, "Survey metrics"."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from pacekeeper.kpis.registry import Direction, Metric, Unit, percent, register_component, register_metric

from . import kpi_components
from .rollups import survey_rollups_rebuild


def average(total: int, count: int) -> Decimal | None:
    """total / count to 0.01, half up; None without answers."""
    if not count:
        return None
    return (Decimal(total) / Decimal(count)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


METRICS = (
    Metric(
        "csat_average",
        _("Customer satisfaction (CSAT)"),
        Unit.SCORE,
        Direction.HIGHER,
        ("csat_answers", "csat_score_sum"),
        lambda c: average(c["csat_score_sum"], c["csat_answers"]),
        _("Average satisfaction score (1–5) of the survey answers received in the period."),
        bounds=(Decimal(1), Decimal(5)),
    ),
    Metric(
        "csat_satisfied",
        _("Satisfied customers"),
        Unit.PERCENT,
        Direction.HIGHER,
        ("csat_answers", "csat_satisfied"),
        lambda c: percent(c["csat_satisfied"], c["csat_answers"]),
        _("Share of satisfaction answers scoring 4 or 5, among those received in the period."),
    ),
    Metric(
        "nps",
        _("Net promoter score (NPS)"),
        Unit.SCORE,
        Direction.HIGHER,
        ("nps_answers", "nps_promoters", "nps_detractors"),
        lambda c: percent(c["nps_promoters"] - c["nps_detractors"], c["nps_answers"]),
        _("Promoters (9–10) minus detractors (0–6), as a share of the NPS answers received in the period."),
        bounds=(Decimal(-100), Decimal(100)),
    ),
    Metric(
        "survey_response_rate",
        _("Survey response rate"),
        Unit.PERCENT,
        Direction.HIGHER,
        ("survey_invitations", "survey_responses"),
        lambda c: percent(c["survey_responses"], c["survey_invitations"]),
        _("Share of the survey invitations sent in the period that were answered."),
    ),
)


def register() -> None:
    """Register the survey provider, then the survey metrics."""
    register_component(
        "surveys",
        compute=kpi_components.survey_live,
        components=kpi_components.COMPONENTS,
        rollup=kpi_components.survey_rollup,
        rebuild=survey_rollups_rebuild,
    )
    for metric in METRICS:
        register_metric(metric)
