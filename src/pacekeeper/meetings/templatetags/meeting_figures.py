"""Frozen agenda values as pages show them (lib/formatting through goals.smart.shown_value)."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django import template
from django.utils.translation import get_language

from pacekeeper.goals.smart import shown_value
from pacekeeper.lib.formatting import format_date, format_percent
from pacekeeper.work.models import Task

register = template.Library()


@register.simple_tag(takes_context=True)
def metric_value(context, metric: str, value):
    actor = context.get("actor")
    return shown_value(metric, value, actor.org.currency if actor else "CNY")


@register.filter
def iso_date(value):
    """An ISO date stored in the agenda, in the reader's language."""
    try:
        return format_date(dt.date.fromisoformat(value), get_language() or "zh-hans")
    except (TypeError, ValueError):
        return "—"


@register.filter
def stored_percent(value):
    try:
        return format_percent(Decimal(value)) if value is not None else "—"
    except (InvalidOperation, TypeError):
        return "—"


@register.filter
def signed_points(value):
    """A change of attainment in percentage points, with its sign and arrow (never colour alone)."""
    try:
        change = Decimal(value)
    except (InvalidOperation, TypeError):
        return ""
    arrow = "▲" if change > 0 else "▼" if change < 0 else "="
    return f"{arrow} {'+' if change > 0 else ''}{change.quantize(Decimal('0.1'))}"


@register.filter
def task_status(value):
    return Task.Status(value).label if value in Task.Status.values else "—"


@register.filter
def work_report_period(value):
    """A work report's period kept in the agenda, named in the reader's language."""
    from pacekeeper.workreports.figures import period_label

    try:
        start, end = dt.date.fromisoformat(value["period_start"]), dt.date.fromisoformat(value["period_end"])
    except (KeyError, TypeError, ValueError):
        return "—"
    return period_label(value.get("cadence", ""), start, end, get_language() or "zh-hans")


@register.filter
def unlisted(value) -> int:
    """How many of a counted list the agenda leaves out (it lists the first few by name)."""
    return max(int(value.get("count", 0)) - len(value.get("items", ())), 0)
