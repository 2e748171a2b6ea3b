from django import forms
from django.utils.translation import gettext_lazy as _

from pacekeeper.lib.text import CleanTextFormMixin

from .discussion import BODY_MAX_CHARS


class CommentForm(CleanTextFormMixin, forms.Form):
    """The text as typed; the service checks its mentions. Its ids are its own (`comment_text`):
    the task page has other forms with a `text` field (the checklist)."""

    text = forms.CharField(
        label=_("Your comment"),
        max_length=BODY_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Type @ and a username to mention someone: they are told."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "comment_%s")
        super().__init__(*args, **kwargs)


class AttachmentForm(CleanTextFormMixin, forms.Form):
    """For the page's markup and its errors; the service checks the file (lib/uploads.py)."""

    file = forms.FileField(label=_("File"), allow_empty_file=True)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "attachment_%s")
        super().__init__(*args, **kwargs)
