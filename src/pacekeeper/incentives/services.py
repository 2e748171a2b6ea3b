"""Writes for pay: plans and their rules, payout runs (start, calculate in the background,
adjust, approve, cancel, run again). Every change is audited in the same transaction; changes
to an amount and approvals carry a required reason (DESIGN rule 7)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django_tasks import task

from pacekeeper.errors import Forbidden, PacekeeperError, ValidationFailed
from pacekeeper.kpis.periods import Period
from pacekeeper.lib import date_rules, request_context
from pacekeeper.lib.formatting import format_amount, format_date
from pacekeeper.lib.jobs import close_broken_connection, heartbeat, stale_cutoff
from pacekeeper.lib.money import from_minor
from pacekeeper.tenancy.audit import JobActor, audit_record, required_reason
from pacekeeper.tenancy.scopes import Actor, may_approve_payouts, require_admin, require_pay_admin

from . import notices
from .commission import MARGINAL, MODES, Accelerator, Tier, rules_of
from .models import PayoutLine, PayoutRun, Plan, PlanAccelerator, PlanAssignment, PlanTier

# Rates are kept to a thousandth of a percent (PlanTier.rate_percent).
RATE_PLACES = Decimal("0.001")
# A run covers at most a year: commissions are paid monthly, quarterly or yearly.
LONGEST_RUN_DAYS = 366


# --- plans -------------------------------------------------------------------------------------


def rules_text(rules: list, currency: str) -> str:
    """The rules as a person reads them in the audit trail: "from 0.00: 1.000 %; …"."""
    return "; ".join(
        (f"{rule[2]} " if len(rule) > 2 else "") + f"≥ {from_minor(int(rule[0]), currency)}: {rule[1]} %"
        for rule in rules
    )


@dataclass(frozen=True)
class Assignment:
    """Who a plan applies to (exactly one of role, team id, person id), from a date to a date."""

    starts_on: dt.date
    ends_on: dt.date | None = None
    role: str = ""
    team_id: int | None = None
    person_id: int | None = None


def plan_save(
    *,
    actor: Actor,
    plan: Plan | None = None,
    name: str,
    metric: str,
    tiers: list[Tier],
    description: str = "",
    is_active: bool = True,
    reason: str = "",
    tier_mode: str = MARGINAL,
    cap_minor: int | None = None,
    floor_minor: int | None = None,
    accelerators: list[Accelerator] | None = None,
    assignments: list[Assignment] | None = None,
) -> Plan:
    """Create or change a plan and replace its rules. Plans are the org admin's (DESIGN: who
    uses it). Each changed field is one audit row; the rules are audited as a whole. Bad input
    changes nothing and names the field."""
    require_admin(actor)
    name = name.strip()
    accelerators = list(accelerators or [])
    assignments = list(assignments or [])
    errors = _plan_errors(actor, plan, name, metric, tiers)
    errors.update(_terms_errors(actor, tier_mode, cap_minor, floor_minor, accelerators, assignments))
    if errors:
        raise ValidationFailed(errors)
    currency = actor.org.currency
    tiers = [Tier(t.from_minor, t.rate_percent.quantize(RATE_PLACES), t.product_line.strip()) for t in tiers]
    new_rules = rules_of(tiers)
    with transaction.atomic():
        if plan is None:
            plan = Plan(org_id=actor.org_id, created_by=actor.user)
            before = {field: "" for field in AUDITED_PLAN_FIELDS}
        else:
            plan = Plan.objects.select_for_update().get(pk=plan.pk)
            before = _plan_state(plan, currency)
        plan.name, plan.metric, plan.description, plan.is_active = name, metric, description.strip(), is_active
        plan.tier_mode, plan.cap_minor, plan.floor_minor = tier_mode, cap_minor, floor_minor
        plan.save()
        plan.tiers.all().delete()
        PlanTier.objects.bulk_create(
            PlanTier(
                org_id=actor.org_id,
                plan=plan,
                from_minor=tier.from_minor,
                rate_percent=tier.rate_percent,
                product_line=tier.product_line,
            )
            for tier in tiers
        )
        plan.accelerators.all().delete()
        PlanAccelerator.objects.bulk_create(
            PlanAccelerator(org_id=actor.org_id, plan=plan, from_percent=a.from_percent, multiplier=a.multiplier)
            for a in accelerators
        )
        plan.assignments.all().delete()
        PlanAssignment.objects.bulk_create(
            PlanAssignment(
                org_id=actor.org_id,
                plan=plan,
                role=a.role,
                team_id=a.team_id,
                person_id=a.person_id,
                starts_on=a.starts_on,
                ends_on=a.ends_on,
            )
            for a in assignments
        )
        after = _plan_state(plan, currency, rules=new_rules)
        for field, old in before.items():
            if str(old) != str(after[field]):
                audit_record(actor=actor, obj=plan, field=field, before=old, after=after[field], reason=reason.strip())
    return plan


AUDITED_PLAN_FIELDS = (
    "name",
    "metric",
    "is_active",
    "rules",
    "tier_mode",
    "cap",
    "floor",
    "accelerators",
    "applies_to",
)


def _plan_state(plan: Plan, currency: str, rules: list | None = None) -> dict:
    """The plan as the audit trail writes it, field by field."""
    if rules is None:
        rules = rules_of(plan_tiers(plan))
    accelerators = "; ".join(f"≥ {a.from_percent} %: × {a.multiplier}" for a in plan.accelerators.all())
    applies = "; ".join(
        f"{a.role or a.team_id or a.person_id} {a.starts_on}–{a.ends_on or ''}" for a in plan.assignments.all()
    )
    return {
        "name": plan.name,
        "metric": plan.metric,
        "is_active": plan.is_active,
        "rules": rules_text(rules, currency),
        "tier_mode": plan.tier_mode,
        "cap": "" if plan.cap_minor is None else from_minor(plan.cap_minor, currency),
        "floor": "" if plan.floor_minor is None else from_minor(plan.floor_minor, currency),
        "accelerators": accelerators,
        "applies_to": applies,
    }


def _terms_errors(actor, tier_mode, cap_minor, floor_minor, accelerators, assignments) -> dict:
    errors: dict[str, list[str]] = {}
    if tier_mode not in MODES:
        errors["tier_mode"] = [_("Tiers are marginal or whole-amount.")]
    if cap_minor is not None and cap_minor < 0:
        errors["cap"] = [_("A cap is zero or more.")]
    if floor_minor is not None and floor_minor < 0:
        errors["floor"] = [_("A guaranteed minimum is zero or more.")]
    if cap_minor is not None and floor_minor is not None and floor_minor > cap_minor >= 0:
        errors["floor"] = [_("The guaranteed minimum is not above the cap.")]
    starts = [a.from_percent for a in accelerators]
    if any(start < 0 for start in starts) or any(not Decimal(0) < a.multiplier <= 10 for a in accelerators):
        errors["accelerators"] = [
            _("An accelerator starts at an attainment of zero or more and multiplies by more than zero, at most ten.")
        ]
    elif starts != sorted(set(starts)):
        errors["accelerators"] = [_("List accelerators from the lowest attainment up, each once.")]
    from pacekeeper.tenancy.models import Role, Team, User

    team_ids = {a.team_id for a in assignments if a.team_id}
    person_ids = {a.person_id for a in assignments if a.person_id}
    known_teams = set(Team.objects.filter(org_id=actor.org_id, pk__in=team_ids).values_list("pk", flat=True))
    known_people = set(User.objects.filter(org_id=actor.org_id, pk__in=person_ids).values_list("pk", flat=True))
    for a in assignments:
        subjects = [bool(a.role), a.team_id is not None, a.person_id is not None]
        if subjects.count(True) != 1:
            errors["applies_to"] = [_("A plan applies to a role, a team or a person: one of them.")]
        elif a.role and a.role not in Role.values:
            errors["applies_to"] = [_("No such role.")]
        elif a.team_id is not None and a.team_id not in known_teams:
            errors["applies_to"] = [_("No such team.")]
        elif a.person_id is not None and a.person_id not in known_people:
            errors["applies_to"] = [_("No such person.")]
        elif a.ends_on is not None and a.ends_on < a.starts_on:
            errors["applies_to"] = [_("The period ends on or after its start.")]
    return errors


def _plan_errors(actor: Actor, plan: Plan | None, name: str, metric: str, tiers: list[Tier]) -> dict:
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Give the plan a name.")]
    elif Plan.objects.filter(org_id=actor.org_id, name=name).exclude(pk=getattr(plan, "pk", None)).exists():
        errors["name"] = [_("Another plan has this name.")]
    if metric not in Plan.METRICS:
        errors["metric"] = [_("A plan pays on sales amount or gross margin.")]
    if not tiers:
        errors["tiers"] = [_("Give at least one rule.")]
    by_line: dict[str, list[int]] = {}
    for tier in tiers:
        by_line.setdefault(tier.product_line.strip(), []).append(tier.from_minor)
    for starts in by_line.values():
        if len(set(starts)) != len(starts):
            errors.setdefault("tiers", []).append(_("Two rules start at the same amount: tiers may not overlap."))
        elif starts != sorted(starts):
            errors.setdefault("tiers", []).append(_("List the rules from the lowest threshold up."))
    if any(tier.from_minor < 0 for tier in tiers):
        errors.setdefault("tiers", []).append(_("A rule starts at zero or more."))
    if any(not Decimal(0) <= tier.rate_percent <= Decimal(100) for tier in tiers):
        errors.setdefault("tiers", []).append(_("A rate is a percentage from 0 to 100."))
    return errors


def plan_tiers(plan: Plan) -> list[Tier]:
    return [Tier(tier.from_minor, tier.rate_percent, tier.product_line) for tier in plan.tiers.all()]


def plan_kept_terms(plan: Plan | None) -> dict:
    """A plan's accelerators and assignments as plan_save takes them (the page keeps them)."""
    if plan is None:
        return {"accelerators": [], "assignments": []}
    return {
        "accelerators": [Accelerator(a.from_percent, a.multiplier) for a in plan.accelerators.all()],
        "assignments": [
            Assignment(a.starts_on, a.ends_on, a.role, a.team_id, a.person_id) for a in plan.assignments.all()
        ],
    }


