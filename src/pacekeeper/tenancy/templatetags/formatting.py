"""Template tags for amounts and dates in the user's language (UX: numbers, dates and colours).

{% money sale.amount_minor %} → ¥1,234.50 (tables: full amounts)
{% money total short=True %}  → ¥12.35万 / ¥123.5K with the full amount in a title (cards)
{{ day|local_date }}          → 2026年3月5日 / 5 Mar 2026
"""

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

from pacekeeper.lib.dates import format_date
from pacekeeper.lib.money import format_amount

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
def days_from(day, today):
    """Whole days from `today` to `day` (negative: in the past)."""
    if not day or not today:
        return ""
    return (day - today).days


@register.filter
def negate(value):
    try:
        return -int(value)
    except (TypeError, ValueError):
        return value


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
