"""Commission plans and payout runs: the maths against worked examples and a brute-force
reference, the run's life (start, calculate, adjust, approve, cancel), who sees pay, and the
audit row each change writes."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.incentives import services
from pacekeeper.incentives.commission import Tier, commission_minor
from pacekeeper.incentives.models import PayoutLine, PayoutRun, Plan
from pacekeeper.kpis.periods import Period
from pacekeeper.kpis.rollups import rollups_rebuild
from pacekeeper.tenancy.models import AuditEntry, Organization
from tests.factories import SaleFactory

OCTOBER = Period.month(2026, 10)
# 2 % up to ¥100,000; 3 % from ¥100,000 to ¥300,000; 5 % above.
TIERS = [Tier(0, Decimal("2")), Tier(100_000_00, Decimal("3")), Tier(300_000_00, Decimal("5"))]


# --- the maths ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "basis,expected",
    [
        (0, 0),
        (-5_000_00, 0),  # returns larger than sales pay nothing
        (50_000_00, 1_000_00),  # 2 % of 50,000
        (100_000_00, 2_000_00),  # exactly the first threshold
        (150_000_00, 3_500_00),  # 2,000 + 3 % of 50,000
        (400_000_00, 13_000_00),  # 2,000 + 6,000 + 5 % of 100,000
        (33, 1),  # 0.66 fen rounds half up to 1
        (25, 1),  # 0.5 fen rounds up
        (24, 0),  # 0.48 fen rounds down
    ],
)
def test_it_pays_marginal_tiers_worked_by_hand(basis, expected):
    assert commission_minor(basis, TIERS) == expected


def test_nothing_is_paid_below_the_lowest_threshold():
    tiers = [Tier(10_000_00, Decimal("10"))]
    assert commission_minor(9_999_99, tiers) == 0
    assert commission_minor(12_000_00, tiers) == 200_00


def _by_rate_steps(basis: int, tiers: list[Tier]) -> int:
    """Reference: each threshold adds the change in rate on everything above it (a different
    decomposition of the same scale), in exact fractions, rounded half up by hand."""
    total = Fraction(0)
    previous_rate = Fraction(0)
    for tier in sorted(tiers, key=lambda tier: tier.from_minor):
        rate = Fraction(tier.rate_percent) / 100
        total += (rate - previous_rate) * max(0, basis - tier.from_minor)
        previous_rate = rate
    whole, remainder = divmod(total, 1)
    return int(whole) + (1 if remainder >= Fraction(1, 2) else 0)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)  # 2 cores shared by many sessions
@given(
    basis=st.integers(min_value=0, max_value=10**12),
    tiers=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=10**10),
            st.decimals(min_value=0, max_value=100, places=3, allow_nan=False, allow_infinity=False),
        ),
        min_size=1,
        max_size=6,
        unique_by=lambda pair: pair[0],
    ),
)
def test_commission_matches_a_brute_force_reference(basis, tiers):
    tiers = [Tier(start, rate) for start, rate in tiers]
    assert commission_minor(basis, tiers) == _by_rate_steps(basis, tiers)


# --- plans ----------------------------------------------------------------------------------------


def _plan(world, **extra) -> Plan:
    fields = {"name": "Sales commission", "metric": "sales_amount", "tiers": TIERS} | extra
    return services.plan_save(actor=world.one.actor("admin"), **fields)


def test_only_the_org_admin_sets_plans(world):
    with pytest.raises(Forbidden):
        services.plan_save(actor=world.one.actor("director"), name="X", metric="sales_amount", tiers=TIERS)


@pytest.mark.parametrize(
    "fields,field",
    [
        ({"name": " "}, "name"),
        ({"metric": "visits"}, "metric"),
        ({"tiers": []}, "tiers"),
        ({"tiers": [Tier(0, Decimal(1)), Tier(0, Decimal(2))]}, "tiers"),
        ({"tiers": [Tier(0, Decimal("100.5"))]}, "tiers"),
    ],
)
def test_a_bad_plan_is_refused_field_by_field_and_nothing_is_saved(world, fields, field):
    with pytest.raises(ValidationFailed) as refused:
        _plan(world, **fields)
    assert field in refused.value.errors
    assert not Plan.objects.exists()


def test_changing_a_plans_rules_is_audited_once_with_before_and_after(world):
    plan = _plan(world)
    before = AuditEntry.objects.count()
    services.plan_save(
        actor=world.one.actor("admin"),
        plan=plan,
        name=plan.name,
        metric=plan.metric,
        tiers=[Tier(0, Decimal("2.5"))],
        reason="Simpler scale for 2027",
    )
    entries = list(AuditEntry.objects.order_by("pk")[before:])
    assert [(entry.field, entry.reason) for entry in entries] == [("rules", "Simpler scale for 2027")]
    assert entries[0].before == "≥ 0.00: 2.000 %; ≥ 100000.00: 3.000 %; ≥ 300000.00: 5.000 %"
    assert entries[0].after == "≥ 0.00: 2.500 %"
    assert list(plan.tiers.values_list("from_minor", "rate_percent")) == [(0, Decimal("2.500"))]


def test_the_org_admin_sets_up_a_plan_from_the_page(world, client):
    client.force_login(world.one.admin)
    form = {
        "name": "Deposits", "metric": "sales_amount", "is_active": "on",
        "tiers-TOTAL_FORMS": "3", "tiers-INITIAL_FORMS": "0",
    }  # fmt: skip
    response = client.post("/pay/plans/new/", form)
    assert response.status_code == 200 and "Give at least one rule." in response.content.decode()
    assert not Plan.objects.exists()
    rows = {
        "tiers-0-starts_at": "0",
        "tiers-0-rate_percent": "1.5",
        "tiers-1-starts_at": "500000",
        "tiers-1-rate_percent": "2",
    }
    response = client.post("/pay/plans/new/", form | rows)
    plan = Plan.objects.get()
    assert response.status_code == 302
    assert list(plan.tiers.values_list("from_minor", "rate_percent")) == [(0, Decimal("1.5")), (500_000_00, Decimal(2))]
    client.force_login(world.one.director)
    assert client.post("/pay/plans/new/", form | rows | {"name": "Other"}).status_code == 403


# --- runs -----------------------------------------------------------------------------------------


def _october_sales(world):
    """manager ¥150,000 in two orders; teammate ¥40,000; sub_manager ¥400,000; other_manager a
    ¥10,000 sale and a ¥20,000 return (net negative: no line). A September sale stays out."""
    one = world.one
    for who, day, amount in [
        ("manager", 3, 100_000_00),
        ("manager", 31, 50_000_00),
        ("teammate", 15, 40_000_00),
        ("sub_manager", 20, 400_000_00),
        ("other_manager", 2, 10_000_00),
        ("other_manager", 9, -20_000_00),
    ]:
        SaleFactory(customer=one.customers[who], ordered_on=dt.date(2026, 10, day), amount_minor=amount)
    SaleFactory(customer=one.customers["manager"], ordered_on=dt.date(2026, 9, 30), amount_minor=999_000_00)
    SaleFactory(customer=world.two.customers["manager"], ordered_on=dt.date(2026, 10, 5), amount_minor=500_000_00)
    rollups_rebuild(org=one.org)


@pytest.fixture
def calculated_run(world, django_capture_on_commit_callbacks):
    _october_sales(world)
    plan = _plan(world)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.payout_run_start(  # the admin starts it, so the director may approve it
            actor=world.one.actor("admin"), plan_id=plan.pk, starts_on=OCTOBER.start, ends_on=OCTOBER.end
        )
    run.refresh_from_db()
    return run


def _amounts(run) -> dict[str, int]:
    return dict(run.lines.values_list("person__username", "amount_minor"))


def test_a_run_pays_each_manager_their_periods_figure_by_the_plan(calculated_run):
    run = calculated_run
    assert run.status == PayoutRun.Status.CALCULATED
    assert _amounts(run) == {"one_manager": 3_500_00, "one_teammate": 800_00, "one_sub_manager": 13_000_00}
    assert dict(run.lines.values_list("person__username", "basis_minor")) == {
        "one_manager": 150_000_00,
        "one_teammate": 40_000_00,
        "one_sub_manager": 400_000_00,
    }
    assert run.total_minor == 3_500_00 + 800_00 + 13_000_00
    recorded = AuditEntry.objects.filter(object_type="incentives.payoutrun", object_id=str(run.pk)).order_by("pk")
    assert [(entry.field, entry.after, entry.channel) for entry in recorded] == [
        ("status", "queued", "page"),
        ("total", "17300.00", "system"),
    ]
    assert run.rules == [[0, "2.000"], [100_000_00, "3.000"], [300_000_00, "5.000"]]


def test_a_run_keeps_the_rules_it_applied_when_the_plan_changes(world, calculated_run):
    plan = calculated_run.plan
    services.plan_save(
        actor=world.one.actor("admin"), plan=plan, name=plan.name, metric=plan.metric, tiers=[Tier(0, Decimal(9))]
    )
    calculated_run.refresh_from_db()
    assert calculated_run.rules == [[0, "2.000"], [100_000_00, "3.000"], [300_000_00, "5.000"]]


def test_a_second_run_for_the_same_plan_and_period_is_refused_until_the_first_is_cancelled(world, calculated_run):
    director = world.one.actor("director")
    with pytest.raises(ValidationFailed):
        services.payout_run_start(
            actor=director, plan_id=calculated_run.plan.pk, starts_on=OCTOBER.start, ends_on=OCTOBER.end
        )
    services.payout_run_cancel(actor=director, run=calculated_run, reason="Sales corrected")
    again = services.payout_run_start(
        actor=director, plan_id=calculated_run.plan.pk, starts_on=OCTOBER.start, ends_on=OCTOBER.end
    )
    assert again.status == PayoutRun.Status.QUEUED


def test_a_run_is_for_a_period_that_has_ended(world):
    plan = _plan(world)
    today = world.one.actor("director").today()  # in the organisation's time zone
    this_month = Period(today.replace(day=1), today)
    with pytest.raises(ValidationFailed) as refused:
        services.payout_run_start(
            actor=world.one.actor("director"), plan_id=plan.pk, starts_on=this_month.start, ends_on=this_month.end
        )
    assert "ends_on" in refused.value.errors
    assert not PayoutRun.objects.exists()


def test_leads_and_managers_do_not_run_pay(world):
    plan = _plan(world)
    for role in ("lead", "manager", "analyst"):
        with pytest.raises(Forbidden):
            services.payout_run_start(
                actor=world.one.actor(role), plan_id=plan.pk, starts_on=OCTOBER.start, ends_on=OCTOBER.end
            )


def _line(run, username) -> PayoutLine:
    return run.lines.get(person__username=username)


def test_adjusting_a_line_needs_a_reason_and_moves_the_total_with_one_audit_row(world, calculated_run):
    run, director = calculated_run, world.one.actor("director")
    line = _line(run, "one_teammate")
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        services.payout_line_adjust(actor=director, line=line, amount_minor=1_000_00, reason="  ")
    assert "reason" in refused.value.errors
    assert AuditEntry.objects.count() == before
    services.payout_line_adjust(actor=director, line=line, amount_minor=1_000_00, reason="Shared deal with CIB")
    run.refresh_from_db()
    assert run.total_minor == 3_500_00 + 1_000_00 + 13_000_00
    assert _line(run, "one_teammate").calculated_minor == 800_00
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.latest("pk")
    assert (entry.object_type, entry.field, entry.before, entry.after, entry.reason) == (
        "incentives.payoutline",
        "amount",
        "800.00",
        "1000.00",
        "Shared deal with CIB",
    )


def test_approving_needs_the_approver_role_and_a_reason_and_happens_once(world, calculated_run):
    run = calculated_run
    with pytest.raises(Forbidden):
        services.payout_run_approve(actor=world.one.actor("admin"), run=run, reason="ok")
    with pytest.raises(ValidationFailed):
        services.payout_run_approve(actor=world.one.actor("director"), run=run, reason="")
    count = AuditEntry.objects.filter(field="status", after="approved").count()
    services.payout_run_approve(actor=world.one.actor("director"), run=run, reason="October checked against the GL")
    run.refresh_from_db()
    assert (run.status, run.approved_by) == (PayoutRun.Status.APPROVED, world.one.director)
    assert AuditEntry.objects.filter(field="status", after="approved").count() == count + 1
    with pytest.raises(ValidationFailed):
        services.payout_run_approve(actor=world.one.actor("director"), run=run, reason="again")
    with pytest.raises(ValidationFailed):
        services.payout_line_adjust(
            actor=world.one.actor("director"), line=_line(run, "one_manager"), amount_minor=0, reason="late"
        )
    with pytest.raises(ValidationFailed):
        services.payout_run_cancel(actor=world.one.actor("director"), run=run, reason="too late")


def test_a_run_cancelled_while_queued_is_not_calculated(world):
    _october_sales(world)
    run = services.payout_run_start(
        actor=world.one.actor("director"), plan_id=_plan(world).pk, starts_on=OCTOBER.start, ends_on=OCTOBER.end
    )
    PayoutRun.objects.filter(pk=run.pk).update(status=PayoutRun.Status.CANCELLED)
    services.calculate(run.pk)  # the queued task finds it cancelled: nothing to do
    assert not PayoutLine.objects.exists()


def test_a_run_cancelled_during_its_calculation_keeps_no_lines(world, monkeypatch):
    _october_sales(world)
    run = services.payout_run_start(
        actor=world.one.actor("director"), plan_id=_plan(world).pk, starts_on=OCTOBER.start, ends_on=OCTOBER.end
    )
    read_figures = services._lines

    def cancelled_meanwhile(run):
        lines = read_figures(run)
        services.payout_run_cancel(actor=world.one.actor("admin"), run=run, reason="Sales being corrected")
        return lines

    monkeypatch.setattr(services, "_lines", cancelled_meanwhile)
    services.calculate(run.pk)
    run.refresh_from_db()
    assert (run.status, run.total_minor) == (PayoutRun.Status.CANCELLED, 0)
    assert not PayoutLine.objects.exists()


def test_cancelling_and_running_again_write_one_audit_row_each(world, calculated_run):
    director = world.one.actor("director")
    recorded = AuditEntry.objects.filter(object_type="incentives.payoutrun", object_id=str(calculated_run.pk))
    before = recorded.count()
    services.payout_run_cancel(actor=director, run=calculated_run, reason="Sales corrected")
    assert list(recorded.order_by("pk").values_list("field", "before", "after", "reason")[before:]) == [
        ("status", "calculated", "cancelled", "Sales corrected")
    ]
    failed = services.payout_run_start(
        actor=director, plan_id=calculated_run.plan_id, starts_on=OCTOBER.start, ends_on=OCTOBER.end
    )
    PayoutRun.objects.filter(pk=failed.pk).update(status=PayoutRun.Status.FAILED)
    services.payout_run_rerun(actor=director, run=failed)
    rerun_rows = AuditEntry.objects.filter(
        object_type="incentives.payoutrun", object_id=str(failed.pk), before="failed"
    )
    assert list(rerun_rows.values_list("field", "after")) == [("status", "queued")]


# --- who sees pay ---------------------------------------------------------------------------------


def _visible_lines(world, role) -> set[str]:
    return set(PayoutLine.objects.visible_to(world.one.actor(role)).values_list("person__username", flat=True))


def test_pay_is_seen_by_pay_admins_the_lead_and_the_person_once_approved(world, calculated_run):
    everyone = {"one_manager", "one_teammate", "one_sub_manager"}
    assert _visible_lines(world, "admin") == everyone
    assert _visible_lines(world, "director") == everyone
    assert _visible_lines(world, "lead") == everyone  # all three are in the lead's teams
    assert _visible_lines(world, "analyst") == set()
    assert _visible_lines(world, "manager") == set()  # not approved yet
    assert _visible_lines(world, "other_lead") == set()
    services.payout_run_approve(actor=world.one.actor("director"), run=calculated_run, reason="ok")
    assert _visible_lines(world, "manager") == {"one_manager"}
    assert not PayoutLine.objects.visible_to(world.two.actor("director")).exists()


def test_the_pay_pages_show_each_role_what_it_may_see(world, calculated_run, client):
    services.payout_run_approve(actor=world.one.actor("director"), run=calculated_run, reason="ok")
    client.force_login(world.one.manager)
    page = client.get("/pay/").content.decode()
    assert "3,500.00" in page and "800.00" not in page and "13,000.00" not in page
    client.force_login(world.one.director)
    page = client.get(f"/pay/runs/{calculated_run.pk}/").content.decode()
    assert "17,300.00" in page and "one teammate" in page
    client.force_login(world.one.analyst)
    assert client.get("/pay/").status_code == 403
    assert client.get(f"/pay/runs/{calculated_run.pk}/").status_code == 404


def test_a_run_exports_for_payroll_to_pay_admins_only(world, calculated_run, client):
    client.force_login(world.one.director)
    response = client.get(f"/pay/runs/{calculated_run.pk}/export/?format=csv")
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0] == "Employee number,Username,Person,Basis,By the plan,Payable,Reason for the adjustment"
    assert sorted(lines[1:]) == [
        ",one_manager,one manager,150000.00,3500.00,3500.00,",
        ",one_sub_manager,one sub_manager,400000.00,13000.00,13000.00,",
        ",one_teammate,one teammate,40000.00,800.00,800.00,",
    ]
    client.force_login(world.one.lead)
    assert client.get(f"/pay/runs/{calculated_run.pk}/export/?format=csv").status_code == 404


def test_the_admin_starts_a_run_and_the_director_approves_it_below_its_lines(
    world, client, django_capture_on_commit_callbacks
):
    _october_sales(world)
    plan = _plan(world)
    client.force_login(world.one.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/pay/runs/new/", {"plan": plan.pk, "starts_on": "2026-10-01", "ends_on": "2026-10-31"})
    run = PayoutRun.objects.get()
    assert response.status_code == 302 and run.status == PayoutRun.Status.CALCULATED
    client.force_login(world.one.director)
    page = client.get(f"/pay/runs/{run.pk}/").content.decode()
    # The form asks once, saying how many people and what total, below the lines it approves.
    assert "Approve pay for 3 people, ¥17,300.00 in all" in page
    assert page.index("one sub_manager") < page.index('id="approval"')
    # The run's history shows its total as money, like the rest of the page (DESIGN rule 11).
    assert "— → ¥17,300.00" in page and "17300.00" not in page
    # No note: said beside the note's field, on the run's page (not a banner above it).
    response = client.post(f"/pay/runs/{run.pk}/approve/", {"reason": ""})
    assert response.status_code == 400 and response.context["approve_form"].errors["reason"]
    assert 'id="approve-reason-error"' in response.content.decode()
    # A total that moved since the page was read: refused beside the form, the note kept.
    response = client.post(f"/pay/runs/{run.pk}/approve/", {"reason": "Checked", "total": "1"})
    assert response.status_code == 400 and 'value="Checked"' in response.content.decode()
    assert response.context["approve_form"].errors
    run.refresh_from_db()
    assert run.status == PayoutRun.Status.CALCULATED  # no reason, no approval
    client.post(f"/pay/runs/{run.pk}/approve/", {"reason": "Checked", "total": "1730000"})
    run.refresh_from_db()
    assert run.status == PayoutRun.Status.APPROVED


def test_whoever_started_a_run_cannot_approve_it(world, django_capture_on_commit_callbacks, client):
    _october_sales(world)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.payout_run_start(
            actor=world.one.actor("director"), plan_id=_plan(world).pk, starts_on=OCTOBER.start, ends_on=OCTOBER.end
        )
    with pytest.raises(Forbidden):
        services.payout_run_approve(actor=world.one.actor("director"), run=run, reason="my own")
    run.refresh_from_db()
    assert run.status == PayoutRun.Status.CALCULATED
    client.force_login(world.one.director)
    page = client.get(f"/pay/runs/{run.pk}/").content.decode()
    assert "someone else who approves pay approves it" in page and "/approve/" not in page
    client.post(f"/pay/runs/{run.pk}/approve/", {"reason": "my own"})
    run.refresh_from_db()
    assert run.status == PayoutRun.Status.CALCULATED


def test_a_one_person_organisation_turns_the_second_approver_off_and_is_audited(
    world, django_capture_on_commit_callbacks
):
    Organization.objects.filter(pk=world.one.org.pk).update(payout_second_approver=False)
    _october_sales(world)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.payout_run_start(
            actor=world.one.actor("director"), plan_id=_plan(world).pk, starts_on=OCTOBER.start, ends_on=OCTOBER.end
        )
    services.payout_run_approve(actor=world.one.actor("director"), run=run, reason="one-person branch")
    run.refresh_from_db()
    assert run.status == PayoutRun.Status.APPROVED
    trail = AuditEntry.objects.filter(object_type="incentives.payoutrun", object_id=str(run.pk), field="approval")
    assert [(row.actor_id, row.reason) for row in trail] == [(world.one.director.pk, "one-person branch")]
    assert "person who started it" in trail.get().after


def test_an_approval_of_a_total_that_changed_since_is_refused(world, calculated_run):
    services.payout_line_adjust(
        actor=world.one.actor("admin"), line=_line(calculated_run, "one_manager"), amount_minor=0, reason="left"
    )
    with pytest.raises(ValidationFailed) as refused:
        services.payout_run_approve(
            actor=world.one.actor("director"), run=calculated_run, reason="ok", expected_total_minor=17_300_00
        )
    assert "13,800.00" in str(refused.value.errors["total"])
    calculated_run.refresh_from_db()
    assert calculated_run.status == PayoutRun.Status.CALCULATED


def test_a_correction_may_take_pay_back_below_zero_with_a_reason(world, calculated_run, client):
    line = _line(calculated_run, "one_teammate")
    with pytest.raises(ValidationFailed):
        services.payout_line_adjust(actor=world.one.actor("admin"), line=line, amount_minor=-500_00, reason="")
    services.payout_line_adjust(
        actor=world.one.actor("admin"), line=line, amount_minor=-500_00, reason="September overpaid by ¥1,300"
    )
    calculated_run.refresh_from_db()
    assert calculated_run.total_minor == 3_500_00 - 500_00 + 13_000_00
    client.force_login(world.one.admin)
    response = client.patch(
        f"/api/v1/payout-lines/{_line(calculated_run, 'one_manager').pk}",
        {"amount": "-10.00", "reason": "correction"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["amount"] == "-10.00"


def test_the_api_refuses_an_adjustment_without_a_reason_and_keeps_the_amount(world, calculated_run, client):
    line = _line(calculated_run, "one_manager")
    client.force_login(world.one.director)
    response = client.patch(f"/api/v1/payout-lines/{line.pk}", {"amount": "1.00"}, content_type="application/json")
    assert response.status_code == 422
    response = client.patch(
        f"/api/v1/payout-lines/{line.pk}",
        {"amount": "3600.00", "reason": "Bonus deal"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["amount"] == "3600.00"
    assert client.get(f"/api/v1/payouts/{calculated_run.pk}").json()["total"] == "17400.00"


# --- two-factor sign-in for approvers -------------------------------------------------------------


def test_the_deploy_check_warns_when_payout_approvers_sign_in_without_a_second_factor(settings):
    settings.PAYOUT_APPROVER_ROLES = ["director", "lead"]
    settings.TWO_FACTOR_REQUIRED_ROLES = ["admin", "director"]
    with pytest.raises(SystemCheckError, match="lead"):
        call_command("check", "--deploy", "--fail-level", "WARNING", "--tag", "security")


def test_runs_of_one_plan_may_not_overlap(world, calculated_run):
    """Two runs sharing days would pay those days twice (a November run and a second half of
    November were both approved once)."""
    admin = world.one.actor("admin")
    with pytest.raises(ValidationFailed) as refused:
        services.payout_run_start(
            actor=admin, plan_id=calculated_run.plan.pk, starts_on=dt.date(2026, 10, 16), ends_on=OCTOBER.end
        )
    assert "starts_on" in refused.value.errors
    assert PayoutRun.objects.count() == 1


def test_nobody_adjusts_or_approves_their_own_pay(world, calculated_run):
    """Lines for a pay admin exist only in old data (nothing is credited to directors now), but
    the rule holds whatever the organisation's second-approver setting."""
    director = world.one.actor("director")
    line = _line(calculated_run, "one_teammate")
    PayoutLine.objects.filter(pk=line.pk).update(person=world.one.director)
    line.refresh_from_db()
    with pytest.raises(Forbidden):
        services.payout_line_adjust(actor=director, line=line, amount_minor=888_888_00, reason="bonus for myself")
    world.one.org.payout_second_approver = False
    world.one.org.save()
    with pytest.raises(Forbidden):
        services.payout_run_approve(actor=director, run=calculated_run, reason="ok")
    calculated_run.refresh_from_db()
    assert calculated_run.status == PayoutRun.Status.CALCULATED


def test_the_run_page_tells_someone_paid_in_it_why_they_cannot_approve_instead_of_offering_the_form(
    world, calculated_run, client
):
    PayoutLine.objects.filter(pk=_line(calculated_run, "one_teammate").pk).update(person=world.one.director)
    client.force_login(world.one.director)
    page = client.get(f"/pay/runs/{calculated_run.pk}/").content.decode()
    assert "You are paid in this run" in page
    assert f'action="/pay/runs/{calculated_run.pk}/approve/' not in page
