from django import forms
from django.utils.translation import gettext_lazy as _

from pacekeeper.lib.text import CleanTextFormMixin
from pacekeeper.lib.widgets import DateInput

from .models import Cadence

SCALE = [(n, str(n)) for n in range(1, 6)]


def _scale(label):
    return forms.TypedChoiceField(label=label, choices=SCALE, coerce=int, widget=forms.RadioSelect)


class PulseForm(CleanTextFormMixin, forms.Form):
    """1 = disagree strongly … 5 = agree strongly, for every question (5 is always the good end)."""

    workload = _scale(_("My workload is manageable."))
    stress = _scale(_("My stress is at a level I can sustain."))
    support = _scale(_("I get the support I need from my team and my lead."))
    clarity = _scale(_("I know what my goals are and why they matter."))


class PulseSettingsForm(CleanTextFormMixin, forms.Form):
    cadence = forms.ChoiceField(label=_("Pulse period"), choices=Cadence.choices)
    min_group = forms.IntegerField(
        label=_("Smallest group shown"), min_value=5, max_value=1000, help_text=_("5 or more answers.")
    )
    drop_alert = forms.DecimalField(
        label=_("Alert on a drop of"), min_value=0.01, max_value=4, decimal_places=2, help_text=_("points of 1–5")
    )


class ConflictForm(CleanTextFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("What happened"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    parties = forms.TypedMultipleChoiceField(
        label=_("People in the conflict"), coerce=int, help_text=_("Two or more; include yourself if you are one.")
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parties"].choices = [(p.pk, str(p)) for p in people]


class MediationForm(CleanTextFormMixin, forms.Form):
    mediator = forms.TypedChoiceField(label=_("Mediator"), coerce=int)
    note = forms.CharField(label=_("Note"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mediator"].choices = [("", "—")] + [(p.pk, str(p)) for p in people]


class AgreementForm(CleanTextFormMixin, forms.Form):
    agreement = forms.CharField(label=_("What was agreed"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    follow_up_on = forms.DateField(label=_("Follow up on"), widget=DateInput())  # ISO: the picker shows it


class CloseForm(CleanTextFormMixin, forms.Form):
    outcome = forms.CharField(
        label=_("How the follow-up went"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
