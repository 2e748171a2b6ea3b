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

# --- workload and assignment (work/load_views.py) ------------------------------------------------
from . import load_views  # noqa: E402

urlpatterns += [
    path("work/workload/", load_views.workload_page, name="workload"),
    path("tasks/<int:task_id>/candidates/", load_views.task_candidates, name="candidates"),
    path("tasks/candidates/", load_views.new_task_candidates, name="new_candidates"),
]
