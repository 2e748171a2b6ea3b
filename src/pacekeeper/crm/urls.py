from django.urls import path

from . import imports_views, views

app_name = "crm"

urlpatterns = [
    path("customers/", views.customer_list, name="customers"),
    path("customers/new/", views.customer_create, name="customer_create"),
    path("customers/transfer/", views.customer_transfer, name="customer_transfer"),
    path("customers/<int:customer_id>/", views.customer_detail, name="customer"),
    path("customers/<int:customer_id>/edit/", views.customer_edit, name="customer_edit"),
    path("customers/<int:customer_id>/contacts/", views.contact_create, name="contact_create"),
    path("customers/<int:customer_id>/log/", views.interaction_create, name="interaction_create"),
    path("customers/<int:customer_id>/opportunities/", views.opportunity_create, name="opportunity_create"),
    path("interactions/<int:interaction_id>/done/", views.next_step_done, name="next_step_done"),
    path("opportunities/<int:opportunity_id>/stage/", views.opportunity_stage, name="opportunity_stage"),
    path("follow-ups/", views.follow_ups, name="follow_ups"),
    path("settings/follow-ups/", views.follow_up_policies, name="follow_up_policies"),
    path("pipeline/", views.pipeline, name="pipeline"),
    path("imports/", imports_views.import_upload, name="import_upload"),
    path("imports/<int:job_id>/", imports_views.import_job, name="import_job"),
    path("imports/<int:job_id>/run/", imports_views.import_job_run, name="import_job_run"),
    path("imports/<int:job_id>/rerun/", imports_views.import_job_rerun_view, name="import_job_rerun"),
    path("exports/", imports_views.export_index, name="exports"),
    path("exports/<str:kind>/", imports_views.export_download, name="export"),
]
