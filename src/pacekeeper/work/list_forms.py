"""The query-string forms of the task list and the calendar: what the URL may say, with a
field error (and the rest of the filters still applied) when a value is not one of them."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from pacekeeper.lib import date_rules
from pacekeeper.lib.text import CleanTextFormMixin
from pacekeeper.lib.widgets import DateInput

from .listing import TaskSort
from .models import DueWindow, Task
from .selectors import OPEN_STATUSES


class TaskListForm(CleanTextFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), (OPEN_STATUSES, _("Open (to do, doing, blocked)")), *Task.Status.choices],
    )
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int, required=False, empty_value=None)
    goal = forms.TypedChoiceField(label=_("Goal"), coerce=int, required=False, empty_value=None)
    customer = forms.TypedChoiceField(label=_("Customer"), coerce=int, required=False, empty_value=None)
    label = forms.CharField(label=_("Label"), max_length=50, required=False)
    due = forms.ChoiceField(label=_("Due"), choices=[("", _("Any time")), *DueWindow.choices], required=False)
    sort = forms.ChoiceField(label=_("Sort"), choices=TaskSort.choices, required=False)

    FILTERS = ("q", "status", "owner", "goal", "customer", "label", "due")

    def __init__(self, *args, people=(), goals=(), customers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", _("Everyone"))] + [(p.pk, str(p)) for p in people]
        self.fields["goal"].choices = [("", _("Any goal"))] + [(g.pk, g.title) for g in goals]
        self.fields["customer"].choices = [("", _("Any customer"))] + [(c.pk, c.name) for c in customers]
        if len(self.fields["owner"].choices) <= 2:  # an account manager: only themselves
            del self.fields["owner"]

    def filters(self) -> dict:
        """The valid filters only: one bad value is reported beside its field, and the list is
        still filtered by the others (a stale bookmark keeps most of its meaning)."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned[name] for name in self.FILTERS if cleaned.get(name)}

    def chosen_sort(self) -> str:
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get("sort") or TaskSort.QUADRANT

    def is_filtered(self) -> bool:
        return bool(self.filters())


class CalendarView:
    MONTH = "month"
    WEEK = "week"


class CalendarForm(CleanTextFormMixin, forms.Form):
    view = forms.ChoiceField(
        label=_("View"),
        required=False,
        choices=[(CalendarView.MONTH, _("Month")), (CalendarView.WEEK, _("Week"))],
    )
    date = forms.DateField(label=_("Date"), required=False, widget=DateInput())
    person = forms.TypedChoiceField(label=_("Person"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, today: dt.date, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["person"].choices = [("", _("Everyone"))] + [(p.pk, str(p)) for p in people]
        self.fields["person"].widget.attrs["data-autosubmit"] = ""
        if len(self.fields["person"].choices) <= 2:  # an account manager: their own calendar
            del self.fields["person"]

    def clean_date(self):
        day = self.cleaned_data.get("date")
        # Far dates are typing slips, and the first or last representable day has no "previous"
        # or "next" to link to: the window of business dates bounds the calendar too.
        if problem := date_rules.window_problem(day, self.today):
            raise forms.ValidationError(problem, code="out_of_window")
        return day

    def choice(self) -> tuple[str, dt.date, int | None]:
        """(view, the day shown, the person) — today's month for anything not understood."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return cleaned.get("view") or CalendarView.MONTH, cleaned.get("date") or self.today, cleaned.get("person")
