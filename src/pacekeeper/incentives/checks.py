"""A deploy check: whoever approves payouts must sign in with a second factor (issue 4)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def payout_approvers_use_two_factor(app_configs, **kwargs):
    missing = sorted(set(settings.PAYOUT_APPROVER_ROLES) - set(settings.TWO_FACTOR_REQUIRED_ROLES))
    if not missing:
        return []
    return [
        Warning(
            f"Payout approvers without two-factor sign-in: {', '.join(missing)}.",
            hint="Add these roles to PACEKEEPER_2FA_REQUIRED_ROLES.",
            id="pacekeeper.W001",
        )
    ]
