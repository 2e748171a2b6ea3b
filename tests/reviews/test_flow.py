"""The evaluation flow beyond calibration — acknowledge, dispute and its resolution, locking —
and sending a self-assessment back; cycles for chosen people with criteria per role; deadlines
with overdue steps on the dashboards and in notifications; the grade distribution against its
target with the moves; and no account manager reaching a peer's evaluation."""

import datetime as dt
from decimal import Decimal

import pytest

from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.notifications.models import Notification
from pacekeeper.reviews import selectors, services
from pacekeeper.reviews.models import CalibrationMove, Evaluation, ReviewCycle
from pacekeeper.tenancy.models import AuditEntry

H1 = {"starts_on": dt.date(2026, 1, 1), "ends_on": dt.date(2026, 6, 30)}
RATED = [services.CriterionIn(name="Service", kind="rating", weight=100)]


def _open(world, criteria=RATED, name="H1 2026", **extra) -> ReviewCycle:
    director = world.one.actor("director")
    cycle = services.cycle_save(actor=director, name=name, criteria=criteria, **H1, **extra)
    return services.cycle_open(actor=director, cycle=cycle)


def _evaluation(cycle, username) -> Evaluation:
    return cycle.evaluations.get(person__username=username)


def _calibrated(world, cycle, username, rating=4, final=None, reason="") -> Evaluation:
    """Reviewed by a director with `rating` on every rating criterion, then calibrated."""
    one = world.one
    evaluation = _evaluation(cycle, username)
    ratings = {row.criterion_id: rating for row in evaluation.scores.filter(criterion__kind="rating")}
    services.review_submit(actor=one.actor("director"), evaluation=evaluation, comment="ok", ratings=ratings)
    services.calibrate(actor=one.actor("admin"), evaluation=evaluation, final_score=final, reason=reason)
    evaluation.refresh_from_db()
    return evaluation


def _snapshot(evaluation) -> tuple:
    evaluation.refresh_from_db()
    return (evaluation.step, evaluation.final_score, evaluation.grade, evaluation.response, evaluation.resolution,
            evaluation.locked_at, AuditEntry.objects.filter(object_id=str(evaluation.pk)).count())  # fmt: skip


# --- acknowledge, dispute, lock ----------------------------------------------------------------------


def test_acknowledging_locks_the_evaluation_and_nothing_moves_it_after(world):
    one = world.one
    cycle = _open(world)
    evaluation = _calibrated(world, cycle, "one_manager")  # 4 → 80, B
    services.acknowledge(actor=one.actor("manager"), evaluation=evaluation, comment="Fair")
    evaluation.refresh_from_db()
    assert (evaluation.response, evaluation.response_comment, evaluation.grade) == ("acknowledged", "Fair", "B")
    assert evaluation.locked_at is not None
    before = _snapshot(evaluation)
    attempts = [
        lambda: services.dispute(actor=one.actor("manager"), evaluation=evaluation, comment="Changed my mind"),
        lambda: services.acknowledge(actor=one.actor("manager"), evaluation=evaluation),
        lambda: services.resolve_dispute(actor=one.actor("director"), evaluation=evaluation, reason="x"),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationFailed) as refused:
            attempt()
        assert "locked" in str(refused.value.errors[""])
    assert _snapshot(evaluation) == before


