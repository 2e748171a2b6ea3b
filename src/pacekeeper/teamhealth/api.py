"""/api/v1/pulse/… (answer the pulse, one's own status, group figures, settings) and
/api/v1/conflicts (conflict cases and their steps). docs/teamhealth.md.

No route returns a person's pulse answer, not even their own: figures come only for groups the
anonymity rule shows (groups.py), and only for closed periods."""

import datetime as dt

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from pacekeeper.errors import NotFound, ValidationFailed
from pacekeeper.lib.api_types import BodySchema, IsoDate, ObjectId, Page, QueryId, decimal_string, json_int, omittable
from pacekeeper.lib.text import VISIBLE
from pacekeeper.tenancy.scopes import may_see_org_pulse

from . import conflicts, pulse, selectors
from .models import Cadence, Conflict

router = Router(tags=["team health"])

Score = json_int(ge=1, le=5)


class PulseAnswerIn(BodySchema):
    workload: Score = Field(description="My workload is manageable (1 disagree … 5 agree)")
    stress: Score = Field(description="My stress is at a level I can sustain")
    support: Score = Field(description="I get the support I need from my team and lead")
    clarity: Score = Field(description="I know what my goals are and why they matter")


class PulseStatusOut(Schema):
    period_start: dt.date
    period_end: dt.date
    has_answered: bool
    editable_until: dt.date = Field(description="an answer may be changed until the end of this day")


class PulseMeansOut(Schema):
    workload: str
    stress: str
    support: str
    clarity: str
    score: str = Field(description="mean of the four, 1–5, 2 decimals (ROUND_HALF_UP)")


class PulsePeriodOut(Schema):
    period_start: dt.date
    period_end: dt.date
    shown: bool
    hidden_because: str = Field(description="too_few or difference when not shown; empty otherwise")
    answers: int | None
    means: PulseMeansOut | None


class PulseResultsOut(Schema):
    team: int | None = Field(description="empty for the whole organisation")
    min_group: int
    periods: list[PulsePeriodOut]


class PulseSettingsOut(Schema):
    cadence: str
    min_group: int
    drop_alert: str


class PulseSettingsIn(BodySchema):
    cadence: Cadence = omittable()
    min_group: json_int(ge=5, le=1000) = omittable()
    drop_alert: decimal_string(digits=3, places=2, signed=False) = omittable()


def _status_out(status: pulse.PulseStatus) -> dict:
    return status.__dict__


def _settings_out(settings) -> dict:
    return {"cadence": settings.cadence, "min_group": settings.min_group, "drop_alert": str(settings.drop_alert)}


@router.post(
    "/pulse/answers",
    response={200: PulseStatusOut, 201: PulseStatusOut},
    summary="Answer this period's pulse (201), or change your answer while the period lasts (200)",
    description="Anonymous: the answer is stored with your team of today and no trace of you; "
    "it cannot be read back, not even by you.",
)
def pulse_answer(request, payload: PulseAnswerIn):
    first = pulse.pulse_answer(actor=request.actor, scores=payload.dict())
    return (201 if first else 200), _status_out(pulse.pulse_status(request.actor))


@router.get("/pulse/status", response=PulseStatusOut, summary="Whether you have answered this period's pulse")
def pulse_status(request):
    return _status_out(pulse.pulse_status(request.actor))


@router.get(
    "/pulse/results",
    response=PulseResultsOut,
    summary="A team's (or the organisation's) pulse figures over the last closed periods",
    description="`team`: a whole team with its sub-teams (omit for the organisation: organisation-wide "
    "roles). A period shows figures only for a group the anonymity rule shows: at least the "
    "minimum of answers, and never one that would reveal a smaller group by difference.",
)
def pulse_results(
    request, team: QueryId | None = None, periods: int = Query(pulse.DEFAULT_PERIODS, ge=1, le=pulse.MAX_PERIODS)
):
    actor = request.actor
    chosen = None
    if team is not None:
        chosen = selectors.pulse_teams(actor).filter(pk=team).first()
        if chosen is None:
            raise NotFound()
    elif not may_see_org_pulse(actor):
        raise ValidationFailed({"team": [pulse.team_required_message()]})
    trend = pulse.team_trend(org=actor.org, team=chosen, today=actor.today(), periods=periods)
    return {
        "team": chosen.pk if chosen else None,
        "min_group": pulse.pulse_settings(actor.org).min_group,
        "periods": [pulse.figure_out(figure) for figure in trend],
    }


@router.get("/pulse/settings", response=PulseSettingsOut, summary="The organisation's pulse settings")
def pulse_settings_read(request):
    return _settings_out(pulse.pulse_settings(request.actor.org))


@router.patch(
    "/pulse/settings",
    response=PulseSettingsOut,
    summary="Change the pulse settings (org admin, directors)",
    description="`min_group` can only be 5 or more.",
)
def pulse_settings_change(request, payload: PulseSettingsIn):
    changes = payload.dict(exclude_unset=True)
    settings = pulse.pulse_settings_change(actor=request.actor, **changes)
    return _settings_out(settings)


# --- conflicts -----------------------------------------------------------------------------------


class ConflictPartyOut(Schema):
    person: int
    person_name: str
    confirmed_at: dt.datetime | None


class ConflictStepOut(Schema):
    step: str
    by: int
    by_name: str
    at: dt.datetime
    note: str


