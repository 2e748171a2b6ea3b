"""The project's URLs plus two that fail, for the error-page tests."""

from django.urls import path

from pacekeeper.urls import handler500  # noqa: F401
from pacekeeper.urls import urlpatterns as project_urlpatterns


def boom(request):
    raise RuntimeError("secret internals: password=hunter2")


urlpatterns = [path("boom/", boom), path("api/boom/", boom), *project_urlpatterns]