def test_a_dispute_goes_to_the_director_who_changes_it_with_a_reason_then_it_is_locked(
    world, django_capture_on_commit_callbacks
):
    one = world.one
    cycle = _open(world)
    evaluation = _calibrated(world, cycle, "one_manager", rating=3)  # 60 → C
    with pytest.raises(ValidationFailed):  # a dispute says why
        services.dispute(actor=one.actor("manager"), evaluation=evaluation, comment="  ")
    with pytest.raises(Forbidden):  # only the person answers
        services.dispute(actor=one.actor("lead"), evaluation=evaluation, comment="for them")
    with django_capture_on_commit_callbacks(execute=True):
        services.dispute(actor=one.actor("manager"), evaluation=evaluation, comment="The port deal is missing")
    assert Notification.objects.filter(recipient=one.director, kind="evaluation_disputed").count() == 1
    with pytest.raises(Forbidden):  # a lead does not resolve
        services.resolve_dispute(actor=one.actor("lead"), evaluation=evaluation, reason="x", final_score=Decimal(80))
    with pytest.raises(ValidationFailed) as refused:  # a reason is required
        services.resolve_dispute(actor=one.actor("director"), evaluation=evaluation, reason="", final_score=Decimal(80))
    assert "reason" in refused.value.errors
    with django_capture_on_commit_callbacks(execute=True):
        services.resolve_dispute(
            actor=one.actor("director"), evaluation=evaluation, reason="Port deal counted", final_score=Decimal("76")
        )
    evaluation.refresh_from_db()
    assert (evaluation.final_score, evaluation.grade, evaluation.resolution) == (Decimal("76.0"), "B", "changed")
    assert evaluation.locked_at is not None
    move = CalibrationMove.objects.get(evaluation=evaluation)
    assert (move.occasion, move.score_before, move.score_after, move.grade_before, move.grade_after, move.reason) == (
        "dispute", Decimal("60.0"), Decimal("76.0"), "C", "B", "Port deal counted",
    )  # fmt: skip
    assert Notification.objects.filter(recipient=one.manager, kind="evaluation_dispute_resolved").count() == 1
    audited = AuditEntry.objects.filter(object_type="reviews.evaluation", object_id=str(evaluation.pk))
    fields = audited.filter(field__in=["response", "final_score", "resolution"]).order_by("pk")
    assert list(fields.values_list("field", "after", "reason")) == [
        ("response", "disputed", "The port deal is missing"),
        ("final_score", "76.0", "Port deal counted"),
        ("resolution", "changed", "Port deal counted"),
    ]  # fmt: skip
    before = _snapshot(evaluation)
    with pytest.raises(ValidationFailed):
        services.resolve_dispute(
            actor=one.actor("director"), evaluation=evaluation, reason="again", final_score=Decimal(90)
        )
    assert _snapshot(evaluation) == before


def test_an_upheld_dispute_keeps_the_score_and_records_no_move(world):
    one = world.one
    cycle = _open(world)
    evaluation = _calibrated(world, cycle, "one_teammate", rating=5)
    services.dispute(actor=one.actor("teammate"), evaluation=evaluation, comment="I want an explanation")
    services.resolve_dispute(actor=one.actor("director"), evaluation=evaluation, reason="The score stands")
    evaluation.refresh_from_db()
    assert (evaluation.final_score, evaluation.grade, evaluation.resolution) == (Decimal("100.0"), "A", "upheld")
    assert not CalibrationMove.objects.filter(evaluation=evaluation).exists()


def test_an_evaluation_not_yet_calibrated_cannot_be_answered(world):
    cycle = _open(world)
    evaluation = _evaluation(cycle, "one_manager")
    with pytest.raises(ValidationFailed):
        services.acknowledge(actor=world.one.actor("manager"), evaluation=evaluation)


# --- sending back ---------------------------------------------------------------------------------------


