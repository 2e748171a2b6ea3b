from django import template

from ..selectors import unread_count

register = template.Library()


@register.inclusion_tag("notifications/_bell.html", takes_context=True)
def notification_bell(context) -> dict:
    """The bell in the top bar with the person's unread count (one COUNT query per page)."""
    actor = context.get("actor")
    return {"count": unread_count(actor=actor) if actor else 0}
