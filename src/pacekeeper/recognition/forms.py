from django import forms
from django.utils.translation import gettext_lazy as _

from pacekeeper.lib.text import CleanTextFormMixin

from .models import KUDOS_MAX_LENGTH, REASON_MAX_LENGTH


class KudosForm(CleanTextFormMixin, forms.Form):
    """What the page takes; the service checks whom and what (the same rules as the API)."""

    recipient = forms.TypedChoiceField(label=_("Whom do you praise?"), coerce=int)
    text = forms.CharField(label=_("What for?"), max_length=KUDOS_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}))
    customer = forms.TypedChoiceField(label=_("About a customer"), coerce=int, required=False, empty_value=None)
    goal = forms.TypedChoiceField(label=_("About a goal"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, recipients=(), customers=(), goals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].choices = [("", "—")] + [(p.pk, str(p)) for p in recipients]
        self.fields["customer"].choices = [("", _("None"))] + [(c.pk, c.name) for c in customers]
        self.fields["goal"].choices = [("", _("None"))] + [(g.pk, g.title) for g in goals]


class AwardForm(CleanTextFormMixin, forms.Form):
    person = forms.TypedChoiceField(label=_("Person"), coerce=int)
    badge = forms.TypedChoiceField(label=_("Badge"), coerce=int)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown with the badge and kept in the audit trail."),
    )

    def __init__(self, *args, people=(), badges=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "—")] + [(p.pk, str(p)) for p in people]
        self.fields["badge"].choices = [("", "—")] + [(b.pk, str(b)) for b in badges]
