from django.urls import path

from . import views

app_name = "goals"

urlpatterns = [
    path("goals/", views.goal_list, name="list"),
    path("goals/new/", views.goal_create, name="create"),
    path("goals/check/", views.goal_check, name="check"),
    path("goals/<int:goal_id>/", views.goal_detail, name="detail"),
    path("goals/<int:goal_id>/edit/", views.goal_edit, name="edit"),
    path("goals/<int:goal_id>/activate/", views.goal_activate, name="activate"),
    path("goals/<int:goal_id>/target/", views.goal_target, name="target"),
    path("goals/<int:goal_id>/cascade/", views.goal_cascade, name="cascade"),
    path("goals/<int:goal_id>/status/", views.goal_status, name="status"),
    path("goals/<int:goal_id>/resplit/", views.goal_resplit, name="resplit"),
    path("goals/changes/<int:change_id>/approve/", views.change_approve, name="change_approve"),
    path("goals/changes/<int:change_id>/refuse/", views.change_refuse, name="change_refuse"),
]
