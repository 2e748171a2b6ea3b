"""Writes for goals: drafting, activating (SMART or a director's override), adjusting targets
with their history, and cascading a team target to its members."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pacekeeper.crm.selectors import portfolio_sizes
from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.kpis.engine import compute
from pacekeeper.kpis.periods import Period
from pacekeeper.kpis.registry import METRICS
from pacekeeper.lib import date_rules
from pacekeeper.tenancy.audit import audit_record, required_reason
from pacekeeper.tenancy.models import Role, Team, TeamMembership, User
from pacekeeper.tenancy.scopes import Actor, may_set_goals

from . import notices
from .history import metric_history
from .models import Goal, GoalChange
from .smart import SmartReport, smart_check
from .splitting import Split, split, split_target  # noqa: F401 (split_target: the public name)

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
def goal_set_target(*, actor: Actor, goal: Goal, target: Decimal, reason: str) -> Goal | GoalChange:
    """Change a target, keeping the history: who, when, before, after and why. A lead lowering
    the target of an active goal of a team they lead only asks: the change waits for a director
    (returned as a pending GoalChange) and the goal keeps its target meanwhile."""
    require_goal_setter(actor, goal)
    if target < 0:
        raise ValidationFailed({"target": [_("A target cannot be negative.")]})
    reason = required_reason(reason, _("Say why the target changes."))
    if _needs_director(actor, goal, target):
        return _change_request(actor=actor, goal=goal, target=target, reason=reason)
    return _apply_target(actor=actor, goal=goal, target=target, reason=reason)


def _apply_target(*, actor, goal: Goal, target: Decimal, reason: str) -> Goal:
    before = goal.target
    goal.target = target
    goal.save(update_fields=["target"])
    audit_record(actor=actor, obj=goal, field="target", before=before, after=target, reason=reason)
    return goal


def _needs_director(actor: Actor, goal: Goal, target: Decimal) -> bool:
    """Lowering one's own team's active target is a promise made smaller by the person who made
    it, so a director approves it; raising it, or a director or admin changing it, needs no one."""
    if actor.role != Role.LEAD or goal.level != Goal.Level.TEAM or goal.status != Goal.Status.ACTIVE:
        return False
    if goal.target is None or target >= goal.target:
        return False
    led = TeamMembership.objects.current(actor.today()).filter(user_id=actor.user_id, is_lead=True)
    return led.filter(team_id=goal.team_id).exists()


def _change_request(*, actor: Actor, goal: Goal, target: Decimal, reason: str) -> GoalChange:
    if GoalChange.objects.filter(goal=goal).pending().exists():
        message = _("A change of this target is already waiting for a director.")
        raise ValidationFailed({"target": [message]})
    change = GoalChange.objects.create(
        org_id=goal.org_id,
        goal=goal,
        target_before=goal.target,
        target_after=target,
        reason=reason,
        requested_by=actor.user,
    )
    audit_record(actor=actor, obj=change, field="status", before=None, after=change.status, reason=reason)
    notices.announce_change_requested(actor=actor, change=change)
    return change


def require_change_decider(actor: Actor) -> None:
    if actor.role != Role.DIRECTOR:
        raise Forbidden(_("A director approves or refuses target changes."))


@transaction.atomic
def goal_change_approve(*, actor: Actor, change: GoalChange, reason: str = "") -> GoalChange:
    """Apply a pending lowering. Refused if the target moved since it was asked for, so a
    director never approves a change from a figure that is no longer the goal's."""
    require_change_decider(actor)
    change = _pending_locked(change)
    goal = Goal.objects.select_for_update().get(pk=change.goal_id)
    if goal.target != change.target_before:
        message = _("The target has changed since this was asked for; refuse it and ask again.")
        raise ValidationFailed({"": [message]})
    _apply_target(actor=actor, goal=goal, target=change.target_after, reason=change.reason)
    return _decide(actor=actor, change=change, status=GoalChange.Status.APPROVED, reason=reason.strip())


@transaction.atomic
def goal_change_refuse(*, actor: Actor, change: GoalChange, reason: str) -> GoalChange:
    require_change_decider(actor)
    change = _pending_locked(change)
    reason = required_reason(reason, _("Say why the change is refused."))
    return _decide(actor=actor, change=change, status=GoalChange.Status.REFUSED, reason=reason)


def _pending_locked(change: GoalChange) -> GoalChange:
    """The change as it is now, locked for this transaction: of two directors deciding at once,
    the second finds it decided (the row the view loaded may be stale)."""
    change = GoalChange.objects.select_for_update().get(pk=change.pk)
    if change.status != GoalChange.Status.PENDING:
        raise ValidationFailed({"": [_("This change has already been decided.")]})
    return change


def _decide(*, actor: Actor, change: GoalChange, status: str, reason: str) -> GoalChange:
    change.status = status
    change.decided_by = actor.user
    change.decided_at = timezone.now()
    change.decision_reason = reason
    change.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    audit_record(actor=actor, obj=change, field="status", before=GoalChange.Status.PENDING, after=status, reason=reason)
    notices.announce_change_decided(actor=actor, change=change)
    return change


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


def may_set_goal(actor: Actor, goal: Goal) -> bool:
    """Whether this person may change this goal (edit, activate, adjust, split, close): the one
    check both the writes and the goal's page use, so the page offers only what will be allowed."""
    return may_set_goals(actor, level=goal.level, team_id=goal.team_id, person_id=goal.person_id)


def require_goal_setter(actor: Actor, goal: Goal) -> None:
    if not may_set_goal(actor, goal):
        raise Forbidden()


