"""/api/v1/review-cycles and /api/v1/evaluations: cycles with their criteria, and each
evaluation's steps (self-assessment, review, calibration)."""

from ninja import Field, Router, Schema
from ninja.pagination import paginate

from pacekeeper.goals import units
from pacekeeper.lib.api_types import (
    ID_KEY_SCHEMA,
    BodySchema,
    DecimalText,
    IdKey,
    IsoDate,
    JsonInt,
    Page,
    QueryId,
    decimal_string,
    decimal_text,
    json_int,
)
from pacekeeper.tenancy.scopes import get_visible

from . import selectors, services
from .models import Criterion, Evaluation, ReviewCycle

router = Router(tags=["evaluations"])
# A calibrated score: 0 to 120 with one decimal ("87.5").
FinalScore = decimal_string(digits=4, places=1, pattern=r"^(120(\.0)?|1[01][0-9](\.[0-9])?|[0-9]{1,2}(\.[0-9])?)$")


class ReviewBandSchema(Schema):
    # Attainment in percent: from `start` (included) to `end` (excluded; none for the last band).
    start: decimal_string(digits=6, places=2, signed=False)
    end: decimal_string(digits=6, places=2, signed=False) | None = None
    score: decimal_string(digits=4, places=1, signed=False)


class CriterionSchema(Schema):
    id: int | None = None
    name: str = Field(min_length=1, max_length=200)
    kind: Criterion.Kind
    weight: json_int(ge=1, le=100)
    metric: str = Field("", max_length=40)
    # Zero is a business rule (400: a metric criterion needs a target above zero), not a format.
    target: decimal_string(digits=18, places=2, signed=False) | None = Field(None, description="amounts in yuan")
    roles: list[str] = Field(default_factory=list, max_length=2, description="manager, lead; empty: both")
    curve: str = Field("linear", max_length=16, description="linear, capped or bands")
    floor: decimal_string(digits=6, places=2, signed=False) | None = Field(None, description="capped: attainment %")
    cap: decimal_string(digits=4, places=1, signed=False) | None = Field(None, description="capped: highest score")
    bands: list[ReviewBandSchema] = Field(default_factory=list, max_length=20)


class ReviewAudienceSchema(Schema):
    roles: list[str] = Field(default_factory=list, max_length=2)
    teams: list[JsonInt] = Field(default_factory=list, max_length=500)
    people: list[JsonInt] = Field(default_factory=list, max_length=5000)


class ReviewGradeShareSchema(Schema):
    min: JsonInt | None = None
    max: JsonInt | None = None


class CycleIn(BodySchema):
    name: str = Field(min_length=1, max_length=200)
    starts_on: IsoDate
    ends_on: IsoDate
    criteria: list[CriterionSchema] = Field(min_length=1, max_length=30)
    self_due: IsoDate | None = None
    review_due: IsoDate | None = None
    calibration_due: IsoDate | None = None
    acknowledgement_due: IsoDate | None = None
    audience: ReviewAudienceSchema = Field(default_factory=ReviewAudienceSchema)
    target_distribution: dict[str, ReviewGradeShareSchema] = Field(
        default_factory=dict, description='grade → {"min": %, "max": %}'
    )


class CycleOut(Schema):
    id: int
    name: str
    starts_on: IsoDate
    ends_on: IsoDate
    status: str
    criteria: list[CriterionSchema]
    self_due: IsoDate | None
    review_due: IsoDate | None
    calibration_due: IsoDate | None
    acknowledgement_due: IsoDate | None
    audience: ReviewAudienceSchema
    target_distribution: dict[str, ReviewGradeShareSchema]

    @staticmethod
    def resolve_criteria(cycle: ReviewCycle):
        return [
            {
                "id": criterion.pk,
                "name": criterion.name,
                "kind": criterion.kind,
                "weight": criterion.weight,
                "metric": criterion.metric,
                "target": units.shown(criterion.metric, criterion.target),
                "roles": criterion.roles,
                "curve": criterion.curve,
                "floor": decimal_text(criterion.floor),
                "cap": decimal_text(criterion.cap),
                "bands": [
                    {"start": band["from"], "end": band["to"], "score": band["score"]} for band in criterion.bands
                ],
            }
            for criterion in cycle.criteria.all()
        ]


