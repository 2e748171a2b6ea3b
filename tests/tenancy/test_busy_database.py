"""A database busy with another writer (issue 13, item 14): pages and the API answer 503 with
Retry-After, never 500; and reading through the API with a token does not write on every call
nor fail when that write cannot be made."""

import datetime as dt

import psycopg
import pytest
from django.db import OperationalError
from django.test import Client
from django.utils import timezone

from pacekeeper.crm import services as crm_services
from pacekeeper.lib.busy import RETRY_AFTER, is_database_busy
from pacekeeper.tenancy.models import ApiToken
from pacekeeper.tenancy.services import api_token_create

pytestmark = pytest.mark.django_db


def locked(*args, **kwargs):
    raise OperationalError("database is locked")


def lock_timeout(*args, **kwargs):
    error = OperationalError("canceling statement due to lock timeout")
    error.__cause__ = psycopg.errors.LockNotAvailable("canceling statement due to lock timeout")
    raise error


@pytest.fixture
def browser(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.one.manager)
    return client


@pytest.mark.parametrize("busy", [locked, lock_timeout], ids=["sqlite", "postgresql"])
def test_it_answers_a_page_with_503_and_retry_after_when_the_database_is_busy(world, browser, monkeypatch, busy):
    monkeypatch.setattr(crm_services, "customer_save", busy)
    customer = world.one.customers["manager"]
    response = browser.post(f"/customers/{customer.pk}/edit/", {"name": "新名称", "tier": "key", "status": "active"})
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER)
    assert "try again" in response.content.decode()


@pytest.mark.parametrize("busy", [locked, lock_timeout], ids=["sqlite", "postgresql"])
def test_it_answers_an_api_call_with_503_json_and_retry_after_when_the_database_is_busy(world, monkeypatch, busy):
    monkeypatch.setattr(crm_services, "customer_save", busy)
    _token, secret = api_token_create(user=world.one.manager, name="sync")
    client = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {secret}")
    customer = world.one.customers["manager"]
    response = client.patch(f"/api/v1/customers/{customer.pk}", {"needs": "x"}, content_type="application/json")
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER)
    assert "busy" in response.json()["detail"]


def test_other_database_errors_stay_server_errors():
    assert not is_database_busy(OperationalError("no such table: crm_customer"))
    assert not is_database_busy(ValueError("database is locked"))


def token_client(world) -> tuple[Client, ApiToken]:
    token, secret = api_token_create(user=world.one.manager, name="sync")
    return Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {secret}"), token


def test_a_token_read_answers_even_when_noting_the_tokens_use_fails(world, monkeypatch):
    client, token = token_client(world)
    monkeypatch.setattr(type(ApiToken.objects.all()), "update", locked)
    response = client.get("/api/v1/customers")
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is None  # noted on a later call


def test_a_tokens_use_is_noted_at_most_once_in_five_minutes(world):
    client, token = token_client(world)
    client.get("/api/v1/customers")
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    two_minutes_ago = timezone.now() - dt.timedelta(minutes=2)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=two_minutes_ago)
    client.get("/api/v1/customers")
    token.refresh_from_db()
    assert token.last_used_at == two_minutes_ago  # a read did not write
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - dt.timedelta(minutes=6))
    client.get("/api/v1/customers")
    token.refresh_from_db()
    assert token.last_used_at > two_minutes_ago
