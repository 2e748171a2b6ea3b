"""Writes for evaluations: a cycle and its criteria, opening it (one evaluation per person),
and the steps — self-assessment, the lead's review, the director's calibration. Each step and
each score is audited in the same transaction; a calibration that changes the score needs a
reason (DESIGN rule 7)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.goals.models import Goal
from pacekeeper.kpis.engine import Level, compute
from pacekeeper.kpis.periods import Period
from pacekeeper.kpis.registry import METRICS
from pacekeeper.lib import date_rules
from pacekeeper.tenancy.audit import audit_record, required_reason
from pacekeeper.tenancy.models import Role, Team, TeamMembership, User
from pacekeeper.tenancy.scopes import (
    REVIEW_ADMIN_ROLES,
    Actor,
    may_calibrate,
    may_respond_to_evaluation,
    may_review,
    require_role,
)

from . import notices, scoring
from .models import CalibrationMove, Criterion, CriterionScore, Evaluation, ReviewCycle
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
    roles: tuple[str, ...] = ()  # empty: every role evaluated
    curve: str = scoring.LINEAR
    floor: Decimal | None = None
    cap: Decimal | None = None
    bands: tuple = ()  # ({"from": 0, "to": 60, "score": 0}, …)


@dataclass(frozen=True)
class Deadlines:
    self_due: dt.date | None = None
    review_due: dt.date | None = None
    calibration_due: dt.date | None = None
    acknowledgement_due: dt.date | None = None


DEADLINE_FIELDS = ("self_due", "review_due", "calibration_due", "acknowledgement_due")


# --- cycles ------------------------------------------------------------------------------------


def cycle_save(
    *,
    actor: Actor,
    cycle: ReviewCycle | None = None,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    criteria: list[CriterionIn],
    deadlines: Deadlines = Deadlines(),
    audience: dict | None = None,
    target_distribution: dict | None = None,
) -> ReviewCycle:
    """Create or change a draft cycle, replacing its criteria."""
    require_role(actor, REVIEW_ADMIN_ROLES)
    if cycle is not None and cycle.status != ReviewCycle.Status.DRAFT:
        raise ValidationFailed({"": [_("Only a draft cycle can be changed.")]})
    name = name.strip()
    errors = _cycle_errors(actor, cycle, name, starts_on, ends_on, criteria)
    audience = _clean_audience(actor, audience or {}, errors)
    target_distribution = _clean_distribution(target_distribution or {}, errors)
    _deadline_errors(actor, deadlines, errors)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        if cycle is None:
            cycle = ReviewCycle(org_id=actor.org_id, created_by=actor.user)
        cycle.name, cycle.starts_on, cycle.ends_on = name, starts_on, ends_on
        cycle.audience, cycle.target_distribution = audience, target_distribution
        for field in DEADLINE_FIELDS:
            setattr(cycle, field, getattr(deadlines, field))
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
                roles=sorted(set(criterion.roles)),
                curve=criterion.curve if criterion.kind == Criterion.Kind.METRIC else scoring.LINEAR,
                floor=criterion.floor if criterion.curve == scoring.CAPPED else None,
                cap=criterion.cap if criterion.curve == scoring.CAPPED else None,
                bands=list(criterion.bands) if criterion.curve == scoring.BANDS else [],
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
    else:
        # Per role evaluated, the weights of the criteria that measure it add up to 100.
        covered = False
        for role in EVALUATED_ROLES:
            weights = [c.weight for c in criteria if not c.roles or role in c.roles]
            covered = covered or bool(weights)
            if weights and sum(weights) != 100:
                problems.append(
                    _("The weights of the criteria for %(role)s add up to 100 (now %(total)s).")
                    % {"role": Role(role).label, "total": sum(weights)}
                )
        if not covered:
            problems.append(_("The weights add up to 100."))
    for criterion in criteria:
        if set(criterion.roles) - set(EVALUATED_ROLES):
            problems.append(_("A criterion measures account managers, leads or both."))
        if criterion.kind == Criterion.Kind.METRIC:
            problems.extend(scoring.curve_problems(criterion.curve, criterion.floor, criterion.cap, criterion.bands))
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


def _clean_audience(actor: Actor, audience: dict, errors: dict) -> dict:
    """{"roles": [...], "teams": [ids], "people": [ids]}, each id in the org (else a field error)."""
    roles = sorted(set(audience.get("roles") or ()))
    teams = sorted(set(audience.get("teams") or ()))
    people = sorted(set(audience.get("people") or ()))
    problems = []
    if set(roles) - set(EVALUATED_ROLES):
        problems.append(_("Choose account managers, leads or both."))
    if teams and Team.objects.filter(org_id=actor.org_id, pk__in=teams).count() != len(teams):
        problems.append(_("Choose teams of your organisation."))
    if people and (
        User.objects.filter(org_id=actor.org_id, pk__in=people, is_active=True, role__in=EVALUATED_ROLES).count()
        != len(people)
    ):
        problems.append(_("Choose active account managers or leads of your organisation."))
    if problems:
        errors["audience"] = [str(problem) for problem in problems]
    return {key: value for key, value in (("roles", roles), ("teams", teams), ("people", people)) if value}


def _clean_distribution(distribution: dict, errors: dict) -> dict:
    """{"A": {"max": 20}, "D": {"min": 5}}: whole percents 0–100, a grade's min at most its max."""
    cleaned, problems = {}, []
    for grade, limits in distribution.items():
        if grade not in scoring.GRADES or not isinstance(limits, dict) or set(limits) - {"min", "max"}:
            problems.append(_("A target is a grade (A–D) with a minimum and/or maximum percent."))
            continue
        row = {}
        for key, value in limits.items():
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
                problems.append(_("A target share is a whole percent from 0 to 100."))
                continue
            row[key] = value
        if "min" in row and "max" in row and row["min"] > row["max"]:
            problems.append(_("A grade's minimum share is at most its maximum."))
        if row:
            cleaned[grade] = row
    if sum(row.get("min", 0) for row in cleaned.values()) > 100:
        problems.append(_("The minimum shares add up to 100 % at most."))
    if problems:
        errors["target_distribution"] = list(dict.fromkeys(str(problem) for problem in problems))
    return cleaned


