"""/api/v1/plans, /api/v1/payouts and /api/v1/payout-lines: commission plans, payout runs and
what each person is paid. Amounts are decimal strings in the organisation's currency."""

from ninja import Field, Router, Schema
from ninja.pagination import paginate

from pacekeeper.lib.api_types import (
    BodySchema,
    Flag,
    IsoDate,
    MoneyIn,
    MoneyInPositive,
    MoneyText,
    ObjectId,
    Page,
    QueryId,
    decimal_string,
    decimal_text,
)
from pacekeeper.lib.money import from_minor, to_minor
from pacekeeper.tenancy.scopes import get_visible

from . import services
from .commission import Accelerator, Tier
from .models import PayoutDetail, PayoutLine, PayoutRun, Plan

router = Router(tags=["incentives"])
# A commission rate: 0 to 100 with up to three decimals ("2.5").
Percent = decimal_string(digits=6, places=3, pattern=r"^(100(\.0{1,3})?|[0-9]{1,2}(\.[0-9]{1,3})?)$")


def _money(minor: int, obj) -> str:
    return decimal_text(from_minor(minor, obj.org.currency))


class TierSchema(Schema):
    starts_at: MoneyInPositive = Field(description="the figure's amount, in yuan (inclusive)")
    rate_percent: Percent
    product_line: str = Field("", max_length=100, description="blank: every product line without tiers of its own")


Attainment = decimal_string(digits=7, places=2, signed=False)
Multiplier = decimal_string(digits=5, places=2, signed=False)


class PlanAcceleratorSchema(Schema):
    from_percent: Attainment = Field(description="attainment of the person's goal, inclusive")
    multiplier: Multiplier


class PlanAssignmentSchema(Schema):
    """Exactly one of role, team, person."""

    role: str = Field("", pattern="^(admin|director|lead|manager|analyst)?$")
    team: int | None = None
    person: int | None = None
    starts_on: IsoDate
    ends_on: IsoDate | None = None


class PlanIn(BodySchema):
    name: str = Field(min_length=1, max_length=200)
    metric: str = Field(pattern="^(sales_amount|gross_margin)$")
    description: str = Field("", max_length=5000)
    is_active: Flag = True
    tiers: list[TierSchema] = Field(min_length=1, max_length=50)
    reason: str = Field("", max_length=2000)
    tier_mode: str = Field("marginal", pattern="^(marginal|whole)$")
    cap: MoneyIn | None = Field(None, description="per person and period; below zero is refused")
    floor: MoneyIn | None = Field(None, description="guaranteed minimum, advanced as a draw")
    accelerators: list[PlanAcceleratorSchema] = Field([], max_length=20)
    applies_to: list[PlanAssignmentSchema] = Field([], max_length=200)


class PlanOut(Schema):
    id: int
    name: str
    metric: str
    description: str
    is_active: bool
    tier_mode: str
    cap: MoneyText | None
    floor: MoneyText | None
    tiers: list[TierSchema]
    accelerators: list[PlanAcceleratorSchema]
    applies_to: list[PlanAssignmentSchema]

    @staticmethod
    def resolve_tiers(plan: Plan):
        return [
            {
                "starts_at": from_minor(tier.from_minor, plan.org.currency),
                "rate_percent": tier.rate_percent,
                "product_line": tier.product_line,
            }
            for tier in plan.tiers.all()
        ]

    @staticmethod
    def resolve_cap(plan: Plan):
        return None if plan.cap_minor is None else _money(plan.cap_minor, plan)

    @staticmethod
    def resolve_floor(plan: Plan):
        return None if plan.floor_minor is None else _money(plan.floor_minor, plan)

    @staticmethod
    def resolve_accelerators(plan: Plan):
        return [{"from_percent": a.from_percent, "multiplier": a.multiplier} for a in plan.accelerators.all()]

    @staticmethod
    def resolve_applies_to(plan: Plan):
        return [
            {"role": a.role, "team": a.team_id, "person": a.person_id, "starts_on": a.starts_on, "ends_on": a.ends_on}
            for a in plan.assignments.all()
        ]


class RunIn(BodySchema):
    plan: ObjectId
    starts_on: IsoDate
    ends_on: IsoDate


class ReasonIn(BodySchema):
    reason: str = Field(min_length=1, max_length=2000)


class ApproveIn(ReasonIn):
    # The total the approver saw (as a decimal string in the run's currency): if a line changed
    # since, nothing is approved and the answer says the new total.
    total: MoneyIn | None = None


