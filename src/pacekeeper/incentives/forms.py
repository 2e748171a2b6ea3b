from django import forms
from django.utils.translation import gettext_lazy as _

from pacekeeper.kpis.registry import METRICS
from pacekeeper.lib.money import AMOUNT_DIGITS, AMOUNT_PLACES
from pacekeeper.lib.text import CleanTextFormMixin
from pacekeeper.lib.widgets import DateInput

from .models import TIER_MODES, Plan


class PlanForm(CleanTextFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    metric = forms.ChoiceField(label=_("Paid on"))
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)
    # Left out (an older form, a script): marginal, as plans always were.
    tier_mode = forms.ChoiceField(label=_("Tier mode"), choices=TIER_MODES, initial="marginal", required=False)
    cap = forms.DecimalField(
        label=_("Cap per person and period (yuan)"),
        required=False,
        max_digits=AMOUNT_DIGITS,
        decimal_places=AMOUNT_PLACES,
    )
    floor = forms.DecimalField(
        label=_("Guaranteed minimum, as a draw (yuan)"),
        required=False,
        max_digits=AMOUNT_DIGITS,
        decimal_places=AMOUNT_PLACES,
    )
    reason = forms.CharField(label=_("Reason for the change"), required=False, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = [(key, METRICS[key].label) for key in Plan.METRICS]


class TierForm(CleanTextFormMixin, forms.Form):
    starts_at = forms.DecimalField(
        label=_("From (yuan)"), min_value=0, max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_PLACES
    )
    rate_percent = forms.DecimalField(label=_("Rate (%)"), min_value=0, max_value=100, max_digits=6, decimal_places=3)
    product_line = forms.CharField(label=_("Product line (blank: all others)"), required=False, max_length=100)


# Empty rows are ignored; a plan needs at least one rule (the service says so).
TierFormSet = forms.formset_factory(TierForm, extra=3, max_num=20, absolute_max=20)


class RunForm(CleanTextFormMixin, forms.Form):
    plan = forms.TypedChoiceField(label=_("Plan"), coerce=int)
    starts_on = forms.DateField(label=_("From"), widget=DateInput())
    ends_on = forms.DateField(label=_("Until"), widget=DateInput())

    def __init__(self, *args, plans=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = [(plan.pk, plan.name) for plan in plans]


class ReasonForm(CleanTextFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.TextInput())


class AdjustForm(CleanTextFormMixin, forms.Form):
    # Below zero is allowed: a correction may take back what an earlier run overpaid.
    amount = forms.DecimalField(label=_("Payable (yuan)"), max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_PLACES)
    reason = forms.CharField(label=_("Reason"), max_length=2000)
