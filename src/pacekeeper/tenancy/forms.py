from django import forms
from django.utils.translation import gettext_lazy as _

from pacekeeper.errors import ValidationFailed

from .models import User
from .services import check_email_free


class ProfileForm(forms.ModelForm):
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


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)
