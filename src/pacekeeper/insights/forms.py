from django import forms
from django.utils.translation import gettext_lazy as _

from pacekeeper.lib.text import CleanTextFormMixin

from .models import KEYWORDS_MAX_LENGTH
from .services import TEXT_MAX_LENGTH


class TopicForm(CleanTextFormMixin, forms.Form):
    """What the topic page takes; the service checks it (the same rules as the API)."""

    code = forms.SlugField(label=_("Code"), max_length=40, help_text=_("Letters, digits, - and _; unique."))
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=100)
    name_en = forms.CharField(label=_("Name (English)"), max_length=100)
    keywords_zh = forms.CharField(
        label=_("Chinese keywords"),
        max_length=KEYWORDS_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One a line; found anywhere in a text."),
    )
    keywords_en = forms.CharField(
        label=_("English keywords"),
        max_length=KEYWORDS_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One a line; found at the start of a word (deliver finds delivered)."),
    )
    examples = forms.CharField(
        label=_("Example sentences"),
        max_length=KEYWORDS_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line: what customers say about this topic, for people editing the list."),
    )
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=999, initial=0)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class TryForm(CleanTextFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Try a sentence"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )
