"""Forms of the meeting pages, as typed; the services check the rest."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pacekeeper.lib.text import CleanTextFormMixin
from pacekeeper.lib.widgets import DateInput

from .models import TEXT_LIMIT, TITLE_LIMIT, Cadence, MeetingItem, Weekday


class SeriesForm(CleanTextFormMixin, forms.Form):
    team = forms.TypedChoiceField(label=_("Team"), coerce=int)
    title = forms.CharField(
        label=_("Title"), max_length=TITLE_LIMIT, required=False, help_text=_("Empty: the team's name.")
    )
    cadence = forms.ChoiceField(label=_("Cadence"), choices=Cadence.choices, initial=Cadence.WEEKLY)
    weekday = forms.TypedChoiceField(label=_("Day"), coerce=int, choices=Weekday.choices, initial=0)
    starts_at = forms.TimeField(label=_("Time"), initial="09:00", widget=forms.TimeInput(attrs={"type": "time"}))
    members = forms.TypedMultipleChoiceField(
        label=_("Members"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Empty when setting up: the team's people today."),
    )

    def __init__(self, *args, teams=None, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        if teams is None:
            del self.fields["team"]
        else:
            self.fields["team"].choices = [(team.pk, team.name) for team in teams]
        self.fields["members"].choices = [(person.pk, str(person)) for person in people]


class AdHocMeetingForm(CleanTextFormMixin, forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DateInput())
    title = forms.CharField(label=_("Title"), max_length=TITLE_LIMIT, required=False)


class ItemForm(CleanTextFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[])
    text = forms.CharField(label=_("Text"), max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 2}))
    person = forms.TypedChoiceField(label=_("About"), coerce=int, required=False, empty_value=None)
    problem = forms.TypedChoiceField(label=_("Answers the problem"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, kinds=(), people=(), problems=(), **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(MeetingItem.Kind.choices)
        self.fields["kind"].choices = [(kind, labels[kind]) for kind in kinds]
        self.fields["person"].choices = [("", "—"), *((p.pk, str(p)) for p in people)]
        self.fields["problem"].choices = [("", "—"), *((p.pk, p.text[:80]) for p in problems)]


class ActionItemForm(CleanTextFormMixin, forms.Form):
    title = forms.CharField(label=_("Action"), max_length=TITLE_LIMIT)
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int)
    due_on = forms.DateField(label=_("Due"), widget=DateInput())
    problem = forms.TypedChoiceField(label=_("Answers the problem"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, people=(), problems=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [(p.pk, str(p)) for p in people]
        self.fields["problem"].choices = [("", "—"), *((p.pk, p.text[:80]) for p in problems)]
