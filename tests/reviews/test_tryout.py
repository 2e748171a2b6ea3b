"""Findings of a user try-out: blank criterion rows, the lock date in the organisation's time zone,
the send-back message as the lead reads it, overdue steps with their dates, the grade summary
counting the same people as the distribution, the acknowledgement badge, the calibration refusal."""

import datetime as dt

from pacekeeper.lib.formatting import format_date
from pacekeeper.reviews import selectors, services
from pacekeeper.reviews.models import Evaluation, ReviewCycle

from .test_flow_api import _calibrated_cycle


def test_a_cycle_saves_with_one_criterion_and_blank_extra_rows(world, client):
    client.force_login(world.one.director)
    form = {
        "name": "H1 2026", "starts_on": "2026-01-01", "ends_on": "2026-06-30",
        "criteria-TOTAL_FORMS": "2", "criteria-INITIAL_FORMS": "0",
        "criteria-0-name": "Service", "criteria-0-kind": "rating", "criteria-0-weight": "100",
        "criteria-0-curve": "linear",
        # the blank row still posts its select boxes' first choices
        "criteria-1-name": "", "criteria-1-kind": "metric", "criteria-1-weight": "", "criteria-1-curve": "linear",
    }  # fmt: skip
    response = client.post("/reviews/new/", form)
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert list(ReviewCycle.objects.get().criteria.values_list("name", flat=True)) == ["Service"]
    # A row with something in it but no name is still refused.
    response = client.post("/reviews/new/", form | {"name": "H2", "criteria-1-weight": "20"})
    assert response.status_code == 200 and ReviewCycle.objects.count() == 1


def test_the_lock_date_is_the_organisations_day(world, client):
    one = world.one
    cycle = _calibrated_cycle(world)
    mine = cycle.evaluations.get(person=one.manager)
    services.acknowledge(actor=one.actor("manager"), evaluation=mine)
    # 3 Dec 19:55 UTC is 4 Dec 03:55 in Shanghai.
    Evaluation.objects.filter(pk=mine.pk).update(locked_at=dt.datetime(2026, 12, 3, 19, 55, tzinfo=dt.UTC))
    client.force_login(one.manager)
    page = client.get(f"/evaluations/{mine.pk}/").content.decode()
    assert "<dd>4 Dec 2026</dd>" in page and "3 Dec 2026" not in page


def test_the_lead_reads_that_they_sent_the_self_assessment_back(world, client):
    one = world.one
    cycle = services.cycle_save(
        actor=one.actor("director"), name="H1", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 6, 30),
        criteria=[services.CriterionIn(name="Service", kind="rating", weight=100)],
    )  # fmt: skip
    services.cycle_open(actor=one.actor("director"), cycle=cycle)
    mine = cycle.evaluations.get(person=one.manager)
    services.self_assessment_submit(actor=one.actor("manager"), evaluation=mine, comment="Fine", ratings={})
    services.send_back(actor=one.actor("lead"), evaluation=mine, reason="Say what you did")
    client.force_login(one.lead)
    page = client.get(f"/evaluations/{mine.pk}/").content.decode()
    assert f"You sent the self-assessment back to {one.manager}: Say what you did" in page
    assert "Your lead sent" not in page
    client.force_login(one.manager)
    page = client.get(f"/evaluations/{mine.pk}/").content.decode()
    assert "Your lead sent the self-assessment back: Say what you did" in page
    client.force_login(one.director)
    page = client.get(f"/evaluations/{mine.pk}/").content.decode()
    assert f"The self-assessment was sent back to {one.manager}: Say what you did" in page


def test_an_overdue_step_shows_its_due_date_and_since_when(world, client):
    one = world.one
    cycle = services.cycle_save(
        actor=one.actor("director"), name="H1", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 6, 30),
        criteria=[services.CriterionIn(name="Service", kind="rating", weight=100)],
    )  # fmt: skip
    services.cycle_open(actor=one.actor("director"), cycle=cycle)
    today = one.actor("director").today()
    due = today - dt.timedelta(days=3)
    ReviewCycle.objects.filter(pk=cycle.pk).update(self_due=due)
    overdue = selectors.overdue_steps(actor=one.actor("director"))
    row = next(row for row in overdue["rows"] if row["evaluation"].person_id == one.manager.pk)
    assert row["due"] == due
    since = f"overdue since {format_date(due + dt.timedelta(days=1), 'en')}"
    client.force_login(one.manager)
    assert since in client.get("/reviews/").content.decode()
    client.force_login(one.director)
    page = client.get(f"/reviews/{cycle.pk}/").content.decode()
    assert page.count(since) == cycle.evaluations.count()
    ReviewCycle.objects.filter(pk=cycle.pk).update(self_due=today)  # due today: not overdue yet
    assert "overdue since" not in client.get(f"/reviews/{cycle.pk}/").content.decode()


def test_the_grade_summary_counts_the_people_of_the_distribution(world, client):
    one = world.one
    cycle = _calibrated_cycle(world)
    assert cycle.evaluations.filter(person=one.lead).exclude(grade="").exists()
    client.force_login(one.lead)
    response = client.get(f"/reviews/{cycle.pk}/")
    summary = sum(n for _value, _label, n in response.context["grades"])
    assert summary == response.context["distribution"]["rows"][0]["total"] > 0
    page = response.content.decode()
    assert "No target distribution set." in page and "against the cycle&#x27;s target shares" not in page


def test_an_evaluation_waiting_for_acknowledgement_says_so(world, client):
    one = world.one
    cycle = _calibrated_cycle(world)
    mine = cycle.evaluations.get(person=one.manager)
    client.force_login(one.manager)
    page = client.get(f"/evaluations/{mine.pk}/").content.decode()
    assert "Waiting for acknowledgement" in page and 'class="badge step-done"' not in page
    services.acknowledge(actor=one.actor("manager"), evaluation=mine)
    page = client.get(f"/evaluations/{mine.pk}/").content.decode()
    assert "Waiting for acknowledgement" not in page and 'class="badge step-done"' in page


def test_a_lead_is_told_only_directors_calibrate(world, client):
    one = world.one
    cycle = services.cycle_save(
        actor=one.actor("director"), name="H1", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 6, 30),
        criteria=[services.CriterionIn(name="Service", kind="rating", weight=100)],
    )  # fmt: skip
    services.cycle_open(actor=one.actor("director"), cycle=cycle)
    theirs = cycle.evaluations.get(person=one.manager)
    services.review_submit(actor=one.actor("director"), evaluation=theirs, comment="ok", ratings={
        row.criterion_id: 3 for row in theirs.scores.all()
    })  # fmt: skip
    client.force_login(one.lead)
    response = client.post(f"/api/v1/evaluations/{theirs.pk}/calibration", {}, content_type="application/json")
    assert response.status_code == 403 and "Only directors calibrate evaluations." in response.content.decode()
    assert Evaluation.objects.get(pk=theirs.pk).step == "calibration"
