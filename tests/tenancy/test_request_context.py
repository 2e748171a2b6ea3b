"""Request ids: on every answer, on the error page, in the audit rows."""

import pytest
from django.test import Client

from pacekeeper.tenancy.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def failing_client(settings):
    settings.ROOT_URLCONF = "tests.tenancy.boom_urls"
    return Client(raise_request_exception=False)


def test_an_unexpected_error_shows_a_generic_page_with_the_request_id(failing_client):
    response = failing_client.get("/boom/")
    page = response.content.decode()
    assert response.status_code == 500
    assert response["X-Request-ID"] in page
    assert "Something went wrong" in page
    assert "hunter2" not in page and "Traceback" not in page and "RuntimeError" not in page


def test_an_unexpected_api_error_answers_json_with_the_request_id(failing_client):
    response = failing_client.get("/api/boom/")
    assert response.status_code == 500
    assert response.json()["request_id"] == response["X-Request-ID"]
    assert "hunter2" not in response.content.decode()


def test_a_client_cannot_choose_its_request_id_without_our_proxy(client):
    response = client.get("/login/", HTTP_X_REQUEST_ID="attacker-chosen-id")
    assert response["X-Request-ID"] != "attacker-chosen-id" and len(response["X-Request-ID"]) == 32


def test_audit_rows_record_channel_address_and_request_id(world, client):
    client.force_login(world.one.admin)
    response = client.patch(
        f"/api/v1/users/{world.one.manager.pk}",
        {"role": "lead", "reason": "promoted"},
        content_type="application/json",
        REMOTE_ADDR="192.0.2.44",
    )
    assert response.status_code == 200
    entry = AuditEntry.objects.get(object_id=str(world.one.manager.pk), field="role")
    assert (entry.channel, entry.address, entry.request_id) == ("api", "192.0.2.44", response["X-Request-ID"])
    assert (entry.before, entry.after, entry.reason, entry.actor_id) == (
        "manager",
        "lead",
        "promoted",
        world.one.admin.pk,
    )


def test_behind_the_proxy_the_forwarded_address_and_id_are_kept(world, client, settings):
    settings.BEHIND_PROXY = True
    client.force_login(world.one.admin)
    response = client.patch(
        f"/api/v1/users/{world.one.manager.pk}",
        {"role": "lead"},
        content_type="application/json",
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7",
        HTTP_X_REQUEST_ID="proxy-id-12345678",
    )
    entry = AuditEntry.objects.get(object_id=str(world.one.manager.pk), field="role")
    assert (entry.address, entry.request_id) == ("198.51.100.7", "proxy-id-12345678")
    assert response["X-Request-ID"] == "proxy-id-12345678"
