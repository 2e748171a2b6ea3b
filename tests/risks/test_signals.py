"""Signals raise or update risks with their evidence: customer concentration worked by hand on a
hand-built portfolio, goals off track late in their period, a person over capacity for weeks,
receivables overdue, contracts expiring without a renewal outcome, and a provider registered from
outside. A signal never duplicates an open risk; the run's queries do not grow with the people."""

import datetime as dt
from decimal import Decimal

import pytest

from pacekeeper.crm.models import Contract, Sale
from pacekeeper.errors import ValidationFailed
from pacekeeper.goals import services as goals
from pacekeeper.risks import services
from pacekeeper.risks.models import Receivable, Risk, RiskChange
from pacekeeper.risks.providers import concentration_shares, share_percent
from pacekeeper.risks.signals import SIGNALS, Finding, register
from pacekeeper.tenancy.models import AuditEntry, User
from pacekeeper.work.models import Task
from tests.factories import CustomerFactory, SaleFactory

TODAY = dt.date(2026, 12, 3)
RECENTLY = dt.date(2026, 11, 10)


def _run(world, today=TODAY):
    return services.signals_run(org=world.one.org, today=today)


def _portfolio(world) -> dict:
    """The manager: customers A–E with ¥500, ¥300, ¥100, ¥60, ¥40 (¥1,000). The teammate (same
    team A): six customers of ¥100 each (¥600). Left out: a cancelled sale, a sale before the
    twelve-month window (it starts on 4 Dec 2025), another organisation's sale."""
    one = world.one
    customers = {}
    for name, yuan in (("A", 500), ("B", 300), ("C", 100), ("D", 60), ("E", 40)):
        customers[name] = CustomerFactory(org=one.org, owner=one.manager, name=f"Customer {name}")
        SaleFactory(customer=customers[name], ordered_on=RECENTLY, amount_minor=yuan * 100)
    for _number in range(6):
        SaleFactory(customer=CustomerFactory(org=one.org, owner=one.teammate), ordered_on=RECENTLY, amount_minor=10000)
    SaleFactory(customer=customers["E"], ordered_on=RECENTLY, amount_minor=900000, status=Sale.Status.CANCELLED)
    SaleFactory(customer=customers["E"], ordered_on=dt.date(2025, 12, 3), amount_minor=900000)
    SaleFactory(customer=world.two.customers["manager"], ordered_on=RECENTLY, amount_minor=900000)
    return customers


def test_it_computes_shares_by_hand():
    assert share_percent(900, 1000) == Decimal("90.0")
    assert share_percent(900, 1600) == Decimal("56.3")  # 56.25 rounds half up
    share, top = concentration_shares({3: 100, 1: 500, 2: 300, 4: 100}, 3)
    assert (share, top) == (Decimal("90.0"), [(1, 500), (2, 300), (3, 100)])  # the tie goes to the lower id


