"""Reads for evaluations shown elsewhere: a cycle's grade distribution per team against its
target, with the calibration moves; and the overdue steps for the team page and the director's
overview (dashboards)."""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from pacekeeper.tenancy.models import Team, TeamMembership, User
from pacekeeper.tenancy.scopes import Actor, calibration_moves_q, sees_grade_distribution

from .models import CalibrationMove, Evaluation, ReviewCycle
from .scoring import GRADES
from .services import overdue_due, overdue_q, overdue_step

SHARE_PLACES = Decimal("0.1")


def _share(count: int, total: int) -> Decimal:
    """A grade's share of the evaluations graded, in percent, one decimal half up."""
    return (Decimal(count) * 100 / total).quantize(SHARE_PLACES, rounding=ROUND_HALF_UP) if total else Decimal(0)


def off_target(shares: dict[str, Decimal], target: dict) -> list[str]:
    """The grades whose share breaks the cycle's target (above its max or under its min)."""
    broken = []
    for grade in GRADES:
        limits = target.get(grade, {})
        share = shares.get(grade, Decimal(0))
        if ("max" in limits and share > limits["max"]) or ("min" in limits and share < limits["min"]):
            broken.append(grade)
    return broken


def _row(label: str, grades: list[str], target: dict) -> dict:
    counts = Counter(grades)
    total = len(grades)
    shares = {grade: _share(counts.get(grade, 0), total) for grade in GRADES}
    return {
        "label": label,
        "total": total,
        "counts": {grade: counts.get(grade, 0) for grade in GRADES},
        "shares": shares,
        "off_target": off_target(shares, target) if total else [],
        "cells": [(grade, counts.get(grade, 0), shares[grade], target.get(grade, {})) for grade in GRADES],
    }


def distribution(*, actor: Actor, cycle: ReviewCycle) -> dict:
    """Grades of the calibrated evaluations the viewer may see (never their own), the whole and
    per team (the person's team on the cycle's last day; someone in no team is under "No team"),
    against the cycle's target; and the moves with their reasons."""
    if not sees_grade_distribution(actor):
        return {"rows": [], "moves": []}
    graded = dict(
        Evaluation.objects.visible_to(actor)
        .filter(cycle=cycle)
        .exclude(grade="")
        .exclude(person_id=actor.user_id)
        .values_list("person_id", "grade")
    )
    team_of = dict(
        TeamMembership.objects.current(cycle.ends_on)
        .filter(org_id=cycle.org_id, user_id__in=graded)
        .order_by("user_id", "-is_lead", "team_id")
        .values_list("user_id", "team_id")
    )
    names = dict(Team.objects.filter(pk__in=set(team_of.values())).values_list("pk", "name"))
    by_team = defaultdict(list)
    for person_id, grade in graded.items():
        by_team[names.get(team_of.get(person_id), _("No team"))].append(grade)
    target = cycle.target_distribution or {}
    rows = [_row(_("All"), list(graded.values()), target)]
    rows += [_row(label, grades, target) for label, grades in sorted(by_team.items())]
    moves = (
        CalibrationMove.objects.filter(calibration_moves_q(actor), evaluation__cycle=cycle)
        .select_related("evaluation__person", "moved_by")
        .order_by("-moved_at", "-pk")
    )
    return {"rows": rows, "moves": list(moves[:200])}


def overdue_steps(*, actor: Actor, person_ids=None, limit: int = 20) -> dict:
    """The overdue steps the viewer may see (never their own evaluation's review or calibration,
    which are not theirs to see), counted by step, and the first `limit` of them."""
    if not sees_grade_distribution(actor):
        return {"total": 0, "by_step": [], "rows": []}
    today = actor.today()
    waiting = (
        Evaluation.objects.visible_to(actor)
        .filter(overdue_q(today))
        .exclude(person_id=actor.user_id)
        .select_related("cycle", "person")
        .order_by("cycle__ends_on", "person__username")
    )
    if person_ids is not None:
        waiting = waiting.filter(person_id__in=person_ids)
    rows = [
        {"evaluation": evaluation, "step": overdue_step(evaluation), "due": overdue_due(evaluation, today)}
        for evaluation in waiting[:500]
    ]
    from .notices import STEP_WORDS

    for row in rows:
        row["label"] = str(STEP_WORDS[row["step"]])
    counts = Counter(row["step"] for row in rows)
    return {
        "total": len(rows),
        "by_step": [(str(STEP_WORDS[step]), counts[step]) for step in STEP_WORDS if counts.get(step)],
        "rows": rows[:limit],
    }


# --- who a cycle evaluates (the cycle form and its summary) -------------------------------------


def audience_people(cycle, ids):
    return User.objects.filter(org_id=cycle.org_id, pk__in=ids).order_by("username")


def audience_teams(cycle, ids):
    return Team.objects.filter(org_id=cycle.org_id, pk__in=ids).order_by("name")


def cycle_team_choices(org_id: int):
    return Team.objects.filter(org_id=org_id).order_by("path")


def cycle_people_choices(org_id: int):
    from .services import EVALUATED_ROLES

    return User.objects.filter(org_id=org_id, is_active=True, role__in=EVALUATED_ROLES).order_by("username")