class ConflictOut(Schema):
    id: int
    title: str
    description: str
    status: str
    raised_by: int
    mediator: int | None
    agreement: str
    follow_up_on: dt.date | None
    outcome: str
    raised_at: dt.datetime
    mediation_at: dt.datetime | None
    agreement_at: dt.datetime | None
    confirmed_at: dt.datetime | None
    closed_at: dt.datetime | None
    parties: list[ConflictPartyOut]
    steps: list[ConflictStepOut]


class ConflictIn(BodySchema):
    title: str = Field(min_length=1, max_length=200, pattern=VISIBLE)
    description: str = Field(min_length=1, max_length=4000, pattern=VISIBLE)
    parties: list[ObjectId] = Field(min_length=2, max_length=50)


class ConflictPatch(BodySchema):
    title: str = omittable(min_length=1, max_length=200, pattern=VISIBLE)
    description: str = omittable(min_length=1, max_length=4000, pattern=VISIBLE)


class ConflictMediationIn(BodySchema):
    mediator: ObjectId
    note: str = Field("", max_length=4000)


class ConflictAgreementIn(BodySchema):
    agreement: str = Field(min_length=1, max_length=4000, pattern=VISIBLE)
    follow_up_on: IsoDate


class ConflictCloseIn(BodySchema):
    outcome: str = Field(min_length=1, max_length=4000, pattern=VISIBLE)


def _conflict_out(conflict: Conflict) -> dict:
    return {
        **{name: getattr(conflict, name) for name in ConflictOut.model_fields if hasattr(conflict, name)},
        "raised_by": conflict.raised_by_id,
        "mediator": conflict.mediator_id,
        "parties": [
            {"person": p.person_id, "person_name": str(p.person), "confirmed_at": p.confirmed_at}
            for p in conflicts.conflict_parties(conflict)
        ],
        "steps": [
            {"step": s.step, "by": s.by_id, "by_name": str(s.by), "at": s.at, "note": s.note}
            for s in conflicts.conflict_steps(conflict)
        ],
    }


class _ShownConflicts:
    """A lazily shown page of cases: the paginator slices, then each row is written out."""

    def __init__(self, rows):
        self.rows = rows

    def count(self) -> int:
        return self.rows.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item):
        return [_conflict_out(row) for row in self.rows[item]]


@router.get("/conflicts", response=list[ConflictOut], summary="Conflict cases you are involved in (directors: all)")
@paginate(Page)
def conflicts_list(request, status: Conflict.Status | None = None, q: str = Query("", max_length=200)):
    return _ShownConflicts(conflicts.conflict_list(request.actor, status=status, search=q))


@router.post("/conflicts", response={201: ConflictOut}, summary="Raise a conflict case between two or more people")
def conflicts_create(request, payload: ConflictIn):
    conflict = conflicts.conflict_raise(
        actor=request.actor, title=payload.title, description=payload.description, party_ids=payload.parties
    )
    return 201, _conflict_out(conflict)


@router.get("/conflicts/{conflict_id}", response=ConflictOut, summary="Read a conflict case and its dated steps")
def conflicts_read(request, conflict_id: int):
    return _conflict_out(conflicts.access_conflict(request.actor, conflict_id))


@router.patch(
    "/conflicts/{conflict_id}",
    response=ConflictOut,
    summary="Reword a case while it is only raised (whoever raised it, directors)",
)
def conflicts_update(request, conflict_id: int, payload: ConflictPatch):
    conflict = conflicts.access_conflict(request.actor, conflict_id)
    changes = payload.dict(exclude_unset=True)
    return _conflict_out(conflicts.conflict_edit(actor=request.actor, conflict=conflict, **changes))


@router.post(
    "/conflicts/{conflict_id}/mediation",
    response=ConflictOut,
    summary="Start mediation with a mediator who is not a party (directors)",
)
def conflicts_mediation(request, conflict_id: int, payload: ConflictMediationIn):
    conflict = conflicts.access_conflict(request.actor, conflict_id)
    conflict = conflicts.conflict_start_mediation(
        actor=request.actor, conflict=conflict, mediator_id=payload.mediator, note=payload.note
    )
    return _conflict_out(conflict)


@router.post(
    "/conflicts/{conflict_id}/agreement",
    response=ConflictOut,
    summary="Write down the agreement and the follow-up date (the mediator, directors)",
)
def conflicts_agreement(request, conflict_id: int, payload: ConflictAgreementIn):
    conflict = conflicts.access_conflict(request.actor, conflict_id)
    conflict = conflicts.conflict_propose_agreement(
        actor=request.actor, conflict=conflict, agreement=payload.agreement, follow_up_on=payload.follow_up_on
    )
    return _conflict_out(conflict)


@router.post(
    "/conflicts/{conflict_id}/confirm",
    response=ConflictOut,
    summary="Confirm the agreement (each party; the last confirmation moves the case to follow-up)",
)
def conflicts_confirm(request, conflict_id: int):
    conflict = conflicts.access_conflict(request.actor, conflict_id)
    return _conflict_out(conflicts.conflict_confirm(actor=request.actor, conflict=conflict))


@router.post(
    "/conflicts/{conflict_id}/close",
    response=ConflictOut,
    summary="Record the follow-up's outcome and close the case (the mediator, directors)",
)
def conflicts_close(request, conflict_id: int, payload: ConflictCloseIn):
    conflict = conflicts.access_conflict(request.actor, conflict_id)
    return _conflict_out(conflicts.conflict_close(actor=request.actor, conflict=conflict, outcome=payload.outcome))
