"""The churn check by hand, and the seeded lost customers fading before they are lost."""

import datetime as dt
from zoneinfo import ZoneInfo

from pacekeeper.crm.models import Customer, Interaction, Sale
from pacekeeper.demo.seed import _is_lost, seed_organization
from pacekeeper.relationships.validation import churn_backtest
from tests.factories import CustomerFactory, SaleFactory

AS_OF = dt.date(2025, 6, 30)


def _contact(customer, day):
    Interaction.objects.create(
        org=customer.org,
        customer=customer,
        manager=customer.owner,
        occurred_at=dt.datetime.combine(day, dt.time(10), tzinfo=ZoneInfo("Asia/Shanghai")),
        summary="v",
    )


def test_it_counts_precision_and_recall_by_hand(world):
    owner = world.one.manager
    org = owner.org
    flagged_lost = CustomerFactory(owner=owner, created_on=dt.date(2024, 1, 1))  # quiet since January: flagged
    _contact(flagged_lost, dt.date(2025, 1, 2))
    flagged_kept = CustomerFactory(owner=owner, created_on=dt.date(2024, 1, 1))
    _contact(flagged_kept, dt.date(2025, 1, 2))
    _contact(flagged_kept, dt.date(2026, 6, 1))  # came back within the year after
    missed = CustomerFactory(owner=owner, created_on=dt.date(2024, 1, 1))  # healthy on the day, lost after
    _contact(missed, dt.date(2025, 6, 20))
    healthy = CustomerFactory(owner=owner, created_on=dt.date(2024, 1, 1))
    _contact(healthy, dt.date(2025, 6, 20))
    SaleFactory(customer=healthy, ordered_on=dt.date(2026, 5, 1))
    CustomerFactory(owner=owner, created_on=dt.date(2024, 1, 1))  # not alive on the day: left out
    result = churn_backtest(org=org, as_of=AS_OF)
    assert (result.customers, result.lost, result.flagged, result.flagged_lost) == (4, 2, 2, 1)
    assert str(result.precision) == "0.500" and str(result.recall) == "0.500" and str(result.base_rate) == "0.500"


def test_the_seeded_lost_customers_stop_before_they_are_lost(db):
    until = dt.date(2026, 12, 3)
    result = seed_organization(managers=3, customers=80, months=24, seed=5, until=until, with_goals=False)
    customers = list(Customer.objects.filter(org=result.org).order_by("pk"))
    lost = [c for index, c in enumerate(customers, start=1) if _is_lost(index)]
    assert lost and all(c.status == Customer.Status.LOST for c in lost)
    quiet_since = until - dt.timedelta(days=190)
    for customer in lost:
        assert not Sale.objects.filter(customer=customer, ordered_on__gt=quiet_since).exists()
        assert not Interaction.objects.filter(customer=customer, occurred_at__date__gt=quiet_since).exists()
    assert Interaction.objects.filter(customer=customers[0], occurred_at__date__gt=quiet_since).exists()
