from django.urls import path

from . import views

app_name = "risks"

urlpatterns = [
    path("risks/", views.risk_list, name="list"),
    path("risks/new/", views.risk_create, name="create"),
    path("risks/signals/run/", views.signals_run, name="signals_run"),
    path("risks/<int:risk_id>/", views.risk_detail, name="detail"),
    path("risks/<int:risk_id>/edit/", views.risk_edit, name="edit"),
    path("risks/<int:risk_id>/actions/", views.action_add, name="action_add"),
]
