from django.urls import path

from . import resource_views, views

app_name = "work"

urlpatterns = [
    path("tasks/", views.my_tasks, name="mine"),
    path("tasks/new/", views.task_create, name="create"),
    path("tasks/board/", views.board, name="board"),
    path("tasks/<int:task_id>/", views.task_detail, name="detail"),
    path("tasks/<int:task_id>/edit/", views.task_edit, name="edit"),
    path("tasks/<int:task_id>/status/", views.task_status, name="status"),
    path("tasks/<int:task_id>/checklist/", views.checklist_add, name="checklist_add"),
    path("tasks/checklist/<int:item_id>/toggle/", views.checklist_toggle, name="checklist_toggle"),
    # --- resources (resource_views.py) ---
    path(
        "tasks/<int:task_id>/resources/new/", resource_views.task_resource_request_create, name="task_resource_create"
    ),
    path(
        "goals/<int:goal_id>/resources/new/", resource_views.goal_resource_request_create, name="goal_resource_create"
    ),
    path("resources/", resource_views.resource_request_list, name="resource_requests"),
    path("resources/<int:resource_request_id>/", resource_views.resource_request_detail, name="resource_request"),
    path(
        "resources/<int:resource_request_id>/decide/",
        resource_views.resource_request_decide,
        name="resource_request_decide",
    ),
    path(
        "resources/<int:resource_request_id>/spend/",
        resource_views.resource_request_spend,
        name="resource_request_spend",
    ),
    path("settings/resources/", resource_views.resource_thresholds, name="resource_thresholds"),
]
