"""The forms of the progress reports pages: generate one report; generate all of a period."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pacekeeper.lib.text import CleanTextFormMixin
from pacekeeper.lib.widgets import DateInput

from .models import PeriodKind

LANGUAGE_CHOICES = [("zh-hans", "简体中文"), ("en", "English")]


class GenerateForm(CleanTextFormMixin, forms.Form):
    subject = forms.ChoiceField(label=_("About"))
    period_kind = forms.ChoiceField(label=_("Period"), choices=PeriodKind.choices, initial=PeriodKind.WEEK)
    day = forms.DateField(label=_("A day in the period"), widget=DateInput())
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)

    def __init__(self, *args, subjects: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = subjects

    def subject_parts(self) -> tuple[str, int]:
        kind, _sep, number = self.cleaned_data["subject"].partition(":")
        return kind, int(number or 0)


class RunForm(CleanTextFormMixin, forms.Form):
    period_kind = forms.ChoiceField(label=_("Period"), choices=PeriodKind.choices, initial=PeriodKind.WEEK)
    day = forms.DateField(label=_("A day in the period"), widget=DateInput())
