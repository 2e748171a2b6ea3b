"""{% load work_reports %}: the missing-reports panel other pages include with one line
({% team_report_status team %} on the team page), and small filters for the report pages."""

import datetime as dt

from django import template
from django.utils.translation import get_language

from pacekeeper.workreports import selectors
from pacekeeper.workreports.figures import period_label

register = template.Library()


@register.inclusion_tag("workreports/_missing.html", takes_context=True)
def team_report_status(context, team):
    actor = context["actor"]
    people = list(selectors.expected_authors(actor, team=team).exclude(pk=actor.user_id))
    return {"status": selectors.reporting_status(actor, people), "link_all": True}


@register.filter
def iso_date(text):
    """A date kept as ISO text in a report's frozen figures, as a date (for local_date)."""
    try:
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        return None


@register.filter
def report_period(report) -> str:
    return period_label(report.cadence, report.period_start, report.period_end, get_language())
