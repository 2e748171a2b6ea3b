"""Evaluations: the scoring maths by hand, a cycle's whole life (open, self-assessment, review,
calibration, close) with the audit row of each step and score, who sees what and when."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest

import pacekeeper
from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.goals import services as goals
from pacekeeper.kpis.rollups import rollups_rebuild
from pacekeeper.reviews import services
from pacekeeper.reviews.models import Criterion, Evaluation, ReviewCycle
from pacekeeper.reviews.scoring import grade_for, metric_score, weighted_score
from pacekeeper.tenancy.models import AuditEntry
from tests.factories import SaleFactory

H1 = {"starts_on": dt.date(2026, 1, 1), "ends_on": dt.date(2026, 6, 30)}


# --- the maths ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "metric,actual,target,expected",
    [
        ("sales_amount", 80, 100, "80.0"),
        ("sales_amount", 150, 100, "120.0"),  # capped
        ("sales_amount", None, 100, "0.0"),  # no sales at all
        ("sales_amount", 2, 3, "66.7"),  # 66.666… half up to one decimal
        # Lower is better: (2 − actual ÷ target) × 100, so 1 over and 1 under a target of 2 are
        # 50 and 150 (capped 120) — no longer 66.7 and 200 as target ÷ actual gave.
        ("customers_lost", 3, 2, "50.0"),
        ("customers_lost", 4, 2, "0.0"),  # twice the target: nothing
        ("customers_lost", 5, 2, "0.0"),  # worse still: never below 0
        ("customers_lost", 2, 2, "100.0"),
        ("customers_lost", 0, 2, "120.0"),  # none lost: full marks and more
    ],
)
def test_metric_scores_worked_by_hand(metric, actual, target, expected):
    assert metric_score(metric, actual, Decimal(target)) == Decimal(expected)


def test_the_weighted_score_and_grades_worked_by_hand():
    # 60 % × 120 + 40 % × 60 = 72 + 24
    assert weighted_score([(60, Decimal(120)), (40, Decimal(60))]) == Decimal("96.0")
    # (30 × 85 + 70 × 70.5) / 100 = 25.5 + 49.35 = 74.85 → 74.9
    assert weighted_score([(30, Decimal(85)), (70, Decimal("70.5"))]) == Decimal("74.9")
    assert [grade_for(Decimal(score)) for score in ("90", "89.9", "75", "60", "59.9")] == ["A", "B", "B", "C", "D"]


# --- a cycle's life ---------------------------------------------------------------------------------


CRITERIA = [
    services.CriterionIn(name="Sales", kind="metric", weight=60, metric="sales_amount", target=Decimal(100_000_00)),
    services.CriterionIn(name="Customer service", kind="rating", weight=40),
]


def _cycle(world, criteria=CRITERIA) -> ReviewCycle:
    return services.cycle_save(actor=world.one.actor("director"), name="H1 2026", criteria=criteria, **H1)


@pytest.fixture
def opened(world):
    one = world.one
    SaleFactory(customer=one.customers["manager"], ordered_on=dt.date(2026, 3, 5), amount_minor=80_000_00)
    SaleFactory(customer=one.customers["teammate"], ordered_on=dt.date(2026, 4, 5), amount_minor=80_000_00)
    SaleFactory(customer=one.customers["teammate"], ordered_on=dt.date(2026, 7, 5), amount_minor=90_000_00)
    rollups_rebuild(org=one.org)
    # The manager's own H1 sales goal, ¥50,000: their criterion's target.
    goal = goals.goal_save(
        actor=one.actor("director"),
        changes={"title": "H1 sales", "metric": "sales_amount", "level": "manager", "person": one.manager.pk,
                 "target": Decimal(50_000_00), **H1},
    )  # fmt: skip
    goals.goal_activate(actor=one.actor("director"), goal=goal, override_reason="test")
    cycle = services.cycle_open(actor=one.actor("director"), cycle=_cycle(world))
    return cycle


def _evaluation(cycle, username) -> Evaluation:
    return cycle.evaluations.get(person__username=username)


def _service_criterion(cycle) -> int:
    return cycle.criteria.get(kind=Criterion.Kind.RATING).pk


def _audit_rows(evaluation) -> list[tuple[str, str, str, str]]:
    entries = AuditEntry.objects.filter(object_type="reviews.evaluation", object_id=str(evaluation.pk)).order_by("pk")
    return [(entry.field, entry.before, entry.after, entry.reason) for entry in entries]


def test_opening_a_cycle_makes_one_evaluation_per_account_manager_and_lead(opened):
    people = set(opened.evaluations.values_list("person__username", flat=True))
    assert people == {
        "one_lead",
        "one_other_lead",
        "one_manager",
        "one_teammate",
        "one_sub_manager",
        "one_other_manager",
    }
    assert opened.status == ReviewCycle.Status.OPEN
    assert all(evaluation.scores.count() == 2 for evaluation in opened.evaluations.all())


def test_an_evaluation_goes_through_its_steps_with_one_audit_row_each(world, opened):
    one = world.one
    evaluation = _evaluation(opened, "one_manager")
    service = _service_criterion(opened)
    services.self_assessment_submit(
        actor=one.actor("manager"),
        evaluation=evaluation,
        comment="Won the port authority account",
        ratings={service: 4},
    )
    services.review_submit(actor=one.actor("lead"), evaluation=evaluation, comment="Good year", ratings={service: 3})
    evaluation.refresh_from_db()
    # Sales ¥80,000 against the goal's ¥50,000: 160 % capped at 120; service 3 → 60.
    assert evaluation.score == Decimal("96.0")
    sales = evaluation.scores.get(criterion__kind="metric")
    assert (sales.actual, sales.target, sales.score) == (Decimal(80_000_00), Decimal(50_000_00), Decimal(120))
    with pytest.raises(ValidationFailed) as refused:
        services.calibrate(actor=one.actor("director"), evaluation=evaluation, final_score=Decimal(90), reason="")
    assert "reason" in refused.value.errors
    services.calibrate(
        actor=one.actor("director"), evaluation=evaluation, final_score=Decimal(90), reason="Goal was set low"
    )
    evaluation.refresh_from_db()
    assert (evaluation.step, evaluation.final_score, evaluation.grade) == ("done", Decimal("90.0"), "A")
    assert _audit_rows(evaluation) == [
        ("step", "self", "review", ""),
        ("score", "", "96.0", ""),
        ("step", "review", "calibration", ""),
        ("score", "96.0", "90.0", "Goal was set low"),
        ("step", "calibration", "done", "Goal was set low"),
    ]


def test_without_a_goal_the_criterion_target_counts_and_a_missing_self_assessment_is_skipped(world, opened):
    evaluation = _evaluation(opened, "one_teammate")
    service = _service_criterion(opened)
    services.review_submit(actor=world.one.actor("lead"), evaluation=evaluation, comment="ok", ratings={service: 5})
    evaluation.refresh_from_db()
    # ¥80,000 in H1 (July's sale is outside) against ¥100,000: 80; service 5 → 100. 48 + 40.
    assert evaluation.score == Decimal("88.0")
    assert _audit_rows(evaluation)[-1] == ("step", "self", "calibration", "")
    services.calibrate(actor=world.one.actor("director"), evaluation=evaluation)  # confirmed as it is
    evaluation.refresh_from_db()
    assert (evaluation.final_score, evaluation.grade) == (Decimal("88.0"), "B")


def test_only_the_right_people_take_each_step(world, opened):
    one = world.one
    evaluation = _evaluation(opened, "one_manager")
    service = _service_criterion(opened)
    with pytest.raises(Forbidden):
        services.self_assessment_submit(actor=one.actor("lead"), evaluation=evaluation, comment="x", ratings={})
    for role in ("manager", "other_lead", "analyst"):  # not oneself, not another team's lead
        with pytest.raises(Forbidden):
            services.review_submit(actor=one.actor(role), evaluation=evaluation, comment="x", ratings={service: 3})
    with pytest.raises(ValidationFailed):  # every rating criterion is rated
        services.review_submit(actor=one.actor("lead"), evaluation=evaluation, comment="x", ratings={})
    with pytest.raises(ValidationFailed):
        services.review_submit(actor=one.actor("lead"), evaluation=evaluation, comment="x", ratings={service: 6})
    services.review_submit(actor=one.actor("lead"), evaluation=evaluation, comment="x", ratings={service: 3})
    with pytest.raises(Forbidden):
        services.calibrate(actor=one.actor("lead"), evaluation=evaluation)
    lead_evaluation = _evaluation(opened, "one_lead")
    with pytest.raises(Forbidden):  # a lead is reviewed by a director, not by themselves
        services.review_submit(actor=one.actor("lead"), evaluation=lead_evaluation, comment="x", ratings={service: 5})


def test_a_cycle_closes_when_every_evaluation_is_done(world, opened):
    director = world.one.actor("director")
    with pytest.raises(ValidationFailed):
        services.cycle_close(actor=director, cycle=opened)
    service = _service_criterion(opened)
    for evaluation in opened.evaluations.exclude(person__username="one_lead"):
        services.review_submit(actor=director, evaluation=evaluation, comment="ok", ratings={service: 3})
        services.calibrate(actor=director, evaluation=evaluation)
    lead = _evaluation(opened, "one_lead")
    services.review_submit(actor=director, evaluation=lead, comment="ok", ratings={service: 4})
    services.calibrate(actor=world.one.actor("admin"), evaluation=lead)
    services.cycle_close(actor=director, cycle=opened)
    opened.refresh_from_db()
    assert opened.status == ReviewCycle.Status.CLOSED
    recorded = AuditEntry.objects.filter(object_type="reviews.reviewcycle", object_id=str(opened.pk)).order_by("pk")
    assert list(recorded.values_list("field", "before", "after")) == [
        ("status", "draft", "open"),
        ("status", "open", "closed"),
    ]


@pytest.mark.parametrize(
    "criteria,message",
    [
        ([], "at least one"),
        ([services.CriterionIn(name="Service", kind="rating", weight=90)], "add up to 100"),
        ([services.CriterionIn(name="Sales", kind="metric", weight=100, metric="sales_amount")], "target"),
        ([services.CriterionIn(name="Sales", kind="metric", weight=100, metric="nope", target=Decimal(1))], "metric"),
    ],
)
def test_a_bad_cycle_is_refused_and_nothing_is_saved(world, criteria, message):
    with pytest.raises(ValidationFailed) as refused:
        _cycle(world, criteria)
    assert message in " ".join(refused.value.errors["criteria"])
    assert not ReviewCycle.objects.exists()


# --- who sees what --------------------------------------------------------------------------------


def _visible(world, role) -> set[str]:
    return set(Evaluation.objects.visible_to(world.one.actor(role)).values_list("person__username", flat=True))


def test_evaluations_are_seen_by_admins_the_lead_and_the_person_never_the_analyst(opened, world):
    assert len(_visible(world, "director")) == 6
    assert _visible(world, "lead") == {"one_lead", "one_manager", "one_teammate", "one_sub_manager"}
    assert _visible(world, "other_lead") == {"one_other_lead", "one_other_manager"}
    assert _visible(world, "manager") == {"one_manager"}
    assert _visible(world, "analyst") == set()
    assert not Evaluation.objects.visible_to(world.two.actor("director")).exists()


def test_the_person_sees_the_review_only_once_calibrated(world, opened, client):
    one = world.one
    evaluation = _evaluation(opened, "one_manager")
    service = _service_criterion(opened)
    client.force_login(one.manager)
    response = client.post(f"/evaluations/{evaluation.pk}/self/", {"comment": "My half year", f"rating_{service}": "4"})
    assert response.status_code == 302
    services.review_submit(actor=one.actor("lead"), evaluation=evaluation, comment="Keep it up", ratings={service: 3})
    page = client.get(f"/evaluations/{evaluation.pk}/").content.decode()
    assert "Keep it up" not in page and "96.0" not in page
    assert client.get(f"/api/v1/evaluations/{evaluation.pk}").json()["score"] is None
    services.calibrate(actor=one.actor("director"), evaluation=evaluation)
    page = client.get(f"/evaluations/{evaluation.pk}/").content.decode()
    assert "Keep it up" in page and "96.0" in page
    assert client.get(f"/api/v1/evaluations/{evaluation.pk}").json()["grade"] == "A"


def test_the_export_holds_what_each_viewer_may_see(world, opened, client):
    one = world.one
    evaluation = _evaluation(opened, "one_manager")
    service = _service_criterion(opened)
    services.review_submit(actor=one.actor("lead"), evaluation=evaluation, comment="ok", ratings={service: 3})

    def exported(user) -> list[str]:
        client.force_login(user)
        response = client.get(f"/reviews/{opened.pk}/export/?format=csv")
        return b"".join(response.streaming_content).decode("utf-8-sig").splitlines()

    lines = exported(one.lead)
    assert lines[0] == "Username,Person,Step,Score,Final score,Grade,Reviewed by,Calibrated by"
    assert len(lines) == 1 + 4  # the lead, manager, teammate, sub_manager
    assert "one_manager,one manager,Calibration,96.0,,,one lead," in lines
    assert exported(one.manager)[1:] == ["one_manager,one manager,Calibration,,,,,"]  # not calibrated yet


def test_a_director_sets_up_and_opens_a_cycle_from_the_pages(world, client):
    client.force_login(world.one.director)
    form = {
        "name": "H1 2026", "starts_on": "2026-01-01", "ends_on": "2026-06-30",
        "criteria-TOTAL_FORMS": "2", "criteria-INITIAL_FORMS": "0",
        "criteria-0-name": "Sales", "criteria-0-kind": "metric", "criteria-0-metric": "sales_amount",
        "criteria-0-target": "100000", "criteria-0-weight": "70",
        "criteria-1-name": "Service", "criteria-1-kind": "rating", "criteria-1-weight": "20",
    }  # fmt: skip
    response = client.post("/reviews/new/", form)
    assert response.status_code == 200 and "add up to 100" in response.content.decode()
    assert not ReviewCycle.objects.exists()
    response = client.post("/reviews/new/", form | {"criteria-1-weight": "30"})
    cycle = ReviewCycle.objects.get()
    assert response.status_code == 302
    assert list(cycle.criteria.values_list("name", "target")) == [("Sales", Decimal(100_000_00)), ("Service", None)]
    client.post(f"/reviews/{cycle.pk}/open/")
    assert cycle.evaluations.count() == 6


def test_the_cycle_page_lists_each_criterion_with_its_scoring_target_and_weight(world, opened, client):
    client.force_login(world.one.director)
    page = client.get(f"/reviews/{opened.pk}/").content.decode()
    criteria_table = page.split('<section class="card">', 1)[1].split("</section>", 1)[0]
    for text in ("Sales", "KPI metric against a target", "¥100,000.00", ">60<", "Customer service", ">40<"):
        assert text in criteria_table


def test_the_evaluation_steps_are_an_ordered_list_that_numbers_itself(world, opened, client):
    """The steps were numbered by list markers outside a flex row, so each number sat on the
    step before it ("1. 自评2. 主管评估…"); the stepper numbers its steps inside each item."""
    client.force_login(world.one.director)
    page = client.get(f"/evaluations/{_evaluation(opened, 'one_manager').pk}/").content.decode()
    assert '<ol class="stepper"' in page
    css = (Path(pacekeeper.__file__).parent / "static/pacekeeper/app.css").read_text()
    assert re.search(r"\.stepper li::before\s*\{[^}]*counter\(step\)", css)
