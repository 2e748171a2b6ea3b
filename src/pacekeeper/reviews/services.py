"""Writes for evaluations: a cycle and its criteria, opening it (one evaluation per person),
and the steps — self-assessment, the lead's review, the director's calibration. Each step and
each score is audited in the same transaction; a calibration that changes the score needs a
reason (DESIGN rule 7)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.goals.models import Goal
from pacekeeper.kpis.engine import Level, compute
from pacekeeper.kpis.periods import Period
from pacekeeper.kpis.registry import METRICS
from pacekeeper.lib import date_rules
from pacekeeper.tenancy.audit import audit_record, required_reason
from pacekeeper.tenancy.models import Role, User
from pacekeeper.tenancy.scopes import REVIEW_ADMIN_ROLES, Actor, may_calibrate, may_review, require_role

from .models import Criterion, CriterionScore, Evaluation, ReviewCycle
from .scoring import grade_for, metric_score, rating_score, weighted_score

# Who is evaluated when a cycle opens.
EVALUATED_ROLES = (Role.MANAGER, Role.LEAD)
LONGEST_CYCLE_DAYS = 366


@dataclass(frozen=True)
class CriterionIn:
    name: str
    kind: str
    weight: int
    metric: str = ""
    target: Decimal | None = None  # in the metric's stored unit (minor units for amounts)


# --- cycles ------------------------------------------------------------------------------------


def cycle_save(
    *,
    actor: Actor,
    cycle: ReviewCycle | None = None,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    criteria: list[CriterionIn],
) -> ReviewCycle:
    """Create or change a draft cycle, replacing its criteria."""
    require_role(actor, REVIEW_ADMIN_ROLES)
    if cycle is not None and cycle.status != ReviewCycle.Status.DRAFT:
        raise ValidationFailed({"": [_("Only a draft cycle can be changed.")]})
    name = name.strip()
    errors = _cycle_errors(actor, cycle, name, starts_on, ends_on, criteria)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        if cycle is None:
            cycle = ReviewCycle(org_id=actor.org_id, created_by=actor.user)
        cycle.name, cycle.starts_on, cycle.ends_on = name, starts_on, ends_on
        cycle.save()
        cycle.criteria.all().delete()
        Criterion.objects.bulk_create(
            Criterion(
                org_id=actor.org_id,
                cycle=cycle,
                name=criterion.name.strip(),
                kind=criterion.kind,
                metric=criterion.metric if criterion.kind == Criterion.Kind.METRIC else "",
                target=criterion.target if criterion.kind == Criterion.Kind.METRIC else None,
                weight=criterion.weight,
                position=position,
            )
            for position, criterion in enumerate(criteria)
        )
    return cycle


def _cycle_errors(actor, cycle, name, starts_on, ends_on, criteria: list[CriterionIn]) -> dict:
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Give the cycle a name.")]
    elif ReviewCycle.objects.filter(org_id=actor.org_id, name=name).exclude(pk=getattr(cycle, "pk", None)).exists():
        errors["name"] = [_("Another cycle has this name.")]
    today = actor.today()
    if problem := date_rules.window_problem(starts_on, today):
        errors["starts_on"] = [problem]
    if problem := date_rules.window_problem(ends_on, today):
        errors["ends_on"] = [problem]
    elif ends_on < starts_on:
        errors["ends_on"] = [_("The period ends on or after its start.")]
    elif (ends_on - starts_on).days >= LONGEST_CYCLE_DAYS:
        errors["ends_on"] = [_("A cycle covers a year at most.")]
    problems = []
    if not criteria:
        problems.append(_("Give at least one criterion."))
    elif sum(criterion.weight for criterion in criteria) != 100:
        problems.append(_("The weights add up to 100."))
    for criterion in criteria:
        if not criterion.name.strip():
            problems.append(_("Every criterion needs a name."))
        if not 1 <= criterion.weight <= 100:
            problems.append(_("A weight is from 1 to 100."))
        if criterion.kind not in Criterion.Kind.values:
            problems.append(_("A criterion is a KPI metric or a rating."))
        if criterion.kind == Criterion.Kind.METRIC and (
            criterion.metric not in METRICS or criterion.target is None or criterion.target <= 0
        ):
            problems.append(_("A metric criterion needs a known metric and a target above zero."))
    if problems:
        errors["criteria"] = list(dict.fromkeys(str(problem) for problem in problems))
    return errors


def cycle_open(*, actor: Actor, cycle: ReviewCycle) -> ReviewCycle:
    """Open a draft cycle: one evaluation, with a score row per criterion, for every active
    account manager and lead. Their self-assessments can start."""
    require_role(actor, REVIEW_ADMIN_ROLES)
    with transaction.atomic():
        current = ReviewCycle.objects.select_for_update().get(pk=cycle.pk)
        if current.status != ReviewCycle.Status.DRAFT:
            raise ValidationFailed({"": [_("This cycle is open already.")]})
        criteria = list(current.criteria.all())
        people = list(
            User.objects.filter(org_id=actor.org_id, is_active=True, role__in=EVALUATED_ROLES).values_list(
                "pk", flat=True
            )
        )
        evaluations = Evaluation.objects.bulk_create(
            Evaluation(org_id=actor.org_id, cycle=current, person_id=person_id) for person_id in people
        )
        CriterionScore.objects.bulk_create(
            (
                CriterionScore(org_id=actor.org_id, evaluation=evaluation, criterion=criterion)
                for evaluation in evaluations
                for criterion in criteria
            ),
            batch_size=2000,
        )
        ReviewCycle.objects.filter(pk=current.pk).update(status=ReviewCycle.Status.OPEN)
        audit_record(actor=actor, obj=current, field="status", before="draft", after="open")
    cycle.refresh_from_db()
    return cycle


def cycle_close(*, actor: Actor, cycle: ReviewCycle) -> ReviewCycle:
    require_role(actor, REVIEW_ADMIN_ROLES)
    with transaction.atomic():
        current = ReviewCycle.objects.select_for_update().get(pk=cycle.pk)
        if current.status != ReviewCycle.Status.OPEN:
            raise ValidationFailed({"": [_("Only an open cycle can be closed.")]})
        if current.evaluations.exclude(step=Evaluation.Step.DONE).exists():
            raise ValidationFailed({"": [_("Some evaluations are not finished.")]})
        ReviewCycle.objects.filter(pk=current.pk).update(status=ReviewCycle.Status.CLOSED)
        audit_record(actor=actor, obj=current, field="status", before="open", after="closed")
    cycle.refresh_from_db()
    return cycle


# --- steps -------------------------------------------------------------------------------------


def _locked(evaluation: Evaluation, *steps: str) -> Evaluation:
    """The evaluation, locked for this transaction, if it is at one of `steps`."""
    current = Evaluation.objects.select_for_update(of=("self",)).select_related("cycle", "org").get(pk=evaluation.pk)
    if current.cycle.status != ReviewCycle.Status.OPEN or current.step not in steps:
        raise ValidationFailed({"": [_("This evaluation is not at that step.")]})
    return current


def _move(actor: Actor, evaluation: Evaluation, to: str, *, reason: str = "") -> None:
    audit_record(actor=actor, obj=evaluation, field="step", before=evaluation.step, after=to, reason=reason)
    evaluation.step = to


def _ratings(evaluation: Evaluation, ratings: dict[int, int], *, required: bool) -> dict[int, int]:
    """Ratings by criterion id, checked: 1–5, for this cycle's rating criteria (all of them when
    `required`)."""
    rating_ids = set(evaluation.cycle.criteria.filter(kind=Criterion.Kind.RATING).values_list("pk", flat=True))
    errors = []
    if set(ratings) - rating_ids:
        errors.append(_("Rate only this cycle's rating criteria."))
    if any(not 1 <= value <= 5 for value in ratings.values()):
        errors.append(_("A rating is from 1 to 5."))
    if required and rating_ids - set(ratings):
        errors.append(_("Rate every criterion."))
    if errors:
        raise ValidationFailed({"ratings": errors})
    return ratings


def self_assessment_submit(
    *, actor: Actor, evaluation: Evaluation, comment: str, ratings: dict[int, int]
) -> Evaluation:
    """The person's own view: a comment and, optionally, their own ratings. Then the review."""
    if evaluation.person_id != actor.user_id:
        raise Forbidden(_("Only the person evaluated writes the self-assessment."))
    if not comment.strip():
        raise ValidationFailed({"comment": [_("Write a few words about the period.")]})
    with transaction.atomic():
        current = _locked(evaluation, Evaluation.Step.SELF)
        for criterion_id, value in _ratings(current, ratings, required=False).items():
            current.scores.filter(criterion_id=criterion_id).update(self_rating=value)
        current.self_comment = comment.strip()
        _move(actor, current, Evaluation.Step.REVIEW)
        current.save(update_fields=["self_comment", "step"])
    return current


