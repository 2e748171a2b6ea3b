"""Training pages: the catalogue, the QR code for whoever runs a session, the check-in page,
the onboarding checklist on My day and the lead's view, refusals shown clearly."""

import datetime as dt

from django.utils import timezone

from pacekeeper.training import services
from pacekeeper.training.models import Enrolment, OnboardingTask

from .helpers import course, session


def test_the_catalogue_lists_and_filters_courses(world, client):
    course(world, title="Fund basics")
    services.course_create(
        actor=world.one.actor("director"), category="compliance", title_zh="反洗钱", title_en="Anti-money laundering"
    )
    client.force_login(world.one.manager)
    page = client.get("/training/", {"category": "compliance"}, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert [c.title_en for c in page.context["page"].object_list] == ["Anti-money laundering"]
    assert page.context["form"] is None  # the catalogue is kept by directors and the org admin


def test_the_session_page_shows_the_check_in_code_to_the_trainer_only(world, client):
    found = session(world, course(world))
    client.force_login(world.one.lead)
    shown = client.get(f"/training/sessions/{found.pk}/")
    assert shown.context["qr"].startswith("<svg") and services.check_in_token(found) in shown.context["url"]
    client.force_login(world.one.manager)
    assert client.get(f"/training/sessions/{found.pk}/").context["qr"] == ""


def test_the_check_in_page_checks_in_and_refuses_a_bad_link(world, client):
    found = session(world, course(world))
    client.force_login(world.one.manager)
    client.post(f"/training/sessions/{found.pk}/enrol/", {})
    url = f"/training/sessions/{found.pk}/check-in/"
    assert client.get(url, {"t": "nope"}).status_code == 400
    token = services.check_in_token(found)
    assert client.get(url, {"t": token}).status_code == 200
    done = client.post(url, {"t": token})
    assert done.status_code == 200 and done.context["checked_in"]
    assert Enrolment.objects.get(session=found, person=world.one.manager).attended_at is not None


def test_the_check_in_page_needs_a_sign_in(world, client):
    found = session(world, course(world))
    response = client.get(f"/training/sessions/{found.pk}/check-in/", {"t": services.check_in_token(found)})
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_certificate_for_an_incomplete_course_is_refused_on_the_page(world, client):
    found = course(world, pass_mark=80)
    client.force_login(world.one.manager)
    response = client.post(f"/training/courses/{found.pk}/certificate/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "not completed" in response.content.decode()


def test_a_new_hire_sees_the_checklist_on_my_day_and_the_lead_sees_progress(world, client):
    director = world.one.actor("director")
    plan = services.onboarding_plan_create(actor=director, role="manager", title="Start")
    services.onboarding_item_add(actor=director, plan=plan, title="Meet your lead", due_after_days=0)
    services.onboarding_item_add(actor=director, plan=plan, title="Shadow a visit", due_after_days=20)
    services.onboarding_start(person=world.one.manager, today=timezone.now().date() + dt.timedelta(days=1))
    client.force_login(world.one.manager)
    my_day = client.get("/my-day/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "My onboarding" in my_day and "Meet your lead" in my_day and "0 of 2 done" in my_day
    task = OnboardingTask.objects.get(person=world.one.manager, item__title="Meet your lead")
    assert client.post(f"/training/onboarding/items/{task.pk}/done/", {"next": "/my-day/"}).status_code == 302
    assert "1 of 2 done" in client.get("/my-day/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.force_login(world.one.lead)
    progress = client.get("/training/onboarding/").context["progress"]
    assert [(row["person"], row["done"], row["total"]) for row in progress] == [(world.one.manager, 1, 2)]


def test_a_lead_records_a_score_on_the_course_page(world, client):
    from pacekeeper.training.models import Assessment

    found = course(world, pass_mark=70)
    client.force_login(world.one.lead)
    answer = client.post(f"/training/courses/{found.pk}/assess/", {"person": world.one.manager.pk, "score": 88})
    assert answer.status_code == 302
    recorded = Assessment.objects.get(course=found, person=world.one.manager)
    assert (recorded.score, recorded.passed) == (88, True)
    refused = client.post(f"/training/courses/{found.pk}/assess/", {"person": world.one.manager.pk, "score": 101})
    assert refused.status_code == 400 and "score" in refused.context["assessment_form"].errors


def test_a_lead_enrolling_someone_into_a_full_session_is_told_who_waits(world, client):
    found = session(world, course(world), capacity=1, starts_in=dt.timedelta(days=3))
    client.force_login(world.one.lead)
    client.post(f"/training/sessions/{found.pk}/enrol/", {"person": world.one.manager.pk})
    answer = client.post(
        f"/training/sessions/{found.pk}/enrol/",
        {"person": world.one.teammate.pk},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    shown = answer.content.decode()
    assert f"{world.one.teammate} is on the waiting list" in shown
    assert "you are on the waiting list" not in shown