def test_concentration_is_raised_for_the_manager_and_the_team_worked_by_hand(world):
    """Top 3, threshold 50% (the defaults). Manager: (500 + 300 + 100) ÷ 1,000 = 90.0% → raised,
    probability 5 (90% or more). Teammate: 300 ÷ 600 = 50.0%, not over 50% → nothing. Team A:
    900 ÷ 1,600 = 56.25% → 56.3%, probability 3 (under threshold + 20 points)."""
    customers = _portfolio(world)
    one = world.one
    assert _run(world) == {"raised": 2, "updated": 0}

    mine = Risk.objects.get(signal_key=f"concentration:manager:{one.manager.pk}")
    assert (mine.level, mine.team, mine.owner, mine.category) == ("team", one.team_a, one.manager, "concentration")
    assert (mine.probability, mine.impact, mine.review_on) == (5, 4, TODAY + dt.timedelta(days=14))
    assert mine.evidence["share"] == "90.0" and mine.evidence["total_minor"] == 100000
    assert [(row["name"], row["share"]) for row in mine.evidence["top"]] == [
        ("Customer A", "50.0"),
        ("Customer B", "30.0"),
        ("Customer C", "10.0"),
    ]
    assert mine.evidence["period"] == ["2025-12-04", "2026-12-03"]
    assert mine.evidence_link == f"/people/{one.manager.pk}/"

    team = Risk.objects.get(signal_key=f"concentration:team:{one.team_a.pk}")
    assert (team.evidence["share"], team.probability, team.owner) == ("56.3", 3, one.lead)
    assert not Risk.objects.filter(signal_key=f"concentration:manager:{one.teammate.pk}").exists()
    assert RiskChange.objects.filter(risk__in=[mine, team]).count() == 2

    # Run again: the open risks are updated, never duplicated.
    assert _run(world) == {"raised": 0, "updated": 2}
    assert Risk.objects.filter(org=one.org).count() == 2
    assert RiskChange.objects.count() == 2  # the scores did not move: no new history step

    # A new customer F with ¥800: (800 + 500 + 300) ÷ 1,800 = 88.9% → probability 4, dated and audited.
    SaleFactory(customer=CustomerFactory(org=one.org, owner=one.manager), ordered_on=RECENTLY, amount_minor=80000)
    assert _run(world) == {"raised": 0, "updated": 2}
    mine.refresh_from_db()
    assert (mine.probability, mine.evidence["share"]) == (4, "88.9")
    assert list(mine.changes.values_list("probability", flat=True)) == [4, 5]
    assert AuditEntry.objects.filter(object_id=str(mine.pk), field="score", before="20", after="16").exists()

    # Closed by its owner, the next run raises a new one (the open risk was dealt with).
    services.risk_update(actor=one.actor("manager"), risk=mine, data={"status": "closed"})
    assert _run(world)["raised"] == 1
    with pytest.raises(ValidationFailed) as refused:  # reopening the old one would make two open
        services.risk_update(actor=one.actor("manager"), risk=mine, data={"status": "open"})
    assert "status" in refused.value.errors
    assert customers["A"].pk  # the portfolio stays as built


def test_the_threshold_and_n_are_the_organisations(world):
    _portfolio(world)
    services.risk_settings_update(actor=world.one.actor("admin"), data={"concentration_threshold": 95})
    assert _run(world)["raised"] == 0
    services.risk_settings_update(actor=world.one.actor("director"), data={"concentration_top_n": 1})
    services.risk_settings_update(actor=world.one.actor("director"), data={"concentration_threshold": 49})
    assert _run(world)["raised"] == 1  # the manager's top customer: 500 ÷ 1,000 = 50.0% > 49%


def test_the_run_does_not_grow_with_the_people(world, django_assert_max_num_queries):
    one = world.one
    _portfolio(world)
    for number in range(6):
        person = User.objects.create(org=one.org, username=f"extra{number}", role="manager", weekly_capacity_hours=5)
        customer = CustomerFactory(org=one.org, owner=person)
        SaleFactory(customer=customer, ordered_on=RECENTLY, amount_minor=50000)
        Task.objects.create(
            org=one.org, owner=person, title="Big job", estimate_hours=100, due_on=TODAY + dt.timedelta(days=25)
        )
    with django_assert_max_num_queries(30):
        result = _run(world)
    assert result["raised"] == 2 + 6 + 6  # two concentrations, six single-customer portfolios, six overloads


def test_goals_off_track_late_in_their_period_raise_a_goal_risk(world):
    director = world.one.actor("director")
    late = goals.goal_save(
        actor=director,
        changes={
            "title": "Q4 push",
            "metric": "sales_amount",
            "level": "manager",
            "person": world.one.manager.pk,
            "target": Decimal(1_000_000_00),
            "starts_on": dt.date(2026, 10, 1),
            "ends_on": dt.date(2026, 12, 10),
        },
    )
    goals.goal_activate(actor=director, goal=late, override_reason="test")
    early = goals.goal_save(
        actor=director,
        changes={
            "title": "Next year",
            "metric": "sales_amount",
            "level": "manager",
            "person": world.one.manager.pk,
            "target": Decimal(1_000_000_00),
            "starts_on": dt.date(2026, 12, 1),
            "ends_on": dt.date(2027, 3, 31),
        },
    )
    goals.goal_activate(actor=director, goal=early, override_reason="test")
    _run(world)
    risk = Risk.objects.get(signal_kind="goal_off_track")  # 64 of 71 days gone; the other goal is early
    assert (risk.goal, risk.level, risk.owner, risk.probability, risk.impact) == (late, "goal", world.one.manager, 5, 3)
    assert risk.evidence["status"] == "off_track" and risk.evidence["elapsed_days"] == 64


