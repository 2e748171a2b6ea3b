"""The health score by hand: each reason's condition, the weights, the reasons left out, the
weakest reason's next step, and the query count for many customers."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from pacekeeper.crm.models import Contract, Customer, Interaction, Tier
from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.feedback.models import Answer
from pacekeeper.relationships import signals
from pacekeeper.relationships.health import customers_health
from pacekeeper.relationships.services import health_settings_save
from pacekeeper.tenancy.scopes import actor_for
from tests.factories import CustomerFactory, SaleFactory
from tests.test_access_matrix import _survey_invitation

AS_OF = dt.date(2026, 6, 30)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)


def _customer(world, **extra) -> Customer:
    return CustomerFactory(
        **{"owner": world.one.manager, "tier": Tier.STANDARD, "created_on": dt.date(2025, 1, 1), **extra}
    )


def _worked_example(world) -> Customer:
    """Standard tier (every 60 days): last contact 90 days before → 1 − 30/120 = 0.75. Sales
    ¥600 in the last six months (1 Jan–30 Jun 2026) vs ¥1,200 in 31 Dec 2024–30 Jun 2025 → 0.5.
    A pending contract ending in 20 days → 0. No answers, no complaint provider: not counted."""
    customer = _customer(world)
    Interaction.objects.create(
        org=customer.org, customer=customer, manager=customer.owner, occurred_at=_at(dt.date(2026, 4, 1)), summary="v"
    )
    # After the day scored: never read.
    Interaction.objects.create(
        org=customer.org,
        customer=customer,
        manager=customer.owner,
        occurred_at=_at(dt.date(2026, 7, 1), 0),
        summary="v",
    )
    SaleFactory(customer=customer, ordered_on=dt.date(2026, 3, 5), amount_minor=60000)
    SaleFactory(customer=customer, ordered_on=dt.date(2025, 3, 1), amount_minor=120000)
    SaleFactory(customer=customer, ordered_on=dt.date(2025, 9, 1), amount_minor=30000)  # value at risk only
    SaleFactory(customer=customer, ordered_on=dt.date(2026, 7, 1), amount_minor=999999)  # after: never read
    SaleFactory(customer=customer, ordered_on=dt.date(2026, 4, 1), amount_minor=50000, status="cancelled")
    Contract.objects.create(
        org=customer.org,
        customer=customer,
        manager=customer.owner,
        title="2025",
        starts_on=dt.date(2025, 7, 21),
        ends_on=dt.date(2026, 7, 20),
        value_minor=1,
    )
    return customer


def _health(customer, **kwargs):
    return customers_health(
        org=customer.org, customers=Customer.objects.filter(pk=customer.pk), as_of=AS_OF, language="en", **kwargs
    )[0]


class TestHealthScore:
    def test_it_scores_the_worked_example_by_hand(self, world):
        health = _health(_worked_example(world))
        reasons = {reason.factor: reason for reason in health.reasons}
        assert reasons["recency"].condition == Decimal("0.75")
        assert reasons["sales"].condition == Decimal("0.5")
        assert reasons["renewal"].condition == 0
        assert not reasons["satisfaction"].applies and not reasons["complaints"].applies
        # 100 × (30 × 0.75 + 25 × 0.5 + 15 × 0) / (30 + 25 + 15) = 50
        assert health.score == 50
        assert reasons["recency"].points_lost == Decimal("10.7")  # 30 × 0.25 × 100 / 70
        assert reasons["sales"].points_lost == Decimal("17.9")  # 25 × 0.5 × 100 / 70
        assert reasons["renewal"].points_lost == Decimal("21.4")  # 15 × 1 × 100 / 70
        assert health.weakest.factor == "renewal" and "renewal" in health.next_step
        assert health.value_at_risk_minor == 90000  # ¥600 + ¥300 of the last 12 months
        assert health.at_risk
        assert "90 days ago" in reasons["recency"].text and "every 60 days" in reasons["recency"].text
        assert (
            "¥600 " in reasons["sales"].text and "¥1.2K" in reasons["sales"].text and "-50.0%" in reasons["sales"].text
        )

    def test_it_shows_the_weight_used_which_bounds_the_points_lost(self, world, client):
        """Satisfaction (20) and complaints (10) have no data: their 30 go to the other three in
        proportion, out of 100: recency 30 × 100 / 70 = 42.9, sales 25 × 100 / 70 = 35.7,
        renewal 15 × 100 / 70 = 21.4. Each deduction stays within its weight used."""
        customer = _worked_example(world)
        reasons = {reason.factor: reason for reason in _health(customer).reasons}
        assert reasons["recency"].weight == 30 and reasons["recency"].weight_used == Decimal("42.9")
        assert reasons["sales"].weight_used == Decimal("35.7")
        assert reasons["renewal"].weight_used == Decimal("21.4")
        assert reasons["satisfaction"].weight_used == 0 and reasons["complaints"].weight_used == 0
        for reason in reasons.values():
            assert reason.points_lost <= reason.weight_used
        assert reasons["renewal"].points_lost == reasons["renewal"].weight_used  # condition 0: all of it

    def test_it_follows_the_organisations_weights(self, world):
        customer = _worked_example(world)
        actor = actor_for(world.one.admin)
        weights = {"recency": 10, "satisfaction": 0, "sales": 10, "renewal": 0, "complaints": 0}
        health_settings_save(actor=actor, weights=weights, at_risk_below=40)
        health = _health(customer)
        assert health.score == 63  # 100 × (10 × 0.75 + 10 × 0.5) / 20 = 62.5, half up
        assert not health.at_risk

    def test_it_refuses_bad_weights_and_other_roles(self, world):
        admin = actor_for(world.one.admin)
        with pytest.raises(ValidationFailed) as failed:
            health_settings_save(actor=admin, weights=dict.fromkeys(signals_factors(), 0), at_risk_below=50)
        assert "" in failed.value.errors
        with pytest.raises(ValidationFailed) as failed:
            health_settings_save(
                actor=admin, weights=dict.fromkeys(signals_factors(), 101) | {"sales": -1}, at_risk_below=101
            )
        assert {"weight_recency", "weight_sales", "at_risk_below"} <= set(failed.value.errors)
        with pytest.raises(Forbidden):
            health_settings_save(actor=actor_for(world.one.director), weights={}, at_risk_below=50)

    def test_it_counts_complaints_from_a_registered_provider(self, world):
        customer = _worked_example(world)
        seen = {}

        def provider(*, org_id, customer_ids, as_of):
            seen["as_of"] = as_of
            return {customer.pk: signals.ComplaintCounts(open_complaints=1, sla_breaches=1)}

        signals.register_complaint_provider("test", provider)
        try:
            health = _health(customer)
        finally:
            signals.unregister_complaint_provider("test")
        reasons = {reason.factor: reason for reason in health.reasons}
        assert reasons["complaints"].condition == Decimal(1) - Decimal(1) / 3 - Decimal(1) / 2
        # 100 × (22.5 + 12.5 + 0 + 10 × 1/6) / 80 = 45.83
        assert health.score == 46
        assert seen["as_of"] == AS_OF

    def test_it_reads_the_satisfaction_trend(self, world):
        customer = _worked_example(world)
        for day, csat in ((dt.date(2026, 5, 1), 3), (dt.date(2025, 12, 1), 5)):
            invitation = _survey_invitation(customer)
            Answer.objects.create(
                org=customer.org,
                invitation=invitation,
                template=invitation.template,
                customer=customer,
                contact=invitation.contact,
                manager=customer.owner,
                csat=csat,
                answered_at=_at(day),
            )
        reason = next(r for r in _health(customer).reasons if r.factor == "satisfaction")
        # recent (3 − 1) / 4 = 0.5, before 1.0: the fall counts twice → 0.5 − 0.5 = 0
        assert reason.condition == 0
        assert "50.0%" in reason.text and "100.0%" in reason.text

    def test_it_treats_a_decided_contract_as_undecided_in_a_backtest(self, world):
        customer = _worked_example(world)
        Contract.objects.filter(customer=customer).update(renewal=Contract.Renewal.RENEWED)
        assert next(r for r in _health(customer).reasons if r.factor == "renewal").condition == 1
        backtest = _health(customer, backtest=True)
        assert next(r for r in backtest.reasons if r.factor == "renewal").condition == 0

    def test_it_scores_a_never_contacted_customer_from_its_creation(self, world):
        customer = _customer(world, created_on=dt.date(2026, 6, 1))
        health = _health(customer)
        recency = health.reasons[0]
        assert recency.condition == 1 and "Never contacted" in recency.text
        assert health.score == 100 and health.weakest is None

    def test_it_scores_many_customers_in_a_bounded_number_of_queries(self, world, django_assert_max_num_queries):
        for _index in range(30):
            _worked_example(world)
        customers = Customer.objects.filter(org=world.one.org)
        # settings, policy, customers, contacts, sales, renewals, answers: 7 whatever the number
        with django_assert_max_num_queries(7):
            rows = customers_health(org=world.one.org, customers=customers, as_of=AS_OF, language="en")
        assert len(rows) == customers.count() > 30


def signals_factors():
    from pacekeeper.relationships.models import FACTORS

    return FACTORS