def plan_terms(plan: Plan) -> dict:
    return {
        "mode": plan.tier_mode,
        "accelerators": [[str(a.from_percent), str(a.multiplier)] for a in plan.accelerators.all()],
        "cap": plan.cap_minor,
        "floor": plan.floor_minor,
    }


# --- payout runs -------------------------------------------------------------------------------


def payout_run_start(*, actor: Actor, plan_id: int, starts_on: dt.date, ends_on: dt.date) -> PayoutRun:
    """Queue the calculation of one of the actor's plans over a period that has ended. A plan
    id from elsewhere is bad input (400), like any other id in a request."""
    require_pay_admin(actor)
    plan = Plan.objects.visible_to(actor).filter(pk=plan_id).first()
    if plan is None:
        raise ValidationFailed({"plan": [_("No such plan.")]})
    if ends_on < starts_on:
        raise ValidationFailed({"ends_on": [_("The period ends on or after its start.")]})
    if problem := date_rules.period_problem(starts_on, ends_on, actor.today()):
        raise ValidationFailed({"starts_on": [problem]})
    period = Period(starts_on, ends_on)
    errors = {}
    if not plan.is_active:
        errors["plan"] = [_("This plan is retired.")]
    if period.end >= actor.today():
        errors["ends_on"] = [_("A payout run covers a period that has ended.")]
    if period.days > LONGEST_RUN_DAYS:
        errors["starts_on"] = [_("A payout run covers a year at most.")]
    if errors:
        raise ValidationFailed(errors)
    if overlapping := _overlapping_run(plan, period):
        # Two runs of one plan over overlapping days would pay the shared days twice.
        message = _("This plan already has a run from %(start)s to %(end)s: a period may be paid once.")
        language = get_language() or "zh-hans"
        shown = {
            "start": format_date(overlapping.starts_on, language),
            "end": format_date(overlapping.ends_on, language),
        }
        raise ValidationFailed({"starts_on": [message % shown]})
    run = PayoutRun(
        org_id=actor.org_id,
        plan=plan,
        starts_on=period.start,
        ends_on=period.end,
        rules=rules_of(plan_tiers(plan)),
        terms=plan_terms(plan),
        created_by=actor.user,
    )
    try:
        with transaction.atomic():
            run.save()
            audit_record(actor=actor, obj=run, field="status", before="", after=run.status)
    except IntegrityError:
        raise ValidationFailed({"": [_("This plan already has a run for this period.")]}) from None
    transaction.on_commit(lambda: payout_run_calculate.enqueue(run.pk))
    return run


