from django.urls import path

from . import views

app_name = "skills"

urlpatterns = [
    path("skills/", views.my_skills, name="mine"),
    path("skills/assess/", views.self_assess, name="assess"),
    path("skills/team/", views.team, name="team"),
    path("skills/team/confirm/", views.confirm, name="confirm"),
    path("skills/people/<int:user_id>/", views.person, name="person"),
    path("skills/catalogue/", views.catalogue, name="catalogue"),
    path("skills/catalogue/new/", views.skill_create, name="create"),
    path("skills/catalogue/<int:skill_id>/edit/", views.skill_edit, name="edit"),
]
