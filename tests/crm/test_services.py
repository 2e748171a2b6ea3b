import datetime as dt
from decimal import Decimal

import pytest

from pacekeeper.crm import services
from pacekeeper.crm.models import Customer, Interaction, Opportunity, OwnershipTransfer, Sale
from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.tenancy.models import AuditEntry
from tests.factories import OpportunityFactory, SaleFactory


def test_it_proposes_the_next_follow_up_from_the_tier(world):
    actor = world.one.actor("manager")
    customer = services.customer_save(
        actor=actor, changes={"name": "Strategic Co", "tier": "strategic", "created_on": dt.date(2026, 3, 1)}
    )
    assert customer.owner == world.one.manager
    assert customer.next_due_on == dt.date(2026, 3, 15)  # strategic: every 14 days
    services.interaction_save(
        actor=actor,
        changes={
            "customer": customer.pk,
            "kind": "visit",
            "summary": "Met the CFO",
            "occurred_at": dt.datetime(2026, 4, 10, 23, 30, tzinfo=dt.UTC),  # 07:30 on 11 April in Shanghai
        },
    )
    customer.refresh_from_db()
    assert customer.last_contacted_on == dt.date(2026, 4, 11)
    assert customer.next_due_on == dt.date(2026, 4, 25)


def test_it_does_not_move_the_follow_up_back_for_an_older_interaction(world):
    actor = world.one.actor("manager")
    customer = world.one.customers["manager"]
    for day in (dt.date(2026, 5, 20), dt.date(2026, 5, 1)):
        services.interaction_save(
            actor=actor,
            changes={
                "customer": customer.pk,
                "summary": "call",
                "kind": "call",
                "occurred_at": dt.datetime.combine(day, dt.time(10), tzinfo=dt.UTC),
            },
        )
    customer.refresh_from_db()
    assert customer.last_contacted_on == dt.date(2026, 5, 20)
    assert customer.next_due_on == dt.date(2026, 7, 19)  # standard: 60 days


def test_it_credits_an_interaction_to_the_owner_at_the_time(world):
    lead = world.one.actor("lead")
    interaction = services.interaction_save(
        actor=lead, changes={"customer": world.one.customers["teammate"].pk, "summary": "joint visit"}
    )
    assert interaction.manager == world.one.teammate


def test_it_moves_due_dates_when_a_policy_changes(world):
    customer = world.one.customers["manager"]
    customer.last_contacted_on = dt.date(2026, 6, 1)
    customer.save()
    services.follow_up_policy_set(actor=world.one.actor("director"), tier="standard", interval_days=30)
    customer.refresh_from_db()
    assert customer.next_due_on == dt.date(2026, 7, 1)
    assert AuditEntry.objects.filter(field="interval_days", after="30").count() == 1
    with pytest.raises(ValidationFailed):
        services.follow_up_policy_set(actor=world.one.actor("manager"), tier="standard", interval_days=5)


def test_it_transfers_customers_and_keeps_past_credit(world):
    customer = world.one.customers["manager"]
    sale = SaleFactory(customer=customer)
    open_deal = OpportunityFactory(customer=customer, stage="proposal")
    won_deal = OpportunityFactory(customer=customer, stage="won")
    moved = services.customers_transfer(
        actor=world.one.actor("lead"),
        customer_ids=[customer.pk],
        to_manager_id=world.one.teammate.pk,
        reason="rebalancing",
    )
    assert moved == 1
    customer.refresh_from_db()
    assert customer.owner == world.one.teammate
    assert Sale.objects.get(pk=sale.pk).manager == world.one.manager  # history unchanged
    assert Opportunity.objects.get(pk=won_deal.pk).manager == world.one.manager
    assert Opportunity.objects.get(pk=open_deal.pk).manager == world.one.teammate
    transfer = OwnershipTransfer.objects.get(customer=customer)
    assert (transfer.from_manager, transfer.to_manager, transfer.reason) == (
        world.one.manager,
        world.one.teammate,
        "rebalancing",
    )
    assert AuditEntry.objects.filter(object_id=str(customer.pk), field="owner").count() == 1