def review_submit(*, actor: Actor, evaluation: Evaluation, comment: str, ratings: dict[int, int]) -> Evaluation:
    """The reviewer rates every rating criterion; metric criteria are scored from the KPI engine
    against the person's goal (or the criterion's target). The weighted score goes to calibration.
    A self-assessment not written by then is skipped (the history shows it)."""
    if not may_review(actor, evaluation.person_id):
        raise Forbidden(_("You do not review this person."))
    with transaction.atomic():
        current = _locked(evaluation, Evaluation.Step.SELF, Evaluation.Step.REVIEW)
        ratings = _ratings(current, ratings, required=True)
        scores = list(current.scores.select_related("criterion"))
        actuals = _metric_actuals(current, [score.criterion for score in scores])
        targets = _goal_targets(current, [score.criterion for score in scores])
        parts = []
        for row in scores:
            criterion = row.criterion
            if criterion.kind == Criterion.Kind.RATING:
                row.rating = ratings[criterion.pk]
                row.score = rating_score(row.rating)
            else:
                row.actual = Decimal(actuals.get(criterion.metric) or 0)
                row.target = targets.get(criterion.metric, criterion.target)
                row.score = metric_score(criterion.metric, row.actual, row.target)
            parts.append((criterion.weight, row.score))
        CriterionScore.objects.bulk_update(scores, ["rating", "actual", "target", "score"])
        current.score = weighted_score(parts)
        current.review_comment = comment.strip()
        current.reviewed_by = actor.user
        audit_record(actor=actor, obj=current, field="score", before=None, after=current.score)
        _move(actor, current, Evaluation.Step.CALIBRATION)
        current.save(update_fields=["score", "review_comment", "reviewed_by", "step"])
    return current


