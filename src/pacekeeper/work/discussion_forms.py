from django import forms
from django.utils.translation import gettext_lazy as _

from pacekeeper.lib.text import CleanTextFormMixin

from .discussion import BODY_MAX_CHARS


class CommentForm(CleanTextFormMixin, forms.Form):
    """The text as typed; the service checks its mentions."""

    text = forms.CharField(
        label=_("Your comment"),
        max_length=BODY_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Type @ and a username to mention someone: they are told."),
    )


class AttachmentForm(forms.Form):
    """For the page's markup and its errors; the service checks the file (lib/uploads.py)."""

    file = forms.FileField(label=_("File"), allow_empty_file=True)
