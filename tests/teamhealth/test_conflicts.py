"""Conflict cases: private to the people involved, the mediator and directors (404 to anyone
else, through the API and the pages); steps taken in order only; the agreement completes when
every party has confirmed it; every step dated and audited."""

import datetime as dt

import pytest

from pacekeeper.teamhealth import conflicts
from pacekeeper.teamhealth.models import Conflict
from pacekeeper.tenancy.models import AuditEntry

JSON = "application/json"


def _fields(response) -> set[str]:
    return {error["field"] for error in response.json()["errors"]}


@pytest.fixture
def case(world):
    """The manager raises a case between themselves and their teammate."""
    one = world.one
    return conflicts.conflict_raise(
        actor=one.actor("manager"),
        title="Shared customer",
        description="Both visit the same customer.",
        party_ids=[one.manager.pk, one.teammate.pk],
    )


def test_it_is_private_to_the_people_involved_and_directors(world, case, client):
    one = world.one
    url = f"/api/v1/conflicts/{case.pk}"
    for person, status in [
        (one.manager, 200),
        (one.teammate, 200),
        (one.director, 200),
        (one.admin, 404),
        (one.analyst, 404),
        (one.lead, 404),  # their lead is not involved
        (one.other_manager, 404),
        (world.two.director, 404),
    ]:
        client.force_login(person)
        assert client.get(url).status_code == status, person
        assert client.get(f"/team-health/conflicts/{case.pk}/").status_code == status, person
        listed = {item["id"] for item in client.get("/api/v1/conflicts").json()["items"]}
        assert (case.pk in listed) == (status == 200), person
    conflicts.conflict_start_mediation(actor=one.actor("director"), conflict=case, mediator_id=one.lead.pk)
    client.force_login(one.lead)  # named mediator: now they see it
    assert client.get(url).status_code == 200


def test_it_takes_the_whole_process_in_order(world, case, client):
    one = world.one
    base = f"/api/v1/conflicts/{case.pk}"
    client.force_login(one.director)
    follow_up = (dt.date.today() + dt.timedelta(days=14)).isoformat()
    agreement = {"agreement": "Alternate visits by week.", "follow_up_on": follow_up}
    # Out of order: no agreement before mediation, no closing before follow-up.
    assert client.post(f"{base}/agreement", agreement, content_type=JSON).status_code == 400
    assert client.post(f"{base}/close", {"outcome": "ok"}, content_type=JSON).status_code == 400
    # A party cannot mediate; someone of another organisation is a field error, not a 404.
    party = client.post(f"{base}/mediation", {"mediator": one.teammate.pk}, content_type=JSON)
    assert party.status_code == 400 and "mediator" in _fields(party)
    outsider = client.post(f"{base}/mediation", {"mediator": world.two.lead.pk}, content_type=JSON)
    assert outsider.status_code == 400 and "mediator" in _fields(outsider)
    assert client.post(f"{base}/mediation", {"mediator": one.lead.pk}, content_type=JSON).status_code == 200
    client.force_login(one.lead)  # the mediator writes the agreement
    body = client.post(f"{base}/agreement", agreement, content_type=JSON).json()
    assert body["status"] == "agreement" and body["follow_up_on"] == follow_up
    assert client.post(f"{base}/confirm").status_code == 403  # the mediator is no party
    client.force_login(one.manager)
    assert client.post(f"{base}/confirm").json()["status"] == "agreement"  # one of two
    assert client.post(f"{base}/confirm").status_code == 400  # once
    client.force_login(one.teammate)
    done = client.post(f"{base}/confirm").json()
    assert done["status"] == "follow_up" and done["confirmed_at"] is not None
    assert all(p["confirmed_at"] for p in done["parties"])
    client.force_login(one.manager)  # a party does not close the case
    assert client.post(f"{base}/close", {"outcome": "Fine"}, content_type=JSON).status_code == 403
    client.force_login(one.lead)
    closed = client.post(f"{base}/close", {"outcome": "Working well."}, content_type=JSON).json()
    assert closed["status"] == "closed" and closed["closed_at"]
    steps = [step["step"] for step in closed["steps"]]
    assert steps == ["raised", "mediation", "agreement", "confirmed", "confirmed", "follow_up", "closed"]
    audited = AuditEntry.objects.filter(object_type__icontains="conflict", object_id=str(case.pk), field="status")
    assert list(audited.order_by("at", "pk").values_list("after", flat=True)) == [
        "raised",
        "mediation",
        "agreement",
        "follow_up",
        "closed",
    ]