class ScoreOut(Schema):
    criterion: int
    self_rating: int | None
    rating: int | None
    actual: DecimalText | None
    target: DecimalText | None
    score: DecimalText | None


def _text(value) -> str | None:
    return decimal_text(value)


def _shows(evaluation: Evaluation, context) -> bool:
    """The reviewer's part is the person's to see once calibration is done."""
    return services.shows_review(context["request"].actor, evaluation)


class EvaluationOut(Schema):
    id: int
    cycle: int = Field(alias="cycle_id")
    person: int = Field(alias="person_id")
    step: str
    self_comment: str
    review_comment: str | None
    score: DecimalText | None
    final_score: DecimalText | None
    grade: str | None
    scores: list[ScoreOut]
    sent_back_reason: str
    response: str
    response_comment: str
    resolution: str
    resolution_reason: str
    locked: bool

    @staticmethod
    def resolve_locked(evaluation: Evaluation):
        return evaluation.locked_at is not None

    @staticmethod
    def resolve_review_comment(evaluation: Evaluation, context):
        return evaluation.review_comment if _shows(evaluation, context) else None

    @staticmethod
    def resolve_score(evaluation: Evaluation, context):
        return _text(evaluation.score) if _shows(evaluation, context) else None

    @staticmethod
    def resolve_final_score(evaluation: Evaluation, context):
        return _text(evaluation.final_score) if _shows(evaluation, context) else None

    @staticmethod
    def resolve_grade(evaluation: Evaluation, context):
        return evaluation.grade if _shows(evaluation, context) else None

    @staticmethod
    def resolve_scores(evaluation: Evaluation, context):
        shows = _shows(evaluation, context)
        rows = []
        for row in evaluation.scores.all():
            metric = row.criterion.metric
            rows.append(
                {
                    "criterion": row.criterion_id,
                    "self_rating": row.self_rating,
                    "rating": row.rating if shows else None,
                    "actual": _text(units.shown(metric, row.actual)) if shows else None,
                    "target": _text(units.shown(metric, row.target)) if shows else None,
                    "score": _text(row.score) if shows else None,
                }
            )
        return rows


class RatingsIn(BodySchema):
    comment: str = Field(min_length=1, max_length=10_000)
    ratings: dict[IdKey, JsonInt] = Field(
        default_factory=dict, description="criterion id → 1..5", json_schema_extra=ID_KEY_SCHEMA
    )


class CalibrationIn(BodySchema):
    final_score: FinalScore | None = None
    reason: str = Field("", max_length=2000)


class EvaluationResponseIn(BodySchema):
    comment: str = Field("", max_length=10_000)


class EvaluationSendBackIn(BodySchema):
    reason: str = Field(max_length=2000)


class DisputeResolutionIn(BodySchema):
    reason: str = Field(max_length=2000)
    final_score: FinalScore | None = Field(None, description="empty: the score is upheld")


class DistributionRowOut(Schema):
    team: str
    graded: int
    counts: dict[str, int]
    shares: dict[str, DecimalText]
    off_target: list[str]


class CalibrationMoveOut(Schema):
    id: int
    evaluation: int = Field(alias="evaluation_id")
    occasion: str
    score_before: DecimalText | None
    score_after: DecimalText
    grade_before: str
    grade_after: str
    reason: str
    moved_at: str

    @staticmethod
    def resolve_score_before(move):
        return decimal_text(move.score_before)

    @staticmethod
    def resolve_score_after(move):
        return decimal_text(move.score_after)

    @staticmethod
    def resolve_moved_at(move):
        return move.moved_at.isoformat()


