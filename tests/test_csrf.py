"""CSRF: every unsafe operation, page or API, sent with a session cookie and no valid token is
refused with 403 and changes nothing; GET never writes. The operations are enumerated from the
OpenAPI schema and Django's URL resolver, so a new one is covered the day it lands."""

import re

import pytest
from django.apps import apps
from django.test import Client

from pacekeeper.api import api
from tests.routes import page_routes

OUR_APPS = ("tenancy", "crm", "goals", "kpis", "incentives", "reviews", "notifications", "work")
# Operations that take no session (they are how one gets a credential).
SESSIONLESS = {("POST", "/api/v1/auth/token")}
# A survey answer takes no session either: the link's token is its only credential (docs/feedback.md).
SESSIONLESS |= {("POST", "/api/v1/feedback/public/{invitation_token}")}
# Pages where signing in starts: refused too without a token, but with the sign-in's own wording.
UNSAFE = ("post", "put", "patch", "delete")


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in OUR_APPS or model._meta.label in ("sessions.Session",)
    }


def api_unsafe_operations() -> list[tuple[str, str]]:
    operations = []
    for path, methods in api.get_openapi_schema()["paths"].items():
        for method in methods:
            if method in UNSAFE and (method.upper(), path) not in SESSIONLESS:
                operations.append((method.upper(), re.sub(r"\{\w+\}", "1", path)))
    return sorted(operations)


def page_urls() -> list[str]:
    return ["/" + re.sub(r"<\w+:\w+>", "1", route) for route in page_routes()]


@pytest.fixture
def unguarded_session(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.one.admin)
    return client


def test_every_unsafe_api_operation_needs_the_csrf_token_with_a_session(unguarded_session):
    before = row_counts()
    operations = api_unsafe_operations()
    assert len(operations) >= 15
    for method, url in operations:
        response = unguarded_session.generic(method, url, data="{}", content_type="application/json")
        assert response.status_code == 403, (method, url, response.status_code)
    assert row_counts() == before


def test_every_page_refuses_a_post_without_the_csrf_token(unguarded_session):
    before = row_counts()
    routes = page_urls()
    assert len(routes) >= 25
    for url in routes:
        response = unguarded_session.post(url, {"name": "x", "mode": "all_or_nothing"})
        assert response.status_code == 403, (url, response.status_code)
    assert row_counts() == before


def test_opening_every_page_writes_nothing(world):
    client = Client()
    client.force_login(world.one.admin)
    before = row_counts()
    for url in page_urls():
        if url != "/logout/":
            client.get(url)
    assert row_counts() == before