def test_it_refuses_transfers_out_of_scope_or_without_reason(world):
    lead = world.one.actor("lead")
    customer = world.one.customers["manager"]
    with pytest.raises(ValidationFailed) as error:
        services.customers_transfer(
            actor=lead, customer_ids=[customer.pk], to_manager_id=world.one.other_manager.pk, reason="x"
        )
    assert "to_manager" in error.value.errors
    with pytest.raises(ValidationFailed):
        services.customers_transfer(
            actor=lead,
            customer_ids=[world.one.customers["other_manager"].pk],
            to_manager_id=world.one.teammate.pk,
            reason="x",
        )
    with pytest.raises(ValidationFailed):
        services.customers_transfer(
            actor=lead, customer_ids=[customer.pk], to_manager_id=world.one.teammate.pk, reason="  "
        )
    with pytest.raises(ValidationFailed):
        services.customers_transfer(
            actor=world.one.actor("manager"),
            customer_ids=[customer.pk],
            to_manager_id=world.one.teammate.pk,
            reason="mine",
        )
    customer.refresh_from_db()
    assert customer.owner == world.one.manager
    assert not OwnershipTransfer.objects.exists()


def test_it_refuses_writes_from_the_analyst(world):
    with pytest.raises(Forbidden):
        services.customer_save(actor=world.one.actor("analyst"), changes={"name": "Nope"})
    assert not Customer.objects.filter(name="Nope").exists()


def test_it_rejects_a_duplicate_external_id_in_the_organisation_only(world):
    services.customer_save(actor=world.one.actor("manager"), changes={"name": "A", "external_id": "91310000X"})
    with pytest.raises(ValidationFailed) as error:
        services.customer_save(actor=world.one.actor("teammate"), changes={"name": "B", "external_id": "91310000X"})
    assert error.value.errors == {"external_id": ["This external id is already used in your organisation."]}
    services.customer_save(actor=world.two.actor("manager"), changes={"name": "C", "external_id": "91310000X"})


def test_it_refuses_changing_the_owner_by_editing(world):
    customer = world.one.customers["manager"]
    with pytest.raises(ValidationFailed) as error:
        services.customer_save(
            actor=world.one.actor("lead"), customer=customer, changes={"owner": world.one.teammate.pk}
        )
    assert "owner" in error.value.errors


def test_it_stores_money_in_minor_units_rounding_half_up(world):
    sale = services.sale_save(
        actor=world.one.actor("manager"),
        changes={
            "customer": world.one.customers["manager"].pk,
            "ordered_on": dt.date(2026, 3, 5),
            "amount": Decimal("1234.565"),
            "margin": Decimal("0.005"),
        },
    )
    assert (sale.amount_minor, sale.margin_minor) == (123457, 1)


def test_it_sets_probability_and_close_date_with_the_stage(world):
    actor = world.one.actor("manager")
    deal = services.opportunity_save(
        actor=actor,
        changes={
            "customer": world.one.customers["manager"].pk,
            "name": "Cash management",
            "amount": Decimal("500000"),
            "expected_close_on": dt.date(2026, 12, 1),
        },
    )
    assert (deal.stage, deal.probability, deal.closed_on) == ("lead", 10, None)
    deal = services.opportunity_save(actor=actor, opportunity=deal, changes={"stage": "negotiation"})
    assert deal.probability == 75
    deal = services.opportunity_save(actor=actor, opportunity=deal, changes={"stage": "won"})
    assert (deal.probability, deal.closed_on) == (100, actor.today())
    assert deal.weighted_amount_minor == 50_000_000


def test_it_keeps_contacts_of_an_interaction_within_the_customer(world):
    from tests.factories import ContactFactory

    other_contact = ContactFactory(customer=world.one.customers["teammate"])
    with pytest.raises(ValidationFailed) as error:
        services.interaction_save(
            actor=world.one.actor("manager"),
            changes={"customer": world.one.customers["manager"].pk, "summary": "x", "contacts": [other_contact.pk]},
        )
    assert "contacts" in error.value.errors
    assert not Interaction.objects.filter(summary="x").exists()


def test_it_transfers_many_customers_in_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    from tests.factories import CustomerFactory

    many = [CustomerFactory(owner=world.one.manager, org=world.one.org) for _ in range(40)]
    with django_assert_max_num_queries(25):
        moved = services.customers_transfer(
            actor=world.one.actor("lead"),
            customer_ids=[c.pk for c in many],
            to_manager_id=world.one.teammate.pk,
            reason="team change",
        )
    assert moved == 40
    assert OwnershipTransfer.objects.filter(to_manager=world.one.teammate).count() == 40
    assert AuditEntry.objects.filter(field="owner", reason="team change").count() == 40