def test_a_lead_sends_a_self_assessment_back_with_a_reason(world, django_capture_on_commit_callbacks):
    one = world.one
    cycle = _open(world)
    evaluation = _evaluation(cycle, "one_manager")
    services.self_assessment_submit(actor=one.actor("manager"), evaluation=evaluation, comment="Fine", ratings={})
    with pytest.raises(ValidationFailed):  # no reason
        services.send_back(actor=one.actor("lead"), evaluation=evaluation, reason=" ")
    for role in ("manager", "other_lead", "teammate"):
        with pytest.raises(Forbidden):
            services.send_back(actor=one.actor(role), evaluation=evaluation, reason="x")
    with django_capture_on_commit_callbacks(execute=True):
        services.send_back(actor=one.actor("lead"), evaluation=evaluation, reason="Say what you did for the port")
    evaluation.refresh_from_db()
    assert (evaluation.step, evaluation.sent_back_reason) == ("self", "Say what you did for the port")
    step_rows = AuditEntry.objects.filter(object_id=str(evaluation.pk), field="step").order_by("pk")
    assert list(step_rows.values_list("before", "after", "reason"))[-1] == (
        "review", "self", "Say what you did for the port",
    )  # fmt: skip
    assert Notification.objects.filter(recipient=one.manager, kind="self_assessment_sent_back").count() == 1
    with pytest.raises(ValidationFailed):  # at the self-assessment already: nothing to send back
        services.send_back(actor=one.actor("lead"), evaluation=evaluation, reason="again")
    # The person writes it again and it goes to the review.
    services.self_assessment_submit(
        actor=one.actor("manager"), evaluation=evaluation, comment="Port: 3 visits", ratings={}
    )
    evaluation.refresh_from_db()
    assert (evaluation.step, evaluation.self_comment) == ("review", "Port: 3 visits")


# --- chosen people, criteria per role -----------------------------------------------------------------------


def _people(cycle) -> set[str]:
    return set(cycle.evaluations.values_list("person__username", flat=True))


def test_a_cycle_for_a_team_covers_its_sub_teams_and_no_one_else(world):
    cycle = _open(world, audience={"teams": [world.one.team_a.pk]})
    assert _people(cycle) == {"one_lead", "one_manager", "one_teammate", "one_sub_manager"}


def test_a_cycle_for_a_role_or_a_list(world):
    assert _people(_open(world, name="Leads", audience={"roles": ["lead"]})) == {"one_lead", "one_other_lead"}
    one = world.one
    listed = _open(world, name="Two", audience={"people": [one.manager.pk, one.other_manager.pk]})
    assert _people(listed) == {"one_manager", "one_other_manager"}


def test_an_audience_from_another_organisation_or_role_is_refused(world):
    director = world.one.actor("director")
    for audience in ({"people": [world.two.manager.pk]}, {"teams": [world.two.team_a.pk]}, {"roles": ["analyst"]},
                     {"people": [world.one.analyst.pk]}):  # fmt: skip
        with pytest.raises(ValidationFailed) as refused:
            services.cycle_save(actor=director, name="x", criteria=RATED, audience=audience, **H1)
        assert "audience" in refused.value.errors
    assert not ReviewCycle.objects.exists()


def test_managers_and_leads_are_measured_by_their_own_criteria(world):
    criteria = [
        services.CriterionIn(name="Sales", kind="metric", weight=70, metric="sales_amount", target=Decimal(100_000_00),
                             roles=("manager",)),
        services.CriterionIn(name="Service", kind="rating", weight=30, roles=("manager",)),
        services.CriterionIn(name="Coaching", kind="rating", weight=100, roles=("lead",)),
    ]  # fmt: skip
    cycle = _open(world, criteria=criteria)
    manager_rows = _evaluation(cycle, "one_manager").scores.values_list("criterion__name", flat=True)
    lead_rows = _evaluation(cycle, "one_lead").scores.values_list("criterion__name", flat=True)
    assert sorted(manager_rows) == ["Sales", "Service"]
    assert list(lead_rows) == ["Coaching"]
    # The lead is rated on coaching alone: 4 → 80.
    lead = _calibrated(world, cycle, "one_lead", rating=4)
    assert lead.final_score == Decimal("80.0")


