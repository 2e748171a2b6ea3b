from django import forms
from django.utils.translation import gettext_lazy as _

from pacekeeper.kpis.registry import METRICS
from pacekeeper.lib.text import CleanTextFormMixin
from pacekeeper.lib.widgets import DateInput

from .models import Goal

# A target too long for the field says so (Django's wording counts digits people do not count).
TARGET_ERRORS = {
    "max_digits": _("This number is too large."),
    "max_whole_digits": _("This number is too large."),
    "max_decimal_places": _("Give at most two decimals."),
    "min_value": _("A target cannot be negative."),
}


class GoalForm(CleanTextFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Goal.Kind.choices, initial=Goal.Kind.GOAL)
    title = forms.CharField(label=_("Title"), max_length=200)
    metric = forms.ChoiceField(label=_("Metric"), required=False)
    level = forms.ChoiceField(label=_("For"), choices=Goal.Level.choices, initial=Goal.Level.TEAM)
    team = forms.TypedChoiceField(label=_("Team"), coerce=int, required=False, empty_value=None)
    person = forms.TypedChoiceField(label=_("Person"), coerce=int, required=False, empty_value=None)
    parent = forms.TypedChoiceField(label=_("Contributes to"), coerce=int, required=False, empty_value=None)
    starts_on = forms.DateField(label=_("From"), widget=DateInput())
    ends_on = forms.DateField(label=_("Until"), required=False, widget=DateInput())
    target = forms.DecimalField(
        label=_("Target"),
        required=False,
        max_digits=18,
        decimal_places=2,
        min_value=0,
        error_messages=TARGET_ERRORS,
        help_text=_("Amounts in yuan; rates in percent."),
    )
    target.unit = _("yuan, or percent for rates")  # shown beside the input (_form_fields.html)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, teams=(), people=(), parents=(), levels=None, **kwargs):
        super().__init__(*args, **kwargs)
        if levels is not None:
            # Only the levels this person may set (scopes.goal_levels_for); an objective is the
            # organisation's, so it goes with the organisation level.
            self.fields["level"].choices = [(v, label) for v, label in Goal.Level.choices if v in levels]
            if Goal.Level.ORG not in levels:
                self.fields["kind"].choices = [(Goal.Kind.GOAL, Goal.Kind.GOAL.label)]
        self.fields["metric"].choices = [("", "—")] + [(m.key, m.label) for m in METRICS.values()]
        self.fields["team"].choices = [("", "—")] + [(t.pk, t.name) for t in teams]
        self.fields["person"].choices = [("", "—")] + [(p.pk, str(p)) for p in people]
        self.fields["parent"].choices = [("", "—")] + [(g.pk, g.title) for g in parents]


class TargetForm(CleanTextFormMixin, forms.Form):
    target = forms.DecimalField(
        label=_("New target"), max_digits=18, decimal_places=2, min_value=0, error_messages=TARGET_ERRORS
    )
    target.unit = _("yuan, or percent for rates")
    reason = forms.CharField(label=_("Reason"), max_length=2000)


class CascadeForm(CleanTextFormMixin, forms.Form):
    method = forms.ChoiceField(
        label=_("Split"),
        choices=[
            ("even", _("Evenly")),
            ("last_share", _("By last period's share")),
            ("portfolio", _("By portfolio size")),
        ],
    )


class ResplitForm(CleanTextFormMixin, forms.Form):
    method = forms.ChoiceField(
        label=_("Split again"),
        choices=[
            ("current", _("In proportion to the current parts")),
            ("even", _("Evenly")),
            ("last_share", _("By last period's share")),
            ("portfolio", _("By portfolio size")),
        ],
    )
    reason = forms.CharField(label=_("Reason"), max_length=2000)


class ActivateForm(CleanTextFormMixin, forms.Form):
    override_reason = forms.CharField(label=_("Override reason (directors)"), required=False, max_length=2000)
