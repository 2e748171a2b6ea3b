from django import forms
from django.utils.translation import gettext_lazy as _

from pacekeeper.lib.text import CleanTextFormMixin

from .models import TEXT_MAX_LENGTH, TITLE_MAX_LENGTH, Category, Level, Response, Status

SCORES = [("", "—")] + [(n, str(n)) for n in range(1, 6)]


class RiskForm(CleanTextFormMixin, forms.Form):
    """What the pages take; the service checks the subject, the scores and the review date (the
    same rules as the API). Scores are plain numbers so that a bad one gets the service's error."""

    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    team = forms.TypedChoiceField(label=_("Team"), coerce=int, required=False, empty_value=None)
    customer = forms.TypedChoiceField(label=_("Customer"), coerce=int, required=False, empty_value=None)
    goal = forms.TypedChoiceField(label=_("Goal"), coerce=int, required=False, empty_value=None)
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    description = forms.CharField(
        label=_("Description"), max_length=TEXT_MAX_LENGTH, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    probability = forms.CharField(label=_("Probability (1–5)"), widget=forms.NumberInput(attrs={"min": 1, "max": 5}))
    impact = forms.CharField(label=_("Impact (1–5)"), widget=forms.NumberInput(attrs={"min": 1, "max": 5}))
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int, required=False, empty_value=None)
    response = forms.ChoiceField(label=_("Response"), choices=[("", "—"), *Response.choices], required=False)
    contingency = forms.CharField(
        label=_("Contingency plan"),
        max_length=TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    residual_probability = forms.ChoiceField(label=_("Residual probability (1–5)"), choices=SCORES, required=False)
    residual_impact = forms.ChoiceField(label=_("Residual impact (1–5)"), choices=SCORES, required=False)
    review_on = forms.CharField(label=_("Next review"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, teams=(), customers=(), goals=(), owners=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", "—")] + [(t.pk, t.name) for t in teams]
        self.fields["customer"].choices = [("", "—")] + [(c.pk, c.name) for c in customers]
        self.fields["goal"].choices = [("", "—")] + [(g.pk, g.title) for g in goals]
        self.fields["owner"].choices = [("", _("Me"))] + [(p.pk, str(p)) for p in owners]
        if editing:  # the subject of a risk stays; its status may change
            for name in ("level", "team", "customer", "goal"):
                del self.fields[name]
            self.fields["status"] = forms.ChoiceField(label=_("Status"), choices=Status.choices)
            self.fields["note"] = forms.CharField(label=_("Why (kept in the history)"), max_length=500, required=False)


class RiskActionForm(CleanTextFormMixin, forms.Form):
    title = forms.CharField(label=_("Action"), max_length=200)
    due_on = forms.DateField(label=_("Due"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
