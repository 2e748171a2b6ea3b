"""A database constraint's internal name never reaches a user (issue 14: "约束 “goal_ends_after_start”
是无效的"): every model constraint whose default message would name it has a readable message in
both languages, and lands next to a field."""

import json
import re

import pytest
from django.apps import apps
from django.db.models import CheckConstraint, UniqueConstraint
from django.utils import translation

from pacekeeper.errors import ValidationFailed
from pacekeeper.goals.models import Goal

CJK = re.compile(r"[\u4e00-\u9fff]")


def _named_constraints():
    """Our models' constraints whose default message is "Constraint “<name>” is violated.":
    check constraints, and unique constraints with a condition or an expression (a plain unique
    constraint on fields says "… with this … already exists")."""
    for model in apps.get_models():
        if not model.__module__.startswith("pacekeeper."):
            continue
        for constraint in model._meta.constraints:
            partial = isinstance(constraint, UniqueConstraint) and (constraint.condition or constraint.expressions)
            if isinstance(constraint, CheckConstraint) or partial:
                yield pytest.param(model, constraint, id=f"{model._meta.label}.{constraint.name}")


@pytest.mark.parametrize("model,constraint", list(_named_constraints()))
def test_every_constraint_has_a_readable_translated_message_and_a_field(model, constraint):
    assert constraint.violation_error_message != constraint.default_violation_error_message
    with translation.override("en"):
        english = str(constraint.get_violation_error_message())
    with translation.override("zh-hans"):
        chinese = str(constraint.get_violation_error_message())
    for message in (english, chinese):
        assert constraint.name not in message and "%(name)s" not in message
    assert CJK.search(chinese) and not CJK.search(english), (english, chinese)
    assert constraint.violation_error_code in ValidationFailed.CODE_FIELDS, constraint.name


def test_a_goal_that_ends_before_it_starts_is_refused_next_to_its_end_in_chinese(world, client):
    world.one.lead.language = "zh-hans"
    world.one.lead.save(update_fields=["language"])
    client.force_login(world.one.lead)
    body = {
        "title": "G",
        "metric": "sales_amount",
        "level": "team",
        "team": world.one.team_a.pk,
        "starts_on": "2026-06-01",
        "ends_on": "2026-03-31",
    }
    response = client.post("/api/v1/goals", json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    errors = {error["field"]: error["message"] for error in response.json()["errors"]}
    assert set(errors) == {"ends_on"}
    assert "goal_ends_after_start" not in response.content.decode() and CJK.search(errors["ends_on"])
    assert not Goal.objects.exists()


def test_a_contract_that_ends_before_it_starts_is_refused_next_to_its_end(world, client):
    client.force_login(world.one.manager)
    body = {
        "customer": world.one.customers["manager"].pk,
        "title": "X",
        "starts_on": "2026-05-01",
        "ends_on": "2026-04-01",
        "value": "100.00",
    }
    response = client.post("/api/v1/contracts", json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "ends_on", "message": "The period ends on or after its start."}]


def test_the_goal_form_shows_an_end_before_the_start_next_to_the_end_in_chinese(world, client):
    world.one.lead.language = "zh-hans"
    world.one.lead.save(update_fields=["language"])
    client.force_login(world.one.lead)
    form = {
        "kind": "goal",
        "title": "G",
        "metric": "sales_amount",
        "level": "team",
        "team": world.one.team_a.pk,
        "starts_on": "2026-06-01",
        "ends_on": "2026-03-31",
    }
    response = client.post("/goals/new/", form)
    assert response.status_code == 200
    assert CJK.search(response.context["form"].errors["ends_on"][0])
    assert "goal_ends_after_start" not in response.content.decode()
    assert not Goal.objects.exists()


def test_the_goal_form_refuses_a_start_in_the_year_one_next_to_the_field(world, client):
    client.force_login(world.one.lead)
    form = {"kind": "goal", "title": "G", "level": "team", "team": world.one.team_a.pk, "starts_on": "0001-01-01"}
    response = client.post("/goals/new/", form)
    assert response.status_code == 200
    assert "between 1 Jan 2000" in response.context["form"].errors["starts_on"][0]
    assert not Goal.objects.exists()
