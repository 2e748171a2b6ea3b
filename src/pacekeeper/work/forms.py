from django import forms
from django.utils.translation import gettext_lazy as _

from pacekeeper.lib.text import CleanTextFormMixin
from pacekeeper.lib.widgets import DateInput

from .models import DueWindow, Task


class TaskForm(CleanTextFormMixin, forms.Form):
    """The fields as typed; the service checks people, goal, customer, dates and estimate."""

    title = forms.CharField(label=_("Title"), max_length=200)
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int)
    is_important = forms.BooleanField(label=_("Important"), required=False)
    due_on = forms.DateField(label=_("Due"), required=False, widget=DateInput())
    start_on = forms.DateField(label=_("Start"), required=False, widget=DateInput())
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Task.Urgency.choices, initial=Task.Urgency.AUTO)
    status = forms.ChoiceField(label=_("Status"), choices=Task.Status.choices, initial=Task.Status.TODO)
    blocked_reason = forms.CharField(label=_("Why blocked"), max_length=500, required=False)
    estimate_hours = forms.DecimalField(label=_("Estimate"), required=False, max_digits=7, decimal_places=2)
    estimate_hours.unit = _("hours")
    goal = forms.TypedChoiceField(label=_("Goal"), coerce=int, required=False, empty_value=None)
    customer = forms.TypedChoiceField(label=_("Customer"), coerce=int, required=False, empty_value=None)
    collaborators = forms.TypedMultipleChoiceField(
        label=_("Collaborators"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    labels = forms.CharField(
        label=_("Labels"), max_length=300, required=False, help_text=_("Separate labels with commas.")
    )
    description = forms.CharField(
        label=_("Description"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    # Editing only: why the task changes hands or is cancelled (docs/work.md, the audit trail).
    reason = forms.CharField(
        label=_("Reason for reassigning or cancelling"),
        max_length=2000,
        required=False,
        help_text=_("Kept in the task's recorded changes when the owner changes or the task is cancelled."),
    )

    def __init__(self, *args, people=(), collaborators=(), goals=(), customers=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not editing:
            del self.fields["reason"]
        self.fields["owner"].choices = [(p.pk, str(p)) for p in people]
        self.fields["collaborators"].choices = [(p.pk, str(p)) for p in collaborators]
        self.fields["goal"].choices = [("", "—")] + [(g.pk, g.title) for g in goals]
        self.fields["customer"].choices = [("", "—")] + [(c.pk, c.name) for c in customers]


class StatusForm(CleanTextFormMixin, forms.Form):
    status = forms.ChoiceField(choices=Task.Status.choices)
    blocked_reason = forms.CharField(max_length=500, required=False)
    reason = forms.CharField(max_length=2000, required=False)  # why cancelled: kept in the audit trail


class ChecklistItemForm(CleanTextFormMixin, forms.Form):
    text = forms.CharField(label=_("New item"), max_length=300)


class BoardFilterForm(CleanTextFormMixin, forms.Form):
    owner = forms.TypedChoiceField(label=_("Person"), coerce=int, required=False, empty_value=None)
    goal = forms.TypedChoiceField(label=_("Goal"), coerce=int, required=False, empty_value=None)
    due = forms.ChoiceField(label=_("Due"), choices=[("", _("Any time")), *DueWindow.choices], required=False)
    label = forms.CharField(label=_("Label"), max_length=50, required=False)
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    # How the board groups its cards (selectors.BOARD_GROUPS); status is the default.
    GROUPS = [("status", _("Group by status")), ("owner", _("Group by owner")), ("quadrant", _("Group by quadrant"))]
    by = forms.ChoiceField(label=_("Group by"), choices=GROUPS, required=False)

    def __init__(self, *args, people=(), goals=(), **kwargs):
        if args and args[0] is not None and args[0].get("by") not in (None, *dict(self.GROUPS)):
            # An unknown grouping (a stale or edited link) reads as the default, keeping the
            # other filters, rather than invalidating the whole form.
            data = args[0].copy()
            data.pop("by")
            args = (data, *args[1:])
        super().__init__(*args, **kwargs)
        self.fields["by"].widget.attrs["data-autosubmit"] = ""
        self.fields["owner"].choices = [("", _("Everyone"))] + [(p.pk, str(p)) for p in list(people)]
        self.fields["goal"].choices = [("", _("Any goal"))] + [(g.pk, g.title) for g in goals]
        for name in ("owner", "goal", "due"):
            self.fields[name].widget.attrs["data-autosubmit"] = ""
        if len(self.fields["owner"].choices) <= 2:  # an account manager: only themselves
            del self.fields["owner"]


# --- required skills (skills slice; docs/skills.md) ---------------------------------------------


class RequiredSkillsForm(CleanTextFormMixin, forms.Form):
    """One minimum-level choice per skill (empty: not required), shown beside the task form."""

    prefix = "requires"

    def __init__(self, *args, skills=(), **kwargs):
        from pacekeeper.skills.forms import LEVEL_CHOICES

        super().__init__(*args, **kwargs)
        for skill in skills:
            self.fields[f"skill_{skill.pk}"] = forms.TypedChoiceField(
                label=skill.name,
                coerce=int,
                required=False,
                empty_value=None,
                choices=[("", _("not required")), *LEVEL_CHOICES],
            )

    def required(self) -> list[dict]:
        """[{"skill": id, "min_level": n}] as the service and the API take them."""
        chosen = self.cleaned_data.items()
        return [{"skill": int(name.removeprefix("skill_")), "min_level": level} for name, level in chosen if level]
