"""Writes for resource requests: ask, decide (approve or refuse), record spending, and the org
admin's approval thresholds. The pages and the API call these same functions (docs/work.md,
"Resources").

Who decides (tenancy.scopes.may_decide_resource_request): never the requester; the org admin
and directors any amount; the requester's team lead when the amount is at most the lead's
threshold and, for people's time, the hours at most the lead's hours threshold. Refusing needs
a reason. Approvals, refusals, amounts and spending go to the audit trail.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.goals.models import Goal
from pacekeeper.goals.services import may_set_goal
from pacekeeper.lib.formatting import format_amount
from pacekeeper.lib.money import AMOUNT_LIMIT, AmountError, exponent, from_minor, parse_amount, to_minor
from pacekeeper.lib.text import clean_text
from pacekeeper.tenancy.audit import audit_record
from pacekeeper.tenancy.models import Organization
from pacekeeper.tenancy.scopes import (
    Actor,
    may_decide_resource_request,
    may_record_resource_spending,
    require_admin,
    require_writer,
    task_write_level,
)

from . import resource_notices
from .models import Task
from .resource_models import ResourceRequest, ResourceThresholds

HOURS_LIMIT = Decimal(100_000)  # the same bound as a task's estimate (7 digits, 2 after the point)
DESCRIPTION_MAX = 1000


# --- thresholds -----------------------------------------------------------------------------------


def thresholds_for(org: Organization) -> ResourceThresholds:
    """The organisation's thresholds; the defaults (unsaved) until the org admin sets them."""
    found = ResourceThresholds.objects.filter(org_id=org.pk).first()
    return found or ResourceThresholds(org=org)


def is_within_lead_limit(rr: ResourceRequest, thresholds: ResourceThresholds) -> bool:
    """At most the thresholds (inclusive): ¥10,000.00 against a ¥10,000.00 threshold is a lead's."""
    if rr.amount_minor > thresholds.lead_limit_minor:
        return False
    return rr.hours is None or rr.hours <= thresholds.lead_limit_hours


@transaction.atomic
def resource_thresholds_set(*, actor: Actor, lead_limit, lead_limit_hours, reason: str = "") -> ResourceThresholds:
    """The org admin's setting; each change is recorded with its reason."""
    require_admin(actor)
    errors: dict[str, list[str]] = {}
    limit = _money(lead_limit, actor.org.currency, "lead_limit", errors)
    hours = _hours(lead_limit_hours, "lead_limit_hours", errors)
    if errors:
        raise ValidationFailed(errors)
    thresholds, _created = ResourceThresholds.objects.select_for_update().get_or_create(org_id=actor.org_id)
    before = (thresholds.lead_limit_minor, thresholds.lead_limit_hours)
    thresholds.lead_limit_minor, thresholds.lead_limit_hours = limit, hours
    thresholds.save(update_fields=["lead_limit_minor", "lead_limit_hours"])
    currency = actor.org.currency
    if before[0] != limit:
        major = (_major(before[0], currency), _major(limit, currency))
        audit_record(actor=actor, obj=thresholds, field="lead_limit", before=major[0], after=major[1], reason=reason)
    if before[1] != hours:
        audit_record(
            actor=actor, obj=thresholds, field="lead_limit_hours", before=before[1], after=hours, reason=reason
        )
    return thresholds


# --- who may do what (the pages offer only what the services allow) -------------------------------


def decide_problem(actor: Actor, rr: ResourceRequest, thresholds: ResourceThresholds | None = None) -> str | None:
    """Why the actor may not decide this request now, in words; None when they may."""
    # Spending recorded before anyone decided leaves the request to decide (flagged meanwhile).
    if rr.decision != ResourceRequest.Decision.NONE:
        return _("This request is already decided.")
    if rr.requested_by_id == actor.user_id:
        return _("You cannot decide your own request: your lead or a director decides it.")
    thresholds = thresholds or thresholds_for(actor.org)
    within = is_within_lead_limit(rr, thresholds)
    if may_decide_resource_request(actor, requester_id=rr.requested_by_id, within_lead_limit=within):
        return None
    if actor.role == "lead" and not within:
        limit = format_amount(thresholds.lead_limit_minor, actor.org.currency, get_language() or "zh-hans")
        hours = f"{thresholds.lead_limit_hours.normalize():f}"
        return _("Above your threshold (%(limit)s, %(hours)s hours): a director decides this request.") % {
            "limit": limit,
            "hours": hours,
        }
    return _("Only the requester's team lead (up to the threshold) or a director decides this request.")


