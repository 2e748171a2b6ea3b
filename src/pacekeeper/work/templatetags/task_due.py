"""A task's due date with the marker urgency uses, on every task page (board, list, My tasks,
plan, task page): `{% load task_due %}{% task_due task %}`.

Overdue is red, due within URGENT_WITHIN_DAYS days amber, anything later plain; a closed task
shows its date with no marker. The generic `{% due %}` tag (customers' follow-ups) shows a
green tick for any future date, which read as "fine" on a task due tomorrow that counts as urgent.
"""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pacekeeper.tenancy.templatetags.formatting import local_date

register = template.Library()


@register.simple_tag(takes_context=True)
def task_due(context, task):
    if not task.due_on:
        return "—"
    day = local_date(task.due_on)
    if not task.is_open:
        return day
    today = context["actor"].today()
    delta = (task.due_on - today).days
    # Never colour alone: a sign and words go with it.
    if delta < 0:
        late = ngettext("%(n)s day overdue", "%(n)s days overdue", -delta) % {"n": -delta}
        return format_html('<span class="status bad">✕ {}</span>', late)
    if delta == 0:
        return format_html('<span class="status warn">! {}</span>', _("Due today"))
    if task.is_due_soon(today):
        soon = ngettext("Due in %(n)s day", "Due in %(n)s days", delta) % {"n": delta}
        return format_html('<span class="status warn">! {} · {}</span>', soon, day)
    return format_html('<span class="due">{}</span>', day)
