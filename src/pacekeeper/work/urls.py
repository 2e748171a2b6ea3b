from django.urls import path

from . import views

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
]

# --- recurring tasks (work/recurring_views.py) ---------------------------------------------------
from . import recurring_views  # noqa: E402

urlpatterns += [
    path("tasks/recurring/", recurring_views.recurring_list, name="recurring"),
    path("tasks/recurring/new/", recurring_views.recurring_create, name="recurring_create"),
    path("tasks/recurring/<int:recurrence_id>/", recurring_views.recurring_detail, name="recurring_detail"),
    path("tasks/recurring/<int:recurrence_id>/edit/", recurring_views.recurring_edit, name="recurring_edit"),
    path("tasks/recurring/<int:recurrence_id>/pause/", recurring_views.recurring_pause, name="recurring_pause"),
    path("tasks/recurring/<int:recurrence_id>/resume/", recurring_views.recurring_resume, name="recurring_resume"),
    path("tasks/recurring/<int:recurrence_id>/delete/", recurring_views.recurring_delete, name="recurring_delete"),
]