class CycleDistributionOut(Schema):
    target: dict[str, ReviewGradeShareSchema]
    rows: list[DistributionRowOut]
    moves: list[CalibrationMoveOut]


def _cycle(request, cycle_id: int, *, for_write: bool = False) -> ReviewCycle:
    scoped = ReviewCycle.objects.visible_to(request.actor).prefetch_related("criteria")
    return get_visible(scoped, cycle_id, actor=request.actor, for_write=for_write)


def _evaluation(request, evaluation_id: int) -> Evaluation:
    return get_visible(_evaluations(request), evaluation_id, actor=request.actor)


def _evaluations(request):
    return (
        Evaluation.objects.visible_to(request.actor)
        .select_related("cycle", "org")
        .prefetch_related("scores__criterion")
    )


def _criteria(payload: CycleIn) -> list[services.CriterionIn]:
    return [
        services.CriterionIn(
            name=row.name,
            kind=row.kind,
            weight=row.weight,
            metric=row.metric,
            target=units.stored(row.metric, row.target),
            roles=tuple(row.roles),
            curve=row.curve,
            floor=row.floor,
            cap=row.cap,
            bands=tuple(
                {"from": str(band.start), "to": None if band.end is None else str(band.end), "score": str(band.score)}
                for band in row.bands
            ),
        )
        for row in payload.criteria
    ]


@router.get("/review-cycles", response=list[CycleOut], summary="List review cycles")
@paginate(Page)
def cycles_list(request):
    return ReviewCycle.objects.visible_to(request.actor).prefetch_related("criteria")


@router.get("/review-cycles/{cycle_id}", response=CycleOut, summary="Read a review cycle")
def cycles_read(request, cycle_id: int):
    return _cycle(request, cycle_id)


def _save_cycle(request, payload: CycleIn, cycle: ReviewCycle | None = None) -> ReviewCycle:
    saved = services.cycle_save(
        actor=request.actor,
        cycle=cycle,
        name=payload.name,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        criteria=_criteria(payload),
        deadlines=services.Deadlines(
            payload.self_due, payload.review_due, payload.calibration_due, payload.acknowledgement_due
        ),
        audience=payload.audience.dict(),
        target_distribution={
            grade: share.dict(exclude_none=True) for grade, share in payload.target_distribution.items()
        },
    )
    return _cycle(request, saved.pk)


@router.post("/review-cycles", response={201: CycleOut}, summary="Create a draft cycle (admins, directors)")
def cycles_create(request, payload: CycleIn):
    return 201, _save_cycle(request, payload)


@router.put("/review-cycles/{cycle_id}", response=CycleOut, summary="Replace a draft cycle and its criteria")
def cycles_replace(request, cycle_id: int, payload: CycleIn):
    return _save_cycle(request, payload, _cycle(request, cycle_id, for_write=True))


@router.post("/review-cycles/{cycle_id}/open", response=CycleOut, summary="Open a cycle: evaluations for everyone")
def cycles_open(request, cycle_id: int):
    services.cycle_open(actor=request.actor, cycle=_cycle(request, cycle_id, for_write=True))
    return _cycle(request, cycle_id)


@router.post("/review-cycles/{cycle_id}/close", response=CycleOut, summary="Close a cycle whose evaluations are done")
def cycles_close(request, cycle_id: int):
    services.cycle_close(actor=request.actor, cycle=_cycle(request, cycle_id, for_write=True))
    return _cycle(request, cycle_id)


@router.get("/evaluations", response=list[EvaluationOut], summary="List evaluations you may see")
@paginate(Page)
def evaluations_list(request, cycle: QueryId | None = None, step: Evaluation.Step | None = None):
    evaluations = _evaluations(request).order_by("pk")
    if cycle is not None:
        evaluations = evaluations.filter(cycle_id=cycle)
    if step:
        evaluations = evaluations.filter(step=step)
    return evaluations


