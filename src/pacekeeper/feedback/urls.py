from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("surveys/", views.home, name="home"),
    path("surveys/templates/", views.templates, name="templates"),
    path("surveys/templates/new/", views.template_create, name="template_create"),
    path("surveys/templates/<int:survey_template_id>/edit/", views.template_edit, name="template_edit"),
    path("surveys/templates/<int:survey_template_id>/questions/", views.question_add, name="question_add"),
    path("surveys/templates/<int:survey_template_id>/questions/remove/", views.question_remove, name="question_remove"),
    path("surveys/campaigns/new/", views.campaign_create, name="campaign_create"),
    path("surveys/campaigns/<int:campaign_id>/", views.campaign, name="campaign"),
    path("surveys/campaigns/<int:campaign_id>/send/", views.campaign_send, name="campaign_send"),
    path("surveys/contacts/", views.contacts, name="contacts"),
    path("surveys/contacts/<int:contact_id>/invite/", views.invite, name="invitation_create"),
    path("surveys/invitations/<int:invitation_id>/", views.invitation, name="invitation"),
    path("surveys/answers/", views.answers, name="answers"),
    path("surveys/settings/", views.survey_settings, name="settings"),
]
