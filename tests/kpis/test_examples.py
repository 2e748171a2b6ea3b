"""Worked examples, computed by hand, for the edges of each definition."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from pacekeeper.crm.models import Interaction
from pacekeeper.crm.purchases import history_of
from pacekeeper.crm.services import sale_save
from pacekeeper.kpis.engine import ORG_SUBJECT, compute
from pacekeeper.kpis.models import NOT_SINCE
from pacekeeper.kpis.periods import Period
from pacekeeper.kpis.rollups import rollups_rebuild
from pacekeeper.tenancy.services import membership_start
from tests.factories import ContactFactory, CustomerFactory, InteractionFactory, OpportunityFactory, SaleFactory

ZONE = ZoneInfo("Asia/Shanghai")
MARCH = Period.month(2026, 3)
FEBRUARY = Period.month(2026, 2)


def test_it_counts_an_interaction_on_its_local_day(world):
    customer = world.one.customers["manager"]
    # 23:30 UTC on 31 March is 07:30 on 1 April in Shanghai: an April interaction.
    InteractionFactory(customer=customer, occurred_at=dt.datetime(2026, 3, 31, 23, 30, tzinfo=dt.UTC))
    InteractionFactory(customer=customer, occurred_at=dt.datetime(2026, 3, 31, 15, 59, tzinfo=dt.UTC))  # 23:59 local
    rollups_rebuild(org=world.one.org)  # factories write facts without the services that keep rollups
    march = compute(org=world.one.org, metrics=["interactions"], level="org", period=MARCH, source="live")
    april = compute(org=world.one.org, metrics=["interactions"], level="org", period=Period.month(2026, 4))
    assert march[ORG_SUBJECT]["interactions"] == 1
    assert april[ORG_SUBJECT]["interactions"] == 1


def test_it_credits_a_mover_to_the_team_of_each_day(world):
    manager = world.one.manager  # in team A, which is under the branch
    customer = world.one.customers["manager"]
    SaleFactory(customer=customer, ordered_on=dt.date(2026, 3, 10), amount_minor=100)
    SaleFactory(customer=customer, ordered_on=dt.date(2026, 3, 20), amount_minor=1000)
    membership_start(user=manager, team=world.one.team_b, started_on=dt.date(2026, 3, 15))
    rollups_rebuild(org=world.one.org)
    for source in ("live", "rollup"):
        teams = compute(org=world.one.org, metrics=["sales_amount"], level="team", period=MARCH, source=source)
        assert teams[world.one.team_a.pk]["sales_amount"] == 100, source
        assert teams[world.one.team_b.pk]["sales_amount"] == 1000, source
        assert teams[world.one.branch.pk]["sales_amount"] == 1100, source
        assert teams[world.one.team_a1.pk]["sales_amount"] == 0, source


def test_it_keeps_credit_with_the_seller_after_a_transfer(world):
    from pacekeeper.crm.services import customers_transfer

    customer = world.one.customers["manager"]
    SaleFactory(customer=customer, ordered_on=dt.date(2026, 3, 10), amount_minor=500)
    rollups_rebuild(org=world.one.org)
    customers_transfer(
        actor=world.one.actor("lead"),
        customer_ids=[customer.pk],
        to_manager_id=world.one.teammate.pk,
        reason="rebalance",
    )
    managers = compute(org=world.one.org, metrics=["sales_amount"], level="manager", period=MARCH)
    assert managers[world.one.manager.pk]["sales_amount"] == 500
    assert world.one.teammate.pk not in managers


def test_it_works_out_growth_retention_and_new_customers(world):
    keep, lose, fresh = (CustomerFactory(owner=world.one.manager, org=world.one.org) for _ in range(3))
    SaleFactory(customer=keep, ordered_on=dt.date(2026, 2, 3), amount_minor=1000)
    SaleFactory(customer=lose, ordered_on=dt.date(2026, 2, 27), amount_minor=1000)
    SaleFactory(customer=keep, ordered_on=dt.date(2026, 3, 31), amount_minor=1500)
    SaleFactory(customer=fresh, ordered_on=dt.date(2026, 3, 1), amount_minor=1500)
    SaleFactory(customer=fresh, ordered_on=dt.date(2026, 3, 2), amount_minor=999, status="cancelled")
    rollups_rebuild(org=world.one.org)
    keys = ["sales_amount", "sales_growth", "new_customers", "customers_lost", "retention_rate", "average_deal_size"]
    for source in ("live", "rollup"):
        values = compute(org=world.one.org, metrics=keys, level="manager", period=MARCH, source=source)
        assert values[world.one.manager.pk] == {
            "sales_amount": 3000,
            "sales_growth": Decimal("50.00"),
            "new_customers": 1,
            "customers_lost": 1,
            "retention_rate": Decimal("50.00"),
            "average_deal_size": 1500,
        }, source


def test_it_measures_follow_up_compliance_at_the_period_end(world):
    # Standard tier: every 60 days. The period ends on 31 March; the limit is 30 January.
    on_limit = CustomerFactory(owner=world.one.manager, org=world.one.org, created_on=dt.date(2025, 1, 1))
    too_late = CustomerFactory(owner=world.one.manager, org=world.one.org, created_on=dt.date(2025, 1, 1))
    new_one = CustomerFactory(owner=world.one.manager, org=world.one.org, created_on=dt.date(2026, 3, 1))
    CustomerFactory(owner=world.one.manager, org=world.one.org, created_on=dt.date(2026, 4, 1))  # not yet a customer
    InteractionFactory(customer=on_limit, occurred_at=dt.datetime(2026, 1, 30, 1, 0, tzinfo=ZONE))
    InteractionFactory(customer=too_late, occurred_at=dt.datetime(2026, 1, 29, 23, 59, tzinfo=ZONE))
    InteractionFactory(customer=too_late, occurred_at=dt.datetime(2026, 4, 2, 9, 0, tzinfo=ZONE))  # after the end
    values = compute(org=world.one.org, metrics=["follow_up_compliance"], level="manager", period=MARCH)
    # The world's own customer of this manager was created 1 Jan 2026 and never contacted: overdue.
    # Due: on_limit, too_late, new_one, the world's one = 4; on time: on_limit, new_one = 2.
    assert values[world.one.manager.pk]["follow_up_compliance"] == Decimal("50.00")
    assert new_one.pk and Interaction.objects.count() == 3


def test_it_weights_the_pipeline_half_up_to_the_fen(world):
    customer = world.one.customers["manager"]
    OpportunityFactory(customer=customer, amount_minor=1, probability=50, expected_close_on=dt.date(2026, 3, 5))
    OpportunityFactory(customer=customer, amount_minor=3, probability=50, expected_close_on=dt.date(2026, 3, 6))
    OpportunityFactory(
        customer=customer, amount_minor=100, probability=90, stage="won", expected_close_on=dt.date(2026, 3, 6)
    )
    rollups_rebuild(org=world.one.org)
    values = compute(org=world.one.org, metrics=["pipeline_value", "pipeline_weighted"], level="org", period=MARCH)
    assert values[ORG_SUBJECT] == {"pipeline_value": 4, "pipeline_weighted": 1 + 2}


def test_it_runs_a_fixed_number_of_queries_whatever_the_number_of_managers(world, django_assert_max_num_queries):
    for _ in range(30):
        customer = CustomerFactory(org=world.one.org, owner=world.one.teammate)
        SaleFactory(customer=customer, ordered_on=dt.date(2026, 3, 3))
        ContactFactory(customer=customer)
    with django_assert_max_num_queries(30):
        compute(
            org=world.one.org,
            metrics=["sales_amount", "retention_rate", "follow_up_compliance", "sales_growth_yoy", "new_customers"],
            level="team",
            period=MARCH,
        )


def test_it_gives_the_same_figures_when_limited_to_some_managers(world):
    for owner, amount in [("manager", 100), ("teammate", 200), ("other_manager", 400)]:
        SaleFactory(customer=world.one.customers[owner], ordered_on=dt.date(2026, 3, 3), amount_minor=amount)
    InteractionFactory(customer=world.one.customers["teammate"], occurred_at=dt.datetime(2026, 3, 4, tzinfo=ZONE))
    rollups_rebuild(org=world.one.org)
    keys = ["sales_amount", "interactions", "new_customers", "retention_rate", "follow_up_compliance"]
    everyone = compute(org=world.one.org, metrics=keys, level="manager", period=MARCH)
    some = {world.one.manager.pk, world.one.teammate.pk}
    for source in ("live", "rollup"):
        limited = compute(org=world.one.org, metrics=keys, level="manager", period=MARCH, source=source, managers=some)
        assert limited == {pk: everyone[pk] for pk in some}, source


def test_a_backdated_sale_moves_the_new_customer_and_the_buyer_to_its_seller(world):
    """Rollups kept by the write path alone (no rebuild): a sale recorded later but dated
    earlier than the customer's first one makes its seller the one who won the customer."""
    lead = world.one.actor("lead")
    customer = CustomerFactory(owner=world.one.manager, org=world.one.org)
    sale_save(actor=lead, changes={"customer": customer.pk, "ordered_on": dt.date(2026, 3, 10), "amount": 100})
    keys = ["new_customers", "customers_lost", "retention_rate"]
    march = compute(org=world.one.org, metrics=keys, level="manager", period=MARCH)
    assert march[world.one.manager.pk] == {"new_customers": 1, "customers_lost": 0, "retention_rate": None}

    changes = {
        "customer": customer.pk,
        "ordered_on": dt.date(2026, 2, 20),
        "amount": 50,
        "manager": world.one.teammate.pk,
        "reason": "The teammate made this sale",
    }
    sale_save(actor=world.one.actor("director"), changes=changes)  # crediting another: a director's
    for source in ("rollup", "live"):
        march = compute(org=world.one.org, metrics=keys, level="manager", period=MARCH, source=source)
        february = compute(org=world.one.org, metrics=keys, level="manager", period=FEBRUARY, source=source)
        # March: no longer a new customer for the manager; the teammate's February buyer came back.
        # (A manager with no such facts left is absent from live figures: zero.)
        assert march.get(world.one.manager.pk, {}).get("new_customers", 0) == 0, source
        assert march[world.one.teammate.pk] == {"new_customers": 0, "customers_lost": 0, "retention_rate": 100}, source
        assert february[world.one.teammate.pk]["new_customers"] == 1, source
    # A quarter of whole months reads monthly rollups: the customer was won once, in February.
    quarter = compute(org=world.one.org, metrics=["new_customers"], level="org", period=Period.quarter(2026, 1))
    assert quarter[ORG_SUBJECT] == {"new_customers": 1}


def test_it_reads_a_customers_history_by_month():
    day = dt.date
    history = history_of([(7, day(2026, 1, 5)), (8, day(2026, 1, 20)), (7, day(2026, 3, 1)), (9, day(2026, 3, 2))])
    assert history.first == (7, day(2026, 1, 5))
    # January's last sale was manager 8's, next purchase in March; March's was 9's, none since.
    assert history.repeats == ((8, day(2026, 1, 1), day(2026, 3, 1)), (9, day(2026, 3, 1), NOT_SINCE))


def test_the_month_and_quarter_of_a_day_and_the_presets_built_on_them():
    from pacekeeper.kpis.periods import period_presets

    assert Period.month_of(dt.date(2024, 2, 10)) == Period(dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert Period.quarter_of(dt.date(2026, 12, 31)) == Period(dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert Period.quarter_of(dt.date(2026, 1, 1)).previous() == Period(dt.date(2025, 10, 1), dt.date(2025, 12, 31))
    presets = dict(period_presets(dt.date(2026, 3, 15)))
    assert presets["last_month"] == Period(dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert presets["quarter"] == Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
