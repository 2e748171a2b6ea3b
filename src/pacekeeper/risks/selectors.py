"""Reads of the risk register, always scoped to the person asking (tenancy.scopes.risks_q)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from pacekeeper.tenancy.models import User
from pacekeeper.tenancy.scopes import Actor, get_visible, risk_overview_reader, risk_owners_q

from .models import SCALE, Receivable, Risk, RiskAction, RiskChange, Status, band

FILTERS = ("level", "category", "status", "probability", "impact", "owner", "review_overdue", "q")


def risk_list(actor: Actor) -> QuerySet[Risk]:
    return Risk.objects.visible_to(actor).select_related("owner", "team", "customer", "goal")


def access_risk(actor: Actor, risk_id: object) -> Risk:
    return get_visible(risk_list(actor), risk_id, actor=actor)


def risk_filter(rows: QuerySet[Risk], *, actor: Actor, **given) -> QuerySet[Risk]:
    """Apply the list filters (pages and API alike); empty values filter nothing."""
    if given.get("level"):
        rows = rows.filter(level=given["level"])
    if given.get("category"):
        rows = rows.filter(category=given["category"])
    if given.get("status"):
        rows = rows.filter(status=given["status"])
    if given.get("probability") is not None:
        rows = rows.filter(probability=given["probability"])
    if given.get("impact") is not None:
        rows = rows.filter(impact=given["impact"])
    if given.get("owner") is not None:
        rows = rows.filter(owner_id=given["owner"])
    if given.get("review_overdue"):
        rows = rows.filter(status=Status.OPEN, review_on__lt=actor.today())
    if given.get("q"):
        rows = rows.filter(Q(title__icontains=given["q"]) | Q(description__icontains=given["q"]))
    return rows


@dataclass
class HeatCell:
    probability: int
    impact: int
    count: int
    band: str


def heat_map(rows: QuerySet[Risk]) -> list[list[HeatCell]]:
    """The 5×5 grid of open risks by probability (rows, 5 at the top) and impact (columns, 1 on
    the left), with the count in each cell: one grouped query."""
    counts = {
        (row["probability"], row["impact"]): row["n"]
        for row in rows.filter(status=Status.OPEN).values("probability", "impact").annotate(n=Count("pk")).order_by()
    }
    return [[HeatCell(p, i, counts.get((p, i), 0), band(p * i)) for i in SCALE] for p in reversed(SCALE)]


def risk_history(actor: Actor, risk: Risk) -> QuerySet[RiskChange]:
    return RiskChange.objects.filter(org_id=actor.org_id, risk=risk).select_related("changed_by")


def risk_actions(actor: Actor, risk: Risk) -> QuerySet[RiskAction]:
    return RiskAction.objects.filter(org_id=actor.org_id, risk=risk).select_related("task", "task__owner")


def overdue_reviews(actor: Actor, *, limit: int = 10) -> dict:
    """For My day (the actor's own risks) and the director's overview (all of the organisation):
    open risks whose review date has passed, oldest first, and how many there are."""
    rows = Risk.objects.filter(org_id=actor.org_id, status=Status.OPEN, review_on__lt=actor.today())
    if not risk_overview_reader(actor):
        rows = rows.filter(owner_id=actor.user_id)
    rows = rows.select_related("owner").order_by("review_on", "pk")
    return {"rows": list(rows[:limit]), "count": rows.count()}


def receivable_list(actor: Actor) -> QuerySet[Receivable]:
    return Receivable.objects.visible_to(actor).select_related("sale", "sale__customer")


def access_receivable(actor: Actor, receivable_id: object) -> Receivable:
    return get_visible(receivable_list(actor), receivable_id, actor=actor)


def owner_choices(actor: Actor):
    """Whom the actor may name as a risk's owner."""
    return User.objects.filter(risk_owners_q(actor)).order_by("display_name", "pk")
