"""The public survey pages, outside the login: /s/<token>/ (docs/feedback.md)."""

from django.urls import path

from . import public_views

app_name = "survey_public"

urlpatterns = [
    path("s/<str:token>/", public_views.answer, name="answer"),
    path("s/<str:token>/unsubscribe/", public_views.unsubscribe, name="unsubscribe"),
]
