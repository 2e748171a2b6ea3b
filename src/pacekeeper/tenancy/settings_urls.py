"""The org admin's settings pages (the follow-up policies page is in crm.urls)."""

from django.urls import path

from . import settings_views as views

app_name = "settings"

urlpatterns = [
    # The people list is the area's front page: the navigation's one link leads here.
    path("settings/", views.people, name="people"),
    path("settings/people/new/", views.person_create, name="person_create"),
    path("settings/people/<int:user_id>/", views.person, name="person"),
    path("settings/people/<int:user_id>/role/", views.person_role, name="person_role"),
    path("settings/people/<int:user_id>/active/", views.person_active, name="person_active"),
    path("settings/people/<int:user_id>/capacity/", views.person_capacity, name="person_capacity"),
    path("settings/people/<int:user_id>/two-factor-reset/", views.person_two_factor_reset, name="two_factor_reset"),
    path("settings/people/<int:user_id>/memberships/", views.membership_start, name="membership_start"),
    path("settings/memberships/<int:membership_id>/end/", views.membership_end, name="membership_end"),
    path("settings/teams/", views.teams, name="teams"),
    path("settings/organisation/", views.organization, name="organization"),
]
