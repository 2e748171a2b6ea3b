"""Findings of a try-out and a security probe: a residual figure above the original is refused,
thresholds are whole JSON numbers, an owner can act on the risk (no read-only owner; the owner
adds actions to a customer's risk they do not see), and the history and band speak the reader's
language (codes stored, translated on display)."""

import datetime as dt

from django.utils import translation

from pacekeeper.risks import services
from pacekeeper.risks.models import Risk, RiskChange
from pacekeeper.work.models import Task

URL = "/api/v1/risks"


def _body(world, **extra) -> dict:
    body = {
        "level": "customer",
        "customer": world.one.customers["manager"].pk,
        "title": "Key account may leave",
        "category": "market",
        "probability": 2,
        "impact": 2,
        "review_on": (dt.date.today() + dt.timedelta(days=7)).isoformat(),
    }
    return body | extra


def _fields(response) -> set[str]:
    return {error["field"] for error in response.json()["errors"]}


def test_a_residual_figure_above_the_original_is_refused(world, client):
    client.force_login(world.one.director)
    refused = client.post(URL, _body(world, residual_probability=5, residual_impact=5), content_type="application/json")
    assert refused.status_code == 400, refused.content
    assert _fields(refused) == {"residual_probability", "residual_impact"}
    assert not Risk.objects.exists()
    made = client.post(URL, _body(world, residual_probability=2, residual_impact=1), content_type="application/json")
    assert made.status_code == 201 and made.json()["residual_score"] == 2
    url = f"{URL}/{made.json()['id']}"
    raised = client.patch(url, {"residual_impact": 3}, content_type="application/json")
    assert raised.status_code == 400 and _fields(raised) == {"residual_impact"}
    lowered = client.patch(url, {"probability": 1}, content_type="application/json")  # below residual 2
    assert lowered.status_code == 400 and _fields(lowered) == {"residual_probability"}
    assert client.patch(url, {"impact": 4, "residual_impact": 3}, content_type="application/json").status_code == 200


def test_thresholds_and_scores_are_whole_json_numbers(world, client):
    """As everywhere in the API (lib/api_types.json_int): true and "2" are 422; 2.0 is the JSON
    number 2 (the same number to JSON Schema) and reads as 2."""
    client.force_login(world.one.admin)
    for value in (True, "2", 2.5):
        for field in ("concentration_threshold", "overload_weeks"):
            response = client.patch("/api/v1/risk-settings", {field: value}, content_type="application/json")
            assert response.status_code == 422 and field in response.content.decode(), (field, value)
    same = client.patch("/api/v1/risk-settings", {"overload_weeks": 2.0}, content_type="application/json")
    assert same.status_code == 200 and same.json()["overload_weeks"] == 2
    client.force_login(world.one.director)
    for value in (True, "3", 2.5):
        response = client.post(URL, _body(world, probability=value), content_type="application/json")
        assert response.status_code == 422 and "probability" in response.content.decode(), value


def test_an_owner_is_someone_who_may_act_on_the_risk(world, client):
    client.force_login(world.one.lead)
    refused = client.post(URL, _body(world, owner=world.one.analyst.pk), content_type="application/json")
    assert refused.status_code == 400 and _fields(refused) == {"owner"}
    made = client.post(URL, _body(world), content_type="application/json").json()
    patch = client.patch(f"{URL}/{made['id']}", {"owner": world.one.analyst.pk}, content_type="application/json")
    assert patch.status_code == 400 and _fields(patch) == {"owner"}
    assert Risk.objects.get(pk=made["id"]).owner_id == world.one.lead.pk


def test_the_owner_adds_actions_to_a_customer_risk_they_do_not_see(world, client):
    client.force_login(world.one.director)
    body = _body(world, customer=world.one.customers["other_manager"].pk, owner=world.one.manager.pk)
    risk = client.post(URL, body, content_type="application/json").json()
    client.force_login(world.one.manager)
    action = client.post(
        f"{URL}/{risk['id']}/actions", {"title": "Ask for a reference"}, content_type="application/json"
    )
    assert action.status_code == 201, action.content
    task = Task.objects.get(pk=action.json()["task"])
    assert (task.owner_id, task.customer_id) == (world.one.manager.pk, None)  # linked through the risk


def test_history_notes_are_stored_as_codes_and_read_in_the_readers_language(world):
    with translation.override("en"):
        risk = services.risk_create(actor=world.one.actor("director"), data=_body(world, review_on=dt.date.today()))
    change = RiskChange.objects.get(risk=risk)
    signal = RiskChange(risk=risk, probability=1, impact=1, status="open", note="@signal:contract_expiring")
    with translation.override("zh-hans"):
        assert change.note_text == "已登记"
        assert signal.note_text == "信号：合同到期未确定续约"
        page_band = Risk(probability=4, impact=3).band
    assert page_band == "high"  # the code stays in English for the API and the CSS