def may_decide(actor: Actor, rr: ResourceRequest, thresholds: ResourceThresholds | None = None) -> bool:
    return decide_problem(actor, rr, thresholds) is None


def may_record_spending(actor: Actor, rr: ResourceRequest) -> bool:
    return may_record_resource_spending(actor, requester_id=rr.requested_by_id)


def may_request_for_task(actor: Actor, task: Task) -> bool:
    """Whoever works on the task (owner, collaborator, their lead, directors, the org admin)."""
    return task_write_level(actor, task) is not None


def may_request_for_goal(actor: Actor, goal: Goal) -> bool:
    """Whoever sets the goal (a lead for their teams and people, directors, the org admin)."""
    return actor.can_write and may_set_goal(actor, goal)


# --- writes ---------------------------------------------------------------------------------------


@transaction.atomic
def resource_request_create(
    *,
    actor: Actor,
    kind: str,
    description: str,
    amount: object,
    hours: object = None,
    task: Task | None = None,
    goal: Goal | None = None,
) -> ResourceRequest:
    """Ask for a resource for one task or one goal (already fetched within the actor's scope);
    the people who may decide it are told."""
    require_writer(actor)
    if (task is None) == (goal is None):
        raise ValidationFailed({"task": [_("A request belongs to one task or one goal.")]})
    if task is not None and not may_request_for_task(actor, task):
        raise Forbidden()
    if goal is not None and not may_request_for_goal(actor, goal):
        raise Forbidden()
    errors: dict[str, list[str]] = {}
    if kind not in ResourceRequest.Kind.values:
        errors["kind"] = [_("Choose a kind from the list.")]
    description = clean_text(description or "").strip()
    if not description:
        errors["description"] = [_("Say what the resource is for.")]
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = [_("Keep it under 1000 characters.")]
    amount_minor = _money(amount, actor.org.currency, "amount", errors)
    hours_value = _hours(hours, "hours", errors, optional=True)
    if kind == ResourceRequest.Kind.PEOPLE_TIME and "hours" not in errors and not hours_value:
        errors["hours"] = [_("Say how many hours of people's time are needed.")]
    if errors:
        raise ValidationFailed(errors)
    rr = ResourceRequest.objects.create(
        org_id=actor.org_id,
        task=task,
        goal=goal,
        kind=kind,
        description=description,
        amount_minor=amount_minor,
        hours=hours_value,
        requested_by=actor.user,
    )
    audit_record(actor=actor, obj=rr, field="amount", before="", after=_major(amount_minor, actor.org.currency))
    within = is_within_lead_limit(rr, thresholds_for(actor.org))
    resource_notices.announce_requested(actor=actor, rr=rr, within_lead_limit=within)
    return rr


@transaction.atomic
def resource_request_decide(*, actor: Actor, rr: ResourceRequest, decision: str, reason: str = "") -> ResourceRequest:
    """Approve or refuse (a refusal says why). The row is locked: of two deciders at once, the
    second finds it decided."""
    require_writer(actor)
    rr = ResourceRequest.objects.select_for_update(of=("self",)).select_related("task", "goal").get(pk=rr.pk)
    reason = clean_text(reason or "").strip()
    errors: dict[str, list[str]] = {}
    if decision not in (ResourceRequest.Decision.APPROVED, ResourceRequest.Decision.REFUSED):
        errors["decision"] = [_("Choose approve or refuse.")]
    elif decision == ResourceRequest.Decision.REFUSED and not reason:
        errors["refusal_reason"] = [_("Say why the request is refused.")]
    if len(reason) > DESCRIPTION_MAX:
        errors["refusal_reason"] = [_("Keep it under 1000 characters.")]
    if problem := decide_problem(actor, rr):
        errors = {"decision": [problem]}
    if errors:
        raise ValidationFailed(errors)
    before = rr.status
    if rr.status != ResourceRequest.Status.SPENT:  # spent before the decision: it stays spent
        rr.status = decision  # the decision's value is the status it leads to
    rr.decision = decision
    rr.refusal_reason = reason if decision == ResourceRequest.Decision.REFUSED else ""
    rr.decided_by = actor.user
    rr.decided_at = timezone.now()
    rr.save(update_fields=["status", "decision", "refusal_reason", "decided_by", "decided_at"])
    audit_record(actor=actor, obj=rr, field="status", before=before, after=rr.status, reason=reason)
    resource_notices.announce_decided(actor=actor, rr=rr)
    return rr


