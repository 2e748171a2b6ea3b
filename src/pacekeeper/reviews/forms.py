from django import forms
from django.utils.translation import gettext_lazy as _

from pacekeeper.kpis.registry import METRICS
from pacekeeper.lib.text import CleanTextFormMixin
from pacekeeper.lib.widgets import DateInput
from pacekeeper.tenancy.models import Role

from . import scoring
from .models import Criterion
from .scoring import GRADES

CURVE_CHOICES = [
    (scoring.LINEAR, _("Linear (capped at 120)")),
    (scoring.CAPPED, _("Linear with a floor and a cap")),
    (scoring.BANDS, _("Bands")),
]
ROLE_CHOICES = [(Role.MANAGER.value, Role.MANAGER.label), (Role.LEAD.value, Role.LEAD.label)]

RATING_CHOICES = [(value, str(value)) for value in range(1, 6)]


class CycleForm(CleanTextFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    starts_on = forms.DateField(label=_("From"), widget=DateInput())
    ends_on = forms.DateField(label=_("Until"), widget=DateInput())
    self_due = forms.DateField(label=_("Self-assessments due"), required=False, widget=DateInput())
    review_due = forms.DateField(label=_("Reviews due"), required=False, widget=DateInput())
    calibration_due = forms.DateField(label=_("Calibration due"), required=False, widget=DateInput())
    acknowledgement_due = forms.DateField(label=_("Acknowledgements due"), required=False, widget=DateInput())
    audience_roles = forms.MultipleChoiceField(
        label=_("Roles evaluated"),
        required=False,
        choices=ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: account managers and leads."),
    )
    audience_teams = forms.TypedMultipleChoiceField(
        label=_("Only these teams"), required=False, coerce=int, help_text=_("With their sub-teams; none: every team.")
    )
    audience_people = forms.TypedMultipleChoiceField(
        label=_("Only these people"), required=False, coerce=int, help_text=_("Chosen people replace the rest.")
    )

    def __init__(self, *args, teams=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audience_teams"].choices = [(team.pk, team.name) for team in teams]
        self.fields["audience_people"].choices = [(person.pk, str(person)) for person in people]
        for grade in GRADES:
            self.fields[f"share_{grade}_min"] = forms.IntegerField(
                label=_("%(grade)s at least (%%)") % {"grade": grade}, required=False, min_value=0, max_value=100
            )
            self.fields[f"share_{grade}_max"] = forms.IntegerField(
                label=_("%(grade)s at most (%%)") % {"grade": grade}, required=False, min_value=0, max_value=100
            )

    def audience(self) -> dict:
        data = self.cleaned_data
        return {"roles": data["audience_roles"], "teams": data["audience_teams"], "people": data["audience_people"]}

    def target_distribution(self) -> dict:
        target = {}
        for grade in GRADES:
            row = {
                key: self.cleaned_data[f"share_{grade}_{key}"]
                for key in ("min", "max")
                if self.cleaned_data.get(f"share_{grade}_{key}") is not None
            }
            if row:
                target[grade] = row
        return target


def parse_bands(text: str) -> list[dict]:
    """ "60=60; 80=80; 100=100; 120=120" → bands from 0: below 60 % scores 0, 60 % up to 80 %
    scores 60, …, from 120 % scores 120. Raises ValueError on a part that is not "percent=score"."""
    cuts = []
    for part in text.replace("，", ";").replace(",", ";").replace("；", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        start, _sep, score = part.partition("=")
        cuts.append((start.strip().rstrip("%"), score.strip()))
    bands = []
    starts = ["0"] + [start for start, _score in cuts]
    scores = ["0"] + [score for _start, score in cuts]
    for index, (start, score) in enumerate(zip(starts, scores, strict=True)):
        from decimal import Decimal

        Decimal(start), Decimal(score)  # noqa: B018  (raise on a non-number)
        end = starts[index + 1] if index + 1 < len(starts) else None
        bands.append({"from": start, "to": end, "score": score})
    return bands


class CriterionForm(CleanTextFormMixin, forms.Form):
    name = forms.CharField(label=_("Criterion"), max_length=200)
    kind = forms.ChoiceField(label=_("Scored by"), choices=Criterion.Kind.choices)
    metric = forms.ChoiceField(label=_("Metric"), required=False)
    target = forms.DecimalField(
        label=_("Target"), required=False, min_value=0, max_digits=18, decimal_places=2, help_text=_("Amounts in yuan")
    )
    weight = forms.IntegerField(label=_("Weight (%)"), min_value=1, max_value=100)
    roles = forms.MultipleChoiceField(
        label=_("Measures"),
        required=False,
        choices=ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: everyone evaluated."),
    )
    curve = forms.ChoiceField(label=_("Curve"), choices=CURVE_CHOICES, required=False)
    floor = forms.DecimalField(
        label=_("Floor (%)"), required=False, min_value=0, max_digits=6, decimal_places=2,
        help_text=_("Under this attainment the score is 0."),
    )  # fmt: skip
    cap = forms.DecimalField(label=_("Cap"), required=False, min_value=0, max_value=120, max_digits=4, decimal_places=1)
    bands = forms.CharField(
        label=_("Bands"), required=False, max_length=500,
        help_text=_("From which attainment, which score: “60=60; 80=80; 100=100; 120=120” (a score of 0 under 60 %)."),
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = [("", "—")] + [(metric.key, metric.label) for metric in METRICS.values()]

    # The fields someone fills in a row they mean; "kind" and "curve" are select boxes that
    # always post a value, so they do not make a row count.
    ROW_FIELDS = ("name", "metric", "target", "weight", "roles", "floor", "cap", "bands")

    def has_changed(self) -> bool:
        """A bound row with none of ROW_FIELDS filled is blank: the formset drops it."""
        if self.is_bound and not any(self._posted(name) for name in self.ROW_FIELDS):
            return False
        return super().has_changed()

    def _posted(self, name: str) -> bool:
        field = self.fields[name]
        value = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
        if isinstance(value, (list, tuple)):
            return any(str(item).strip() for item in value)
        return bool(str(value or "").strip())

    def clean_bands(self):
        text = self.cleaned_data.get("bands") or ""
        try:
            return parse_bands(text) if text.strip() else []
        except (ValueError, ArithmeticError):
            raise forms.ValidationError(_("Write bands as “percent=score”, separated by semicolons.")) from None


class BaseCriterionFormSet(forms.BaseFormSet):
    def _construct_form(self, i, **kwargs):
        # Every row may stay blank (a new form's extra rows, a criterion emptied to drop it).
        return super()._construct_form(i, empty_permitted=True, **kwargs)


# Blank rows are ignored; the weights of the rest add up to 100 (the service checks).
CriterionFormSet = forms.formset_factory(
    CriterionForm, formset=BaseCriterionFormSet, extra=2, max_num=30, absolute_max=30
)


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


class ReasonForm(CleanTextFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ResponseForm(CleanTextFormMixin, forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=10_000,
        help_text=_("Required when you dispute."),
    )  # fmt: skip


class ResolutionForm(CleanTextFormMixin, forms.Form):
    final_score = forms.DecimalField(
        label=_("New final score"), required=False, min_value=0, max_value=120, max_digits=4, decimal_places=1,
        help_text=_("Leave empty to uphold the score."),
    )  # fmt: skip
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
