from django.urls import path

from . import views

app_name = "progress"

urlpatterns = [
    path("progress-reports/", views.report_list, name="list"),
    path("progress-reports/new/", views.report_create, name="create"),
    path("progress-reports/run/", views.run_start, name="run_start"),
    path("progress-reports/runs/", views.run_status, name="runs"),
    path("progress-reports/<int:progress_report_id>/", views.report_detail, name="detail"),
    path("progress-reports/<int:progress_report_id>/pdf/", views.report_pdf, name="pdf"),
    path("progress-reports/<int:progress_report_id>/xlsx/", views.report_xlsx, name="xlsx"),
    path("progress-reports/<int:progress_report_id>/regenerate/", views.report_regenerate, name="regenerate"),
]
