"""schemathesis against our OpenAPI schema, in process: valid and invalid requests for every
operation must never produce a server error, invalid data must be refused, and leaving the
credentials out must be refused (auth is never ignored)."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import ignored_auth, negative_data_rejection

from pacekeeper.tenancy.services import api_token_create

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
schema.config.generation.update(
    modes=[schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE], deterministic=True
)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Called as a WSGI app, Django closes the database connection after each request, which
    would take the test's transaction with it; the test client disconnects this too."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def admin_token(world):
    """The org admin may read and write everything of the organisation: the widest reach."""
    _token, secret = api_token_create(user=world.one.admin, name="schemathesis")
    return secret


@pytest.mark.slow
@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_holds_under_generated_requests(case, admin_token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {admin_token}"},
        checks=[not_a_server_error, negative_data_rejection, ignored_auth],
    )
