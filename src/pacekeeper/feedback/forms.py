from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from pacekeeper.crm.models import Customer, Interaction, Tier
from pacekeeper.lib.text import CleanTextFormMixin

from .models import Invitation, Language, SurveyQuestion, SurveyTemplate


class TemplateForm(CleanTextFormMixin, forms.Form):
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)
    intro_zh = forms.CharField(
        label=_("Introduction (Chinese)"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    intro_en = forms.CharField(
        label=_("Introduction (English)"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class TemplateCreateForm(TemplateForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=SurveyTemplate.Kind.choices, initial=SurveyTemplate.Kind.CUSTOM)


class QuestionForm(CleanTextFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind of question"), choices=SurveyQuestion.Kind.choices)
    text_zh = forms.CharField(label=_("Question (Chinese)"), max_length=500)
    text_en = forms.CharField(label=_("Question (English)"), max_length=500)
    options = forms.CharField(
        label=_("Options"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For choice questions: one option a line, Chinese | English."),
    )
    is_required = forms.BooleanField(label=_("Required"), required=False, initial=True)


class CampaignForm(CleanTextFormMixin, forms.Form):
    name = forms.CharField(label=_("Campaign name"), max_length=200)
    template = forms.TypedChoiceField(label=_("Survey"), coerce=int)
    tier = forms.ChoiceField(label=_("Tier"), choices=[("", _("All tiers")), *Tier.choices], required=False)
    status = forms.ChoiceField(
        label=_("Customer status"), choices=[("", _("All")), *Customer.Status.choices], required=False
    )
    owner = forms.TypedChoiceField(label=_("Account manager"), coerce=int, required=False, empty_value=None)
    q = forms.CharField(label=_("Customer or contact name"), max_length=100, required=False)
    decision_makers = forms.BooleanField(label=_("Decision makers only"), required=False)

    def __init__(self, *args, templates=(), owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [(t.pk, t.name_in(get_language() or "")) for t in templates]
        self.fields["owner"].choices = [("", _("Everyone")), *[(u.pk, str(u)) for u in owners]]

    def filters(self) -> dict:
        data = self.cleaned_data
        return {key: data[key] for key in ("tier", "status", "owner", "q", "decision_makers") if data.get(key)}


class InviteForm(CleanTextFormMixin, forms.Form):
    template = forms.TypedChoiceField(label=_("Survey"), coerce=int)
    channel = forms.ChoiceField(label=_("Send by"), choices=Invitation.Channel.choices, initial=Invitation.Channel.LINK)
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", _("The contact's")), *Language.choices], required=False
    )

    def __init__(self, *args, templates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [(t.pk, t.name_in(get_language() or "")) for t in templates]


class SettingsForm(CleanTextFormMixin, forms.Form):
    min_days_between = forms.IntegerField(
        label=_("Days between two surveys to one contact"), min_value=1, max_value=3650
    )
    expiry_days = forms.IntegerField(label=_("Days a link stays open"), min_value=1, max_value=3650)
    reminder_after_days = forms.IntegerField(label=_("Days before the one reminder"), min_value=1, max_value=3650)
    interaction_kinds = forms.MultipleChoiceField(
        label=_("Interaction kinds that send a survey"),
        choices=Interaction.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    interaction_template = forms.TypedChoiceField(
        label=_("Survey after an interaction"), coerce=int, required=False, empty_value=None
    )
    schedule_template = forms.TypedChoiceField(
        label=_("Quarterly survey"), coerce=int, required=False, empty_value=None
    )
    schedule_tiers = forms.MultipleChoiceField(
        label=_("Tiers surveyed each quarter"),
        choices=Tier.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, templates=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "—"), *[(t.pk, t.name_in(get_language() or "")) for t in templates]]
        self.fields["interaction_template"].choices = choices
        self.fields["schedule_template"].choices = choices
