from django import forms
from django.utils.translation import gettext_lazy as _

from pacekeeper.lib.text import CleanTextFormMixin

from .models import FACTORS, NOTE_MAX_LENGTH, WEIGHT_MAX, CustomerProfile, ValueService


class ProfileForm(CleanTextFormMixin, forms.Form):
    # The crm customer's own "needs and preferences" field: one source, shown on both pages.
    needs = forms.CharField(label=_("Needs and preferences"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    preferred_channel = forms.ChoiceField(
        label=_("Preferred channel"), choices=CustomerProfile.Channel.choices, required=False
    )
    interests = forms.CharField(label=_("Topics of interest"), max_length=300, required=False)


EFFORT_FORMAT = _("Write the hours with at most 4 digits before the decimal point and 1 after it, e.g. 2.5.")


class ValueServiceForm(CleanTextFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ValueService.Kind.choices)
    delivered_on = forms.DateField(label=_("Delivered on"), widget=forms.DateInput(attrs={"type": "date"}))
    effort_hours = forms.DecimalField(
        label=_("Effort (hours)"), min_value=0.1, max_value=1000, decimal_places=1, max_digits=5
    )
    effort_hours.error_messages |= dict.fromkeys(
        ("max_digits", "max_decimal_places", "max_whole_digits"), EFFORT_FORMAT
    )
    delivered_by = forms.TypedChoiceField(label=_("Delivered by"), coerce=int, required=False, empty_value=None)
    rating = forms.TypedChoiceField(
        label=_("Customer's rating (1–5)"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", "—")] + [(n, str(n)) for n in range(1, 6)],
    )
    note = forms.CharField(
        label=_("Note"), max_length=NOTE_MAX_LENGTH, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delivered_by"].choices = [("", _("Me"))] + [(p.pk, str(p)) for p in people]


class SessionForm(CleanTextFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    topic = forms.CharField(
        label=_("Topic"), max_length=NOTE_MAX_LENGTH, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    survey_link = forms.URLField(
        label=_("Follow-up survey link"), max_length=500, required=False, assume_scheme="https"
    )
    invitees = forms.TypedMultipleChoiceField(
        label=_("Invited contacts"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, contacts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invitees"].choices = [(c.pk, str(c)) for c in contacts]


class AttendanceForm(CleanTextFormMixin, forms.Form):
    attended = forms.TypedMultipleChoiceField(
        label=_("Who attended"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, invitees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [(i.contact_id, str(i.contact)) for i in invitees]


class WeightsForm(CleanTextFormMixin, forms.Form):
    at_risk_below = forms.IntegerField(label=_("At risk below (score)"), min_value=0, max_value=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .health import factor_label

        for factor in FACTORS:
            self.fields[f"weight_{factor}"] = forms.IntegerField(
                label=factor_label(factor), min_value=0, max_value=WEIGHT_MAX, help_text=_("points")
            )