@transaction.atomic
def resource_request_spend(*, actor: Actor, rr: ResourceRequest, amount: object) -> ResourceRequest:
    """Record what was actually spent (it may differ from the amount asked). Recorded on a
    request that was never approved, it is flagged "spent but not approved"; recorded again, it
    corrects the figure. Both are audited."""
    require_writer(actor)
    rr = ResourceRequest.objects.select_for_update().get(pk=rr.pk)
    if not may_record_spending(actor, rr):
        raise ValidationFailed(
            {"spent_amount": [_("The requester, their lead, a director or the org admin records the spending.")]}
        )
    errors: dict[str, list[str]] = {}
    spent = _money(amount, actor.org.currency, "spent_amount", errors)
    if errors:
        raise ValidationFailed(errors)
    currency = actor.org.currency
    before_spent = None if rr.spent_minor is None else _major(rr.spent_minor, currency)
    before_status = rr.status
    rr.spent_minor, rr.status = spent, ResourceRequest.Status.SPENT
    rr.spent_by, rr.spent_at = actor.user, timezone.now()
    rr.save(update_fields=["spent_minor", "status", "spent_by", "spent_at"])
    audit_record(actor=actor, obj=rr, field="spent", before=before_spent, after=_major(spent, currency))
    if before_status != rr.status:
        audit_record(actor=actor, obj=rr, field="status", before=before_status, after=rr.status)
    return rr


def resource_request_change(
    *, actor: Actor, rr: ResourceRequest, status: str | None = None, refusal_reason: str = "", spent_amount=None
) -> ResourceRequest:
    """The API's PATCH: a decision (status approved/refused), spending (status spent, or the
    amount alone to correct it). Anything else is a field error and changes nothing."""
    require_writer(actor)
    if status in (ResourceRequest.Status.APPROVED, ResourceRequest.Status.REFUSED):
        if spent_amount is not None:
            raise ValidationFailed({"spent_amount": [_("Decide first; record the spending afterwards.")]})
        return resource_request_decide(actor=actor, rr=rr, decision=status, reason=refusal_reason or "")
    if status == ResourceRequest.Status.SPENT or (status is None and spent_amount is not None):
        if spent_amount is None:
            raise ValidationFailed({"spent_amount": [_("Enter an amount.")]})
        return resource_request_spend(actor=actor, rr=rr, amount=spent_amount)
    if status == ResourceRequest.Status.REQUESTED:
        raise ValidationFailed({"status": [_("A request cannot go back to requested.")]})
    raise ValidationFailed({"status": [_("Say what to change: approved, refused or spent.")]})


# --- parsing --------------------------------------------------------------------------------------


def _money(value: object, currency: str, field: str, errors: dict) -> int:
    """Typed money ("1,234.50", "¥1234", a Decimal from the API) → minor units, within the one
    size limit (lib.money.AMOUNT_LIMIT); rounding half up happens in lib.money only."""
    if value in (None, ""):
        errors[field] = [_("Enter an amount.")]
        return 0
    try:
        amount = parse_amount(value)
    except AmountError:
        amount = None
    if amount is None or not amount.is_finite():
        errors[field] = [_("Not an amount; write 1234.50 or ¥1,234.50.")]
        return 0
    if amount < 0:
        errors[field] = [_("The amount cannot be below zero.")]
        return 0
    if amount >= AMOUNT_LIMIT:
        errors[field] = [_("The amount is too large.")]
        return 0
    if amount != amount.quantize(Decimal(1).scaleb(-exponent(currency))):
        errors[field] = [_("Too many decimals for the currency.")]
        return 0
    return to_minor(amount, currency)


def _hours(value: object, field: str, errors: dict, *, optional: bool = False) -> Decimal | None:
    if value in (None, ""):
        if optional:
            return None
        errors[field] = [_("Enter a number of hours.")]
        return None
    try:
        hours = Decimal(str(value).strip())
    except InvalidOperation:
        hours = None
    if hours is None or not hours.is_finite():
        errors[field] = [_("Enter a number of hours.")]
        return None
    if hours < 0:
        errors[field] = [_("The hours cannot be below zero.")]
        return None
    if hours >= HOURS_LIMIT:
        errors[field] = [_("Enter at most 99999 hours.")]
        return None
    return hours.quantize(Decimal("0.01"))


def _major(minor: int, currency: str) -> str:
    """Money as the audit trail records it: major units ("12345.60")."""
    return f"{from_minor(minor, currency):f}"
