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

# --- discussion: comments and attachments (work/discussion_views.py) ----------------------------
from . import discussion_views  # noqa: E402

urlpatterns += [
    path("tasks/<int:task_id>/comments/", discussion_views.comment_add, name="comment_add"),
    path("tasks/comments/<int:comment_id>/edit/", discussion_views.comment_edit, name="comment_edit"),
    path("tasks/comments/<int:comment_id>/delete/", discussion_views.comment_delete, name="comment_delete"),
    path("tasks/<int:task_id>/attachments/", discussion_views.attachment_add, name="attachment_add"),
    path("tasks/attachments/<int:attachment_id>/", discussion_views.attachment_download, name="attachment_download"),
    path("tasks/attachments/<int:attachment_id>/delete/", discussion_views.attachment_delete, name="attachment_delete"),
]
