"""/api/v1/risks, /api/v1/risk-heatmap, /api/v1/risk-signals/run, /api/v1/risk-settings and
/api/v1/risk-receivables: the risk register (docs/risks.md)."""

import datetime as dt

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from pacekeeper.lib.api_types import BodySchema, IsoDate, ObjectId, Page, QueryId, json_int, omittable
from pacekeeper.lib.text import VISIBLE

from . import selectors, services
from .models import TEXT_MAX_LENGTH, TITLE_MAX_LENGTH, Category, Level, Response, Status

router = Router(tags=["risks"])
ScoreIn = json_int(ge=1, le=5)
# A threshold: a whole number in JSON (true, 2.0 and "2" are 422); its range is checked by the service.
SettingIn = json_int()


class RiskOut(Schema):
    id: int
    level: str
    team: int | None = Field(alias="team_id")
    customer: int | None = Field(alias="customer_id")
    goal: int | None = Field(alias="goal_id")
    title: str
    description: str
    category: str
    probability: int
    impact: int
    score: int = Field(description="probability × impact, 1–25")
    band: str = Field(description="low (1–4), medium (5–9), high (10–16), critical (20–25)")
    owner: int = Field(alias="owner_id")
    response: str
    contingency: str
    residual_probability: int | None
    residual_impact: int | None
    residual_score: int | None = Field(description="after the response; empty until both residual figures are set")
    review_on: dt.date
    status: str
    signal_kind: str
    evidence: dict
    evidence_link: str
    created_at: dt.datetime
    updated_at: dt.datetime


class RiskIn(BodySchema):
    level: Level = Level.ORG
    team: ObjectId | None = None
    customer: ObjectId | None = None
    goal: ObjectId | None = None
    title: str = Field(min_length=1, max_length=TITLE_MAX_LENGTH, pattern=VISIBLE)
    description: str = Field("", max_length=TEXT_MAX_LENGTH)
    category: Category
    probability: ScoreIn
    impact: ScoreIn
    owner: ObjectId | None = Field(None, description="you, if left out")
    response: Response | None = None
    contingency: str = Field("", max_length=TEXT_MAX_LENGTH)
    residual_probability: ScoreIn | None = None
    residual_impact: ScoreIn | None = None
    review_on: IsoDate = Field(description="today or later")


class RiskPatch(BodySchema):
    title: str = omittable(min_length=1, max_length=TITLE_MAX_LENGTH, pattern=VISIBLE)
    description: str = omittable(max_length=TEXT_MAX_LENGTH)
    category: Category = omittable()
    probability: ScoreIn = omittable()
    impact: ScoreIn = omittable()
    owner: ObjectId = omittable()
    response: Response | None = None
    contingency: str = omittable(max_length=TEXT_MAX_LENGTH)
    residual_probability: ScoreIn | None = None
    residual_impact: ScoreIn | None = None
    review_on: IsoDate = omittable(description="today or later")
    status: Status = omittable()
    note: str = Field("", max_length=500, description="why: kept in the history and the audit trail")


class RiskChangeOut(Schema):
    id: int
    at: dt.datetime
    changed_by: int | None = Field(alias="changed_by_id")
    probability: int
    impact: int
    score: int
    residual_probability: int | None
    residual_impact: int | None
    status: str
    note: str = Field(alias="note_text", description="in the reader's language")


class RiskActionOut(Schema):
    id: int
    task: int = Field(alias="task_id")
    title: str = Field(alias="task.title")
    status: str = Field(alias="task.status")
    owner: int = Field(alias="task.owner_id")
    due_on: dt.date | None = Field(alias="task.due_on")


class RiskActionIn(BodySchema):
    title: str = Field(min_length=1, max_length=200, pattern=VISIBLE)
    due_on: IsoDate | None = None
    owner: ObjectId | None = Field(None, description="you, if left out")


class RiskHeatCellOut(Schema):
    probability: int
    impact: int
    count: int
    band: str


class RiskSignalRunOut(Schema):
    raised: int
    updated: int


class RiskSettingsOut(Schema):
    concentration_top_n: int
    concentration_threshold: int = Field(description="percent")
    concentration_months: int
    goal_late_share: int = Field(description="percent of the goal's period elapsed")
    overload_weeks: int
    receivable_grace_days: int
    contract_days_ahead: int


class RiskSettingsPatch(BodySchema):
    concentration_top_n: SettingIn = omittable()
    concentration_threshold: SettingIn = omittable()
    concentration_months: SettingIn = omittable()
    goal_late_share: SettingIn = omittable()
    overload_weeks: SettingIn = omittable()
    receivable_grace_days: SettingIn = omittable()
    contract_days_ahead: SettingIn = omittable()


class RiskReceivableOut(Schema):
    id: int
    sale: int = Field(alias="sale_id")
    customer: int = Field(alias="sale.customer_id")
    due_on: dt.date
    paid_on: dt.date | None
    is_paid: bool


class RiskReceivableIn(BodySchema):
    sale: ObjectId
    due_on: IsoDate
    paid_on: IsoDate | None = None


