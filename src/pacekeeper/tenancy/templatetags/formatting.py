"""Template tags for amounts and dates in the user's language (UX: numbers, dates and colours).

{% money sale.amount_minor %} → ¥1,234.50 (tables: full amounts)
{% money total short=True %}  → ¥12.35万 / ¥123.5K with the full amount in a title (cards)
{{ day|local_date }}          → 2026年3月5日 / 5 Mar 2026
{{ goal|period_label }}       → 2026年全年 / 2026 (full year) (anything with starts_on/ends_on or start/end)
{{ value|percent }}           → 12.3%
{% change now before %}       → ▲ 12.3% / ▼ 4.0% / = 0.0% (the sign and the figure, never "up" alone)
{% due customer.next_due_on %} → ✕ 3 days overdue / ! Due today / ✓ 5 Mar 2026
{{ booked|hours_figure }}     → 32 / 7.5 / 33.25 (hours, two decimals at most, no unit)
{{ monday|week_label:this_week }} → 12月7日那周 / week of 7 Dec (本周 / this week)

The formats themselves live in pacekeeper.lib.formatting (one module for pages, charts, exports).
"""

import datetime as dt

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from pacekeeper.lib.formatting import (
    change_percent,
    format_amount,
    format_date,
    format_datetime,
    format_hours,
    format_percent,
    format_period,
    format_rate,
    format_week,
    month_label,
)

register = template.Library()


def _currency(context) -> str:
    actor = context.get("actor")
    return actor.org.currency if actor else "CNY"


@register.simple_tag(takes_context=True)
def money(context, minor, short=False):
    if minor is None or minor == "":
        return "—"
    language = get_language() or "zh-hans"
    full = format_amount(int(minor), _currency(context), language)
    if not short:
        return full
    return format_html(
        '<span title="{}">{}</span>', full, format_amount(int(minor), _currency(context), language, short=True)
    )


@register.filter
def local_date(day):
    if not day:
        return "—"
    return format_date(day, get_language() or "zh-hans")


@register.filter
def local_datetime(moment, precision: str = ""):
    """`{{ entry.at|local_datetime }}` → 2026年3月5日 14:05; `|local_datetime:"seconds"` adds them."""
    if not moment:
        return "—"
    return format_datetime(localtime(moment), get_language() or "zh-hans", seconds=precision == "seconds")


@register.filter
def period_label(span):
    """A goal's, a period's or a cycle's own period, as people name it."""
    start = getattr(span, "starts_on", None) or getattr(span, "start", None)
    end = getattr(span, "ends_on", None) or getattr(span, "end", None)
    if not start or not end:
        return "—"
    return format_period(start, end, get_language() or "zh-hans")


@register.filter
def month_name(label: str):
    """ "2026-07" → 2026年7月 / Jul 2026 (tables beside charts)."""
    try:
        day = dt.date.fromisoformat(f"{label}-01")
    except ValueError:
        return label
    return month_label(day, get_language() or "zh-hans", with_year=True)


@register.filter
def percent(value):
    return format_percent(value)


@register.filter
def rate(value):
    return format_rate(value)


@register.simple_tag
def change(now, before):
    """The change against a figure of the same span: arrow, sign and percent (colour by the
    organisation's convention in CSS)."""
    delta = change_percent(now, before)
    if delta is None:
        return format_html('<span class="change">{}</span>', _("no figure to compare"))
    if delta > 0:
        return format_html('<span class="change up">▲ +{}%</span>', delta)
    if delta < 0:
        return format_html('<span class="change down">▼ {}%</span>', delta)
    return mark_safe('<span class="change">= 0.0%</span>')


@register.simple_tag(takes_context=True)
def due(context, day, followed_up=True):
    """A follow-up or promise date as its status (never colour alone: a sign and words go with
    it). A tag, not an included template: lists show it on every row. A customer who is not
    followed up (lost) has no status: a red "overdue" there contradicts the overdue filter."""
    if not followed_up:
        return format_html('<span class="muted">{}</span>', _("Not followed up"))
    if not day:
        return "—"
    delta = (day - context["actor"].today()).days
    if delta < 0:
        return format_html(
            '<span class="status bad">✕ {}</span>',
            ngettext("%(n)s day overdue", "%(n)s days overdue", -delta) % {"n": -delta},
        )
    if delta == 0:
        return format_html('<span class="status warn">! {}</span>', _("Due today"))
    return format_html('<span class="status ok">✓ {}</span>', local_date(day))


@register.filter
def audit_field(entry):
    from pacekeeper.tenancy.audit import field_label

    return field_label(entry)


@register.filter
def audit_value(entry, which: str):
    """`entry|audit_value:"before"` or `"after"`: the value as people read it, "—" when empty."""
    from pacekeeper.tenancy.audit import value_label

    value = getattr(entry, which)
    return value_label(entry, value) if value else "—"


@register.filter
def hours_figure(value):
    return format_hours(value)


@register.filter
def week_label(monday, this_week=None):
    return format_week(monday, get_language() or "zh-hans", this_week=this_week) if monday else "—"
