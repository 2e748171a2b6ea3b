from django import forms
from django.utils.translation import gettext_lazy as _

from pacekeeper.crm.models import Tier
from pacekeeper.lib.text import CleanTextFormMixin

from .models import (
    CATEGORY_MAX_LENGTH,
    DESCRIPTION_MAX_LENGTH,
    ENTRY_MAX_LENGTH,
    MAX_TARGET_HOURS,
    SUBJECT_MAX_LENGTH,
    Channel,
    Kind,
    Severity,
    Status,
    TicketEntry,
)


class TicketForm(CleanTextFormMixin, forms.Form):
    """What the page takes; the service checks the customer, contact and assignee (as the API)."""

    customer = forms.TypedChoiceField(label=_("Customer"), coerce=int)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices, initial=Severity.NORMAL)
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_MAX_LENGTH)
    description = forms.CharField(
        label=_("Description"),
        max_length=DESCRIPTION_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    category = forms.CharField(label=_("Category"), max_length=CATEGORY_MAX_LENGTH, required=False)
    assignee = forms.TypedChoiceField(
        label=_("Assignee"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Left empty: the customer's account manager."),
    )

    def __init__(self, *args, customers=(), assignees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].choices = [("", "—")] + [(c.pk, c.name) for c in customers]
        self.fields["assignee"].choices = [("", _("The customer's account manager"))] + [
            (p.pk, str(p)) for p in assignees
        ]


class EntryForm(CleanTextFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=TicketEntry.Kind.choices, initial=TicketEntry.Kind.REPLY)
    body = forms.CharField(label=_("Message"), max_length=ENTRY_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}))


class StatusForm(CleanTextFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class AssignForm(CleanTextFormMixin, forms.Form):
    assignee = forms.TypedChoiceField(label=_("Give to"), coerce=int)
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)

    def __init__(self, *args, assignees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [(p.pk, str(p)) for p in assignees]


class SlaPolicyForm(CleanTextFormMixin, forms.Form):
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    tier = forms.ChoiceField(
        label=_("Customer tier"), choices=[("", _("Every tier"))] + list(Tier.choices), required=False
    )
    first_response_hours = forms.IntegerField(label=_("First response within"), min_value=1, max_value=MAX_TARGET_HOURS)
    resolution_hours = forms.IntegerField(label=_("Resolution within"), min_value=1, max_value=MAX_TARGET_HOURS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_response_hours"].unit = _("working hours")
        self.fields["resolution_hours"].unit = _("working hours")


class HolidayForm(CleanTextFormMixin, forms.Form):
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    is_working_day = forms.BooleanField(label=_("A working day (otherwise a day off)"), required=False)
    name = forms.CharField(label=_("Name"), max_length=100, required=False)


class TicketSettingsForm(CleanTextFormMixin, forms.Form):
    day_start = forms.TimeField(label=_("Working day starts"), widget=forms.TimeInput(attrs={"type": "time"}))
    day_end = forms.TimeField(label=_("Working day ends"), widget=forms.TimeInput(attrs={"type": "time"}))
    official_calendar = forms.BooleanField(
        label=_("Follow the official Chinese holiday calendar (with make-up working days)"), required=False
    )
    csat_threshold = forms.IntegerField(
        label=_("Open a ticket at a CSAT score of at most"), min_value=0, max_value=5, help_text=_("0 turns it off.")
    )
    nps_threshold = forms.IntegerField(
        label=_("Open a ticket at an NPS score of at most"), min_value=-1, max_value=10, help_text=_("-1 turns it off.")
    )


class AttachmentForm(CleanTextFormMixin, forms.Form):
    """For the page's markup and its errors; the service checks the file (lib/uploads.py)."""

    file = forms.FileField(label=_("File"), allow_empty_file=True)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "attachment_%s")
        super().__init__(*args, **kwargs)