def _overlapping_run(plan: Plan, period: Period) -> PayoutRun | None:
    """A run of the plan, not cancelled or failed, that shares a day with the period."""
    return (
        PayoutRun.objects.filter(plan=plan, starts_on__lte=period.end, ends_on__gte=period.start)
        .exclude(status__in=(PayoutRun.Status.CANCELLED, PayoutRun.Status.FAILED))
        .order_by("starts_on")
        .first()
    )


INTERRUPTED = gettext_lazy("The calculation stopped unexpectedly and nothing of it was written. Run it again.")


@task()
def payout_run_calculate(run_id: int) -> None:
    with request_context.bound(request_id=f"payout-run-{run_id}"):
        calculate(run_id)


def calculate(run_id: int) -> None:
    """Read the plan's metric for every manager from the KPI engine (DESIGN rule 3) and write all
    lines with the run's total in one transaction: a run is wholly calculated or not at all."""
    # Claimed with a first beat (as `heartbeat` also gives): a run "calculating" always has one.
    claimed = PayoutRun.objects.filter(pk=run_id, status=PayoutRun.Status.QUEUED).update(
        status=PayoutRun.Status.CALCULATING, failure="", heartbeat_at=timezone.now(), lines_expected=None
    )
    if not claimed:  # cancelled while queued, or picked up twice
        return
    run = PayoutRun.objects.select_related("plan", "org").get(pk=run_id)
    try:
        with heartbeat(PayoutRun, run.pk):
            lines = _lines(run)
            PayoutRun.objects.filter(pk=run.pk).update(lines_expected=len(lines))
            total = sum(line.amount_minor for line in lines)
            with transaction.atomic():
                PayoutLine.objects.bulk_create(lines, batch_size=1000)
                _write_details(run, lines)
                finished = PayoutRun.objects.filter(pk=run.pk, status=PayoutRun.Status.CALCULATING).update(
                    status=PayoutRun.Status.CALCULATED, total_minor=total, calculated_at=timezone.now()
                )
                if not finished:  # cancelled meanwhile: keep nothing
                    transaction.set_rollback(True)
                    return
                # The lines are the plan's arithmetic; the run's total is what the approver will see.
                job = JobActor(org_id=run.org_id, user_id=run.created_by_id)
                audit_record(actor=job, obj=run, field="total", before="", after=from_minor(total, run.org.currency))
                paid = {line.person_id for line in lines}
                notices.announce_run_waiting(run, total_minor=total, paid=paid)
    except PacekeeperError as error:
        _fail(run.pk, str(error))
    except Exception:
        close_broken_connection()
        _fail(run.pk, str(INTERRUPTED))
        raise


