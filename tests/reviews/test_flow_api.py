"""The evaluation flow through the API and the pages: a cycle with deadlines, chosen people,
criteria per role, curves and a target distribution; acknowledge, dispute, resolve, send back;
bad input answers 4xx with nothing changed; and no account manager reaches a peer's evaluation
through any page, API route or export."""

import datetime as dt
from decimal import Decimal

import pytest

from pacekeeper.reviews import services
from pacekeeper.reviews.models import Evaluation, ReviewCycle

H1 = {"starts_on": "2026-01-01", "ends_on": "2026-06-30"}
CYCLE = {
    "name": "H1 2026",
    **H1,
    "self_due": "2026-07-10",
    "review_due": "2026-07-20",
    "calibration_due": "2026-07-31",
    "acknowledgement_due": "2026-08-07",
    "audience": {"teams": [], "roles": ["manager"], "people": []},
    "target_distribution": {"A": {"max": 20}, "D": {"min": 5}},
    "criteria": [
        {"name": "Sales", "kind": "metric", "metric": "sales_amount", "target": "100000.00", "weight": 60,
         "curve": "bands", "bands": [{"start": "0", "end": "60", "score": "0"},
                                     {"start": "60", "end": "100", "score": "60"},
                                     {"start": "100", "end": None, "score": "100"}]},
        {"name": "Service", "kind": "rating", "weight": 40},
    ],
}  # fmt: skip


def _json(client, method, url, body=None):
    response = getattr(client, method)(url, body, content_type="application/json")
    return response.status_code, response.json()


def test_a_cycle_round_trips_through_the_api(world, client):
    client.force_login(world.one.director)
    status, body = _json(client, "post", "/api/v1/review-cycles", CYCLE)
    assert status == 201, body
    capped = CYCLE["criteria"][0] | {"curve": "capped", "floor": "50", "cap": "110", "bands": []}
    status, other = _json(
        client, "post", "/api/v1/review-cycles", CYCLE | {"name": "Capped", "criteria": [capped, CYCLE["criteria"][1]]}
    )
    assert status == 201 and (other["criteria"][0]["floor"], other["criteria"][0]["cap"]) == ("50.00", "110.0"), other
    assert body["audience"] == {"roles": ["manager"], "teams": [], "people": []}
    assert body["target_distribution"] == {"A": {"min": None, "max": 20}, "D": {"min": 5, "max": None}}
    assert (body["self_due"], body["acknowledgement_due"]) == ("2026-07-10", "2026-08-07")
    sales = body["criteria"][0]
    assert sales["curve"] == "bands" and sales["bands"][1] == {"start": "60", "end": "100", "score": "60"}
    status, opened = _json(client, "post", f"/api/v1/review-cycles/{body['id']}/open")
    assert status == 200
    cycle = ReviewCycle.objects.get(pk=body["id"])
    assert set(cycle.evaluations.values_list("person__role", flat=True)) == {"manager"}


@pytest.mark.parametrize(
    "change,field",
    [
        ({"criteria": [{"name": "S", "kind": "rating", "weight": 60}]}, "criteria"),  # weights 60
        ({"criteria": [{"name": "S", "kind": "metric", "metric": "sales_amount", "target": "1", "weight": 100,
                        "curve": "bands", "bands": [{"start": "0", "end": "70", "score": "0"},
                                                    {"start": "60", "end": None, "score": "60"}]}]}, "criteria"),
        ({"criteria": [{"name": "S", "kind": "metric", "metric": "sales_amount", "target": "1", "weight": 100,
                        "curve": "capped", "cap": "130"}]}, "criteria"),
        ({"criteria": [{"name": "S", "kind": "metric", "metric": "sales_amount", "target": "1", "weight": 100,
                        "curve": "spline"}]}, "criteria"),
        ({"audience": {"people": [999999]}}, "audience"),
        ({"audience": {"roles": ["director"]}}, "audience"),
        ({"target_distribution": {"A": {"min": 50, "max": 20}}}, "target_distribution"),
        ({"target_distribution": {"Z": {"max": 20}}}, "target_distribution"),
        ({"review_due": "2026-07-01"}, "review_due"),  # before the self-assessments' deadline
    ],
)  # fmt: skip
def test_bad_cycles_are_a_400_with_the_field_and_nothing_saved(world, client, change, field):
    client.force_login(world.one.director)
    status, body = _json(client, "post", "/api/v1/review-cycles", CYCLE | change)
    assert status == 400, body
    assert field in str(body)
    assert not ReviewCycle.objects.exists()