@pytest.mark.parametrize(
    "criteria,message",
    [
        (  # the managers' weights add up to 100, the leads' to 60
            [
                services.CriterionIn(name="A", kind="rating", weight=40, roles=("manager",)),
                services.CriterionIn(name="B", kind="rating", weight=60),
            ],
            "Team lead add up to 100 (now 60)",
        ),  # fmt: skip
        (
            [
                services.CriterionIn(
                    name="A",
                    kind="metric",
                    weight=100,
                    metric="sales_amount",
                    target=Decimal(1),
                    curve="bands",
                    bands=({"from": "0", "to": "60", "score": "0"}, {"from": "50", "to": None, "score": "60"}),
                )
            ],
            "no overlap",
        ),  # fmt: skip
        ([services.CriterionIn(name="A", kind="rating", weight=100, roles=("analyst",))], "account managers, leads"),
    ],
)
def test_weights_per_role_and_curves_are_checked(world, criteria, message):
    with pytest.raises(ValidationFailed) as refused:
        services.cycle_save(actor=world.one.actor("director"), name="x", criteria=criteria, **H1)
    assert message in " ".join(refused.value.errors["criteria"])


def test_opening_refuses_a_role_with_no_criteria(world):
    manager_only = [services.CriterionIn(name="A", kind="rating", weight=100, roles=("manager",))]
    director = world.one.actor("director")
    cycle = services.cycle_save(actor=director, name="x", criteria=manager_only, **H1)
    with pytest.raises(ValidationFailed) as refused:
        services.cycle_open(actor=director, cycle=cycle)
    assert "Team lead" in str(refused.value.errors["criteria"])
    cycle.refresh_from_db()
    assert cycle.status == "draft" and not cycle.evaluations.exists()


def test_a_banded_metric_criterion_scores_from_the_kpi_engine(world):
    from pacekeeper.kpis.rollups import rollups_rebuild
    from tests.factories import SaleFactory

    one = world.one
    SaleFactory(customer=one.customers["teammate"], ordered_on=dt.date(2026, 3, 5), amount_minor=79_999_00)
    rollups_rebuild(org=one.org)
    bands = ({"from": "0", "to": "60", "score": "0"}, {"from": "60", "to": "80", "score": "60"},
             {"from": "80", "to": None, "score": "100"})  # fmt: skip
    criteria = [services.CriterionIn(name="Sales", kind="metric", weight=100, metric="sales_amount",
                                     target=Decimal(100_000_00), curve="bands", bands=bands)]  # fmt: skip
    cycle = _open(world, criteria=criteria, audience={"people": [one.teammate.pk]})
    evaluation = _evaluation(cycle, "one_teammate")
    services.review_submit(actor=one.actor("lead"), evaluation=evaluation, comment="ok", ratings={})
    row = evaluation.scores.get()
    # ¥79,999 of ¥100,000: 79.999 %, still in the 60–80 band.
    assert (row.actual, row.score) == (Decimal(79_999_00), Decimal("60.0"))


# --- deadlines and overdue steps ------------------------------------------------------------------------------


def test_overdue_steps_are_announced_once_and_shown_on_the_dashboards(
    world, client, django_capture_on_commit_callbacks
):
    one = world.one
    deadlines = services.Deadlines(dt.date(2026, 11, 30), dt.date(2026, 12, 2), dt.date(2026, 12, 20), None)
    cycle = _open(world, deadlines=deadlines, audience={"teams": [one.team_a.pk]})
    done_self = _evaluation(cycle, "one_manager")
    services.self_assessment_submit(actor=one.actor("manager"), evaluation=done_self, comment="ok", ratings={})
    # Today (3 December): three self-assessments are overdue (teammate, sub_manager, lead) and
    # the manager's review (due 2 December); calibration is not due yet.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.overdue_notify_all() == 4
    with django_capture_on_commit_callbacks(execute=True):
        assert services.overdue_notify_all() == 0  # once per step
    overdue = Notification.objects.filter(kind="evaluation_overdue")
    assert set(overdue.values_list("recipient__username", "params__step")) == {
        ("one_teammate", "self"), ("one_sub_manager", "self"), ("one_lead", "self"),
        ("one_lead", "review"),  # the manager's lead reviews
    }  # fmt: skip
    found = selectors.overdue_steps(actor=one.actor("director"))
    assert found["total"] == 4
    client.force_login(one.director)
    page = client.get("/overview/").content.decode()
    assert "Overdue evaluation steps" in page
    client.force_login(one.lead)
    team_page = client.get(f"/team/?team={one.team_a.pk}").content.decode()
    assert "Overdue evaluation steps" in team_page and "one teammate" in team_page
    # An account manager sees no one's overdue steps.
    assert selectors.overdue_steps(actor=one.actor("manager"))["total"] == 0


