from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("training/", views.catalogue, name="catalogue"),
    path("training/courses/<int:training_course_id>/", views.course, name="course"),
    path("training/courses/<int:training_course_id>/assess/", views.assess, name="assess"),
    path("training/courses/<int:training_course_id>/certificate/", views.certificate_issue, name="certificate_issue"),
    path("training/sessions/<int:training_session_id>/", views.session, name="session"),
    path("training/sessions/<int:training_session_id>/enrol/", views.enrol, name="enrol"),
    path("training/sessions/<int:training_session_id>/check-in/", views.check_in, name="check_in"),
    path("training/enrolments/<int:training_enrolment_id>/cancel/", views.enrolment_cancel, name="enrolment_cancel"),
    path("training/certificates/<int:training_certificate_id>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path("training/onboarding/", views.onboarding, name="onboarding"),
    path("training/onboarding/items/<int:onboarding_task_id>/done/", views.onboarding_done, name="onboarding_done"),
    path("training/proposals/<int:training_skill_proposal_id>/confirm/", views.proposal_confirm, name="confirm"),
    path("training/proposals/<int:training_skill_proposal_id>/dismiss/", views.proposal_dismiss, name="dismiss"),
]
