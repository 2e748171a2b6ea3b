from django.urls import path

from . import views

app_name = "incentives"

urlpatterns = [
    path("pay/", views.pay_home, name="home"),
    path("pay/runs/new/", views.run_start, name="run_start"),
    path("pay/runs/<int:run_id>/", views.run_detail, name="run"),
    path("pay/runs/<int:run_id>/export/", views.run_export, name="run_export"),
    path("pay/runs/<int:run_id>/approve/", views.run_approve, name="run_approve"),
    path("pay/runs/<int:run_id>/cancel/", views.run_cancel, name="run_cancel"),
    path("pay/runs/<int:run_id>/rerun/", views.run_rerun, name="run_rerun"),
    path("pay/lines/<int:line_id>/adjust/", views.line_adjust, name="line_edit"),
    path("pay/lines/<int:line_id>/statement/", views.line_statement, name="statement"),
    path("pay/plans/", views.plan_list, name="plans"),
    path("pay/plans/new/", views.plan_create, name="plan_create"),
    path("pay/plans/<int:plan_id>/", views.plan_detail, name="plan"),
    path("pay/plans/<int:plan_id>/edit/", views.plan_edit, name="plan_edit"),
]
