from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pacekeeper.errors import ValidationFailed
from pacekeeper.lib.text import CleanTextFormMixin
from pacekeeper.lib.widgets import DateInput

from .models import Organization, Role, Team, User
from .services import check_email_free, username_problem


class ProfileForm(CleanTextFormMixin, forms.ModelForm):
    current_password = forms.CharField(
        label=_("Current password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Needed only to change your email address."),
    )

    class Meta:
        model = User
        fields = ["display_name", "email", "language"]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        try:
            check_email_free(email, user=self.instance)
        except ValidationFailed as error:
            raise forms.ValidationError(error.errors["email"]) from None
        return email

    def changes(self) -> dict:
        return {field: self.cleaned_data[field] for field in self.Meta.fields}


class TokenForm(CleanTextFormMixin, forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)


# --- the org admin's settings pages --------------------------------------------------------------

DATE_INPUT = DateInput()


def _reason_field() -> forms.CharField:
    return forms.CharField(label=_("Reason"), required=False, max_length=2000, help_text=_("Kept in the audit trail."))


class PeopleFilterForm(CleanTextFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("Every role")), *Role.choices])
    active = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Active and deactivated")),
            ("yes", pgettext_lazy("account", "Active")),
            ("no", pgettext_lazy("account", "Deactivated")),
        ],
    )


class PersonAddForm(CleanTextFormMixin, forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150, help_text=_("Used to sign in."))
    display_name = forms.CharField(label=_("Display name"), max_length=100, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MANAGER)
    password = forms.CharField(
        label=_("First password"),
        widget=forms.PasswordInput(render_value=True, attrs={"autocomplete": "new-password"}),
        max_length=128,
        help_text=_("Give it to the person; they change it on their account page."),
    )
    team = forms.ModelChoiceField(queryset=Team.objects.none(), label=_("Team"), required=False)
    started_on = forms.DateField(label=_("In the team from"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.visible_to(actor).order_by("path")
        self.fields["team"].empty_label = _("No team yet")
        self.fields["started_on"].initial = actor.today()

    def clean_username(self):
        username = self.cleaned_data["username"]
        if problem := username_problem(username):
            raise forms.ValidationError(problem)
        return username


class PersonRoleForm(CleanTextFormMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    reason = _reason_field()


class PersonCapacityForm(CleanTextFormMixin, forms.Form):
    weekly_capacity_hours = forms.IntegerField(
        label=_("Weekly capacity"),
        min_value=0,
        max_value=168,
        help_text=_(
            "Hours a week this person can give to tasks: 0 to 168. The workload view compares booked hours with it."
        ),
    )
    weekly_capacity_hours.unit = _("hours")
    reason = _reason_field()


class MembershipStartForm(CleanTextFormMixin, forms.Form):
    team = forms.ModelChoiceField(queryset=Team.objects.none(), label=_("Team"))
    started_on = forms.DateField(label=_("In the team from"), widget=DATE_INPUT)
    is_lead = forms.BooleanField(label=_("Leads the team (alongside any team they are a member of)"), required=False)
    reason = _reason_field()

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.visible_to(actor).order_by("path")
        self.fields["team"].empty_label = _("Choose a team")
        self.fields["started_on"].initial = actor.today()


class MembershipEndForm(CleanTextFormMixin, forms.Form):
    ended_on = forms.DateField(label=_("Last day in the team"), widget=DATE_INPUT)
    reason = _reason_field()


class TeamAddForm(CleanTextFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of team"), choices=Team.Kind.choices, initial=Team.Kind.TEAM)
    parent = forms.ModelChoiceField(queryset=Team.objects.none(), label=_("Parent team"), required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Team.objects.visible_to(actor).order_by("path")
        self.fields["parent"].empty_label = _("None (top level)")


# The zones a Chinese bank's organisation most likely uses, named as people say them
# ("北京时间 (Asia/Shanghai)"), first in the list; the others keep their tz names.
COMMON_TIME_ZONES = {
    "Asia/Shanghai": _("Beijing time"),
    "Asia/Hong_Kong": _("Hong Kong time"),
    "Asia/Macau": _("Macao time"),
    "Asia/Taipei": _("Taipei time"),
    "Asia/Singapore": _("Singapore time"),
    "Asia/Tokyo": _("Tokyo time"),
    "Asia/Seoul": _("Seoul time"),
    "Europe/London": _("London time"),
    "Europe/Paris": _("Paris time"),
    "America/New_York": _("New York time"),
}


def _time_zone_choices() -> list[tuple[str, str]]:
    """Called each time the form shows (a callable), so the labels are in the reader's language."""
    from zoneinfo import available_timezones

    common = [(zone, f"{label} ({zone})") for zone, label in COMMON_TIME_ZONES.items()]
    others = sorted(
        zone
        for zone in available_timezones()
        if "/" in zone and not zone.startswith("Etc/") and zone not in COMMON_TIME_ZONES
    )
    return common + [(zone, zone) for zone in others]


class OrganizationForm(CleanTextFormMixin, forms.ModelForm):
    currency = forms.ChoiceField(label=_("Currency"))
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=_time_zone_choices)
    reason = _reason_field()

    class Meta:
        model = Organization
        fields = [
            "name",
            "currency",
            "time_zone",
            "language",
            "change_colours",
            "payout_second_approver",
            "work_report_cadence",
        ]
        widgets = {"change_colours": forms.RadioSelect, "work_report_cadence": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        from pacekeeper.lib.money import CURRENCY_EXPONENTS, CURRENCY_SYMBOLS

        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = [
            (code, f"{code} {CURRENCY_SYMBOLS[code]}") for code in sorted(CURRENCY_EXPONENTS)
        ]
        self.fields["currency"].help_text = _("Recorded amounts are not converted.")
