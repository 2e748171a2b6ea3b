"""Forms of the resource pages. Amounts and hours are taken as typed ("¥1,234.50", "12.5") and
read by the service, which holds every rule and the one money-size limit (work/resources.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pacekeeper.lib.money import CURRENCY_SYMBOLS
from pacekeeper.lib.text import CleanTextFormMixin

from .resource_models import FLAG_LABELS, ResourceRequest


def _money_field(label, currency: str, **kwargs) -> forms.CharField:
    field = forms.CharField(
        label=label, max_length=40, widget=forms.TextInput(attrs={"inputmode": "decimal"}), **kwargs
    )
    field.unit = CURRENCY_SYMBOLS.get(currency, currency)
    return field


def _hours_field(label, **kwargs) -> forms.CharField:
    field = forms.CharField(
        label=label, max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"}), **kwargs
    )
    field.unit = _("hours")
    return field


class ResourceRequestForm(CleanTextFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ResourceRequest.Kind.choices)
    description = forms.CharField(
        label=_("What for"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000})
    )

    def __init__(self, *args, currency: str = "CNY", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"] = _money_field(_("Amount"), currency, initial="0")
        self.fields["hours"] = _hours_field(
            _("Hours of people's time"), required=False, help_text=_("Needed for people's time.")
        )


class DecideForm(CleanTextFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(ResourceRequest.Decision.APPROVED, _("Approve")), (ResourceRequest.Decision.REFUSED, _("Refuse"))],
        widget=forms.RadioSelect,
    )
    refusal_reason = forms.CharField(
        label=_("Why refused"),
        max_length=1000,
        required=False,
        help_text=_("Needed to refuse; the requester reads it."),
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 1000}),
    )


class SpendForm(CleanTextFormMixin, forms.Form):
    def __init__(self, *args, currency: str = "CNY", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["spent_amount"] = _money_field(_("Amount spent"), currency)


class ResourceFilterForm(CleanTextFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *ResourceRequest.Status.choices], required=False
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("Any kind")), *ResourceRequest.Kind.choices], required=False
    )
    flag = forms.ChoiceField(label=_("Flag"), choices=[("", _("Flagged or not")), *FLAG_LABELS.items()], required=False)
    to_decide = forms.BooleanField(label=_("Only those I may decide"), required=False)

    def __init__(self, *args, is_decider: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not is_decider:  # an account manager decides nothing
            del self.fields["to_decide"]
        for name in self.fields:
            self.fields[name].widget.attrs["data-autosubmit"] = ""


class ThresholdsForm(CleanTextFormMixin, forms.Form):
    def __init__(self, *args, currency: str = "CNY", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_limit"] = _money_field(
            _("A team lead decides amounts up to"), currency, help_text=_("Above it, a director decides.")
        )
        self.fields["lead_limit_hours"] = _hours_field(
            _("A team lead decides people's time up to"), help_text=_("Above it, a director decides.")
        )
        self.fields["reason"] = forms.CharField(
            label=_("Why the change"), max_length=500, required=False, help_text=_("Kept in the recorded changes.")
        )
