"""The engine against the brute-force reference, on random facts, periods and team changes.

Each example writes a small random organisation straight into the tables (facts, memberships
that change mid-period, transfers), rebuilds the rollups, and compares every metric at every
level, by both paths (rollups and live), with tests/kpis/reference.py.
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pacekeeper.crm.models import Contract, Customer, FollowUpPolicy, Interaction, Opportunity, OwnershipTransfer, Sale
from pacekeeper.crm.services import customers_contacts_changed
from pacekeeper.feedback.models import Answer, Invitation, SurveyTemplate
from pacekeeper.kpis.engine import by_monthly_rollups, compute, compute_levels, monthly_series
from pacekeeper.kpis.periods import Period
from pacekeeper.kpis.registry import METRICS
from pacekeeper.kpis.rollups import rollups_rebuild
from pacekeeper.tenancy.models import Organization, Role, Team, TeamMembership, User
from pacekeeper.tenancy.services import team_create
from pacekeeper.work.models import Task
from tests.kpis import reference

ZONE = ZoneInfo("Asia/Shanghai")
# A dense history around the periods drawn below, so that edges (first and last days, moves,
# follow-up thresholds) are hit often.
BASE = dt.date(2025, 1, 1)
SPAN = 600  # days of history
MANAGERS = 4
CUSTOMERS = 6

day_offsets = st.integers(min_value=0, max_value=SPAN)
managers = st.integers(min_value=0, max_value=MANAGERS - 1)
customers = st.integers(min_value=0, max_value=CUSTOMERS - 1)

sales = st.lists(
    st.fixed_dictionaries(
        {
            "customer": customers,
            "manager": managers,
            "day": day_offsets,
            "amount": st.integers(min_value=0, max_value=10**9),
            "margin": st.none() | st.integers(0, 10**8),
            "status": st.sampled_from(["confirmed", "confirmed", "cancelled"]),
        }
    ),
    max_size=25,
)
interactions = st.lists(
    st.fixed_dictionaries(
        {
            "customer": customers,
            "manager": managers,
            "day": day_offsets,
            "hour": st.integers(0, 23),
            "kind": st.sampled_from(["visit", "call", "wechat"]),
        }
    ),
    max_size=20,
)
contracts = st.lists(
    st.fixed_dictionaries(
        {
            "customer": customers,
            "manager": managers,
            "ends": day_offsets,
            "renewal": st.sampled_from(["pending", "renewed", "lost"]),
        }
    ),
    max_size=8,
)
opportunities = st.lists(
    st.fixed_dictionaries(
        {
            "customer": customers,
            "manager": managers,
            "expected": day_offsets,
            "stage": st.sampled_from(["lead", "proposal", "negotiation", "won", "lost"]),
            "amount": st.integers(0, 10**9),
            "probability": st.integers(0, 100),
        }
    ),
    max_size=8,
)
# Tasks: owned by a manager, done (or not) on some day and UTC hour (late hours fall on the next
# day in Shanghai), maybe due a few days either side of that day (on time and late, by a day).
tasks = st.lists(
    st.fixed_dictionaries(
        {
            "owner": managers,
            "due": st.none() | st.integers(-2, 2),
            "status": st.sampled_from(["todo", "doing", "done", "done", "cancelled"]),
            "done": day_offsets,
            "hour": st.integers(0, 23),
        }
    ),
    max_size=15,
)
# Survey invitations: credited to a manager, sent on some day and UTC hour, maybe answered some
# days later (a CSAT score, an NPS score, both or neither).
surveys = st.lists(
    st.fixed_dictionaries(
        {
            "customer": customers,
            "manager": managers,
            "sent": day_offsets,
            "hour": st.integers(0, 23),
            "after": st.none() | st.integers(0, 40),
            "csat": st.none() | st.integers(1, 5),
            "nps": st.none() | st.integers(0, 10),
        }
    ),
    max_size=10,
)
# Each manager: a first team, and maybe a move to another team on some day.
careers = st.lists(
    st.tuples(st.sampled_from(["a", "a1", "b"]), st.none() | day_offsets, st.sampled_from(["a", "a1", "b"])),
    min_size=MANAGERS,
    max_size=MANAGERS,
)
customer_rows = st.lists(
    st.tuples(
        managers,
        st.sampled_from(["strategic", "key", "standard", "sme"]),
        day_offsets,
        st.sampled_from(["active", "active", "lost"]),
    ),
    min_size=CUSTOMERS,
    max_size=CUSTOMERS,
)
transfers = st.lists(st.tuples(customers, managers, day_offsets), max_size=4)


@st.composite
def periods(draw):
    kind = draw(st.sampled_from(["month", "quarter", "months", "range"]))
    if kind == "month":
        return Period.month(2026, draw(st.integers(1, 8)))
    if kind == "months":  # up to a year of whole months: the monthly and repeat-purchase rollups
        first = Period.month(2025, draw(st.integers(3, 12)))
        months = draw(st.integers(0, 11))
        year, month = divmod(first.start.month - 1 + months, 12)
        last = Period.month(first.start.year + year, month + 1)
        return Period(first.start, last.end)
    if kind == "quarter":
        return Period.quarter(2026, draw(st.integers(1, 3)))
    start = BASE + dt.timedelta(days=draw(st.integers(300, SPAN - 1)))
    return Period(start, start + dt.timedelta(days=draw(st.integers(0, 90))))


def _build(data) -> tuple[Organization, reference.Facts, dict]:
    org = Organization.objects.create(name="Property Org")
    FollowUpPolicy.objects.create(org=org, tier="key", interval_days=20)
    branch = team_create(org=org, name="branch", kind=Team.Kind.BRANCH)
    team_a = team_create(org=org, name="A", parent=branch)
    teams = {
        "branch": branch,
        "a": team_a,
        "a1": team_create(org=org, name="A1", parent=team_a),
        "b": team_create(org=org, name="B", parent=branch),
    }
    people = [User.objects.create(org=org, username=f"p{org.pk}_{i}", role=Role.MANAGER) for i in range(MANAGERS)]
    facts = reference.Facts(
        teams={t.pk: t.parent_id for t in teams.values()}, intervals=FollowUpPolicy.objects.intervals(org.pk)
    )
    for person, (first, moved, second) in zip(people, data["careers"], strict=True):
        ranges = [(first, BASE - dt.timedelta(days=400), None)]
        if moved is not None:
            move_day = BASE + dt.timedelta(days=moved)
            ranges = [(first, BASE - dt.timedelta(days=400), move_day - dt.timedelta(days=1)), (second, move_day, None)]
        for team_key, start, end in ranges:
            TeamMembership.objects.create(org=org, team=teams[team_key], user=person, started_on=start, ended_on=end)
            facts.memberships.append({"user": person.pk, "team": teams[team_key].pk, "start": start, "end": end})
    made = []
    for index, (owner, tier, created, status) in enumerate(data["customers"]):
        customer = Customer.objects.create(
            org=org,
            name=f"c{index}",
            owner=people[owner],
            tier=tier,
            status=status,
            created_on=BASE + dt.timedelta(days=created),
        )
        made.append(customer)
    for customer_index, to_manager, day in data["transfers"]:
        customer = made[customer_index]
        at = dt.datetime.combine(BASE + dt.timedelta(days=day), dt.time(10), tzinfo=ZONE)
        OwnershipTransfer.objects.create(
            org=org,
            customer=customer,
            from_manager_id=customer.owner_id,
            to_manager=people[to_manager],
            reason="x",
            transferred_at=at,
        )
        facts.transfers.append({"customer": customer.pk, "from_manager": customer.owner_id, "at": at})
        Customer.objects.filter(pk=customer.pk).update(owner=people[to_manager])
    for customer in Customer.objects.filter(org=org):
        facts.customers.append(
            {
                "pk": customer.pk,
                "owner": customer.owner_id,
                "tier": customer.tier,
                "created": customer.created_on,
                "status": customer.status,
            }
        )
    for row in data["sales"]:
        day = BASE + dt.timedelta(days=row["day"])
        sale = Sale.objects.create(
            org=org,
            customer=made[row["customer"]],
            manager=people[row["manager"]],
            ordered_on=day,
            amount_minor=row["amount"],
            margin_minor=row["margin"],
            status=row["status"],
        )
        facts.sales.append({**row, "customer": sale.customer_id, "manager": sale.manager_id, "day": day, "pk": sale.pk})
    for row in data["interactions"]:
        at = dt.datetime.combine(BASE + dt.timedelta(days=row["day"]), dt.time(row["hour"]), tzinfo=dt.UTC)
        item = Interaction.objects.create(
            org=org,
            customer=made[row["customer"]],
            manager=people[row["manager"]],
            occurred_at=at,
            kind=row["kind"],
            summary="x",
        )
        facts.interactions.append(
            {"customer": item.customer_id, "manager": item.manager_id, "at": at, "kind": row["kind"]}
        )
    for row in data["contracts"]:
        ends = BASE + dt.timedelta(days=row["ends"])
        Contract.objects.create(
            org=org,
            customer=made[row["customer"]],
            manager=people[row["manager"]],
            title="c",
            starts_on=ends - dt.timedelta(days=300),
            ends_on=ends,
            value_minor=1,
            renewal=row["renewal"],
        )
        facts.contracts.append({"manager": people[row["manager"]].pk, "ends": ends, "renewal": row["renewal"]})
    for row in data["opportunities"]:
        expected = BASE + dt.timedelta(days=row["expected"])
        Opportunity.objects.create(
            org=org,
            customer=made[row["customer"]],
            manager=people[row["manager"]],
            name="o",
            stage=row["stage"],
            amount_minor=row["amount"],
            probability=row["probability"],
            expected_close_on=expected,
        )
        facts.opportunities.append({**row, "manager": people[row["manager"]].pk, "expected": expected})
    for row in data["tasks"]:
        due = BASE + dt.timedelta(days=row["done"] + row["due"]) if row["due"] is not None else None
        done_at = None
        if row["status"] == "done":
            done_at = dt.datetime.combine(BASE + dt.timedelta(days=row["done"]), dt.time(row["hour"]), tzinfo=dt.UTC)
        task = Task.objects.create(
            org=org, owner=people[row["owner"]], title="t", due_on=due, status=row["status"], completed_at=done_at
        )
        facts.tasks.append({"owner": task.owner_id, "status": row["status"], "done_at": done_at, "due": due})
    _surveys(org, data["surveys"], made, people, facts)
    customers_contacts_changed(org=org, customer_ids=[c.pk for c in made])  # as the services do
    rollups_rebuild(org=org)
    subjects = {"manager": [p.pk for p in people], "team": [t.pk for t in teams.values()], "org": [0]}
    return org, facts, subjects


def _surveys(org, rows, made, people, facts) -> None:
    template = SurveyTemplate.objects.create(org=org, name_zh="调查", name_en="Survey") if rows else None
    for index, row in enumerate(rows):
        customer = made[row["customer"]]
        contact = customer.contacts.create(org=org, name="c")
        sent_at = dt.datetime.combine(BASE + dt.timedelta(days=row["sent"]), dt.time(row["hour"]), tzinfo=dt.UTC)
        answered_at = sent_at + dt.timedelta(days=row["after"]) if row["after"] is not None else None
        invitation = Invitation.objects.create(
            org=org,
            template=template,
            customer=customer,
            contact=contact,
            manager=people[row["manager"]],
            nonce=f"n{org.pk}_{index}",
            token_hash=f"h{org.pk}_{index}",
            sent_at=sent_at,
            expires_at=sent_at + dt.timedelta(days=60),
            answered_at=answered_at,
        )
        if answered_at is not None:
            Answer.objects.create(
                org=org,
                invitation=invitation,
                template=template,
                customer=customer,
                contact=contact,
                manager=invitation.manager,
                answered_at=answered_at,
                csat=row["csat"],
                nps=row["nps"],
            )
        facts.surveys.append({**row, "manager": invitation.manager_id, "sent_at": sent_at, "answered_at": answered_at})


# A small random organisation's history, for _build.
organisations = st.fixed_dictionaries(
    {
        "careers": careers,
        "customers": customer_rows,
        "transfers": transfers,
        "sales": sales,
        "interactions": interactions,
        "contracts": contracts,
        "opportunities": opportunities,
        "tasks": tasks,
        "surveys": surveys,
    }
)


def _normalise(value):
    if isinstance(value, Decimal):
        return str(value)
    return value


@pytest.mark.django_db
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=organisations,
    period=periods(),
)
def test_it_agrees_with_brute_force_at_every_level_by_both_paths(data, period):
    with transaction.atomic():
        org, facts, subjects = _build(data)
        keys = [key for key in METRICS if key in reference.KNOWN_METRICS]
        for level, level_subjects in subjects.items():
            want = reference.expected(facts, level, period.start, period.end, level_subjects)
            for source in ("live", "rollup"):
                got = compute(org=org, metrics=keys, level=level, period=period, source=source)
                empty = {key: _normalise(METRICS[key].value(_Zeros())) for key in keys}
                for subject in level_subjects:
                    values = {key: _normalise(v) for key, v in got.get(subject, {}).items()} or empty
                    assert values == want[subject], (level, source, subject, period)
        # Several levels in one pass (the overview's teams and organisation) give the same figures,
        # every registered metric included.
        keys = list(METRICS)
        for source in ("live", "rollup"):
            together = compute_levels(org=org, metrics=keys, levels=tuple(subjects), period=period, source=source)
            for level in subjects:
                alone = compute(org=org, metrics=keys, level=level, period=period, source=source)
                assert together[level] == alone, (level, source, period)
        transaction.set_rollback(True)


@pytest.mark.django_db
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=organisations,
    first=st.integers(min_value=0, max_value=SPAN // 30),
    count=st.integers(min_value=1, max_value=12),
)
def test_a_series_of_months_in_one_pass_gives_each_months_figures_at_every_level(data, first, count):
    """The dashboards' trends: every metric monthly_series takes, month by month, at every level
    (people moving between teams within a month included), as the brute force counts it; at
    manager level for all managers or some."""
    with transaction.atomic():
        org, facts, subjects = _build(data)
        months = [Period.month_of(BASE)]
        for _month in range(first + count - 1):
            months.append(Period.month_of(months[-1].end + dt.timedelta(days=1)))
        months = months[first:]
        keys = [key for key in METRICS if by_monthly_rollups(key)]
        assert {"sales_amount", "gross_margin", "interactions", "visits", "new_customers"} <= set(keys)
        some_managers = set(subjects["manager"][:2])
        assert monthly_series(org=org, metric="sales_amount", levels=tuple(subjects), months=[]) == {
            "manager": {},
            "team": {},
            "org": {},
        }
        for key in keys:
            empty = _normalise(METRICS[key].value(_Zeros()))
            together = monthly_series(org=org, metric=key, levels=tuple(subjects), months=months)
            limited = monthly_series(org=org, metric=key, levels=("manager",), months=months, managers=some_managers)
            assert set(limited["manager"]) <= some_managers
            for index, month in enumerate(months):
                for level, level_subjects in subjects.items():
                    want = reference.expected(facts, level, month.start, month.end, level_subjects)
                    for subject in level_subjects:
                        got = together[level].get(subject)
                        assert (_normalise(got[index]) if got else empty) == want[subject][key], (key, level, month)
                for subject in some_managers:
                    got = limited["manager"].get(subject)
                    want = reference.expected(facts, "manager", month.start, month.end, [subject])
                    assert (_normalise(got[index]) if got else empty) == want[subject][key], (key, "some", month)
        transaction.set_rollback(True)


class _Zeros(dict):
    def __missing__(self, key):
        return 0
