from django import forms
from django.utils.translation import gettext_lazy as _

from pacekeeper.lib.text import CleanTextFormMixin
from pacekeeper.tenancy.models import Role

from . import services
from .models import Course, TrainingSession


class CourseForm(CleanTextFormMixin, forms.Form):
    """What the page takes; the service checks it (the same rules as the API)."""

    category = forms.ChoiceField(label=_("Category"), choices=Course.Category.choices)
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=services.TITLE_MAX)
    title_en = forms.CharField(label=_("Title (English)"), max_length=services.TITLE_MAX)
    description_zh = forms.CharField(
        label=_("Description (Chinese)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    description_en = forms.CharField(
        label=_("Description (English)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    product_line = forms.CharField(label=_("Product line"), max_length=100, required=False)
    pass_mark = forms.IntegerField(
        label=_("Pass mark (out of 100)"),
        min_value=1,
        max_value=100,
        required=False,
        help_text=_("Leave empty when the course has no assessment."),
    )


class SessionForm(CleanTextFormMixin, forms.Form):
    trainer = forms.TypedChoiceField(label=_("Trainer"), coerce=int)
    mode = forms.ChoiceField(label=_("Mode"), choices=TrainingSession.Mode.choices)
    place = forms.CharField(label=_("Place or link"), max_length=services.PLACE_MAX)
    starts_at = forms.DateTimeField(label=_("Starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(label=_("Ends"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=services.MAX_CAPACITY)

    def __init__(self, *args, trainers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainer"].choices = [("", "—")] + [(p.pk, str(p)) for p in trainers]


class AssessmentForm(CleanTextFormMixin, forms.Form):
    person = forms.TypedChoiceField(label=_("Person"), coerce=int)
    score = forms.IntegerField(label=_("Score (out of 100)"), min_value=0, max_value=100)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "—")] + [(p.pk, str(p)) for p in people]


class EnrolForm(CleanTextFormMixin, forms.Form):
    person = forms.TypedChoiceField(label=_("Person"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", _("Myself"))] + [(p.pk, str(p)) for p in people]


class PlanForm(CleanTextFormMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    title = forms.CharField(label=_("Title"), max_length=services.TITLE_MAX)


class PlanItemForm(CleanTextFormMixin, forms.Form):
    plan = forms.TypedChoiceField(label=_("Plan"), coerce=int)
    title = forms.CharField(label=_("Item"), max_length=services.TITLE_MAX)
    due_after_days = forms.IntegerField(label=_("Due (days after hire)"), min_value=0, max_value=365)

    def __init__(self, *args, plans=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = [(p.pk, str(p)) for p in plans]