def test_deadlines_in_the_wrong_order_are_refused(world):
    with pytest.raises(ValidationFailed) as refused:
        services.cycle_save(
            actor=world.one.actor("director"), name="x", criteria=RATED,
            deadlines=services.Deadlines(dt.date(2026, 7, 10), dt.date(2026, 7, 5)), **H1,
        )  # fmt: skip
    assert "review_due" in refused.value.errors


# --- distribution against its target -------------------------------------------------------------------------


def test_the_distribution_per_team_against_the_target_with_the_moves(world):
    one = world.one
    cycle = _open(world, target_distribution={"A": {"max": 20}, "D": {"min": 5}})
    # Team A: manager 5 → 100 A, teammate 4 → 80 B, sub_manager 4 → 80 moved to 55 D, lead 3 → 60 C.
    _calibrated(world, cycle, "one_manager", rating=5)
    _calibrated(world, cycle, "one_teammate", rating=4)
    _calibrated(world, cycle, "one_sub_manager", rating=4, final=Decimal(55), reason="Missed every visit in May")
    _calibrated(world, cycle, "one_lead", rating=3)
    # Team B: the other manager 5 → A; the other lead 2 → 40 D.
    _calibrated(world, cycle, "one_other_manager", rating=5)
    _calibrated(world, cycle, "one_other_lead", rating=2)
    found = selectors.distribution(actor=one.actor("director"), cycle=cycle)
    rows = {row["label"]: row for row in found["rows"]}
    # All six: A 2 (33.3 % > 20: off), B 1, C 1, D 2 (33.3 % ≥ 5: fine).
    assert rows["All"]["counts"] == {"A": 2, "B": 1, "C": 1, "D": 2}
    assert rows["All"]["shares"]["A"] == Decimal("33.3") and rows["All"]["off_target"] == ["A"]
    # The sub-manager is in team A1 (own membership); team A itself: manager A, teammate B, lead C.
    assert rows["one team A"]["counts"] == {"A": 1, "B": 1, "C": 1, "D": 0}
    assert rows["one team A"]["off_target"] == ["A", "D"]  # A 33.3 % > 20 and D 0 % < 5
    assert rows["one team A1"]["counts"]["D"] == 1 and rows["one team A1"]["off_target"] == []
    assert rows["one team B"]["shares"] == {
        "A": Decimal("50.0"),
        "B": Decimal(0),
        "C": Decimal(0),
        "D": Decimal("50.0"),
    }
    [move] = found["moves"]
    assert (move.grade_before, move.grade_after, move.reason) == ("B", "D", "Missed every visit in May")
    # The lead sees their own people's grades, not their own, nor team B's.
    lead_rows = {
        row["label"]: row["total"] for row in selectors.distribution(actor=one.actor("lead"), cycle=cycle)["rows"]
    }
    assert lead_rows == {"All": 3, "one team A": 2, "one team A1": 1}
    assert selectors.distribution(actor=one.actor("manager"), cycle=cycle) == {"rows": [], "moves": []}


def test_a_target_distribution_that_cannot_be_met_is_refused(world):
    for target in ({"A": {"min": 30, "max": 20}}, {"E": {"max": 5}}, {"A": {"max": 120}},
                   {"A": {"min": 60}, "B": {"min": 50}}):  # fmt: skip
        with pytest.raises(ValidationFailed) as refused:
            services.cycle_save(
                actor=world.one.actor("director"), name="x", criteria=RATED, target_distribution=target, **H1
            )
        assert "target_distribution" in refused.value.errors
