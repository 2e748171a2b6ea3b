"""Forms for the pages. They only type and shape input; rules live in services."""

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pacekeeper.lib.money import AMOUNT_DIGITS, AMOUNT_PLACES
from pacekeeper.lib.text import CleanTextFormMixin
from pacekeeper.lib.widgets import DateInput

from .models import Contact, Customer, Interaction, Opportunity, Tier


class CustomerForm(CleanTextFormMixin, forms.ModelForm):
    owner = forms.TypedChoiceField(label=_("Account manager"), coerce=int, required=False)

    class Meta:
        model = Customer
        fields = ["name", "external_id", "industry", "tier", "region", "status", "source", "needs"]
        widgets = {"needs": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        if owners is None or self.instance.pk:
            del self.fields["owner"]
        else:
            self.fields["owner"].choices = [("", _("Myself"))] + [(u.pk, str(u)) for u in owners]

    def changes(self) -> dict:
        data = dict(self.cleaned_data)
        if data.get("owner") in ("", None):
            data.pop("owner", None)
        return data


class CustomerFilterForm(CleanTextFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    tier = forms.ChoiceField(label=_("Tier"), required=False, choices=[("", _("All tiers"))] + Tier.choices)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses"))] + Customer.Status.choices
    )
    owner = forms.TypedChoiceField(label=_("Account manager"), required=False, coerce=int, empty_value=None)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    sort = forms.CharField(required=False)

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", _("Everyone"))] + [(u.pk, str(u)) for u in owners]


class ContactForm(CleanTextFormMixin, forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "title", "phone", "email", "wechat_id", "is_decision_maker"]


class InteractionForm(CleanTextFormMixin, forms.ModelForm):
    """The three-tap visit log: kind, note, save — the rest is optional."""

    contacts = forms.TypedMultipleChoiceField(
        label=_("With"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Interaction
        fields = ["kind", "occurred_at", "summary", "outcome", "next_step", "next_step_on"]
        widgets = {
            "kind": forms.RadioSelect,
            "occurred_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "summary": forms.Textarea(attrs={"rows": 4, "autofocus": True}),
            "outcome": forms.Textarea(attrs={"rows": 2}),
            "next_step_on": DateInput(),
        }

    # The same limits as the API and imports (the model's text fields have none).
    TEXT_LIMITS = {"summary": 10000, "outcome": 5000}

    def __init__(self, *args, customer=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, limit in self.TEXT_LIMITS.items():
            field = self.fields[name]
            field.max_length = limit
            field.validators.append(MaxLengthValidator(limit))
            field.widget.attrs["maxlength"] = str(limit)
        self.fields["occurred_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        contacts = list(customer.contacts.all()) if customer else []
        self.fields["contacts"].choices = [(c.pk, str(c)) for c in contacts]
        if not contacts:
            del self.fields["contacts"]


class TransferForm(CleanTextFormMixin, forms.Form):
    to_manager = forms.TypedChoiceField(label=_("New account manager"), coerce=int)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_manager"].choices = [(u.pk, str(u)) for u in owners]


class StageForm(CleanTextFormMixin, forms.Form):
    stage = forms.ChoiceField(choices=Opportunity.Stage.choices)


class OpportunityForm(CleanTextFormMixin, forms.ModelForm):
    amount = forms.DecimalField(label=_("Amount"), max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_PLACES, min_value=0)

    class Meta:
        model = Opportunity
        fields = ["name", "stage", "expected_close_on"]
        widgets = {"expected_close_on": DateInput()}


class FollowUpPolicyForm(CleanTextFormMixin, forms.Form):
    """One field per tier, in days; the initial values are the intervals in force."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        for row in rows:
            self.fields[row.tier] = forms.IntegerField(
                label=row.label,
                min_value=1,
                max_value=3650,
                initial=row.days,
                help_text=_("in days · default %(days)s") % {"days": row.default_days},
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
