"""The back office: Django admin, for superusers only (the operators of an installation).

Org admins work in the product's own Settings pages (tenancy.settings_views). A superuser of an
organisation sees that organisation's rows only: every list, lookup and foreign-key choice is
limited to it, and new rows are stamped with it.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from . import services
from .models import AccountManagerProfile, AuditEntry, Organization, Team, TeamMembership, User
from .scopes import actor_for


def _is_back_office(request) -> bool:
    user = request.user
    return bool(user.is_active and user.is_authenticated and user.org_id and user.is_superuser)


admin.site.has_permission = _is_back_office
admin.site.site_header = _("Pacekeeper back office")
admin.site.site_title = _("Pacekeeper back office")


class OrgScopedAdmin(admin.ModelAdmin):
    """Rows of the admin's organisation only; `org` is set from the admin, never chosen."""

    org_field = "org"
    exclude = ("org",)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(**{f"{self.org_field}_id": request.user.org_id})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if related is Organization:
            kwargs["queryset"] = Organization.objects.filter(pk=request.user.org_id)
        elif hasattr(related, "org"):
            kwargs["queryset"] = related._default_manager.filter(org_id=request.user.org_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change and hasattr(obj, "org_id"):
            obj.org_id = request.user.org_id
        super().save_model(request, obj, form, change)

    def has_module_permission(self, request):
        return _is_back_office(request)

    def has_view_permission(self, request, obj=None):
        return _is_back_office(request)

    has_add_permission = has_module_permission

    def has_change_permission(self, request, obj=None):
        return _is_back_office(request)

    def has_delete_permission(self, request, obj=None):
        return _is_back_office(request)


@admin.register(User)
class UserAdmin(OrgScopedAdmin, DjangoUserAdmin):
    list_display = ("username", "display_name", "email", "role", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("username", "display_name", "email")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("display_name", "first_name", "last_name", "email", "language")}),
        (_("Access"), {"fields": ("role", "is_active")}),
    )
    add_fieldsets = ((None, {"fields": ("username", "password1", "password2", "role", "display_name")}),)
    exclude = ()

    def save_model(self, request, obj, form, change):
        if change and "role" in form.changed_data:
            new_role = obj.role
            obj.role = form.initial["role"]
            services.user_set_role(actor=actor_for(request.user, channel="admin"), user=obj, role=new_role)
        super().save_model(request, obj, form, change)


class MembershipInline(admin.TabularInline):
    """Read-only: memberships are dated history that the KPI engine credits by, so they change
    only through the services (Settings or the API), which end the current one the day before a
    move and record who did it. A row typed here would skip both."""

    model = TeamMembership
    extra = 0
    fields = readonly_fields = ("user", "is_lead", "started_on", "ended_on")

    def has_view_permission(self, request, obj=None):
        return _is_back_office(request)

    def has_add_permission(self, request, obj=None):
        return False

    has_change_permission = has_delete_permission = has_add_permission


@admin.register(Team)
class TeamAdmin(OrgScopedAdmin):
    list_display = ("name", "kind", "parent")
    search_fields = ("name",)
    inlines = [MembershipInline]
    exclude = ("org", "path")

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            services.team_move(actor=actor_for(request.user, channel="admin"), team=obj, parent=obj.parent)
        else:
            created = services.team_create(org=request.user.org, name=obj.name, kind=obj.kind, parent=obj.parent)
            obj.pk, obj.path = created.pk, created.path


@admin.register(AccountManagerProfile)
class AccountManagerProfileAdmin(OrgScopedAdmin):
    list_display = ("user", "employee_no", "region", "capacity", "hired_on")
    search_fields = ("employee_no", "user__username", "user__display_name")


@admin.register(AuditEntry)
class AuditEntryAdmin(OrgScopedAdmin):
    list_display = ("at", "actor", "object_type", "object_id", "field", "before", "after", "channel")
    list_filter = ("object_type", "channel")
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OrganizationAdmin(admin.ModelAdmin):
    """The admin's own organisation: name, currency, time zone, language, colours."""

    fields = ("name", "currency", "time_zone", "language", "change_colours")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk=request.user.org_id)

    def has_module_permission(self, request):
        return _is_back_office(request)

    has_view_permission = has_change_permission = lambda self, request, obj=None: _is_back_office(request)  # noqa: E731

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(Organization, OrganizationAdmin)
