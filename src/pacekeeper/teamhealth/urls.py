from django.urls import path

from . import views

app_name = "teamhealth"

urlpatterns = [
    path("team-health/", views.results, name="results"),
    path("team-health/pulse/", views.pulse_answer, name="pulse"),
    path("team-health/settings/", views.settings_change, name="settings"),
    path("team-health/export/", views.export, name="export"),
    path("team-health/conflicts/", views.conflict_list, name="conflicts"),
    path("team-health/conflicts/new/", views.conflict_new, name="conflict_new"),
    path("team-health/conflicts/<int:conflict_id>/", views.conflict_detail, name="conflict"),
    path("team-health/conflicts/<int:conflict_id>/mediation/", views.conflict_mediation, name="conflict_mediation"),
    path("team-health/conflicts/<int:conflict_id>/agreement/", views.conflict_agreement, name="conflict_agreement"),
    path("team-health/conflicts/<int:conflict_id>/confirm/", views.conflict_confirm, name="conflict_confirm"),
    path("team-health/conflicts/<int:conflict_id>/close/", views.conflict_close, name="conflict_close"),
]
