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
