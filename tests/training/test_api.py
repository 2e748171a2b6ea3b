"""The training API: wiring, refusals as 400 field errors with nothing changed, scoping of
scores, the certificate PDF."""

import datetime as dt

from django.utils import timezone

from pacekeeper.tenancy.models import AuditEntry
from pacekeeper.training import services
from pacekeeper.training.models import Course, Enrolment, TrainingCertificate

from .helpers import attend, course, session


def _fields(response) -> set[str]:
    return {error["field"] for error in response.json()["errors"]}


def _post(client, path, body):
    return client.post(path, body, content_type="application/json")


def test_it_adds_a_course_for_directors_only_and_checks_the_body(world, client):
    body = {"category": "sales", "title_zh": "顾问式销售", "title_en": "Consultative selling", "pass_mark": 70}
    client.force_login(world.one.lead)
    assert _post(client, "/api/v1/training-courses", body).status_code == 403
    client.force_login(world.one.director)
    made = _post(client, "/api/v1/training-courses", body)
    assert made.status_code == 201 and made.json()["pass_mark"] == 70
    assert _post(client, "/api/v1/training-courses", {**body, "category": "cooking"}).status_code == 422
    assert _post(client, "/api/v1/training-courses", {**body, "pass_mark": 101}).status_code == 422
    assert Course.objects.filter(org=world.one.org).count() == 1


def test_a_full_session_answers_a_field_error_when_the_waiting_list_is_declined(world, client):
    found = session(world, course(world), capacity=1, starts_in=dt.timedelta(days=1))
    client.force_login(world.one.manager)
    assert _post(client, "/api/v1/training-enrolments", {"session": found.pk}).json()["status"] == "enrolled"
    client.force_login(world.one.teammate)
    refused = _post(client, "/api/v1/training-enrolments", {"session": found.pk, "join_waiting_list": False})
    assert refused.status_code == 400
    assert _fields(refused) == {"session"}
    assert Enrolment.objects.filter(session=found).count() == 1
    waiting = _post(client, "/api/v1/training-enrolments", {"session": found.pk})
    assert waiting.status_code == 201 and waiting.json()["status"] == "waiting"


def test_a_session_of_another_organisation_in_the_body_is_a_field_error(world, client):
    theirs = session(world, course(world), starts_in=dt.timedelta(days=1))
    client.force_login(world.two.manager)
    refused = _post(client, "/api/v1/training-enrolments", {"session": theirs.pk})
    assert refused.status_code == 400 and _fields(refused) == {"session"}


def test_it_checks_in_through_the_api_and_refuses_a_wrong_code(world, client):
    found = session(world, course(world))
    services.enrol(actor=world.one.actor("manager"), session=found)
    client.force_login(world.one.manager)
    path = f"/api/v1/training-sessions/{found.pk}/check-in"
    assert _post(client, path, {"token": "forged"}).status_code == 400
    done = _post(client, path, {"token": services.check_in_token(found)})
    assert done.status_code == 200 and done.json()["attended_at"]


def test_a_certificate_for_an_incomplete_course_is_refused_with_nothing_changed(world, client):
    found = course(world, pass_mark=60)
    client.force_login(world.one.manager)
    refused = _post(client, "/api/v1/training-certificates", {"course": found.pk})
    assert refused.status_code == 400 and _fields(refused) == {"course"}
    assert not TrainingCertificate.objects.exists()
    assert not AuditEntry.objects.filter(field="issued").exists()


def test_a_completed_course_gives_a_pdf_certificate_the_analyst_cannot_see(world, client):
    found = course(world)
    attend(world, session(world, found))
    client.force_login(world.one.manager)
    issued = _post(client, "/api/v1/training-certificates", {"course": found.pk})
    assert issued.status_code == 201 and issued.json()["number"].startswith("TR-")
    pdf = client.get(f"/api/v1/training-certificates/{issued.json()['id']}/pdf", {"lang": "en"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    client.force_login(world.one.analyst)
    assert client.get(f"/api/v1/training-certificates/{issued.json()['id']}/pdf").status_code == 404
    assert client.get("/api/v1/training-certificates").json()["count"] == 0


def test_scores_are_recorded_by_a_second_person_and_hidden_from_the_analyst(world, client):
    found = course(world, pass_mark=50)
    body = {"course": found.pk, "person": world.one.manager.pk, "score": 49}
    client.force_login(world.one.manager)
    assert _post(client, "/api/v1/training-assessments", body).status_code == 403
    client.force_login(world.one.lead)
    made = _post(client, "/api/v1/training-assessments", body)
    assert made.status_code == 201 and made.json()["passed"] is False
    assert _post(client, "/api/v1/training-assessments", {**body, "score": 101}).status_code == 422
    client.force_login(world.one.analyst)
    assert client.get("/api/v1/training-assessments").json()["count"] == 0
    assert client.get("/api/v1/training-enrolments").status_code == 200


def test_onboarding_plans_and_items_through_the_api(world, client):
    client.force_login(world.one.admin)
    plan = _post(client, "/api/v1/onboarding-plans", {"role": "manager", "title": "Start"})
    assert plan.status_code == 201
    item = _post(client, f"/api/v1/onboarding-plans/{plan.json()['id']}/items", {"title": "Meet", "due_after_days": 2})
    assert item.status_code == 201
    assert _post(client, "/api/v1/onboarding-plans", {"role": "manager", "title": "Again"}).status_code == 400
    assert _post(client, "/api/v1/onboarding-plans", {"role": "chef", "title": "x"}).status_code == 400
    services.onboarding_start(person=world.one.manager, today=timezone.now().date())
    client.force_login(world.one.manager)
    task = client.get("/api/v1/onboarding-tasks").json()["items"][0]
    done = _post(client, f"/api/v1/onboarding-tasks/{task['id']}/done", {})
    assert done.status_code == 200 and done.json()["done_at"]