class LineOut(Schema):
    id: int
    run: int = Field(alias="run_id")
    person: int = Field(alias="person_id")
    person_name: str
    basis: MoneyText
    calculated: MoneyText
    amount: MoneyText
    adjustment_reason: str

    @staticmethod
    def resolve_person_name(line: PayoutLine) -> str:
        return str(line.person)

    @staticmethod
    def resolve_basis(line: PayoutLine) -> str:
        return _money(line.basis_minor, line)

    @staticmethod
    def resolve_calculated(line: PayoutLine) -> str:
        return _money(line.calculated_minor, line)

    @staticmethod
    def resolve_amount(line: PayoutLine) -> str:
        return _money(line.amount_minor, line)


class RunOut(Schema):
    id: int
    plan: int = Field(alias="plan_id")
    starts_on: IsoDate
    ends_on: IsoDate
    status: str
    total: MoneyText
    failure: str
    approved_by: int | None = Field(alias="approved_by_id")

    @staticmethod
    def resolve_total(run: PayoutRun) -> str:
        return _money(run.total_minor, run)


class AdjustIn(BodySchema):
    amount: MoneyIn  # below zero: a correction takes pay back
    reason: str = Field(min_length=1, max_length=2000)


def _plan(request, plan_id: int, *, for_write: bool = False) -> Plan:
    scoped = Plan.objects.visible_to(request.actor).select_related("org").prefetch_related(*PLAN_RELATED)
    return get_visible(scoped, plan_id, actor=request.actor, for_write=for_write)


def _run(request, run_id: int) -> PayoutRun:
    return get_visible(PayoutRun.objects.visible_to(request.actor).select_related("org"), run_id, actor=request.actor)


def _line(request, line_id: int) -> PayoutLine:
    scoped = PayoutLine.objects.visible_to(request.actor).select_related("org", "person")
    return get_visible(scoped, line_id, actor=request.actor)


def _tiers(payload: PlanIn, currency: str) -> list[Tier]:
    return [Tier(to_minor(tier.starts_at, currency), tier.rate_percent, tier.product_line) for tier in payload.tiers]


PLAN_RELATED = ("tiers", "accelerators", "assignments")


@router.get("/plans", response=list[PlanOut], summary="List commission plans")
@paginate(Page)
def plans_list(request):
    return Plan.objects.visible_to(request.actor).select_related("org").prefetch_related(*PLAN_RELATED)


@router.get("/plans/{plan_id}", response=PlanOut, summary="Read a commission plan")
def plans_read(request, plan_id: int):
    return _plan(request, plan_id)


def _save_plan(request, payload: PlanIn, plan: Plan | None = None) -> Plan:
    actor = request.actor
    currency = actor.org.currency
    fields = payload.dict(exclude={"tiers", "cap", "floor", "accelerators", "applies_to"})
    saved = services.plan_save(
        actor=actor,
        plan=plan,
        tiers=_tiers(payload, currency),
        cap_minor=None if payload.cap is None else to_minor(payload.cap, currency),
        floor_minor=None if payload.floor is None else to_minor(payload.floor, currency),
        accelerators=[Accelerator(a.from_percent, a.multiplier) for a in payload.accelerators],
        assignments=[services.Assignment(a.starts_on, a.ends_on, a.role, a.team, a.person) for a in payload.applies_to],
        **fields,
    )
    return _plan(request, saved.pk)


@router.post("/plans", response={201: PlanOut}, summary="Create a commission plan (org admin)")
def plans_create(request, payload: PlanIn):
    return 201, _save_plan(request, payload)


@router.put("/plans/{plan_id}", response=PlanOut, summary="Replace a plan and its rules (org admin)")
def plans_replace(request, plan_id: int, payload: PlanIn):
    return _save_plan(request, payload, _plan(request, plan_id, for_write=True))


@router.get("/payouts", response=list[RunOut], summary="List payout runs (pay admins)")
@paginate(Page)
def payouts_list(request, status: PayoutRun.Status | None = None):
    runs = PayoutRun.objects.visible_to(request.actor).select_related("org")
    return runs.filter(status=status) if status else runs


@router.get("/payouts/{run_id}", response=RunOut, summary="Read a payout run")
def payouts_read(request, run_id: int):
    return _run(request, run_id)


@router.post("/payouts", response={202: RunOut}, summary="Start a payout run; it is calculated in the background")
def payouts_start(request, payload: RunIn):
    run = services.payout_run_start(
        actor=request.actor, plan_id=payload.plan, starts_on=payload.starts_on, ends_on=payload.ends_on
    )
    return 202, _run(request, run.pk)


