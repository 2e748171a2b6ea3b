"""The OpenAPI schema tells a generated client the truth (issue 13, item 15): each operation's
error answers in the one error shape, money as decimal strings, no null where none is valid."""

import re

import jsonschema_rs  # comes with schemathesis
import pytest

from pacekeeper.api import api

SCHEMA = api.get_openapi_schema()
OPERATIONS = [
    (method.upper(), path, operation)
    for path, operations in SCHEMA["paths"].items()
    for method, operation in operations.items()
]
MONEY_FIELDS = {"amount", "margin", "value", "weighted_amount", "basis", "calculated", "total"}


def _declared(operation) -> set[int]:
    return {int(status) for status in operation["responses"]}


@pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS, ids=[f"{m} {p}" for m, p, _ in OPERATIONS])
def test_every_operation_declares_its_error_answers_in_the_error_shape(method, path, operation):
    expected = set()
    if operation.get("security"):
        expected |= {401, 403}
    if operation.get("parameters") or operation.get("requestBody"):
        expected |= {400, 422}
    if "{" in path:
        expected.add(404)
    assert expected <= _declared(operation)
    for status, response in operation["responses"].items():
        if int(status) >= 400:
            assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def test_the_token_endpoint_declares_wrong_credentials_lockout_and_busy():
    assert {401, 422, 429, 503} <= _declared(SCHEMA["paths"]["/api/v1/auth/token"]["post"])


def test_no_parameter_offers_null():
    for _method, path, operation in OPERATIONS:
        for parameter in operation.get("parameters", []):
            options = parameter["schema"].get("anyOf", [parameter["schema"]])
            assert all(option.get("type") != "null" for option in options), (path, parameter["name"])


def test_money_in_answers_is_a_decimal_string():
    seen = 0
    for name, component in SCHEMA["components"]["schemas"].items():
        if not name.endswith("Out"):
            continue
        for field, spec in component["properties"].items():
            if field in MONEY_FIELDS and name != "RankOut":  # a rank may be a count: tests/kpis/test_api_pages.py
                for option in spec.get("anyOf", [spec]):
                    if option.get("type") == "null":
                        continue
                    assert option["type"] == "string" and re.fullmatch(option["pattern"], "-15000.00"), (name, field)
                    assert not re.fullmatch(option["pattern"], "1E+2")
                    seen += 1
    assert seen >= 9


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("get", "/api/v1/sales/999999", None, 404),
        ("get", "/api/v1/sales?customer=abc", None, 422),
        ("post", "/api/v1/sales", "not json", 400),
        ("post", "/api/v1/goals/1/activate", {"override_reason": "x"}, 404),
        (
            "post",
            "/api/v1/plans",
            {"name": "x", "metric": "sales_amount", "tiers": [{"starts_at": "0", "rate_percent": "1"}]},
            403,
        ),
    ],
)
def test_error_answers_have_the_declared_shape(world, client, method, path, body, status):
    client.force_login(world.one.manager)
    call = getattr(client, method)
    response = call(path, body, content_type="application/json") if body is not None else call(path)
    assert response.status_code == status
    error_schema = SCHEMA["components"]["schemas"]["Error"]
    jsonschema_rs.validate(error_schema, response.json())


def _enum_of(component: str, field: str) -> list[str]:
    spec = SCHEMA["components"]["schemas"][component]["properties"][field]
    ref = (spec.get("allOf") or spec.get("anyOf") or [spec])[0]["$ref"].split("/")[-1]
    return SCHEMA["components"]["schemas"][ref]["enum"]


def test_each_choice_field_names_its_own_choices():
    """Four different `Kind` classes were one "Kind" in the schema: a team's kind read metric/rating."""
    from pacekeeper.crm.models import Customer, Interaction, Sale
    from pacekeeper.goals.models import Goal
    from pacekeeper.reviews.models import Criterion
    from pacekeeper.tenancy.models import Team

    assert _enum_of("TeamIn", "kind") == Team.Kind.values
    assert _enum_of("GoalIn", "kind") == Goal.Kind.values
    assert _enum_of("InteractionIn", "kind") == Interaction.Kind.values
    assert _enum_of("CriterionSchema", "kind") == Criterion.Kind.values
    assert _enum_of("CustomerIn", "status") == Customer.Status.values
    assert _enum_of("SaleIn", "status") == Sale.Status.values


def test_creates_link_to_the_operations_on_what_they_create():
    links = SCHEMA["paths"]["/api/v1/customers"]["post"]["responses"]["201"]["links"]
    assert set(links) == {"pacekeeper_crm_api_customers_read", "pacekeeper_crm_api_customers_update"}
    assert links["pacekeeper_crm_api_customers_read"]["parameters"] == {"path.customer_id": "$response.body#/id"}


def test_required_text_must_keep_a_character_after_cleaning():
    reason = SCHEMA["components"]["schemas"]["ReasonIn"]["properties"]["reason"]
    assert not re.search(reason["pattern"], "\u0019") and re.search(reason["pattern"], "\u0019ok")


def test_a_json_id_may_be_written_as_an_integral_number_but_not_as_text(world, client):
    """JSON Schema's integer includes 12.0; "12" and true are not integers."""
    one = world.one
    client.force_login(one.manager)
    body = {"customer": float(one.customers["manager"].pk), "ordered_on": "2026-03-05", "amount": "10.00"}
    assert client.post("/api/v1/sales", body, content_type="application/json").status_code == 201
    for customer in (str(one.customers["manager"].pk), True, one.customers["manager"].pk + 0.5):
        response = client.post("/api/v1/sales", {**body, "customer": customer}, content_type="application/json")
        assert response.status_code == 422, customer


@pytest.mark.parametrize("amount", [10, 10.5, "1e3", " 10", "10.123", "123456789012345"])
def test_money_is_sent_as_a_decimal_string(world, client, amount):
    """A float cannot hold every amount: money comes as text with two decimals at most, as the
    schema's pattern says, and anything else is a 422 on that field."""
    client.force_login(world.one.manager)
    body = {"customer": world.one.customers["manager"].pk, "ordered_on": "2026-03-05", "amount": amount}
    response = client.post("/api/v1/sales", body, content_type="application/json")
    assert response.status_code == 422
    assert {error["field"] for error in response.json()["errors"]} == {"amount"}
    pattern = SCHEMA["components"]["schemas"]["SaleIn"]["properties"]["amount"]["pattern"]
    assert not re.fullmatch(pattern, str(amount)) or not isinstance(amount, str)


def test_amounts_are_in_the_organisations_currency(world, client):
    """A yen has no minor unit: 1500 yen stored is "1500", not "15.00"."""
    from tests.factories import SaleFactory

    world.one.org.currency = "JPY"
    world.one.org.save(update_fields=["currency"])
    sale = SaleFactory(customer=world.one.customers["manager"], amount_minor=1500)
    client.force_login(world.one.manager)
    assert client.get(f"/api/v1/sales/{sale.pk}").json()["amount"] == "1500"


def test_no_two_api_schemas_share_a_name():
    """django-ninja names a schema's OpenAPI component after its class: two `RunOut`s (payout
    runs, progress report runs) made one overwrite the other, and /payouts was documented with
    the progress run's body."""
    import collections

    from ninja import Schema

    from pacekeeper.api import api as the_api

    assert the_api.get_openapi_schema()["paths"]  # every router is mounted and its schemas made

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = [c for c in subclasses(Schema) if c.__module__.startswith("pacekeeper.") and "api" in c.__module__]
    names = collections.Counter(c.__name__ for c in ours)
    assert len(ours) > 50
    assert sorted(name for name, count in names.items() if count > 1) == []
