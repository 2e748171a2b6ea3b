"""Forms of the plan pages: fields as typed; the services in work/plans.py decide the rest."""

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from pacekeeper.lib.formatting import format_date, format_period
from pacekeeper.lib.text import CleanTextFormMixin
from pacekeeper.lib.widgets import DateInput

from .plans import MAX_STEP_DAYS, MAX_STEPS


def _people_choices(people):
    return [(person.pk, str(person)) for person in people]


def goal_label(goal) -> str:
    """A goal once, with its period and whom it is for: "2026年销售额 · 2026年1月–12月 · 乔浩梅".
    The subject is left out when the title already names it (cascaded goals often do)."""
    parts = [goal.title]
    language = get_language() or "zh-hans"
    if goal.ends_on:
        parts.append(format_period(goal.starts_on, goal.ends_on, language))
    else:  # open-ended
        parts.append(f"{format_date(goal.starts_on, language)} –")
    subject = goal.subject_label
    if subject and subject not in goal.title:
        parts.append(subject)
    return " · ".join(parts)


def _template_choices(templates, *, by_hand: bool):
    first = [("", _("None: I add the tasks by hand"))] if by_hand else [("", "—")]
    return first + [(template.key, str(template.title)) for template in templates]


class WorkPlanForm(CleanTextFormMixin, forms.Form):
    goal = forms.TypedChoiceField(label=_("Goal"), coerce=int)
    title = forms.CharField(
        label=_("Title"), max_length=200, required=False, help_text=_("Left empty: the template's or the goal's title.")
    )
    template = forms.ChoiceField(label=_("Plan template"), required=False)
    start_on = forms.DateField(
        label=_("Plan starts"), required=False, widget=DateInput(), help_text=_("Needed with a template.")
    )
    owner = forms.TypedChoiceField(
        label=_("Owner of the tasks"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Left empty for a person's goal: that person. Needed for any other goal."),
    )

    def __init__(self, *args, goals=(), templates=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].choices = [(goal.pk, goal_label(goal)) for goal in goals]
        self.fields["template"].choices = _template_choices(templates, by_hand=True)
        self.fields["owner"].choices = [("", "—")] + _people_choices(people)


class WorkPlanTitleForm(CleanTextFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)


class ApplyTemplateForm(CleanTextFormMixin, forms.Form):
    template = forms.ChoiceField(label=_("Plan template"))
    start_on = forms.DateField(label=_("Plan starts"), widget=DateInput())
    owner = forms.TypedChoiceField(label=_("Owner of the tasks"), coerce=int)

    def __init__(self, *args, templates=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = _template_choices(templates, by_hand=False)
        self.fields["owner"].choices = _people_choices(people)


class PlanTaskForm(CleanTextFormMixin, forms.Form):
    """A task made by hand inside a plan (its goal is the plan's)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int)
    start_on = forms.DateField(label=_("Start"), required=False, widget=DateInput())
    due_on = forms.DateField(label=_("Due"), required=False, widget=DateInput())
    estimate_hours = forms.DecimalField(label=_("Estimate"), required=False, max_digits=7, decimal_places=2)
    estimate_hours.unit = _("hours")
    is_important = forms.BooleanField(label=_("Important"), required=False)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = _people_choices(people)


class AddTaskForm(CleanTextFormMixin, forms.Form):
    task = forms.TypedChoiceField(label=_("Task"), coerce=int)

    def __init__(self, *args, tasks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task"].choices = [(task.pk, f"{task.title} · {task.owner}") for task in tasks]


class PlanTemplateForm(CleanTextFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class StepForm(CleanTextFormMixin, forms.Form):
    """One row of a template's steps; a row left without a title is not a step."""

    title = forms.CharField(label=_("Step"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), max_length=2000, required=False)
    # Left empty: day 0 and one day (the service's defaults), so an untouched spare row is no error.
    offset_days = forms.IntegerField(
        label=_("Starts after"), min_value=0, max_value=MAX_STEP_DAYS, initial=0, required=False
    )
    offset_days.unit = _("days")
    duration_days = forms.IntegerField(
        label=_("Takes"), min_value=1, max_value=MAX_STEP_DAYS, initial=1, required=False
    )
    duration_days.unit = _("days")
    estimate_hours = forms.DecimalField(
        label=_("Estimate"), min_value=0, max_digits=7, decimal_places=2, required=False, initial=0
    )
    estimate_hours.unit = _("hours")
    is_important = forms.BooleanField(label=_("Important"), required=False)

    def is_blank(self) -> bool:
        return not (self.cleaned_data.get("title") or "").strip()


StepFormSet = forms.formset_factory(StepForm, extra=2, max_num=MAX_STEPS, absolute_max=MAX_STEPS, validate_max=True)