def _lines(run: PayoutRun) -> list[PayoutLine]:
    """The lines of a run and their statement items (commission.statement, in payroll.py)."""
    from .payroll import run_lines

    return run_lines(run)


def _write_details(run: PayoutRun, lines: list[PayoutLine]) -> None:
    from .models import PayoutDetail

    details = []
    for line in lines:
        for position, item in enumerate(line.statement_items):
            details.append(
                PayoutDetail(
                    org_id=run.org_id,
                    line_id=line.pk,
                    position=position,
                    kind=item.kind,
                    product_line=item.product_line,
                    from_minor=item.from_minor,
                    upto_minor=item.upto_minor,
                    base_minor=item.base_minor,
                    rate_percent=item.rate_percent,
                    multiplier=item.multiplier,
                    exact_amount=item.exact.quantize(Decimal("0.00000001")),
                    sale_id=item.sale_id,
                    source_run_id=item.source_run_id,
                )
            )
    PayoutDetail.objects.bulk_create(details, batch_size=2000)


def _fail(run_id: int, failure: str) -> None:
    PayoutRun.objects.filter(pk=run_id, status=PayoutRun.Status.CALCULATING).update(
        status=PayoutRun.Status.FAILED, failure=failure
    )


def recover_stalled_payout_runs(*, run_ids=None) -> int:
    """Mark as failed the calculations whose worker died: their transaction never committed, so
    no line of them exists; they can be run again."""
    stalled = PayoutRun.objects.filter(status=PayoutRun.Status.CALCULATING, heartbeat_at__lt=stale_cutoff())
    if run_ids is not None:
        stalled = stalled.filter(pk__in=run_ids)
    return stalled.update(status=PayoutRun.Status.FAILED, failure=str(INTERRUPTED))


