from django import template

register = template.Library()


@register.filter
def mean_of(means: dict | None, question: str):
    """A question's mean from a shown period's figures (2 decimals, ROUND_HALF_UP in pulse)."""
    return "" if not means else means.get(question, "")


@register.filter
def step_label(code: str) -> str:
    """A history step's name in the reader's language."""
    from django.utils.translation import gettext as _

    from ..models import Conflict

    if code == "confirmed":
        return _("confirmed the agreement")
    return str(dict(Conflict.Status.choices).get(code, code))


@register.inclusion_tag("teamhealth/_pulse_prompt.html", takes_context=True)
def pulse_prompt(context):
    """A small prompt on My day while this period's pulse is unanswered (one query)."""
    from ..pulse import pulse_status

    actor = getattr(context.get("request"), "actor", None)
    status = pulse_status(actor) if actor is not None else None
    return {
        "show": status is not None and not status.has_answered,
        "weekly": status is not None and status.cadence == "weekly",
    }
