"""schemathesis against our OpenAPI schema, in process, with every check it has (the schema is
the contract a generated client relies on): no server error, answers and their status codes,
content types, headers and bodies as the schema declares them, valid data accepted and invalid
data refused, credentials never ignored, deleted or missing rows answered alike; and stateful
sequences that follow the links between operations (create a customer, then read, update and
list it). Each runs as two people with different reach: an account manager (own portfolio) and
a director (the whole organisation, approvals).

Bounded to a few examples an operation, deterministic, so that CI spends about two minutes."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from pacekeeper.tenancy.services import api_token_create

ROLES = ("manager", "director")
UPLOADS = {("POST", "/api/v1/tasks/{task_id}/attachments")}
EXAMPLES = 6  # per operation, mode and role
STEPS = 8  # stateful: sequences of linked calls per role

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
schema.config.generation.update(
    modes=[schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE], deterministic=True
)
# Valid data must be accepted, except where the answer depends on rows and rules a schema
# cannot express: 400 is a business rule with field-level messages (a customer that is not in
# your portfolio, an end before a start, a payout period that has not ended), 409 none we send.
# The coverage phase sends every boundary value of every field as explicit examples, unbounded
# by max_examples (about forty requests an operation): too slow for CI on two cores. The fuzzing
# phase still reaches boundaries; the coverage phase is for a manual run (docs/security.md).
schema.config.phases.coverage.enabled = False
schema.config.checks.positive_data_acceptance.expected_statuses = ["2xx", "400", "401", "403", "404"]


class _Signed:
    """The person the tests run as: their token, set by the `token` fixture."""

    secret = ""


@schema.auth(refresh_interval=None)  # registered as the API's auth, so `ignored_auth` knows what to leave out
class TokenAuth:
    def get(self, case, context):
        return _Signed.secret

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure is reported as found
    derandomize=True,
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


@pytest.fixture(params=ROLES)
def token(request, world):
    _token, _Signed.secret = api_token_create(user=getattr(world.one, request.param), name="schemathesis")
    yield _Signed.secret
    _Signed.secret = ""


@pytest.mark.slow
@pytest.mark.django_db
@schema.parametrize()
@SETTINGS
def test_the_api_holds_under_generated_requests(case, token):
    if (case.operation.method.upper(), case.operation.path) in UPLOADS:
        # Some generated multipart bodies reach Django without their file part ("file: Field
        # required", 422) — the tool's limit met on the imports' sequences below; uploads are
        # tested with real files in tests/work/test_discussion.py.
        case.call_and_validate(excluded_checks=[positive_data_acceptance])
        return
    case.call_and_validate()


@pytest.mark.slow
@pytest.mark.django_db
def test_the_api_holds_along_its_links(token):
    # The upload is left out of the sequences: there schemathesis's WSGI transport sent a
    # multipart body whose file part Django did not receive ("file: Field required"), while the
    # same bodies from the stateless test above and from Django's test client are accepted
    # (tests/crm/test_imports_api.py covers uploads). A limit of the tool, not of the API.
    linked = schema.exclude(method="POST", path="/api/v1/imports").exclude(
        method="POST", path="/api/v1/tasks/{task_id}/attachments"
    )
    linked.as_state_machine().run(settings=settings(SETTINGS, max_examples=STEPS, stateful_step_count=6))
