from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from pacekeeper.lib.text import CleanTextFormMixin

# What each level means, so that a 3 reads the same on every team (docs/skills.md).
LEVEL_NAMES = {
    1: _("learning"),
    2: _("basic"),
    3: _("competent"),
    4: _("advanced"),
    5: _("expert, teaches others"),
}
# Lazy: a plain f-string froze the names in the language active at import (Chinese on English pages).
LEVEL_CHOICES = [(n, format_lazy("{} · {}", n, name)) for n, name in LEVEL_NAMES.items()]


class SkillForm(CleanTextFormMixin, forms.Form):
    """The catalogue's fields as typed; the service checks the name (unique per organisation)."""

    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(
        label=_("Description"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        initial=True,
        help_text=_("An inactive skill keeps its levels but is no longer offered."),
    )


class TeamFilterForm(CleanTextFormMixin, forms.Form):
    team = forms.TypedChoiceField(label=_("Team"), coerce=int, required=False, empty_value=None)
    skill = forms.TypedChoiceField(label=_("Skill"), coerce=int, required=False, empty_value=None)
    awaiting = forms.BooleanField(label=_("Awaiting confirmation only"), required=False)

    def __init__(self, *args, teams=(), skills=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", _("Everyone"))] + [(t.pk, t.name) for t in teams]
        self.fields["skill"].choices = [("", _("All skills"))] + [(s.pk, s.name) for s in skills]
        for name in ("team", "skill", "awaiting"):
            self.fields[name].widget.attrs["data-autosubmit"] = ""
        if len(self.fields["team"].choices) <= 2:  # one team or none: nothing to choose
            del self.fields["team"]
