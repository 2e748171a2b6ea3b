"""Ids, nulls and filters as the API and pages read them (issue 13, items 6–8 and 11): input
that cannot be right is a field-level 4xx, never a 500."""

import re

import pytest

from pacekeeper.api import api
from pacekeeper.lib.ids import MAX_ID

TOO_BIG = "18446744073709551615"  # 2**64 - 1: past the databases' signed 64-bit integer
THIRTY_DIGITS = "9" * 30


def _fields(response) -> set[str]:
    return {error["field"] for error in response.json()["errors"]}


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/sales?customer=", "customer"),
        ("/api/v1/sales?manager=", "manager"),
        ("/api/v1/opportunities?customer=", "customer"),
        ("/api/v1/customers?owner=", "owner"),
        ("/api/v1/payout-lines?run=", "run"),
        ("/api/v1/payout-lines?person=", "person"),
        ("/api/v1/evaluations?cycle=", "cycle"),
        ("/api/v1/kpis/leaderboard?metric=sales_amount&period=2026-03&team=", "team"),
    ],
)
@pytest.mark.parametrize("value", [TOO_BIG, THIRTY_DIGITS, "²", "0"])
def test_it_refuses_an_id_filter_that_cannot_name_a_row_by_field(world, client, path, field, value):
    client.force_login(world.one.admin)
    response = client.get(path + value)
    assert response.status_code == 422
    assert field in _fields(response)


@pytest.mark.parametrize(
    "path", ["/api/v1/sales/", "/api/v1/customers/", "/api/v1/goals/", "/api/v1/payout-lines/", "/api/v1/users/"]
)
def test_it_answers_404_for_a_path_id_beyond_64_bits(world, client, path):
    client.force_login(world.one.admin)
    assert client.get(path + TOO_BIG).status_code == 404
    assert client.get(path + str(MAX_ID)).status_code == 404


def test_it_reads_the_largest_id_in_a_filter(world, client):
    client.force_login(world.one.admin)
    response = client.get(f"/api/v1/sales?customer={MAX_ID}")
    assert response.status_code == 200
    assert response.json()["items"] == []


@pytest.mark.parametrize("owner", ["²", THIRTY_DIGITS, TOO_BIG, "abc"])
def test_the_pipeline_page_reads_a_bad_owner_as_no_filter(world, client, owner):
    client.force_login(world.one.lead)
    assert client.get("/pipeline/", {"owner": owner}).status_code == 200


@pytest.mark.parametrize("path", ["/leaderboard/", "/team/"])
def test_the_team_pages_answer_404_for_a_team_beyond_64_bits(world, client, path):
    client.force_login(world.one.director)
    assert client.get(path, {"team": THIRTY_DIGITS}).status_code == 404


def test_the_transfer_page_skips_ids_that_cannot_name_a_row(world, client):
    one = world.one
    client.force_login(one.lead)
    customer = one.customers["manager"]
    response = client.post(
        "/customers/transfer/",
        {"customers": ["²", THIRTY_DIGITS, str(customer.pk)], "to_manager": one.teammate.pk, "reason": "Leave"},
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.owner == one.teammate


# --- null for a field that cannot be empty ---------------------------------------------------


def test_it_refuses_a_null_tier_by_field(world, client):
    client.force_login(world.one.manager)
    customer = world.one.customers["manager"]
    response = client.patch(f"/api/v1/customers/{customer.pk}", {"tier": None}, content_type="application/json")
    assert response.status_code == 422
    assert _fields(response) == {"tier"}


def test_it_refuses_a_null_stage_by_field(world, client):
    from tests.factories import OpportunityFactory

    opportunity = OpportunityFactory(
        org=world.one.org, customer=world.one.customers["manager"], manager=world.one.manager
    )
    client.force_login(world.one.manager)
    response = client.patch(f"/api/v1/opportunities/{opportunity.pk}", {"stage": None}, content_type="application/json")
    assert response.status_code == 422
    assert _fields(response) == {"stage"}


def _patch_operations():
    """Every PATCH body of the API, with the fields its schema says may not be null."""
    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    for path, operations in schema["paths"].items():
        operation = operations.get("patch")
        if operation is None:
            continue
        body = components[operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]]
        for name, field in body["properties"].items():
            if not any(option.get("type") == "null" for option in field.get("anyOf", [])):
                yield path, name


@pytest.mark.parametrize(("path", "field"), list(_patch_operations()))
def test_it_refuses_null_for_every_patch_field_the_schema_does_not_offer_it_for(world, client, path, field):
    """The schema is the promise: a field it types without null is a 422 on that field."""
    client.force_login(world.one.admin)
    url = re.sub(r"\{\w+\}", "1", path)
    response = client.patch(url, {field: None}, content_type="application/json")
    assert response.status_code == 422
    assert field in _fields(response)


def test_the_patch_schemas_offer_null_only_where_it_means_something():
    nullable = set()
    schema = api.get_openapi_schema()
    for name, component in schema["components"]["schemas"].items():
        if name.endswith("Patch"):
            for field, spec in component["properties"].items():
                if any(option.get("type") == "null" for option in spec.get("anyOf", [])):
                    nullable.add(f"{name}.{field}")
    assert nullable == {
        "InteractionPatch.next_step_on",
        "SalePatch.margin",
        "GoalPatch.parent",
        "GoalPatch.ends_on",
        "GoalPatch.target",
        "TeamPatch.parent",
        # A task may be detached from its goal or customer and lose its dates.
        "TaskPatch.goal",
        "TaskPatch.customer",
        "TaskPatch.start_on",
        "TaskPatch.due_on",
        # A recurring task loses its end date; switching weekly ⇄ monthly drops the other's day.
        "RecurringTaskPatch.ends_on",
        "RecurringTaskPatch.weekday",
        "RecurringTaskPatch.day_of_month",
        # A risk's response and residual figures may be cleared; a receivable marked paid by mistake is unpaid again.
        "RiskPatch.response",
        "RiskPatch.residual_probability",
        "RiskPatch.residual_impact",
        "RiskReceivablePatch.paid_on",
        # A course may drop its assessment, or the skill it builds (with its level).
        "TrainingCoursePatch.pass_mark",
        "TrainingCoursePatch.skill",
        "TrainingCoursePatch.skill_level",
    }


def _pages_with_ids() -> list[str]:
    """Every page URL of the project with an <int:…> part, that part written as 30 digits
    (Django's own admin site aside)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found = []

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and "<int:" in route and not route.startswith(("api/", "admin/")):
                found.append("/" + re.sub(r"<int:\w+>", THIRTY_DIGITS, route))

    walk(get_resolver().url_patterns, "")
    return found


@pytest.mark.parametrize("url", _pages_with_ids())
def test_every_page_answers_404_for_an_id_beyond_64_bits(world, client, url):
    """Never a 500; a role gate (403) or a POST-only page (405) may answer first."""
    client.force_login(world.one.admin)
    assert client.get(url).status_code in (403, 404, 405)