CASCADE_METHODS = ("even", "last_share", "portfolio")
# Splitting again: in proportion to the parts as they are now, or by one of the cascade methods.
RESPLIT_METHODS = ("current", *CASCADE_METHODS)


@transaction.atomic
def goal_cascade(*, actor: Actor, goal: Goal, method: str) -> list[Goal]:
    """Split a team goal into draft goals for the team's current members, evenly, by their share
    of the metric last period, or by portfolio size (rounding: goals/splitting.py). Rates are
    copied, since they do not add up."""
    require_goal_setter(actor, goal)
    _require_splittable(goal)
    if method not in CASCADE_METHODS:
        raise ValidationFailed({"method": [_("Choose even, last_share or portfolio.")]})
    if goal.children.exclude(status=Goal.Status.CANCELLED).exists():
        message = _("This goal is already split; split it again instead (the parts are recalculated).")
        raise ValidationFailed({"": [message]})
    members = list(
        User.objects.visible_to(actor)
        .filter(
            pk__in=TeamMembership.objects.current(actor.today()).filter(team=goal.team, is_lead=False).values("user_id")
        )
        .order_by("username")
    )
    if not members:
        raise ValidationFailed({"": [_("The team has no members to cascade to.")]})
    result = split(Decimal(goal.target), _weights(goal, members, method), goal.metric)
    children = []
    for index, (person, part) in enumerate(zip(members, result.parts, strict=True)):
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
        if index == result.remainder_index:
            child.takes_split_remainder = True
            child.save(update_fields=["takes_split_remainder"])
        children.append(child)
    goal.split_method = method
    goal.save(update_fields=["split_method"])
    return children


def _require_splittable(goal: Goal) -> None:
    if goal.level != Goal.Level.TEAM or goal.target is None or goal.ends_on is None:
        raise ValidationFailed({"": [_("Only a team goal with a target and an end can be cascaded.")]})


@dataclass(frozen=True)
class ResplitRow:
    goal: Goal
    before: Decimal | None
    after: Decimal
    takes_remainder: bool


@dataclass(frozen=True)
class ResplitPlan:
    """What splitting again would do, part by part, before anything is saved."""

    method: str
    rows: list[ResplitRow]
    split: Split

    @property
    def total_before(self) -> Decimal:
        return sum((row.before or Decimal(0) for row in self.rows), Decimal(0))


def split_parts(goal: Goal, *, today: dt.date) -> tuple[list[Goal], list[Goal]]:
    """The live parts of a team goal (not cancelled, same metric), whoever may read them, as
    (counted, moved). A person's part counts towards the team's target while that person is in
    the team; once Settings moves them to another team, their part stays theirs (with its
    history) but no longer counts here, is listed apart, and is not split again."""
    live = (
        Goal.objects.filter(org_id=goal.org_id, parent=goal, metric=goal.metric)
        .exclude(status=Goal.Status.CANCELLED)
        .select_related("person", "team", "org")
        .order_by("person__username", "pk")
    )
    members = set(TeamMembership.objects.current(today).filter(team_id=goal.team_id).values_list("user_id", flat=True))
    counted, moved = [], []
    for part in live:
        left = goal.level == Goal.Level.TEAM and part.level == Goal.Level.PERSON and part.person_id not in members
        (moved if left else counted).append(part)
    return counted, moved


def goal_resplit_preview(*, actor: Actor, goal: Goal, method: str) -> ResplitPlan:
    """The parts of a split team goal recalculated for its present target: in proportion to the
    parts as they are ("current"), or by a cascade method (the goal's original one by default).
    The same people keep a part; nothing is saved."""
    require_goal_setter(actor, goal)
    _require_splittable(goal)
    method = method or goal.split_method or "current"
    if method not in RESPLIT_METHODS:
        raise ValidationFailed({"method": [_("Choose current, even, last_share or portfolio.")]})
    counted, _moved = split_parts(goal, today=actor.today())
    parts = [part for part in counted if part.level == Goal.Level.PERSON]
    if not parts:
        raise ValidationFailed({"": [_("This goal is not split yet; split it among members first.")]})
    if method == "current":
        weights = [Decimal(part.target or 0) for part in parts]
    else:
        weights = _weights(goal, [part.person for part in parts], method)
    result = split(Decimal(goal.target), weights, goal.metric)
    rows = [
        ResplitRow(part, part.target, after, index == result.remainder_index)
        for index, (part, after) in enumerate(zip(parts, result.parts, strict=True))
    ]
    return ResplitPlan(method, rows, result)


@transaction.atomic
def goal_resplit(*, actor: Actor, goal: Goal, method: str, reason: str) -> ResplitPlan:
    """Split again as previewed. Each part whose target moves gets an audited target change
    (its old value stays in its history); the team goal records the split method used."""
    reason = required_reason(reason, _("Say why the parts change."))
    plan = goal_resplit_preview(actor=actor, goal=goal, method=method)
    for row in plan.rows:
        part = row.goal
        if row.after != row.before:
            part.target = row.after
            audit_record(actor=actor, obj=part, field="target", before=row.before, after=row.after, reason=reason)
        part.takes_split_remainder = row.takes_remainder
        part.save(update_fields=["target", "takes_split_remainder"])
    audit_record(
        actor=actor, obj=goal, field="split_method", before=goal.split_method, after=plan.method, reason=reason
    )
    goal.split_method = plan.method
    goal.save(update_fields=["split_method"])
    return plan


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
