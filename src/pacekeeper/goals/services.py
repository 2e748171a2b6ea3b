"""Writes for goals: drafting, activating (SMART or a director's override), adjusting targets
with their history, and cascading a team target to its members."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pacekeeper.crm.selectors import portfolio_sizes
from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.kpis.engine import compute
from pacekeeper.kpis.periods import Period
from pacekeeper.kpis.registry import METRICS, Unit
from pacekeeper.lib import date_rules
from pacekeeper.tenancy.audit import audit_record, required_reason
from pacekeeper.tenancy.models import Role, Team, TeamMembership, User
from pacekeeper.tenancy.scopes import Actor, may_set_goals

from .history import metric_history
from .models import Goal
from .smart import SmartReport, smart_check

GOAL_FIELDS = {"kind", "title", "description", "metric", "level", "starts_on", "ends_on", "target"}


def goal_smart(goal: Goal, *, today: dt.date) -> SmartReport:
    history = None
    if goal.metric in METRICS and goal.ends_on and goal.ends_on >= goal.starts_on and goal.kind == Goal.Kind.GOAL:
        history = metric_history(
            org=goal.org,
            metric=goal.metric,
            level=goal.level,
            subject_id=goal.subject_id,
            period=Period(goal.starts_on, goal.ends_on),
        )
    return smart_check(goal, history=history, today=today)


def _draft(actor: Actor, goal: Goal | None, changes: dict) -> Goal:
    """Apply changes to a new or draft goal, checking every reference and right; not saved."""
    changes = dict(changes)
    team_id, person_id, parent_id = changes.pop("team", None), changes.pop("person", None), changes.pop("parent", None)
    if goal is None:
        goal = Goal(org_id=actor.org_id, created_by=actor.user)
    else:
        require_goal_setter(actor, goal)
        if goal.status != Goal.Status.DRAFT:
            message = _("Only a draft can be edited; adjust the target of an active goal instead.")
            raise ValidationFailed({"": [message]})
        team_id = team_id or goal.team_id
        person_id = person_id or goal.person_id
    unknown = set(changes) - GOAL_FIELDS
    if unknown:
        raise ValidationFailed({name: [_("This field cannot be set.")] for name in sorted(unknown)})
    for name, value in changes.items():
        setattr(goal, name, value.strip() if isinstance(value, str) else value)
    # Before anything reads history: a goal from 0001-01-01 has no "same period last year".
    date_rules.require_dates(today=actor.today(), business={"starts_on": goal.starts_on, "ends_on": goal.ends_on})
    if goal.kind == Goal.Kind.OBJECTIVE:
        goal.level = Goal.Level.ORG
    goal.team = _team(actor, team_id) if goal.level == Goal.Level.TEAM else None
    goal.person = _person(actor, person_id) if goal.level == Goal.Level.PERSON else None
    if parent_id is not None:
        goal.parent = Goal.objects.visible_to(actor).filter(pk=parent_id).exclude(pk=goal.pk).first()
        if goal.parent is None:
            raise ValidationFailed({"parent": [_("Choose a goal or objective you can see.")]})
    if goal.metric and goal.metric not in METRICS:
        raise ValidationFailed({"metric": [_("Choose a metric from the list.")]})
    if not may_set_goals(actor, level=goal.level, team_id=goal.team_id, person_id=goal.person_id):
        raise Forbidden(_("You may not set goals for this subject."))
    goal.baseline = _baseline(goal)
    try:
        goal.full_clean(exclude=["org", "team", "person", "parent", "created_by"])
    except ValidationError as error:
        raise ValidationFailed.from_django(error) from None
    return goal


@transaction.atomic
def goal_save(*, actor: Actor, goal: Goal | None = None, changes: dict) -> Goal:
    """Create or edit a draft. Saved with warnings; activation is a separate step. The baseline
    is filled from the subject's history (the same period last year)."""
    goal = _draft(actor, goal, changes)
    goal.save()
    return goal


def goal_preview(*, actor: Actor, changes: dict) -> SmartReport:
    """The SMART check of a goal being typed, without saving it (the form checks as you type)."""
    return goal_smart(_draft(actor, None, changes), today=actor.today())


def _team(actor: Actor, team_id) -> Team:
    team = Team.objects.visible_to(actor).filter(pk=team_id).first() if team_id else None
    if team is None:
        raise ValidationFailed({"team": [_("Choose one of your teams.")]})
    return team


def _person(actor: Actor, person_id) -> User:
    person = User.objects.visible_to(actor).filter(pk=person_id, is_active=True).first() if person_id else None
    if person is None:
        raise ValidationFailed({"person": [_("Choose one of your people.")]})
    return person


def _baseline(goal: Goal) -> Decimal | None:
    if goal.metric not in METRICS or goal.ends_on is None or goal.ends_on < goal.starts_on:
        return None
    last_year = Period(goal.starts_on, goal.ends_on).same_last_year()
    # A person's baseline reads only that person's facts (cascades make one per member).
    only = {goal.person_id} if goal.level == Goal.Level.PERSON else None
    value = compute(org=goal.org, metrics=[goal.metric], level=goal.level, period=last_year, managers=only)
    found = value.get(goal.subject_id, {}).get(goal.metric)
    return None if found is None else Decimal(found)


