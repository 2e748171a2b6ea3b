"""Template tags for amounts and dates in the user's language (UX: numbers, dates and colours).

{% money sale.amount_minor %} → ¥1,234.50 (tables: full amounts)
{% money total short=True %}  → ¥12.35万 / ¥123.5K with the full amount in a title (cards)
{{ day|local_date }}          → 2026年3月5日 / 5 Mar 2026
{% due customer.next_due_on %} → ✕ 3 days overdue / ! Due today / ✓ 5 Mar 2026
"""

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

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


@register.simple_tag(takes_context=True)
def due(context, day):
    """A follow-up or promise date as its status (never colour alone: a sign and words go with
    it). A tag, not an included template: lists show it on every row."""
    if not day:
        return "—"
    delta = (day - context["actor"].today()).days
    if delta < 0:
        return format_html('<span class="status bad">✕ {}</span>', _("%(n)s days overdue") % {"n": -delta})
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
