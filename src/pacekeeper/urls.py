from django.contrib import admin
from django.urls import include, path

from pacekeeper.api import api
from pacekeeper.tenancy import views as tenancy_views

urlpatterns = [
    path("", tenancy_views.home, name="home"),
    path("", include("pacekeeper.tenancy.urls")),
    path("", include("pacekeeper.tenancy.settings_urls")),
    path("", include("pacekeeper.crm.urls")),
    path("", include("pacekeeper.kpis.urls")),
    path("", include("pacekeeper.goals.urls")),
    path("", include("pacekeeper.work.urls")),
    path("", include("pacekeeper.skills.urls")),
    path("", include("pacekeeper.incentives.urls")),
    path("", include("pacekeeper.reviews.urls")),
    path("", include("pacekeeper.dashboards.urls")),
    path("", include("pacekeeper.notifications.urls")),
    path("", include("pacekeeper.workreports.urls")),
    path("", include("pacekeeper.meetings.urls")),
    path("", include("pacekeeper.feedback.urls")),
    path("", include("pacekeeper.feedback.public_urls")),
    path("", include("pacekeeper.progress.urls")),
    path("", include("pacekeeper.recognition.urls")),
    path("", include("pacekeeper.relationships.urls")),
    path("", include("pacekeeper.teamhealth.urls")),
    path("", include("pacekeeper.risks.urls")),
    path("", include("pacekeeper.insights.urls")),
    path("", include("pacekeeper.tickets.urls")),
    path("", include("pacekeeper.training.urls")),
    path("api/v1/", api.urls),
    path("admin/login/", tenancy_views.admin_login),
    path("admin/", admin.site.urls),
    path("i18n/setlang/", tenancy_views.set_language, name="set_language"),
    path("health/", tenancy_views.health, name="health"),
]

handler500 = "pacekeeper.tenancy.views.server_error"