class RiskReceivablePatch(BodySchema):
    due_on: IsoDate = omittable()
    paid_on: IsoDate | None = None


class RiskQuery(Schema):
    """Typed filters: an unknown level or a probability of 7 is a 422, not a silently empty list.
    `probability` and `impact` together: one cell of the heat map."""

    level: Level | None = None
    category: Category | None = None
    status: Status | None = None
    probability: int | None = Field(None, ge=1, le=5)
    impact: int | None = Field(None, ge=1, le=5)
    owner: QueryId | None = None
    review_overdue: bool | None = None
    q: str | None = Field(None, max_length=100)


@router.get("/risks", response=list[RiskOut], summary="Risks you may see, newest first")
@paginate(Page)
def risks_list(request, filters: Query[RiskQuery]):
    actor = request.actor
    rows = selectors.risk_filter(selectors.risk_list(actor), actor=actor, **filters.dict())
    return rows.order_by("-pk")


@router.post("/risks", response={201: RiskOut}, summary="Record a risk")
def risks_create(request, payload: RiskIn):
    data = payload.dict()
    data["response"] = data["response"] or ""
    return 201, services.risk_create(actor=request.actor, data=data)


@router.get("/risks/{risk_id}", response=RiskOut, summary="Read a risk")
def risks_read(request, risk_id: int):
    return selectors.access_risk(request.actor, risk_id)


@router.patch(
    "/risks/{risk_id}",
    response=RiskOut,
    summary="Change a risk",
    description="A change of probability, impact, residual figures or status is dated in the history and audited.",
)
def risks_update(request, risk_id: int, payload: RiskPatch):
    risk = selectors.access_risk(request.actor, risk_id)
    data = payload.dict(exclude_unset=True)
    note = data.pop("note", "")
    if "response" in data and data["response"] is None:
        data["response"] = ""
    return services.risk_update(actor=request.actor, risk=risk, data=data, note=note)


@router.get("/risks/{risk_id}/history", response=list[RiskChangeOut], summary="A risk's dated history")
def risks_history(request, risk_id: int):
    risk = selectors.access_risk(request.actor, risk_id)
    return list(selectors.risk_history(request.actor, risk))


@router.get("/risks/{risk_id}/actions", response=list[RiskActionOut], summary="A risk's actions (tasks)")
def risks_actions(request, risk_id: int):
    risk = selectors.access_risk(request.actor, risk_id)
    return list(selectors.risk_actions(request.actor, risk))


@router.post("/risks/{risk_id}/actions", response={201: RiskActionOut}, summary="Add an action: a task")
def risks_action_add(request, risk_id: int, payload: RiskActionIn):
    risk = selectors.access_risk(request.actor, risk_id)
    action = services.risk_action_add(
        actor=request.actor, risk=risk, title=payload.title, due_on=payload.due_on, owner=payload.owner
    )
    return 201, action


@router.get(
    "/risk-heatmap",
    response=list[list[RiskHeatCellOut]],
    summary="The 5×5 heat map of the open risks you see",
    description="Rows by probability from 5 down to 1, columns by impact from 1 to 5.",
)
def risk_heatmap(request):
    return selectors.heat_map(selectors.risk_list(request.actor))


@router.post(
    "/risk-signals/run",
    response=RiskSignalRunOut,
    summary="Run every signal now",
    description="For the org admin and directors. A signal never duplicates an open risk: it updates it.",
)
def risk_signals_run(request):
    return services.signals_run_now(actor=request.actor)


@router.get("/risk-settings", response=RiskSettingsOut, summary="The organisation's signal thresholds")
def risk_settings_read(request):
    return services.risk_settings_for(request.actor.org)


@router.patch("/risk-settings", response=RiskSettingsOut, summary="Change the signal thresholds (org admin, directors)")
def risk_settings_update(request, payload: RiskSettingsPatch):
    return services.risk_settings_update(actor=request.actor, data=payload.dict(exclude_unset=True))


@router.get("/risk-receivables", response=list[RiskReceivableOut], summary="Payment due dates of the sales you see")
@paginate(Page)
def receivables_list(request, paid: bool | None = None):
    rows = selectors.receivable_list(request.actor)
    if paid is not None:
        rows = rows.filter(paid_on__isnull=not paid)
    return rows.order_by("due_on", "pk")


@router.post("/risk-receivables", response={201: RiskReceivableOut}, summary="Say when a sale is to be paid")
def receivables_create(request, payload: RiskReceivableIn):
    receivable = services.receivable_set(
        actor=request.actor, sale_id=payload.sale, due_on=payload.due_on, paid_on=payload.paid_on
    )
    return 201, receivable


@router.patch("/risk-receivables/{receivable_id}", response=RiskReceivableOut, summary="Change a due date or mark paid")
def receivables_update(request, receivable_id: int, payload: RiskReceivablePatch):
    receivable = selectors.access_receivable(request.actor, receivable_id)
    return services.receivable_update(actor=request.actor, receivable=receivable, data=payload.dict(exclude_unset=True))