def _deadline_errors(actor: Actor, deadlines: Deadlines, errors: dict) -> None:
    today = actor.today()
    previous = None
    for field in DEADLINE_FIELDS:
        day = getattr(deadlines, field)
        if day is None:
            continue
        if problem := date_rules.window_problem(day, today):
            errors[field] = [problem]
        elif previous is not None and day < previous:
            errors[field] = [_("Each step's deadline is on or after the one before.")]
        previous = day


def audience_people(org_id: int, audience: dict, today: dt.date) -> list[int]:
    """The people a cycle evaluates (see ReviewCycle.audience)."""
    people = User.objects.filter(org_id=org_id, is_active=True, role__in=EVALUATED_ROLES)
    if audience.get("people"):
        return list(people.filter(pk__in=audience["people"]).values_list("pk", flat=True))
    if audience.get("roles"):
        people = people.filter(role__in=audience["roles"])
    if audience.get("teams"):
        paths = Team.objects.filter(org_id=org_id, pk__in=audience["teams"]).values_list("path", flat=True)
        subtree = Q(pk__in=[])
        for path in paths:
            subtree |= Q(team__path__startswith=path)
        members = TeamMembership.objects.current(today).filter(subtree, org_id=org_id).values_list("user_id")
        people = people.filter(pk__in=members)
    return list(people.values_list("pk", flat=True))


