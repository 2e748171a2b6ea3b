from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("reviews/", views.cycle_list, name="cycles"),
    path("reviews/new/", views.cycle_create, name="cycle_create"),
    path("reviews/<int:cycle_id>/", views.cycle_detail, name="cycle"),
    path("reviews/<int:cycle_id>/export/", views.cycle_export, name="cycle_export"),
    path("reviews/<int:cycle_id>/edit/", views.cycle_edit, name="cycle_edit"),
    path("reviews/<int:cycle_id>/open/", views.cycle_open, name="cycle_open"),
    path("reviews/<int:cycle_id>/close/", views.cycle_close, name="cycle_close"),
    path("evaluations/<int:evaluation_id>/", views.evaluation_detail, name="evaluation"),
    path("evaluations/<int:evaluation_id>/self/", views.evaluation_self, name="evaluation_self"),
    path("evaluations/<int:evaluation_id>/review/", views.evaluation_review, name="evaluation_review"),
    path("evaluations/<int:evaluation_id>/calibrate/", views.evaluation_calibrate, name="evaluation_calibrate"),
    path("evaluations/<int:evaluation_id>/send-back/", views.evaluation_send_back, name="evaluation_send_back"),
    path("evaluations/<int:evaluation_id>/respond/", views.evaluation_respond, name="evaluation_respond"),
    path("evaluations/<int:evaluation_id>/resolve/", views.evaluation_resolve, name="evaluation_resolve"),
]
