"""Reads for goals that other pages show."""

from pacekeeper.tenancy.scopes import Actor

from .models import GoalChange


def goal_change_pending_list(*, actor: Actor) -> list[GoalChange]:
    """Target changes waiting for a director, oldest first (the director's overview lists them
    until they are approved or refused)."""
    changes = GoalChange.objects.visible_to(actor).pending().select_related("goal", "goal__team", "requested_by")
    return list(changes.order_by("requested_at", "pk"))