@transaction.atomic
def goal_activate(*, actor: Actor, goal: Goal, override_reason: str = "") -> Goal:
    """Activate a draft. Hard SMART failures need a director's override with a reason."""
    require_goal_setter(actor, goal)
    if goal.status != Goal.Status.DRAFT:
        raise ValidationFailed({"": [_("Only a draft can be activated.")]})
    report = goal_smart(goal, today=actor.today())
    override_reason = override_reason.strip()
    if report.hard_failures:
        if actor.role not in (Role.DIRECTOR,) or not override_reason:
            raise ValidationFailed(
                {
                    "override_reason": [f.message for f in report.hard_failures]
                    + [_("A director may activate it anyway, giving a reason.")]
                }
            )
        goal.override_reason = override_reason
    goal.status = Goal.Status.ACTIVE
    goal.save(update_fields=["status", "override_reason"])
    audit_record(
        actor=actor,
        obj=goal,
        field="status",
        before=Goal.Status.DRAFT,
        after=Goal.Status.ACTIVE,
        reason=override_reason,
    )
    return goal


@transaction.atomic
def goal_set_target(*, actor: Actor, goal: Goal, target: Decimal, reason: str) -> Goal:
    """Change a target, keeping the history: who, when, before, after and why."""
    require_goal_setter(actor, goal)
    reason = required_reason(reason, _("Say why the target changes."))
    before = goal.target
    goal.target = target
    goal.save(update_fields=["target"])
    audit_record(actor=actor, obj=goal, field="target", before=before, after=target, reason=reason)
    return goal


@transaction.atomic
def goal_set_status(*, actor: Actor, goal: Goal, status: str, reason: str = "") -> Goal:
    require_goal_setter(actor, goal)
    if status not in (Goal.Status.CLOSED, Goal.Status.CANCELLED) or goal.status in (status,):
        raise ValidationFailed({"status": [_("This change of status is not possible.")]})
    before = goal.status
    goal.status = status
    goal.save(update_fields=["status"])
    audit_record(actor=actor, obj=goal, field="status", before=before, after=status, reason=reason)
    return goal


def require_goal_setter(actor: Actor, goal: Goal) -> None:
    if not may_set_goals(actor, level=goal.level, team_id=goal.team_id, person_id=goal.person_id):
        raise Forbidden()


CASCADE_METHODS = ("even", "last_share", "portfolio")


@transaction.atomic
def goal_cascade(*, actor: Actor, goal: Goal, method: str) -> list[Goal]:
    """Split a team goal into draft goals for the team's current members, evenly, by their share
    of the metric last period, or by portfolio size. Amounts and counts are split so the parts
    add up exactly (largest remainder); rates are copied, since they do not add up."""
    require_goal_setter(actor, goal)
    if goal.level != Goal.Level.TEAM or goal.target is None or goal.ends_on is None:
        raise ValidationFailed({"": [_("Only a team goal with a target and an end can be cascaded.")]})
    if method not in CASCADE_METHODS:
        raise ValidationFailed({"method": [_("Choose even, last_share or portfolio.")]})
    if goal.children.exclude(status=Goal.Status.CANCELLED).exists():
        raise ValidationFailed({"": [_("This goal is already split; adjust or cancel its parts instead.")]})
    members = list(
        User.objects.visible_to(actor)
        .filter(
            pk__in=TeamMembership.objects.current(actor.today()).filter(team=goal.team, is_lead=False).values("user_id")
        )
        .order_by("username")
    )
    if not members:
        raise ValidationFailed({"": [_("The team has no members to cascade to.")]})
    parts = split_target(Decimal(goal.target), _weights(goal, members, method), goal.metric)
    children = []
    for person, part in zip(members, parts, strict=True):
        child = goal_save(
            actor=actor,
            changes={
                "kind": Goal.Kind.GOAL,
                "title": f"{goal.title} · {person}",
                "metric": goal.metric,
                "level": Goal.Level.PERSON,
                "person": person.pk,
                "parent": goal.pk,
                "starts_on": goal.starts_on,
                "ends_on": goal.ends_on,
                "target": part,
            },
        )
        children.append(child)
    return children


def _weights(goal: Goal, members: list[User], method: str) -> list[Decimal]:
    ids = [member.pk for member in members]
    if method == "portfolio":
        counts = portfolio_sizes(org_id=goal.org_id, owner_ids=ids)
        return [Decimal(counts.get(pk, 0)) for pk in ids]
    if method == "last_share":
        period = Period(goal.starts_on, goal.ends_on).previous()
        values = compute(org=goal.org, metrics=[goal.metric], level="manager", period=period)
        return [Decimal(values.get(pk, {}).get(goal.metric) or 0) for pk in ids]
    return [Decimal(1)] * len(ids)


def split_target(total: Decimal, weights: list[Decimal], metric: str) -> list[Decimal]:
    """Parts of `total` in proportion to `weights` that add up exactly to it, in whole units
    (fen, or one for counts), by the largest-remainder method. Equal weights if all are zero.
    Rates are not split: each part is the total."""
    if METRICS[metric].unit not in (Unit.CURRENCY, Unit.COUNT):
        return [total] * len(weights)
    if not any(weights):
        weights = [Decimal(1)] * len(weights)
    whole = int(total.to_integral_value(rounding=ROUND_HALF_UP))
    weight_sum = sum(weights)
    exact = [Decimal(whole) * weight / weight_sum for weight in weights]
    floors = [int(part) for part in exact]
    short = whole - sum(floors)
    by_remainder = sorted(range(len(exact)), key=lambda i: (exact[i] - floors[i], -i), reverse=True)
    for index in by_remainder[:short]:
        floors[index] += 1
    return [Decimal(part) for part in floors]