def test_a_reworded_agreement_asks_every_party_again(world, case):
    one = world.one
    director = one.actor("director")
    conflicts.conflict_start_mediation(actor=director, conflict=case, mediator_id=one.lead.pk)
    later = dt.date.today() + dt.timedelta(days=7)
    conflicts.conflict_propose_agreement(actor=director, conflict=case, agreement="A", follow_up_on=later)
    conflicts.conflict_confirm(actor=one.actor("manager"), conflict=case)
    conflicts.conflict_propose_agreement(actor=director, conflict=case, agreement="B", follow_up_on=later)
    assert not case.parties.filter(confirmed_at__isnull=False).exists()
    assert Conflict.objects.get(pk=case.pk).status == "agreement"


def test_it_refuses_bad_input_and_changes_nothing(world, client):
    one = world.one
    client.force_login(one.manager)
    cases = [
        {"title": "", "description": "d", "parties": [one.manager.pk, one.teammate.pk]},
        {"title": "t", "description": "d", "parties": [one.manager.pk]},
        {"title": "t", "description": "d", "parties": [one.manager.pk, 99999999]},
        {"title": "t", "description": "d", "parties": [one.manager.pk, world.two.manager.pk]},
        {"title": "t", "description": "d", "parties": [one.manager.pk, one.manager.pk]},
    ]
    for body in cases:
        assert client.post("/api/v1/conflicts", body, content_type=JSON).status_code in (400, 422), body
    assert not Conflict.objects.exists()
    client.force_login(one.analyst)  # read-only
    body = {"title": "t", "description": "d", "parties": [one.manager.pk, one.teammate.pk]}
    assert client.post("/api/v1/conflicts", body, content_type=JSON).status_code == 403


def test_the_pages_raise_a_case_and_take_the_steps(world, client):
    one = world.one
    client.force_login(one.teammate)
    response = client.post(
        "/team-health/conflicts/new/",
        {"title": "Noise", "description": "Calls at the desk", "parties": [one.teammate.pk, one.manager.pk]},
    )
    case = Conflict.objects.get(org=one.org)
    assert response.status_code == 302 and response["Location"].endswith(f"/{case.pk}/")
    assert client.get("/team-health/conflicts/").context["page"].object_list[0].pk == case.pk
    client.force_login(one.director)
    page = client.post(f"/team-health/conflicts/{case.pk}/mediation/", {"mediator": one.lead.pk})
    assert page.status_code == 302
    late = client.post(
        f"/team-health/conflicts/{case.pk}/agreement/", {"agreement": "Quiet room", "follow_up_on": "2020-01-01"}
    )
    assert late.status_code == 400  # a follow-up in the past
    assert Conflict.objects.get(pk=case.pk).status == "mediation"


def test_a_recorded_agreement_is_offered_for_change_with_its_text_and_date(world, case, client):
    """The try-out: after recording, the form came back empty (the date picker cannot read
    "2026/12/20", and saving it again erased the date). Now it holds the agreement, folded."""
    one = world.one
    director = one.actor("director")
    conflicts.conflict_start_mediation(actor=director, conflict=case, mediator_id=one.lead.pk, note="")
    conflicts.conflict_propose_agreement(
        actor=director, conflict=case, agreement="Alternate visits by week.", follow_up_on=dt.date(2026, 12, 20)
    )
    client.force_login(one.lead)
    page = client.get(f"/team-health/conflicts/{case.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'value="2026-12-20"' in page
    assert "Alternate visits by week.</textarea>" in page
    assert "<details><summary>" in page