def payout_run_rerun(*, actor: Actor, run: PayoutRun) -> PayoutRun:
    require_pay_admin(actor)
    with transaction.atomic():
        updated = PayoutRun.objects.filter(pk=run.pk, status=PayoutRun.Status.FAILED).update(
            status=PayoutRun.Status.QUEUED, failure=""
        )
        if not updated:
            raise ValidationFailed({"": [_("Only a failed run can be run again.")]})
        audit_record(actor=actor, obj=run, field="status", before="failed", after="queued")
    transaction.on_commit(lambda: payout_run_calculate.enqueue(run.pk))
    run.refresh_from_db()
    return run


def payout_line_adjust(*, actor: Actor, line: PayoutLine, amount_minor: int, reason: str) -> PayoutLine:
    """Change what one person is paid before approval; the run's total follows in the same
    transaction."""
    require_pay_admin(actor)
    if line.person_id == actor.user_id:
        raise Forbidden(_("Nobody adjusts their own pay: someone else who runs pay must."))
    reason = required_reason(reason)  # a correction that reduces pay (even below zero) says why
    with transaction.atomic():
        run = PayoutRun.objects.select_for_update().get(pk=line.run_id)
        if run.status != PayoutRun.Status.CALCULATED:
            raise ValidationFailed({"": [_("Only a run waiting for approval can be adjusted.")]})
        line = PayoutLine.objects.select_for_update().get(pk=line.pk)
        before = line.amount_minor
        line.amount_minor = amount_minor
        line.adjustment_reason = reason
        line.save(update_fields=["amount_minor", "adjustment_reason"])
        PayoutRun.objects.filter(pk=run.pk).update(total_minor=F("total_minor") + (amount_minor - before))
        currency = actor.org.currency
        audit_record(
            actor=actor,
            obj=line,
            field="amount",
            before=from_minor(before, currency),
            after=from_minor(amount_minor, currency),
            reason=reason,
        )
    return line