@router.get("/evaluations/{evaluation_id}", response=EvaluationOut, summary="Read an evaluation")
def evaluations_read(request, evaluation_id: int):
    return _evaluation(request, evaluation_id)


def _ratings_step(request, evaluation_id: int, payload: RatingsIn, submit) -> Evaluation:
    evaluation = _evaluation(request, evaluation_id)
    submit(actor=request.actor, evaluation=evaluation, comment=payload.comment, ratings=payload.ratings)
    return _evaluation(request, evaluation_id)


@router.post("/evaluations/{evaluation_id}/self-assessment", response=EvaluationOut, summary="Submit your own view")
def evaluations_self(request, evaluation_id: int, payload: RatingsIn):
    return _ratings_step(request, evaluation_id, payload, services.self_assessment_submit)


@router.post("/evaluations/{evaluation_id}/review", response=EvaluationOut, summary="Submit the reviewer's ratings")
def evaluations_review(request, evaluation_id: int, payload: RatingsIn):
    return _ratings_step(request, evaluation_id, payload, services.review_submit)


@router.post("/evaluations/{evaluation_id}/calibration", response=EvaluationOut, summary="Confirm or change the score")
def evaluations_calibrate(request, evaluation_id: int, payload: CalibrationIn):
    evaluation = services.calibrate(
        actor=request.actor,
        evaluation=_evaluation(request, evaluation_id),
        final_score=payload.final_score,
        reason=payload.reason,
    )
    return _evaluation(request, evaluation.pk)


@router.post("/evaluations/{evaluation_id}/send-back", response=EvaluationOut, summary="Send a self-assessment back")
def evaluations_send_back(request, evaluation_id: int, payload: EvaluationSendBackIn):
    services.send_back(actor=request.actor, evaluation=_evaluation(request, evaluation_id), reason=payload.reason)
    return _evaluation(request, evaluation_id)


@router.post("/evaluations/{evaluation_id}/acknowledge", response=EvaluationOut, summary="Acknowledge your evaluation")
def evaluations_acknowledge(request, evaluation_id: int, payload: EvaluationResponseIn):
    services.acknowledge(actor=request.actor, evaluation=_evaluation(request, evaluation_id), comment=payload.comment)
    return _evaluation(request, evaluation_id)


@router.post("/evaluations/{evaluation_id}/dispute", response=EvaluationOut, summary="Dispute your evaluation")
def evaluations_dispute(request, evaluation_id: int, payload: EvaluationResponseIn):
    services.dispute(actor=request.actor, evaluation=_evaluation(request, evaluation_id), comment=payload.comment)
    return _evaluation(request, evaluation_id)


@router.post("/evaluations/{evaluation_id}/resolution", response=EvaluationOut, summary="Uphold or change a dispute")
def evaluations_resolve(request, evaluation_id: int, payload: DisputeResolutionIn):
    services.resolve_dispute(
        actor=request.actor,
        evaluation=_evaluation(request, evaluation_id),
        reason=payload.reason,
        final_score=payload.final_score,
    )
    return _evaluation(request, evaluation_id)


@router.get(
    "/review-cycles/{cycle_id}/distribution",
    response=CycleDistributionOut,
    summary="Grade distribution per team against the target, and the calibration moves",
)
def cycles_distribution(request, cycle_id: int):
    cycle = _cycle(request, cycle_id)
    # An account manager gets no rows (tenancy.scopes.sees_grade_distribution).
    found = selectors.distribution(actor=request.actor, cycle=cycle)
    return {
        "target": cycle.target_distribution,
        "rows": [
            {
                "team": row["label"],
                "graded": row["total"],
                "counts": row["counts"],
                "shares": {grade: decimal_text(share) for grade, share in row["shares"].items()},
                "off_target": row["off_target"],
            }
            for row in found["rows"]
        ],
        "moves": found["moves"],
    }
