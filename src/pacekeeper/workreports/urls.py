from django.urls import path

from . import views

app_name = "workreports"

urlpatterns = [
    path("work-reports/", views.mine, name="mine"),
    path("work-reports/write/", views.start, name="start"),
    path("work-reports/team/", views.team, name="team"),
    path("work-reports/news/", views.news, name="news"),
    path("work-reports/<int:work_report_id>/", views.detail, name="detail"),
    path("work-reports/<int:work_report_id>/edit/", views.edit, name="edit"),
    path("work-reports/<int:work_report_id>/submit/", views.submit, name="submit"),
    path("work-reports/<int:work_report_id>/read/", views.mark_read, name="mark_read"),
    path("work-reports/<int:work_report_id>/comment/", views.comment, name="comment"),
    path("work-reports/help-items/<int:help_item_id>/handle/", views.help_handle, name="help_handle"),
    path("work-reports/help-items/<int:help_item_id>/task/", views.help_task, name="help_task"),
]
