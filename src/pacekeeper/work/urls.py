from django.urls import path

from . import list_views, plan_views, resource_views, views

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
    # --- plans from goals and plan templates (plan_views.py) ---
    path("tasks/plans/", plan_views.plan_list, name="plans"),
    path("tasks/plans/new/", plan_views.plan_create, name="plan_create"),
    path("tasks/plans/<int:work_plan_id>/", plan_views.plan_detail, name="plan_detail"),
    path("tasks/plans/<int:work_plan_id>/edit/", plan_views.plan_edit, name="plan_edit"),
    path("tasks/plans/<int:work_plan_id>/apply/", plan_views.plan_apply, name="plan_apply"),
    path("tasks/plans/<int:work_plan_id>/tasks/new/", plan_views.plan_task_create, name="plan_task_create"),
    path("tasks/plans/<int:work_plan_id>/tasks/add/", plan_views.plan_task_add, name="plan_task_add"),
    path("tasks/plans/<int:work_plan_id>/tasks/remove/", plan_views.plan_task_remove, name="plan_task_remove"),
    path("tasks/plan-templates/", plan_views.plan_template_list, name="plan_templates"),
    path("tasks/plan-templates/new/", plan_views.plan_template_create, name="plan_template_create"),
    path("tasks/plan-templates/shipped/<slug:key>/", plan_views.plan_template_shipped, name="plan_template_shipped"),
    path("tasks/plan-templates/<int:template_id>/", plan_views.plan_template_detail, name="plan_template_detail"),
    path("tasks/plan-templates/<int:template_id>/edit/", plan_views.plan_template_edit, name="plan_template_edit"),
    path(
        "tasks/plan-templates/<int:template_id>/delete/", plan_views.plan_template_delete, name="plan_template_delete"
    ),
    # --- views: the list (with its export) and the calendar ---
    path("tasks/list/", list_views.task_list, name="list"),
    path("tasks/calendar/", list_views.task_calendar, name="calendar"),
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

# --- workload and assignment (work/load_views.py) ------------------------------------------------
from . import load_views  # noqa: E402

urlpatterns += [
    path("work/workload/", load_views.workload_page, name="workload"),
    path("tasks/<int:task_id>/candidates/", load_views.task_candidates, name="candidates"),
    path("tasks/candidates/", load_views.new_task_candidates, name="new_candidates"),
]
