from django import forms
from django.utils.translation import gettext_lazy as _

from pacekeeper.kpis.registry import METRICS
from pacekeeper.lib.text import CleanTextFormMixin
from pacekeeper.lib.widgets import DateInput

from .models import Criterion

RATING_CHOICES = [(value, str(value)) for value in range(1, 6)]


class CycleForm(CleanTextFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    starts_on = forms.DateField(label=_("From"), widget=DateInput())
    ends_on = forms.DateField(label=_("Until"), widget=DateInput())


class CriterionForm(CleanTextFormMixin, forms.Form):
    name = forms.CharField(label=_("Criterion"), max_length=200)
    kind = forms.ChoiceField(label=_("Scored by"), choices=Criterion.Kind.choices)
    metric = forms.ChoiceField(label=_("Metric"), required=False)
    target = forms.DecimalField(
        label=_("Target"), required=False, min_value=0, max_digits=18, decimal_places=2, help_text=_("Amounts in yuan")
    )
    weight = forms.IntegerField(label=_("Weight (%)"), min_value=1, max_value=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = [("", "—")] + [(metric.key, metric.label) for metric in METRICS.values()]


# Empty rows are ignored; the weights of the rest add up to 100 (the service checks).
CriterionFormSet = forms.formset_factory(CriterionForm, extra=2, max_num=30, absolute_max=30)


class RatingsForm(CleanTextFormMixin, forms.Form):
    """A comment and one 1–5 rating per rating criterion (`rating_<criterion id>`)."""

    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10_000)

    def __init__(self, *args, criteria=(), required=True, **kwargs):
        super().__init__(*args, **kwargs)
        for criterion in criteria:
            self.fields[f"rating_{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.name,
                choices=([("", "—")] if not required else []) + RATING_CHOICES,
                coerce=int,
                required=required,
                empty_value=None,
                widget=forms.RadioSelect if required else forms.Select,
            )

    def ratings(self) -> dict[int, int]:
        return {
            int(name.removeprefix("rating_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("rating_") and value is not None
        }


class CalibrationForm(CleanTextFormMixin, forms.Form):
    final_score = forms.DecimalField(label=_("Final score"), min_value=0, max_value=120, max_digits=4, decimal_places=1)
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, help_text=_("Required when the score changes.")
    )