def approval_refusal(run: PayoutRun, user_id: int) -> str | None:
    """Why this person may not approve this run, or None: the one rule the service, the run
    page (which shows it instead of the form) and the approval request follow. Whoever started
    the run does not approve it unless the organisation turned the second approver off; nobody
    approves a run that pays them, whatever the setting."""
    if run.created_by_id == user_id and run.org.payout_second_approver:
        return _("You started this run: someone else who approves pay approves it (a second pair of eyes on pay).")
    if PayoutLine.objects.filter(run_id=run.pk, person_id=user_id).exists():
        return _("You are paid in this run: someone else who approves pay must approve it.")
    return None


def payout_run_approve(
    *, actor: Actor, run: PayoutRun, reason: str, expected_total_minor: int | None = None
) -> PayoutRun:
    """Approve a calculated run. The status changes only if it is still waiting, so of two
    approvals at once exactly one succeeds and the other is told so. A second pair of eyes:
    whoever started the run may not approve it, unless the organisation turned that off. The
    approver confirms the total they saw: if a line changed since, nothing is approved."""
    if not may_approve_payouts(actor):
        raise Forbidden(_("Your role does not approve payouts."))
    reason = required_reason(reason)
    current = PayoutRun.objects.select_related("org").get(pk=run.pk)  # the setting as it is now
    own_run = current.created_by_id == actor.user.pk
    if refusal := approval_refusal(current, actor.user.pk):
        raise Forbidden(refusal)
    with transaction.atomic():
        approved = PayoutRun.objects.filter(pk=run.pk, status=PayoutRun.Status.CALCULATED).update(
            status=PayoutRun.Status.APPROVED, approved_by=actor.user, approved_at=timezone.now()
        )
        if not approved:
            raise ValidationFailed({"": [_("This run is not waiting for approval: someone may have approved it.")]})
        total = _check_total(run.pk)
        if expected_total_minor is not None and expected_total_minor != total:
            message = _("The total changed to %(total)s since you looked: check the lines and approve again.")
            shown = format_amount(total, current.org.currency, get_language() or "zh-hans")
            raise ValidationFailed({"total": [message % {"total": shown}]})
        audit_record(
            actor=actor, obj=run, field="status", before=PayoutRun.Status.CALCULATED, after="approved", reason=reason
        )
        notices.settle_run(current)
        if own_run:
            audit_record(
                actor=actor,
                obj=run,
                field="approval",
                before="",
                after="approved by the person who started it (second approver turned off)",
                reason=reason,
            )
    run.refresh_from_db()
    return run


def _check_total(run_id: int) -> int:
    """The invariant every write keeps: a run's total is the sum of its lines."""
    run = PayoutRun.objects.get(pk=run_id)
    lines_total = run.lines.aggregate(total=Sum("amount_minor"))["total"] or 0
    if lines_total != run.total_minor:  # a defect, not bad input: a server error, and nothing approved
        raise RuntimeError(f"payout run {run_id}: total {run.total_minor} ≠ sum of lines {lines_total}")
    return lines_total


CANCELLABLE = (
    PayoutRun.Status.QUEUED,
    PayoutRun.Status.CALCULATING,
    PayoutRun.Status.CALCULATED,
    PayoutRun.Status.FAILED,
)


def payout_run_cancel(*, actor: Actor, run: PayoutRun, reason: str) -> PayoutRun:
    """Withdraw a run that is not approved (to start it again with corrected data, say)."""
    require_pay_admin(actor)
    reason = required_reason(reason)
    with transaction.atomic():
        current = PayoutRun.objects.select_for_update().get(pk=run.pk)
        if current.status not in CANCELLABLE:
            raise ValidationFailed({"": [_("An approved run cannot be cancelled.")]})
        PayoutRun.objects.filter(pk=run.pk).update(status=PayoutRun.Status.CANCELLED)
        audit_record(actor=actor, obj=run, field="status", before=current.status, after="cancelled", reason=reason)
        notices.settle_run(current)
    run.refresh_from_db()
    return run