def test_malformed_bands_and_shares_are_a_422_not_a_500(world, client):
    client.force_login(world.one.director)
    bad = [
        {"criteria": [{"name": "S", "kind": "rating", "weight": 100, "bands": [{"start": "x", "score": "1"}]}]},
        {"target_distribution": {"A": {"max": "lots"}}},
        {"audience": {"people": ["me"]}},
    ]
    for change in bad:
        status, _body = _json(client, "post", "/api/v1/review-cycles", CYCLE | change)
        assert status == 422, change
    assert not ReviewCycle.objects.exists()


def _calibrated_cycle(world) -> ReviewCycle:
    one = world.one
    director = one.actor("director")
    criteria = [services.CriterionIn(name="Service", kind="rating", weight=100)]
    cycle = services.cycle_save(
        actor=director, name="H1", criteria=criteria, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 6, 30)
    )
    services.cycle_open(actor=director, cycle=cycle)
    for evaluation in cycle.evaluations.all():
        rating = {row.criterion_id: 3 for row in evaluation.scores.all()}
        services.review_submit(actor=director, evaluation=evaluation, comment="ok", ratings=rating)
        services.calibrate(actor=one.actor("admin"), evaluation=evaluation)
    return cycle


def test_acknowledge_dispute_and_resolve_through_the_api(world, client):
    one = world.one
    cycle = _calibrated_cycle(world)
    mine = cycle.evaluations.get(person=one.manager)
    theirs = cycle.evaluations.get(person=one.teammate)
    client.force_login(one.manager)
    status, body = _json(client, "post", f"/api/v1/evaluations/{mine.pk}/dispute", {"comment": ""})
    assert status == 400 and "comment" in body["errors"][0]["field"], body
    status, body = _json(client, "post", f"/api/v1/evaluations/{mine.pk}/dispute", {"comment": "Too low"})
    assert status == 200 and body["response"] == "disputed" and body["locked"] is False
    client.force_login(one.director)
    status, body = _json(
        client, "post", f"/api/v1/evaluations/{mine.pk}/resolution", {"reason": "", "final_score": "70"}
    )
    assert status == 400
    status, body = _json(
        client, "post", f"/api/v1/evaluations/{mine.pk}/resolution", {"reason": "Recounted", "final_score": "76.5"}
    )
    assert status == 200, body
    assert (body["final_score"], body["grade"], body["resolution"], body["locked"]) == ("76.5", "B", "changed", True)
    status, body = _json(client, "post", f"/api/v1/evaluations/{mine.pk}/resolution", {"reason": "Again"})
    assert status == 400 and "locked" in str(body)
    status, body = _json(
        client, "post", f"/api/v1/evaluations/{mine.pk}/resolution", {"reason": "x", "final_score": "121"}
    )
    assert status == 422  # a score outside 0–120 is refused by its format
    # The distribution: the director sees the move; an account manager no rows.
    status, body = _json(client, "get", f"/api/v1/review-cycles/{cycle.pk}/distribution")
    assert status == 200 and body["moves"][0]["reason"] == "Recounted" and body["rows"][0]["team"] == "All"
    client.force_login(one.teammate)
    status, body = _json(client, "get", f"/api/v1/review-cycles/{cycle.pk}/distribution")
    assert (status, body["rows"], body["moves"]) == (200, [], [])
    status, body = _json(client, "post", f"/api/v1/evaluations/{theirs.pk}/acknowledge", {"comment": ""})
    assert status == 200 and body["locked"] is True


def test_no_account_manager_reaches_a_peers_evaluation_anywhere(world, client):
    one = world.one
    cycle = _calibrated_cycle(world)
    peer = cycle.evaluations.get(person=one.teammate)
    before = Evaluation.objects.values_list("pk", "step", "response", "final_score", "locked_at").get(pk=peer.pk)
    client.force_login(one.manager)
    for url in (f"/evaluations/{peer.pk}/", f"/api/v1/evaluations/{peer.pk}"):
        assert client.get(url).status_code == 404, url
    for path in ("self/", "review/", "calibrate/", "send-back/", "respond/", "resolve/"):
        assert client.post(f"/evaluations/{peer.pk}/{path}", {"comment": "x", "reason": "x"}).status_code == 404
    bodies = {
        "self-assessment": {"comment": "x"}, "review": {"comment": "x"}, "calibration": {},
        "send-back": {"reason": "x"}, "acknowledge": {"comment": "x"}, "dispute": {"comment": "x"},
        "resolution": {"reason": "x"},
    }  # fmt: skip
    for path, body in bodies.items():
        status, _body = _json(client, "post", f"/api/v1/evaluations/{peer.pk}/{path}", body)
        assert status == 404, path
    listed = client.get(f"/api/v1/evaluations?cycle={cycle.pk}").json()["items"]
    assert [row["person"] for row in listed] == [one.manager.pk]
    export = b"".join(client.get(f"/reviews/{cycle.pk}/export/?format=csv").streaming_content).decode("utf-8-sig")
    assert "one_teammate" not in export and "one_manager" in export
    page = client.get(f"/reviews/{cycle.pk}/").content.decode()
    assert "one teammate" not in page and "Grade distribution" not in page
    assert (
        Evaluation.objects.values_list("pk", "step", "response", "final_score", "locked_at").get(pk=peer.pk) == before
    )