def test_a_person_over_capacity_for_weeks_raises_a_team_risk(world):
    one = world.one
    User.objects.filter(pk=one.manager.pk).update(weekly_capacity_hours=10)
    Task.objects.create(
        org=one.org, owner=one.manager, title="Tender", estimate_hours=200, due_on=TODAY + dt.timedelta(days=25)
    )
    Task.objects.create(
        org=one.org, owner=one.teammate, title="Small", estimate_hours=4, due_on=TODAY + dt.timedelta(days=5)
    )
    _run(world)
    risk = Risk.objects.get(signal_kind="over_capacity")
    assert (risk.level, risk.team, risk.owner, risk.probability) == ("team", one.team_a, one.lead, 4)
    assert risk.evidence["person"] == one.manager.pk and risk.evidence["capacity"] == 10


def test_receivables_overdue_and_contracts_expiring_raise_customer_risks(world):
    one = world.one
    customer = one.customers["manager"]
    late = SaleFactory(customer=customer, ordered_on=dt.date(2026, 9, 1), amount_minor=250000)
    paid = SaleFactory(customer=customer, ordered_on=dt.date(2026, 9, 1), amount_minor=990000)
    recent = SaleFactory(customer=customer, ordered_on=dt.date(2026, 11, 1), amount_minor=990000)
    Receivable.objects.create(org=one.org, sale=late, due_on=TODAY - dt.timedelta(days=40))
    Receivable.objects.create(org=one.org, sale=paid, due_on=TODAY - dt.timedelta(days=40), paid_on=TODAY)
    Receivable.objects.create(org=one.org, sale=recent, due_on=TODAY - dt.timedelta(days=10))  # within 30 days' grace
    for title, ends_on, renewal in (
        ("Ends soon", TODAY + dt.timedelta(days=10), "pending"),
        ("Renewed", TODAY + dt.timedelta(days=10), "renewed"),
        ("Far off", TODAY + dt.timedelta(days=200), "pending"),
    ):
        Contract.objects.create(
            org=one.org,
            customer=customer,
            manager=one.manager,
            title=title,
            starts_on=dt.date(2026, 1, 1),
            ends_on=ends_on,
            value_minor=1,
            renewal=renewal,
        )
    _run(world)
    credit = Risk.objects.get(signal_kind="receivables_overdue")
    assert (credit.customer, credit.owner, credit.category, credit.probability) == (customer, one.manager, "credit", 3)
    assert (credit.evidence["count"], credit.evidence["total_minor"]) == (1, 250000)
    contract = Risk.objects.get(signal_kind="contract_expiring")
    assert (contract.customer, contract.probability, contract.evidence["ends_on"]) == (customer, 4, "2026-12-13")


def test_another_app_registers_a_signal_provider(world):
    customer = world.one.customers["teammate"]

    def health(context):
        return [
            Finding(
                kind="customer_health",
                subject=f"customer:{customer.pk}",
                level="customer",
                customer_id=customer.pk,
                category="market",
                probability=4,
                impact=5,
                title="Key customer's health falling",
                evidence={"text": "Health 80 → 55 in a quarter"},
                owner_id=customer.owner_id,
            )
        ]

    register("customer_health", "Customer health", health)
    try:
        _run(world)
        _run(world)
    finally:
        SIGNALS.pop("customer_health")
    risk = Risk.objects.get(signal_kind="customer_health")
    assert (risk.score, risk.owner, risk.evidence["text"]) == (20, world.one.teammate, "Health 80 → 55 in a quarter")


@pytest.mark.parametrize("role,status", [("manager", 403), ("lead", 403), ("analyst", 403), ("director", 200)])
def test_signals_run_on_demand_for_admins_and_directors(world, client, role, status):
    _portfolio(world)
    client.force_login(getattr(world.one, role))
    response = client.post("/api/v1/risk-signals/run")
    assert response.status_code == status
    if status == 200:
        assert response.json()["raised"] >= 2
