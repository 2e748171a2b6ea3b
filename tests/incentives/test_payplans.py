"""Runs with the new plan terms against the database: per-product whole-amount tiers with an
accelerator from the person's goal and a cap, clawback across runs, who a plan applies to, bad
input refused with nothing changed, the audit of rule changes, and who sees a statement (page,
PDF, XLSX, API)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum

from pacekeeper.crm.models import Sale
from pacekeeper.errors import ValidationFailed
from pacekeeper.goals.models import Goal
from pacekeeper.incentives import payroll, services
from pacekeeper.incentives.commission import Accelerator, Tier
from pacekeeper.incentives.models import PayoutLine, PayoutRun, Plan
from pacekeeper.kpis.periods import Period
from pacekeeper.kpis.rollups import rollups_rebuild
from pacekeeper.tenancy.models import AuditEntry
from tests.factories import SaleFactory

OCTOBER = Period.month(2026, 10)
NOVEMBER = Period.month(2026, 11)
TIERS = [Tier(0, Decimal("2")), Tier(100_000_00, Decimal("3")), Tier(0, Decimal("4"), "Loans")]
ACCELERATORS = [Accelerator(Decimal(100), Decimal("1.5")), Accelerator(Decimal(120), Decimal(2))]


def _plan(world, **extra) -> Plan:
    fields = {"name": "Deposits and loans", "metric": "sales_amount", "tiers": TIERS} | extra
    return services.plan_save(actor=world.one.actor("admin"), **fields)


def _sales(world):
    """manager: ¥100,000 deposits + ¥50,000 loans in October (goal ¥125,000: 120 %); teammate
    ¥40,000 deposits (goal ¥50,000: 80 %)."""
    one = world.one
    sales = {}
    for key, who, day, line, amount in [
        ("deposit", "manager", 3, "Deposits", 100_000_00),
        ("loan", "manager", 20, "Loans", 50_000_00),
        ("team", "teammate", 15, "Deposits", 40_000_00),
    ]:
        sales[key] = SaleFactory(
            customer=one.customers[who], ordered_on=dt.date(2026, 10, day), amount_minor=amount, product_line=line
        )
    for who, target in (("manager", 125_000_00), ("teammate", 50_000_00)):
        Goal.objects.create(
            org=one.org, title="October sales", metric="sales_amount", level=Goal.Level.PERSON,
            person=getattr(one, who), starts_on=OCTOBER.start, ends_on=OCTOBER.end, target=target,
            status=Goal.Status.ACTIVE,
        )  # fmt: skip
    rollups_rebuild(org=one.org)
    return sales


def _run(world, plan, period, capture) -> PayoutRun:
    with capture(execute=True):
        run = services.payout_run_start(
            actor=world.one.actor("admin"), plan_id=plan.pk, starts_on=period.start, ends_on=period.end
        )
    run.refresh_from_db()
    assert run.status == PayoutRun.Status.CALCULATED, run.failure
    return run


def _approve(world, run):
    return services.payout_run_approve(actor=world.one.actor("director"), run=run, reason="Checked")


def _check_sums(run):
    """A run's total is the sum of its lines; each line's the sum of its items, exactly."""
    assert run.total_minor == run.lines.aggregate(total=Sum("amount_minor"))["total"]
    for line in run.lines.all():
        assert sum(d.exact_amount for d in line.details.all()) == line.calculated_minor


def test_whole_amount_per_product_with_accelerator_and_cap_worked_by_hand(world, django_capture_on_commit_callbacks):
    """manager, whole-amount: other lines ¥100,000 reach the 3 % tier (inclusive) → 3,000;
    Loans ¥50,000 at 4 % → 2,000; 120 % of goal → × 2 = 10,000; cap 9,000 → 9,000.
    teammate: ¥40,000 at 2 % = 800; 80 % of goal: no accelerator."""
    _sales(world)
    plan = _plan(world, tier_mode="whole", accelerators=ACCELERATORS, cap_minor=9_000_00)
    run = _run(world, plan, OCTOBER, django_capture_on_commit_callbacks)
    lines = {line.person.username: line for line in run.lines.select_related("person")}
    manager, teammate = lines["one_manager"], lines["one_teammate"]
    assert (manager.amount_minor, teammate.amount_minor) == (9_000_00, 800_00)
    assert (manager.multiplier, manager.attainment_percent) == (Decimal(2), Decimal("120.0"))
    assert (teammate.multiplier, teammate.attainment_percent) == (Decimal(1), Decimal("80.0"))
    items = [(d.kind, d.product_line, d.rate_percent, d.exact_amount) for d in manager.details.all()]
    assert items == [
        ("tier", "", Decimal(3), Decimal(300_000)),
        ("tier", "Loans", Decimal(4), Decimal(200_000)),
        ("accelerator", "", None, Decimal(500_000)),
        ("cap", "", None, Decimal(-100_000)),
    ]
    assert manager.rates == {"": "6.000000", "Loans": "8.000000"}
    assert run.terms == {
        "mode": "whole",
        "accelerators": [["100.00", "1.50"], ["120.00", "2.00"]],
        "cap": 9_000_00,
        "floor": None,
    }
    _check_sums(run)


def test_a_cancelled_paid_order_is_clawed_back_in_the_next_run_never_in_the_locked_one(
    world, django_capture_on_commit_callbacks
):
    sales = _sales(world)
    Sale.objects.filter(pk=sales["team"].pk).update(status=Sale.Status.CANCELLED)  # cancelled before: never paid
    rollups_rebuild(org=world.one.org)
    plan = _plan(world)  # marginal, no accelerator: Loans paid at 4 %
    october = _approve(world, _run(world, plan, OCTOBER, django_capture_on_commit_callbacks))
    before = list(october.lines.values_list("person_id", "amount_minor"))
    Sale.objects.filter(pk=sales["loan"].pk).update(status=Sale.Status.CANCELLED)
    rollups_rebuild(org=world.one.org)

    november = _run(world, plan, NOVEMBER, django_capture_on_commit_callbacks)
    line = november.lines.get()
    claw = line.details.get()
    assert (line.person, line.amount_minor, line.basis_minor) == (world.one.manager, -2_000_00, 0)
    assert (claw.kind, claw.sale_id, claw.source_run_id, claw.rate_percent) == (
        "clawback", sales["loan"].pk, october.pk, Decimal(4)
    )  # fmt: skip
    october.refresh_from_db()
    assert list(october.lines.values_list("person_id", "amount_minor")) == before  # the locked run is untouched
    _check_sums(november)
    # Cancelling the November run and running it again claws back once more (the first never paid);
    # once approved, no later run takes it back again.
    services.payout_run_cancel(actor=world.one.actor("admin"), run=november, reason="Redo")
    again = _approve(world, _run(world, plan, NOVEMBER, django_capture_on_commit_callbacks))
    assert again.total_minor == -2_000_00
    assert payroll._clawbacks(again, "sales_amount") == {}


def test_a_plan_applies_by_person_role_or_team_within_its_dates(world, django_capture_on_commit_callbacks):
    _sales(world)
    one = world.one
    assigned = services.Assignment
    by_person = _plan(world, name="Person", assignments=[assigned(OCTOBER.start, person_id=one.teammate.pk)])
    by_team = _plan(world, name="Team", assignments=[assigned(dt.date(2026, 1, 1), team_id=one.team_a.pk)])
    expired = _plan(
        world, name="Expired", assignments=[assigned(dt.date(2026, 1, 1), dt.date(2026, 9, 30), role="manager")]
    )
    by_role = _plan(world, name="Role", assignments=[assigned(dt.date(2026, 10, 31), role="manager")])

    def paid(plan):
        run = _run(world, plan, OCTOBER, django_capture_on_commit_callbacks)
        return {line.person.username: line.amount_minor for line in run.lines.select_related("person")}

    assert paid(by_person) == {"one_teammate": 800_00}
    # The teammate is on two plans: both pay, each in its own run and line.
    assert paid(by_team) == {"one_manager": 4_000_00, "one_teammate": 800_00}
    assert paid(expired) == {}
    assert paid(by_role) == {"one_manager": 4_000_00, "one_teammate": 800_00}
    assert PayoutLine.objects.filter(person=one.teammate).count() == 3


def test_a_floor_is_paid_to_everyone_the_plan_applies_to(world, django_capture_on_commit_callbacks):
    _sales(world)
    plan = _plan(
        world,
        floor_minor=1_000_00,
        assignments=[services.Assignment(OCTOBER.start, person_id=world.one.sub_manager.pk)],
    )
    run = _run(world, plan, OCTOBER, django_capture_on_commit_callbacks)
    line = run.lines.get()
    assert (line.person, line.amount_minor, line.details.get().kind) == (world.one.sub_manager, 1_000_00, "draw")


@pytest.mark.parametrize(
    "fields,field",
    [
        ({"tiers": [Tier(100_00, Decimal(3)), Tier(0, Decimal(2))]}, "tiers"),  # unordered
        ({"tiers": [Tier(0, Decimal(2)), Tier(0, Decimal(3))]}, "tiers"),  # overlapping
        ({"cap_minor": -1}, "cap"),
        ({"floor_minor": -1}, "floor"),
        ({"cap_minor": 100, "floor_minor": 200}, "floor"),
        ({"tier_mode": "stepped"}, "tier_mode"),
        (
            {"accelerators": [Accelerator(Decimal(120), Decimal(2)), Accelerator(Decimal(100), Decimal(1))]},
            "accelerators",
        ),
        ({"accelerators": [Accelerator(Decimal(100), Decimal(0))]}, "accelerators"),
        ({"assignments": [services.Assignment(OCTOBER.start)]}, "applies_to"),
        ({"assignments": [services.Assignment(OCTOBER.start, role="manager", person_id=1)]}, "applies_to"),
        (
            {"assignments": [services.Assignment(OCTOBER.start, OCTOBER.start - dt.timedelta(1), role="lead")]},
            "applies_to",
        ),
    ],
)
def test_bad_terms_are_refused_by_field_and_nothing_changes(world, fields, field):
    plan = _plan(world, cap_minor=5_00)
    audited = AuditEntry.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        services.plan_save(
            actor=world.one.actor("admin"), plan=plan, name=plan.name, metric=plan.metric,
            tiers=fields.pop("tiers", TIERS), **fields,
        )  # fmt: skip
    assert field in refused.value.errors
    plan.refresh_from_db()
    assert (plan.cap_minor, plan.tiers.count(), AuditEntry.objects.count()) == (5_00, 3, audited)


def test_a_team_or_person_of_another_organisation_is_a_field_error(world):
    for assignment in (
        services.Assignment(OCTOBER.start, team_id=world.two.team_a.pk),
        services.Assignment(OCTOBER.start, person_id=world.two.manager.pk),
    ):
        with pytest.raises(ValidationFailed) as refused:
            _plan(world, assignments=[assignment])
        assert "applies_to" in refused.value.errors
    assert not Plan.objects.exists()


def test_changing_the_terms_is_audited_field_by_field(world):
    plan = _plan(world)
    before = AuditEntry.objects.count()
    services.plan_save(
        actor=world.one.actor("admin"), plan=plan, name=plan.name, metric=plan.metric, tiers=TIERS,
        tier_mode="whole", cap_minor=9_000_00, accelerators=ACCELERATORS[:1], reason="2027 terms",
    )  # fmt: skip
    entries = {e.field: (e.before, e.after, e.reason) for e in AuditEntry.objects.order_by("pk")[before:]}
    assert entries == {
        "tier_mode": ("marginal", "whole", "2027 terms"),
        "cap": ("", "9000.00", "2027 terms"),
        "accelerators": ("", "≥ 100.00 %: × 1.50", "2027 terms"),
    }


def test_acting_on_an_approved_run_is_refused_and_changes_nothing(world, django_capture_on_commit_callbacks):
    _sales(world)
    run = _approve(world, _run(world, _plan(world), OCTOBER, django_capture_on_commit_callbacks))
    line = run.lines.get(person=world.one.manager)
    with pytest.raises(ValidationFailed):
        services.payout_line_adjust(actor=world.one.actor("director"), line=line, amount_minor=1, reason="x")
    with pytest.raises(ValidationFailed):
        services.payout_run_cancel(actor=world.one.actor("admin"), run=run, reason="x")
    line.refresh_from_db()
    run.refresh_from_db()
    assert (line.amount_minor, run.status) == (line.calculated_minor, PayoutRun.Status.APPROVED)


# --- who sees a statement --------------------------------------------------------------------------


@pytest.fixture
def statement_run(world, django_capture_on_commit_callbacks):
    _sales(world)
    plan = _plan(world, accelerators=ACCELERATORS)
    return _run(world, plan, OCTOBER, django_capture_on_commit_callbacks)


ROUTES = ("/pay/lines/{}/statement/", "/pay/lines/{}/statement/?format=pdf", "/pay/lines/{}/statement/?format=xlsx")


def _status(client, user, url):
    client.force_login(user)
    return client.get(url).status_code


def test_a_statement_is_seen_by_the_person_once_approved_their_lead_and_pay_admins_only(world, client, statement_run):
    one = world.one
    line = statement_run.lines.get(person=one.manager)
    for route in ROUTES:
        url = route.format(line.pk)
        assert _status(client, one.manager, url) == 404  # not yet approved
        for user in (one.lead, one.admin, one.director):
            assert _status(client, user, url) == 200, (user, url)
        for user in (one.teammate, one.other_lead, one.analyst, world.two.admin):
            assert _status(client, user, url) in (403, 404), (user, url)
    api = f"/api/v1/payout-lines/{line.pk}/statement"
    assert _status(client, one.teammate, api) == 404
    assert _status(client, one.analyst, api) in (403, 404)
    _approve(world, statement_run)
    for route in (*ROUTES, "/api/v1/payout-lines/{}/statement"):
        assert _status(client, one.manager, route.format(line.pk)) == 200
        assert _status(client, one.teammate, route.format(line.pk)) == 404


def test_the_statement_page_and_api_say_each_item(world, client, statement_run):
    line = statement_run.lines.get(person=world.one.manager)
    client.force_login(world.one.admin)
    body = client.get(f"/pay/lines/{line.pk}/statement/").content.decode()
    assert "Loans" in body and "ROUND_HALF_UP" in body
    data = client.get(f"/api/v1/payout-lines/{line.pk}/statement").json()
    assert data["multiplier"] == "2.00" and data["attainment_percent"] == "120.0"
    assert [(i["kind"], i["product_line"], i["exact_amount"]) for i in data["items"]] == [
        ("tier", "", "2000.0000"),
        ("tier", "Loans", "2000.0000"),
        ("accelerator", "", "4000.0000"),
    ]
    assert data["amount"] == "8000.00"
    pdf = client.get(f"/pay/lines/{line.pk}/statement/?format=pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_the_runs_export_lists_every_statement_item_for_pay_admins_only(world, client, statement_run):
    url = f"/pay/runs/{statement_run.pk}/export/?format=csv&detail=items"
    client.force_login(world.one.director)
    body = b"".join(client.get(url).streaming_content).decode()
    assert "one_manager" in body and "Loans" in body and "Accelerator" in body and "4000.0000" in body
    for user in (world.one.lead, world.one.manager, world.one.analyst):
        assert _status(client, user, url) in (403, 404)


def test_saving_a_plan_from_its_page_keeps_the_terms_set_through_the_api(world, client):
    plan = _plan(world, accelerators=ACCELERATORS, assignments=[services.Assignment(OCTOBER.start, role="manager")])
    client.force_login(world.one.admin)
    form = {
        "name": plan.name, "metric": "sales_amount", "is_active": "on", "tier_mode": "whole", "cap": "-1",
        "tiers-TOTAL_FORMS": "1", "tiers-INITIAL_FORMS": "0",
        "tiers-0-starts_at": "0", "tiers-0-rate_percent": "2", "tiers-0-product_line": "Loans",
    }  # fmt: skip
    response = client.post(f"/pay/plans/{plan.pk}/edit/", form)
    assert response.status_code == 200 and "A cap is zero or more." in response.content.decode()
    response = client.post(f"/pay/plans/{plan.pk}/edit/", form | {"cap": "500"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.tier_mode, plan.cap_minor, plan.accelerators.count(), plan.assignments.count()) == (
        "whole",
        500_00,
        2,
        1,
    )
    assert list(plan.tiers.values_list("product_line", flat=True)) == ["Loans"]


def test_the_api_takes_and_gives_the_terms_and_refuses_bad_ones_by_field(world, client):
    client.force_login(world.one.admin)
    body = {
        "name": "API plan", "metric": "sales_amount", "tier_mode": "whole", "cap": "9000.00", "floor": "100.00",
        "tiers": [
            {"starts_at": "0", "rate_percent": "2"},
            {"starts_at": "0", "rate_percent": "4", "product_line": "Loans"},
        ],
        "accelerators": [{"from_percent": "100", "multiplier": "1.5"}],
        "applies_to": [{"role": "manager", "starts_on": "2026-10-01"}],
    }  # fmt: skip
    created = client.post("/api/v1/plans", body, content_type="application/json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["tier_mode"], data["cap"], data["floor"]) == ("whole", "9000.00", "100.00")
    assert data["accelerators"] == [{"from_percent": "100.00", "multiplier": "1.50"}]
    assert data["applies_to"][0]["role"] == "manager" and data["tiers"][1]["product_line"] == "Loans"
    for change, field in (
        ({"cap": "-1.00"}, "cap"),
        ({"tiers": [{"starts_at": "100", "rate_percent": "2"}, {"starts_at": "0", "rate_percent": "3"}]}, "tiers"),
        ({"applies_to": [{"team": world.two.team_a.pk, "starts_on": "2026-10-01"}]}, "applies_to"),
    ):
        refused = client.put(f"/api/v1/plans/{data['id']}", body | change, content_type="application/json")
        assert refused.status_code == 400 and field in {e["field"] for e in refused.json()["errors"]}, refused.content
    assert Plan.objects.get().cap_minor == 9_000_00