def test_the_pages_answer_send_back_dispute_and_resolution(world, client):
    one = world.one
    cycle = _calibrated_cycle(world)
    mine = cycle.evaluations.get(person=one.manager)
    client.force_login(one.manager)
    page = client.get(f"/evaluations/{mine.pk}/").content.decode()
    assert "Acknowledge" in page and "Dispute" in page
    response = client.post(f"/evaluations/{mine.pk}/respond/", {"answer": "dispute", "comment": ""})
    assert response.status_code == 400  # a dispute says why
    response = client.post(f"/evaluations/{mine.pk}/respond/", {"answer": "dispute", "comment": "Port deal missing"})
    assert response.status_code == 302
    client.force_login(one.director)
    page = client.get(f"/evaluations/{mine.pk}/").content.decode()
    assert "Resolve the dispute" in page and "Port deal missing" in page
    response = client.post(f"/evaluations/{mine.pk}/resolve/", {"final_score": "", "reason": "It stands"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.resolution, mine.final_score, mine.locked_at is not None) == ("upheld", Decimal("60.0"), True)
    page = client.get(f"/reviews/{cycle.pk}/").content.decode()
    assert "Grade distribution" in page and "<polyline" not in page  # a rating has no curve


def test_the_cycle_form_takes_curves_roles_audience_deadlines_and_target(world, client):
    one = world.one
    client.force_login(one.director)
    form = {
        "name": "H1 2026", **H1, "self_due": "2026-07-10", "acknowledgement_due": "2026-08-01",
        "audience_teams": [str(one.team_a.pk)], "share_A_max": "20", "share_D_min": "5",
        "criteria-TOTAL_FORMS": "3", "criteria-INITIAL_FORMS": "0",
        "criteria-0-name": "Sales", "criteria-0-kind": "metric", "criteria-0-metric": "sales_amount",
        "criteria-0-target": "100000", "criteria-0-weight": "100", "criteria-0-roles": "manager",
        "criteria-0-curve": "bands", "criteria-0-bands": "60=60; 80=80; 100=100",
        "criteria-1-name": "Lost", "criteria-1-kind": "metric", "criteria-1-metric": "customers_lost",
        "criteria-1-target": "4", "criteria-1-weight": "50", "criteria-1-roles": "lead",
        "criteria-1-curve": "capped", "criteria-1-floor": "50", "criteria-1-cap": "110",
        "criteria-2-name": "Coaching", "criteria-2-kind": "rating", "criteria-2-weight": "50",
        "criteria-2-roles": "lead",
    }  # fmt: skip
    bad = client.post("/reviews/new/", form | {"criteria-0-bands": "60=60; eighty"})
    assert bad.status_code == 200 and "percent=score" in bad.content.decode()
    response = client.post("/reviews/new/", form)
    assert response.status_code == 302, response.content.decode()[-3000:]
    cycle = ReviewCycle.objects.get()
    assert cycle.audience == {"teams": [one.team_a.pk]}
    assert cycle.target_distribution == {"A": {"max": 20}, "D": {"min": 5}}
    sales, lost, coaching = cycle.criteria.all()
    assert (sales.roles, sales.curve, [band["from"] for band in sales.bands]) == (
        ["manager"],
        "bands",
        ["0", "60", "80", "100"],
    )
    assert (lost.curve, lost.floor, lost.cap, coaching.roles) == ("capped", Decimal(50), Decimal(110), ["lead"])
    page = client.get(f"/reviews/{cycle.pk}/").content.decode()
    assert page.count("<polyline") == 2 and page.count(">120%</text>") == 2 and "Floor 50.00% · Cap 110.0" in page
    edit = client.get(f"/reviews/{cycle.pk}/edit/").content.decode()
    assert "60=60; 80=80; 100=100" in edit