def _metric_actuals(evaluation: Evaluation, criteria: list[Criterion]) -> dict[str, object]:
    metrics = sorted({criterion.metric for criterion in criteria if criterion.kind == Criterion.Kind.METRIC})
    if not metrics:
        return {}
    cycle = evaluation.cycle
    figures = compute(
        org=evaluation.org,
        metrics=metrics,
        level=Level.MANAGER,
        period=Period(cycle.starts_on, cycle.ends_on),
        managers={evaluation.person_id},
    )
    return figures.get(evaluation.person_id, {})


def _goal_targets(evaluation: Evaluation, criteria: list[Criterion]) -> dict[str, Decimal]:
    """The person's own active goal on a metric, within the cycle, sets that criterion's target."""
    metrics = {criterion.metric for criterion in criteria if criterion.kind == Criterion.Kind.METRIC}
    cycle = evaluation.cycle
    goals = Goal.objects.filter(
        org_id=evaluation.org_id,
        level=Goal.Level.PERSON,
        person_id=evaluation.person_id,
        status__in=(Goal.Status.ACTIVE, Goal.Status.CLOSED),
        metric__in=metrics,
        starts_on__gte=cycle.starts_on,
        ends_on__lte=cycle.ends_on,
        target__gt=0,
    ).order_by("starts_on", "pk")
    return {goal.metric: goal.target for goal in goals}


def calibrate(
    *, actor: Actor, evaluation: Evaluation, final_score: Decimal | None = None, reason: str = ""
) -> Evaluation:
    """A director confirms the score or sets another one (with a reason); the grade follows."""
    if not may_calibrate(actor, evaluation.person_id):
        raise Forbidden(_("Nobody calibrates their own evaluation."))
    with transaction.atomic():
        current = _locked(evaluation, Evaluation.Step.CALIBRATION)
        final = current.score if final_score is None else final_score.quantize(Decimal("0.1"))
        if not Decimal(0) <= final <= Decimal(120):
            raise ValidationFailed({"final_score": [_("A score is from 0 to 120.")]})
        if final != current.score:
            message = _("Say why the score changes: the reason is kept in the audit trail.")
            reason = required_reason(reason, message)
            audit_record(actor=actor, obj=current, field="score", before=current.score, after=final, reason=reason)
        current.final_score = final
        current.grade = grade_for(final)
        current.calibrated_by = actor.user
        _move(actor, current, Evaluation.Step.DONE, reason=reason.strip())
        current.save(update_fields=["final_score", "grade", "calibrated_by", "step"])
    return current


def shows_review(actor: Actor, evaluation: Evaluation) -> bool:
    """The person sees the reviewer's ratings, comment and score once calibration is done."""
    return evaluation.person_id != actor.user_id or evaluation.step == Evaluation.Step.DONE
