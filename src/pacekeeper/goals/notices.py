"""What goals announce (DESIGN rule 14): a lead's request to lower their team's target goes to
the directors; their decision goes back to the lead. Registered at start-up by the
notifications app; announced from goals.services."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pacekeeper.lib.formatting import format_amount
from pacekeeper.notifications.kinds import Kind, register
from pacekeeper.notifications.services import notify, settle
from pacekeeper.tenancy.scopes import Actor, target_change_deciders

from .models import Goal, GoalChange

CHANGE_REQUESTED = "goal_change_requested"
CHANGE_APPROVED = "goal_change_approved"
CHANGE_REFUSED = "goal_change_refused"


def _targets_shown(params: dict, language: str) -> dict:
    """Targets are stored as the engine counts them (fen for amounts): shown in the reader's
    language, like everywhere else (lib/formatting)."""
    shown = dict(params)
    for key in ("before", "after"):
        value = params.get(key)
        if value in (None, ""):
            shown[key] = "—"
        elif params.get("unit") == "currency":
            shown[key] = format_amount(int(Decimal(value)), params.get("currency", "CNY"), language)
        elif params.get("unit") == "percent":
            shown[key] = f"{Decimal(value):.1f}%"
        else:
            shown[key] = f"{Decimal(value).normalize():f}"
    return shown


register(
    Kind(
        name=CHANGE_REQUESTED,
        message=_("{person} asks to lower the target of “{goal}” ({subject}) from {before} to {after}: {reason}"),
        link=lambda change: reverse("dashboards:overview") + "#pending-changes",
        shown=_targets_shown,
    )
)
register(
    Kind(
        name=CHANGE_APPROVED,
        message=_("{person} approved lowering the target of “{goal}” from {before} to {after}."),
        link=lambda change: reverse("goals:detail", args=[change.goal_id]),
        shown=_targets_shown,
    )
)
register(
    Kind(
        name=CHANGE_REFUSED,
        message=_("{person} refused lowering the target of “{goal}” to {after}: {reason}"),
        link=lambda change: reverse("goals:detail", args=[change.goal_id]),
        shown=_targets_shown,
    )
)


def _params(change: GoalChange, goal: Goal, *, person: str, reason: str) -> dict:
    return {
        "goal": goal.title,
        "subject": goal.subject_label,
        "person": person,
        "before": None if change.target_before is None else str(change.target_before),
        "after": str(change.target_after),
        "unit": goal.metric_unit,
        "currency": goal.org.currency,
        "reason": reason,
    }


def announce_change_requested(*, actor: Actor, change: GoalChange) -> None:
    goal = change.goal
    notify(
        org=actor.org,
        recipients=target_change_deciders(actor.org),
        kind=CHANGE_REQUESTED,
        subject=change,
        params=_params(change, goal, person=str(actor.user), reason=change.reason),
        actor=actor.user,
    )


def announce_change_decided(*, actor: Actor, change: GoalChange) -> None:
    """The lead who asked learns the director's answer; the other directors' requests about it
    are settled (marked read)."""
    settle(org=actor.org, subject=change, kinds=[CHANGE_REQUESTED])
    if change.requested_by is None:
        return
    kind = CHANGE_APPROVED if change.status == GoalChange.Status.APPROVED else CHANGE_REFUSED
    notify(
        org=actor.org,
        recipients=[change.requested_by],
        kind=kind,
        subject=change,
        params=_params(change, change.goal, person=str(actor.user), reason=change.decision_reason),
        actor=actor.user,
    )