def cycle_open(*, actor: Actor, cycle: ReviewCycle) -> ReviewCycle:
    """Open a draft cycle: one evaluation, with a score row per criterion, for every active
    account manager and lead. Their self-assessments can start."""
    require_role(actor, REVIEW_ADMIN_ROLES)
    with transaction.atomic():
        current = ReviewCycle.objects.select_for_update().get(pk=cycle.pk)
        if current.status != ReviewCycle.Status.DRAFT:
            raise ValidationFailed({"": [_("This cycle is open already.")]})
        criteria = list(current.criteria.all())
        roles = dict(
            User.objects.filter(pk__in=audience_people(actor.org_id, current.audience, actor.today())).values_list(
                "pk", "role"
            )
        )
        if not roles:
            raise ValidationFailed({"audience": [_("Nobody is chosen: check the teams, roles or people.")]})
        uncovered = {role for role in roles.values() if not any(c.applies_to(role) for c in criteria)}
        if uncovered:
            names = ", ".join(str(Role(role).label) for role in sorted(uncovered))
            raise ValidationFailed({"criteria": [_("No criterion measures %(roles)s.") % {"roles": names}]})
        evaluations = Evaluation.objects.bulk_create(
            Evaluation(org_id=actor.org_id, cycle=current, person_id=person_id) for person_id in roles
        )
        CriterionScore.objects.bulk_create(
            (
                CriterionScore(org_id=actor.org_id, evaluation=evaluation, criterion=criterion)
                for evaluation in evaluations
                for criterion in criteria
                if criterion.applies_to(roles[evaluation.person_id])
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


def _locked(evaluation: Evaluation, *steps: str, open_cycle: bool = True) -> Evaluation:
    """The evaluation, locked for this transaction, if it is at one of `steps` (and not locked
    for good after acknowledgement or a dispute's resolution)."""
    current = Evaluation.objects.select_for_update(of=("self",)).select_related("cycle", "org").get(pk=evaluation.pk)
    if current.locked_at is not None:
        raise ValidationFailed({"": [_("This evaluation is locked: it was acknowledged or its dispute resolved.")]})
    if (open_cycle and current.cycle.status != ReviewCycle.Status.OPEN) or current.step not in steps:
        raise ValidationFailed({"": [_("This evaluation is not at that step.")]})
    return current


def _move(actor: Actor, evaluation: Evaluation, to: str, *, reason: str = "") -> None:
    audit_record(actor=actor, obj=evaluation, field="step", before=evaluation.step, after=to, reason=reason)
    evaluation.step = to


def _ratings(evaluation: Evaluation, ratings: dict[int, int], *, required: bool) -> dict[int, int]:
    """Ratings by criterion id, checked: 1–5, for this cycle's rating criteria (all of them when
    `required`)."""
    rating_ids = set(
        evaluation.scores.filter(criterion__kind=Criterion.Kind.RATING).values_list("criterion_id", flat=True)
    )
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
                row.score = metric_score(
                    criterion.metric, row.actual, row.target, criterion.curve, criterion.floor, criterion.cap,
                    criterion.bands,
                )  # fmt: skip
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
        if evaluation.person_id == actor.user_id:
            raise Forbidden(_("Nobody calibrates their own evaluation."))
        raise Forbidden(_("Only directors calibrate evaluations."))
    with transaction.atomic():
        current = _locked(evaluation, Evaluation.Step.CALIBRATION)
        final = current.score if final_score is None else final_score.quantize(Decimal("0.1"))
        if not Decimal(0) <= final <= Decimal(120):
            raise ValidationFailed({"final_score": [_("A score is from 0 to 120.")]})
        if final != current.score:
            message = _("Say why the score changes: the reason is kept in the audit trail.")
            reason = required_reason(reason, message)
            audit_record(actor=actor, obj=current, field="score", before=current.score, after=final, reason=reason)
            _record_move(actor, current, CalibrationMove.Occasion.CALIBRATION, current.score, final, reason)
        current.final_score = final
        current.grade = grade_for(final)
        current.calibrated_by = actor.user
        _move(actor, current, Evaluation.Step.DONE, reason=reason.strip())
        current.save(update_fields=["final_score", "grade", "calibrated_by", "step"])
    return current


def shows_review(actor: Actor, evaluation: Evaluation) -> bool:
    """The person sees the reviewer's ratings, comment and score once calibration is done."""
    return evaluation.person_id != actor.user_id or evaluation.step == Evaluation.Step.DONE


def _record_move(actor: Actor, evaluation: Evaluation, occasion: str, before, after, reason: str) -> None:
    CalibrationMove.objects.create(
        org_id=evaluation.org_id,
        evaluation=evaluation,
        occasion=occasion,
        score_before=before,
        score_after=after,
        grade_before=grade_for(before) if before is not None else "",
        grade_after=grade_for(after),
        reason=reason,
        moved_by=actor.user,
    )


def send_back(*, actor: Actor, evaluation: Evaluation, reason: str) -> Evaluation:
    """The reviewer returns a submitted self-assessment to its person, saying why; the person
    writes it again (their earlier text stays in the form and in the audit trail)."""
    if not may_review(actor, evaluation.person_id):
        raise Forbidden(_("You do not review this person."))
    reason = required_reason(reason, _("Say why the self-assessment goes back."))
    with transaction.atomic():
        current = _locked(evaluation, Evaluation.Step.REVIEW)
        current.sent_back_reason = reason
        _move(actor, current, Evaluation.Step.SELF, reason=reason)
        current.save(update_fields=["sent_back_reason", "step"])
        notices.announce_sent_back(actor=actor, evaluation=current)
    return current


def acknowledge(*, actor: Actor, evaluation: Evaluation, comment: str = "") -> Evaluation:
    """The person acknowledges their calibrated evaluation (a comment optional): it is locked."""
    return _respond(actor, evaluation, Evaluation.Response.ACKNOWLEDGED, comment)


def dispute(*, actor: Actor, evaluation: Evaluation, comment: str) -> Evaluation:
    """The person disputes their calibrated evaluation, saying why: it goes back to a director."""
    if not comment.strip():
        raise ValidationFailed({"comment": [_("Say what you dispute and why.")]})
    return _respond(actor, evaluation, Evaluation.Response.DISPUTED, comment)


def _respond(actor: Actor, evaluation: Evaluation, response: str, comment: str) -> Evaluation:
    if not may_respond_to_evaluation(actor, evaluation.person_id):
        raise Forbidden(_("Only the person evaluated acknowledges or disputes it."))
    with transaction.atomic():
        current = _locked(evaluation, Evaluation.Step.DONE, open_cycle=False)
        if current.response:
            raise ValidationFailed({"": [_("You have answered this evaluation already.")]})
        current.response, current.response_comment = response, comment.strip()
        fields = ["response", "response_comment"]
        if response == Evaluation.Response.ACKNOWLEDGED:
            current.locked_at = timezone.now()
            fields.append("locked_at")
        audit_record(actor=actor, obj=current, field="response", before="", after=response, reason=comment.strip())
        current.save(update_fields=fields)
        if response == Evaluation.Response.DISPUTED:
            notices.announce_dispute(actor=actor, evaluation=current)
    return current


def resolve_dispute(
    *, actor: Actor, evaluation: Evaluation, reason: str, final_score: Decimal | None = None
) -> Evaluation:
    """A director upholds the disputed evaluation (no score) or changes its score; either way with
    a reason, and the evaluation is locked."""
    if not may_calibrate(actor, evaluation.person_id):
        raise Forbidden(_("Only a director other than the person resolves a dispute."))
    reason = required_reason(reason, _("Say why: the person reads it and it is kept in the audit trail."))
    with transaction.atomic():
        current = _locked(evaluation, Evaluation.Step.DONE, open_cycle=False)
        if current.response != Evaluation.Response.DISPUTED:
            raise ValidationFailed({"": [_("This evaluation is not disputed.")]})
        final = current.final_score if final_score is None else Decimal(final_score).quantize(Decimal("0.1"))
        if not Decimal(0) <= final <= Decimal(120):
            raise ValidationFailed({"final_score": [_("A score is from 0 to 120.")]})
        fields = ["resolution", "resolution_reason", "locked_at"]
        if final != current.final_score:
            audit_record(
                actor=actor, obj=current, field="final_score", before=current.final_score, after=final, reason=reason
            )
            _record_move(actor, current, CalibrationMove.Occasion.DISPUTE, current.final_score, final, reason)
            current.final_score, current.grade = final, grade_for(final)
            fields += ["final_score", "grade"]
            current.resolution = Evaluation.Resolution.CHANGED
        else:
            current.resolution = Evaluation.Resolution.UPHELD
        audit_record(actor=actor, obj=current, field="resolution", before="", after=current.resolution, reason=reason)
        current.resolution_reason, current.locked_at = reason, timezone.now()
        current.save(update_fields=fields)
        notices.announce_resolution(actor=actor, evaluation=current)
    return current


# --- overdue steps ---------------------------------------------------------------------------------

# Which deadline a waiting evaluation is measured against: (deadline field, step, extra filter).
OVERDUE_RULES = (
    ("self_due", Evaluation.Step.SELF, Q()),
    ("review_due", Evaluation.Step.REVIEW, Q()),
    ("calibration_due", Evaluation.Step.CALIBRATION, Q()),
    ("acknowledgement_due", Evaluation.Step.DONE, Q(response="", locked_at__isnull=True)),
)
# The name of the waiting step for an acknowledgement (the evaluation's own step is "done").
ACKNOWLEDGEMENT = "acknowledgement"


def overdue_q(today: dt.date) -> Q:
    """Evaluations of open cycles whose current step's deadline has passed."""
    q = Q(pk__in=[])
    for field, step, extra in OVERDUE_RULES:
        q |= Q(**{f"cycle__{field}__lt": today}, step=step) & extra
    return Q(cycle__status=ReviewCycle.Status.OPEN) & q


def overdue_step(evaluation: Evaluation) -> str:
    return ACKNOWLEDGEMENT if evaluation.step == Evaluation.Step.DONE else evaluation.step


def overdue_due(evaluation: Evaluation, today: dt.date) -> dt.date | None:
    """The deadline of the evaluation's current step when it has passed (the same rules as
    `overdue_q`, read from a loaded evaluation with its cycle), else None."""
    if evaluation.cycle.status != ReviewCycle.Status.OPEN:
        return None
    if evaluation.step == Evaluation.Step.DONE and (evaluation.response or evaluation.locked_at is not None):
        return None
    for field, step, _extra in OVERDUE_RULES:
        due = getattr(evaluation.cycle, field)
        if evaluation.step == step and due is not None and due < today:
            return due
    return None


def overdue_notify_all() -> int:
    """Announce each overdue step once (the chore): self-assessment and acknowledgement to the
    person, review to their leads (or the directors when they have none), calibration to the
    directors. Returns how many steps were announced."""
    from .models import OverdueNotice

    sent = 0
    for org_id in (
        ReviewCycle.objects.filter(status=ReviewCycle.Status.OPEN).values_list("org_id", flat=True).distinct()
    ):
        org = ReviewCycle.objects.filter(org_id=org_id).select_related("org").first().org
        today = _org_today(org)
        waiting = Evaluation.objects.filter(overdue_q(today), org_id=org_id).select_related("cycle", "person", "org")
        for evaluation in waiting:
            step = overdue_step(evaluation)
            with transaction.atomic():
                _mark, created = OverdueNotice.objects.get_or_create(org_id=org_id, evaluation=evaluation, step=step)
                if created:
                    notices.announce_overdue(
                        evaluation=evaluation, step=step, recipients=_waiting_on(evaluation, today)
                    )
                    sent += 1
    return sent


def _org_today(org) -> dt.date:
    from zoneinfo import ZoneInfo

    return timezone.now().astimezone(ZoneInfo(org.time_zone)).date()


def _waiting_on(evaluation: Evaluation, today: dt.date) -> list[User]:
    step = evaluation.step
    if step in (Evaluation.Step.SELF, Evaluation.Step.DONE):
        return [evaluation.person]
    directors = list(User.objects.filter(org_id=evaluation.org_id, is_active=True, role=Role.DIRECTOR))
    if step == Evaluation.Step.REVIEW:
        teams = TeamMembership.objects.current(today).filter(org_id=evaluation.org_id, user_id=evaluation.person_id)
        paths = list(Team.objects.filter(pk__in=teams.values("team_id")).values_list("path", flat=True))
        ancestor_ids = {int(part) for path in paths for part in path.strip("/").split("/") if part}
        leads = User.objects.filter(
            pk__in=TeamMembership.objects.current(today)
            .filter(org_id=evaluation.org_id, team_id__in=ancestor_ids, is_lead=True)
            .values("user_id"),
            is_active=True,
        ).exclude(pk=evaluation.person_id)
        return list(leads) or directors
    return [director for director in directors if director.pk != evaluation.person_id]