@router.post(
    "/payouts/{run_id}/approve",
    response=RunOut,
    summary="Approve a calculated run, with a reason (not by whoever started it, unless the organisation allows it)",
)
def payouts_approve(request, run_id: int, payload: ApproveIn):
    run = _run(request, run_id)
    expected = None if payload.total is None else to_minor(payload.total, run.org.currency)
    return services.payout_run_approve(
        actor=request.actor, run=run, reason=payload.reason, expected_total_minor=expected
    )


@router.post("/payouts/{run_id}/cancel", response=RunOut, summary="Cancel a run that is not approved")
def payouts_cancel(request, run_id: int, payload: ReasonIn):
    return services.payout_run_cancel(actor=request.actor, run=_run(request, run_id), reason=payload.reason)


@router.post("/payouts/{run_id}/rerun", response={202: RunOut}, summary="Run a failed calculation again")
def payouts_rerun(request, run_id: int):
    return 202, services.payout_run_rerun(actor=request.actor, run=_run(request, run_id))


@router.get("/payout-lines", response=list[LineOut], summary="What people are paid, as far as you may see")
@paginate(Page)
def payout_lines_list(request, run: QueryId | None = None, person: QueryId | None = None):
    lines = PayoutLine.objects.visible_to(request.actor).select_related("org", "person").order_by("-run_id", "pk")
    if run is not None:
        lines = lines.filter(run_id=run)
    if person is not None:
        lines = lines.filter(person_id=person)
    return lines


@router.get("/payout-lines/{line_id}", response=LineOut, summary="Read one payout line")
def payout_lines_read(request, line_id: int):
    return _line(request, line_id)


@router.patch("/payout-lines/{line_id}", response=LineOut, summary="Adjust what one person is paid, with a reason")
def payout_lines_adjust(request, line_id: int, payload: AdjustIn):
    line = _line(request, line_id)
    amount = to_minor(payload.amount, line.org.currency)
    return services.payout_line_adjust(actor=request.actor, line=line, amount_minor=amount, reason=payload.reason)


class PayoutStatementItemOut(Schema):
    kind: str
    product_line: str
    from_amount: MoneyText | None
    up_to: MoneyText | None
    applies_to: MoneyText | None
    rate_percent: str | None
    multiplier: str | None
    sale: int | None = Field(alias="sale_id")
    paid_in_run: int | None = Field(alias="source_run_id")
    exact_amount: str = Field(description="unrounded, in the currency's unit (4 decimals)")

    @staticmethod
    def resolve_from_amount(item: PayoutDetail):
        return None if item.from_minor is None else _money(item.from_minor, item)

    @staticmethod
    def resolve_up_to(item: PayoutDetail):
        return None if item.upto_minor is None else _money(item.upto_minor, item)

    @staticmethod
    def resolve_applies_to(item: PayoutDetail):
        return None if item.base_minor is None else _money(item.base_minor, item)

    @staticmethod
    def resolve_rate_percent(item: PayoutDetail):
        return None if item.rate_percent is None else decimal_text(item.rate_percent.normalize())

    @staticmethod
    def resolve_multiplier(item: PayoutDetail):
        return None if item.multiplier is None else decimal_text(item.multiplier)

    @staticmethod
    def resolve_exact_amount(item: PayoutDetail):
        from .statements import EXACT_PLACES

        return decimal_text((item.exact_amount / 100).quantize(EXACT_PLACES))


class PayoutStatementOut(LineOut):
    attainment_percent: str | None
    multiplier: str
    items: list[PayoutStatementItemOut]

    @staticmethod
    def resolve_attainment_percent(line: PayoutLine):
        return None if line.attainment_percent is None else decimal_text(line.attainment_percent)

    @staticmethod
    def resolve_multiplier(line: PayoutLine):
        return decimal_text(line.multiplier)

    @staticmethod
    def resolve_items(line: PayoutLine):
        return list(line.details.all())


@router.get(
    "/payout-lines/{line_id}/statement",
    response=PayoutStatementOut,
    summary="A person's statement for one run, item by item (the person once approved, their leads, pay admins)",
)
def payout_lines_statement(request, line_id: int):
    scoped = PayoutLine.objects.visible_to(request.actor).select_related("org", "person")
    return get_visible(scoped.prefetch_related("details__org"), line_id, actor=request.actor)
