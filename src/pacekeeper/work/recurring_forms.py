"""The recurring-task rule's form, as typed; the service checks people, schedule and dates."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pacekeeper.lib.text import CleanTextFormMixin
from pacekeeper.lib.widgets import DateInput

from .recurring_models import MAX_INTERVAL, MAX_LEAD_DAYS, RecurringTask, Weekday


class RecurringTaskForm(CleanTextFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int)
    frequency = forms.ChoiceField(label=_("Repeats"), choices=RecurringTask.Frequency.choices)
    interval = forms.IntegerField(
        label=_("Every"),
        min_value=1,
        max_value=MAX_INTERVAL,
        initial=1,
        help_text=_("1: every week, month or quarter; 2: every other one; and so on."),
    )
    weekday = forms.TypedChoiceField(
        label=_("On (weekly)"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", "—"), *Weekday.choices],
    )
    day_of_month = forms.IntegerField(
        label=_("On day (monthly, quarterly)"),
        min_value=1,
        max_value=31,
        required=False,
        help_text=_("29, 30 or 31 fall on the last day of shorter months."),
    )
    starts_on = forms.DateField(label=_("First date"), widget=DateInput())
    ends_on = forms.DateField(label=_("Last date"), required=False, widget=DateInput())
    lead_days = forms.IntegerField(
        label=_("Create the task ahead"),
        min_value=0,
        max_value=MAX_LEAD_DAYS,
        initial=7,
        help_text=_("The task is due on each date and appears this many days before it."),
    )
    lead_days.unit = _("days")
    estimate_hours = forms.DecimalField(label=_("Estimate"), required=False, max_digits=7, decimal_places=2)
    estimate_hours.unit = _("hours")
    is_important = forms.BooleanField(label=_("Important"), required=False)
    collaborators = forms.TypedMultipleChoiceField(
        label=_("Collaborators"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    labels = forms.CharField(
        label=_("Labels"), max_length=300, required=False, help_text=_("Separate labels with commas.")
    )
    description = forms.CharField(
        label=_("Description"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, people=(), collaborators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [(p.pk, str(p)) for p in people]
        self.fields["collaborators"].choices = [(p.pk, str(p)) for p in collaborators]
