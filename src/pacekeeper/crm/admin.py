from django.contrib import admin

from pacekeeper.tenancy.admin import OrgScopedAdmin
from pacekeeper.tenancy.scopes import actor_for

from . import services
from .models import FollowUpPolicy


@admin.register(FollowUpPolicy)
class FollowUpPolicyAdmin(OrgScopedAdmin):
    """Changing an interval moves every due date of that tier, so it goes through the service."""

    list_display = ("tier", "interval_days")

    def save_model(self, request, obj, form, change):
        policy = services.follow_up_policy_set(
            actor=actor_for(request.user, channel="admin"), tier=obj.tier, interval_days=obj.interval_days
        )
        obj.pk = policy.pk
