"""Badges by rule, worked by hand (docs/recognition.md), the chore's idempotence, manual awards
and honour certificates."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.goals.models import Goal
from pacekeeper.kpis.periods import Period
from pacekeeper.kpis.rollups import rollups_rebuild
from pacekeeper.lib import chores
from pacekeeper.notifications.models import Notification
from pacekeeper.recognition import services
from pacekeeper.recognition.models import Badge, BadgeAward
from pacekeeper.recognition.selectors import evidence_lines
from pacekeeper.tenancy.models import AuditEntry
from tests.factories import CustomerFactory, InteractionFactory, SaleFactory

APRIL_5 = dt.date(2026, 4, 5)
Q1 = Period.quarter(2026, 1)


def _badge(world, code):
    return Badge.objects.get(org=world.one.org, code=code)


def _monthly_goal(person, month: Period, target_minor: int):
    return Goal.objects.create(
        org=person.org,
        title=f"Sales {month.start:%Y-%m}",
        metric="sales_amount",
        level="manager",
        person=person,
        starts_on=month.start,
        ends_on=month.end,
        target=target_minor,
        status=Goal.Status.ACTIVE,
    )


def _sell(customer, day, amount_minor):
    SaleFactory(customer=customer, ordered_on=day, amount_minor=amount_minor)


def _three_months(world, march_amount: int):
    """The manager has a goal of ¥1,000.00 in January, February and March 2026, sells exactly
    ¥1,000.00 in January and February and `march_amount` (in fen) in March."""
    manager = world.one.manager
    customer = world.one.customers["manager"]
    for month, amount in ((1, 100_000), (2, 100_000), (3, march_amount)):
        period = Period.month(2026, month)
        _monthly_goal(manager, period, 100_000)
        _sell(customer, period.start + dt.timedelta(days=9), amount)
    rollups_rebuild(org=world.one.org)


def test_three_months_at_exactly_100_percent_earn_the_badge(world, django_capture_on_commit_callbacks):
    _three_months(world, march_amount=100_000)  # 100.0 % each month
    with django_capture_on_commit_callbacks(execute=True):
        services.badges_evaluate(org=world.one.org, today=APRIL_5)
    award = BadgeAward.objects.get(badge=_badge(world, "three-months-at-target"))
    assert award.person == world.one.manager
    assert (award.period_start, award.period_end) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert [row["attainment"] for row in award.evidence["months"]] == ["100.0", "100.0", "100.0"]
    assert evidence_lines(award, "en")[2] == "Mar 2026: ¥1,000.00 of a goal of ¥1,000.00 (100.0%)"
    assert Notification.objects.filter(recipient=world.one.manager, kind="badge_awarded", subject_id=award.pk).exists()


def test_three_months_with_one_at_99_9_percent_earn_nothing(world):
    _three_months(world, march_amount=99_900)  # March: 999.00 of 1,000.00 = 99.9 %
    services.badges_evaluate(org=world.one.org, today=APRIL_5)
    assert not BadgeAward.objects.filter(badge=_badge(world, "three-months-at-target")).exists()


def test_the_chore_awards_once_and_an_overlapping_run_not_again(world, django_capture_on_commit_callbacks):
    _three_months(world, march_amount=150_000)
    _monthly_goal(world.one.manager, Period.month(2026, 4), 100_000)
    _sell(world.one.customers["manager"], dt.date(2026, 4, 10), 100_000)
    rollups_rebuild(org=world.one.org)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.badges_evaluate(org=world.one.org, today=APRIL_5) > 0
    made = BadgeAward.objects.count()
    notified = Notification.objects.filter(kind="badge_awarded").count()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.badges_evaluate(org=world.one.org, today=APRIL_5) == 0  # the same periods again
    assert (BadgeAward.objects.count(), Notification.objects.filter(kind="badge_awarded").count()) == (made, notified)
    # In May, February–April is also three months at target, but overlaps the run rewarded.
    services.badges_evaluate(org=world.one.org, today=dt.date(2026, 5, 3))
    assert BadgeAward.objects.filter(badge=_badge(world, "three-months-at-target")).count() == 1


def test_the_registered_chore_evaluates_every_organisation(world, monkeypatch):
    calls = []
    monkeypatch.setattr(services, "badges_evaluate", lambda *, org: calls.append(org.pk) or 0)
    assert chores.run_all(["badges"]) == {"badges": 0}
    assert {world.one.org.pk, world.two.org.pk} <= set(calls)


def _new_customers(owner, count: int, day=dt.date(2026, 2, 10)):
    for _n in range(count):
        _sell(CustomerFactory(org=owner.org, owner=owner), day, 10_000)


def test_most_new_customers_of_the_quarter_ties_share_the_badge(world):
    one = world.one
    _new_customers(one.manager, 2)
    _new_customers(one.teammate, 2)  # a tie with the manager for team A's top figure
    _new_customers(one.sub_manager, 3)  # team A1 is a team of its own
    _new_customers(one.other_manager, 1)
    _new_customers(one.teammate, 5, day=dt.date(2026, 4, 2))  # the next quarter: not counted
    rollups_rebuild(org=one.org)
    services.badges_evaluate(org=one.org, today=APRIL_5)
    awards = BadgeAward.objects.filter(badge=_badge(world, "top-new-customers"))
    assert {a.person for a in awards} == {one.manager, one.teammate, one.sub_manager, one.other_manager}
    mine = awards.get(person=one.manager)
    assert (mine.period_start, mine.period_end) == (Q1.start, Q1.end)
    assert mine.evidence["value"] == 2 and mine.evidence["shared_with"] == 1
    assert mine.evidence["team"] == one.team_a.name and mine.evidence["next_best"] == 0  # the lead sold nothing


def test_a_team_whose_best_is_zero_earns_nothing(world):
    services.badges_evaluate(org=world.one.org, today=APRIL_5)
    assert not BadgeAward.objects.filter(badge=_badge(world, "top-new-customers")).exists()


def test_full_follow_up_compliance_for_a_month(world):
    one = world.one
    # March 2026 closes: the manager contacted their one customer on 25 March (on time); the
    # teammate's customer was last contacted on 2 January (overdue at the month's end).
    InteractionFactory(customer=one.customers["manager"], occurred_at=dt.datetime(2026, 3, 25, 10, tzinfo=dt.UTC))
    InteractionFactory(customer=one.customers["teammate"], occurred_at=dt.datetime(2026, 1, 2, 10, tzinfo=dt.UTC))
    rollups_rebuild(org=one.org)
    services.badges_evaluate(org=one.org, today=APRIL_5)
    awards = BadgeAward.objects.filter(badge=_badge(world, "full-follow-up"), period_start=dt.date(2026, 3, 1))
    assert [a.person for a in awards] == [one.manager]
    assert Decimal(awards.get().evidence["value"]) == Decimal(100)


def test_a_lead_awards_their_people_by_hand_with_a_reason(world):
    lead = world.one.actor("lead")
    badge = _badge(world, "team-spirit")
    award = services.badge_award_manual(actor=lead, person_id=world.one.manager.pk, badge_id=badge.pk, reason="Helped")
    assert award.awarded_by == world.one.lead and award.reason == "Helped"
    assert AuditEntry.objects.filter(object_id=str(award.pk), field="awarded", reason="Helped").exists()
    with pytest.raises(ValidationFailed):  # the same badge again in the same month
        services.badge_award_manual(actor=lead, person_id=world.one.manager.pk, badge_id=badge.pk, reason="Again")
    with pytest.raises(ValidationFailed) as refused:  # not their person
        services.badge_award_manual(actor=lead, person_id=world.one.other_manager.pk, badge_id=badge.pk, reason="x")
    assert "person" in refused.value.errors
    with pytest.raises(ValidationFailed) as refused:
        services.badge_award_manual(actor=lead, person_id=world.one.teammate.pk, badge_id=badge.pk, reason="  ")
    assert "reason" in refused.value.errors
    with pytest.raises(ValidationFailed):  # never to oneself
        services.badge_award_manual(
            actor=world.one.actor("director"), person_id=world.one.director.pk, badge_id=badge.pk, reason="Me"
        )
    assert BadgeAward.objects.count() == 1


def test_an_account_manager_cannot_award_a_badge(world):
    badge = _badge(world, "team-spirit")
    with pytest.raises(Forbidden):
        services.badge_award_manual(
            actor=world.one.actor("manager"), person_id=world.one.teammate.pk, badge_id=badge.pk, reason="Great"
        )
    assert not BadgeAward.objects.exists()


@pytest.mark.parametrize("language,title", [("zh-hans", "荣誉证书"), ("en", "Certificate of Honour")])
def test_the_certificate_names_the_person_and_the_achievement(world, language, title):
    award = services.badge_award_manual(
        actor=world.one.actor("director"),
        person_id=world.one.manager.pk,
        badge_id=_badge(world, "customer-hero").pk,
        reason="Saved the account",
    )
    pdf = services.certificate_pdf(actor=world.one.actor("lead"), award=award, language=language)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace("\n", "").replace(" ", "")
    assert world.one.manager.display_name.replace(" ", "") in text
    assert "Savedtheaccount" in text
    assert title.replace(" ", "") in text
    assert award.badge.name_in(language).replace(" ", "") in text
    assert world.one.org.name.replace(" ", "") in text
    assert AuditEntry.objects.filter(object_id=str(award.pk), field="certificate", actor=world.one.lead).exists()
