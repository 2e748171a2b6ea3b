from django.urls import path

from . import list_views, views

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
    # --- views: the list (with its export) and the calendar ---
    path("tasks/list/", list_views.task_list, name="list"),
    path("tasks/calendar/", list_views.task_calendar, name="calendar"),
]
