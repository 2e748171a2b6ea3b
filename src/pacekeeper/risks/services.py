"""Writes of the risk register: recording and changing risks (every score change dated in the
history and audited), actions as tasks of the work app, payment due dates of sales, the signals'
run and the overdue-review notices. Pages, the API and the chores call these same functions."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from pacekeeper.crm.models import Customer, Sale
from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.goals.models import Goal
from pacekeeper.lib.date_rules import fact_problem, window_problem
from pacekeeper.lib.ids import parse_id
from pacekeeper.lib.text import clean_text
from pacekeeper.tenancy.audit import JobActor, audit_entry, audit_record
from pacekeeper.tenancy.models import AuditEntry, Organization, Role, Team, TeamMembership, User
from pacekeeper.tenancy.scopes import (
    Actor,
    may_raise_risk,
    may_run_risk_signals,
    may_set_risk_settings,
    may_write_receivable,
    may_write_risk,
    require_writer,
    risk_owners_q,
)
from pacekeeper.work import services as work_services

from . import notices
from .models import (
    NOTE_RECORDED,
    NOTE_SIGNAL,
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Category,
    Level,
    Receivable,
    Response,
    Risk,
    RiskAction,
    RiskChange,
    RiskSettings,
    Status,
)
from .signals import SIGNALS, Context, Finding

SCORED = ("probability", "impact", "residual_probability", "residual_impact", "status")
EDITABLE = {
    "title",
    "description",
    "category",
    "probability",
    "impact",
    "owner",
    "response",
    "contingency",
    "residual_probability",
    "residual_impact",
    "review_on",
    "status",
}
SIGNAL_REVIEW_DAYS = 14  # a risk a signal raises is first reviewed two weeks later


# --- checking --------------------------------------------------------------------------------


def _score(value: object, field: str, errors: dict, *, optional: bool = False) -> int | None:
    if value in (None, "") and optional:
        return None
    number = value if isinstance(value, int) and not isinstance(value, bool) else parse_id(value)
    if number is None or not 1 <= number <= 5:
        errors[field] = [_("Enter a whole number from 1 to 5.")]
        return None
    return number


def _review_on(value: object, today: dt.date, errors: dict) -> dt.date | None:
    """A review date is required, not in the past and inside the window of business dates."""
    day = value
    if isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            day = None
    if not isinstance(day, dt.date):
        errors["review_on"] = [_("Enter the date of the next review.")]
        return None
    if day < today:
        errors["review_on"] = [_("The next review cannot be in the past: choose today or a later date.")]
        return None
    if problem := window_problem(day, today):
        errors["review_on"] = [problem]
        return None
    return day


def _text(value: object, field: str, limit: int, errors: dict, *, required: bool = False) -> str:
    text = clean_text(str(value or "")).strip()
    if required and not text:
        errors[field] = [_("This field is required.")]
    elif len(text) > limit:
        errors[field] = [_("At most %(n)d characters.") % {"n": limit}]
    return text


def _choice(value: object, choices, field: str, errors: dict, *, blank: bool = False) -> str:
    value = "" if value is None else str(value)
    if (blank and value == "") or value in choices.values:
        return value
    errors[field] = [_("Choose one of the listed values.")]
    return ""


def _one(queryset, value: object, field: str, errors: dict):
    number = parse_id(value)
    found = queryset.filter(pk=number).first() if number is not None else None
    if found is None:
        errors[field] = [_("Choose one you can see.")]
    return found


def _subject(actor: Actor, data: dict, errors: dict) -> dict:
    """The level and the one subject it names, each visible to the actor (400 otherwise)."""
    level = _choice(data.get("level") or Level.ORG, Level, "level", errors)
    subject = {"team": None, "customer": None, "goal": None}
    if level == Level.TEAM:
        subject["team"] = _one(Team.objects.visible_to(actor), data.get("team"), "team", errors)
    elif level == Level.CUSTOMER:
        subject["customer"] = _one(Customer.objects.visible_to(actor), data.get("customer"), "customer", errors)
    elif level == Level.GOAL:
        subject["goal"] = _one(Goal.objects.visible_to(actor), data.get("goal"), "goal", errors)
    return {"level": level, **subject}


def _history(*, risk: Risk, by, note: str = "") -> RiskChange:
    return RiskChange.objects.create(
        org_id=risk.org_id,
        risk=risk,
        at=timezone.now(),
        changed_by=by,
        probability=risk.probability,
        impact=risk.impact,
        residual_probability=risk.residual_probability,
        residual_impact=risk.residual_impact,
        status=risk.status,
        note=note[:500],
    )


# --- risks -----------------------------------------------------------------------------------


@transaction.atomic
def risk_create(*, actor: Actor, data: dict) -> Risk:
    """Record a risk. Every problem is a field error and nothing is written."""
    require_writer(actor)
    errors: dict[str, list[str]] = {}
    subject = _subject(actor, data, errors)
    values = _checked(actor, data, errors, creating=True)
    _residual(values, errors)
    if errors:
        raise ValidationFailed(errors)
    if not may_raise_risk(
        actor,
        level=subject["level"],
        team_id=subject["team"].pk if subject["team"] else None,
        customer=subject["customer"],
        goal=subject["goal"],
    ):
        raise Forbidden(_("You may not record a risk about this."))
    risk = Risk.objects.create(org_id=actor.org_id, **subject, **values)
    _history(risk=risk, by=actor.user, note=NOTE_RECORDED)
    audit_record(actor=actor, obj=risk, field="score", before=None, after=risk.score)
    return risk


def _checked(actor: Actor, data: dict, errors: dict, *, creating: bool) -> dict:
    """The editable fields present in `data` (all of them when creating), checked."""
    values: dict = {}
    today = actor.today()
    present = EDITABLE if creating else set(data) & EDITABLE
    if "title" in present:
        values["title"] = _text(data.get("title"), "title", TITLE_MAX_LENGTH, errors, required=True)
    if "description" in present:
        values["description"] = _text(data.get("description"), "description", TEXT_MAX_LENGTH, errors)
    if "contingency" in present:
        values["contingency"] = _text(data.get("contingency"), "contingency", TEXT_MAX_LENGTH, errors)
    if "category" in present:
        values["category"] = _choice(data.get("category"), Category, "category", errors)
    if "response" in present:
        values["response"] = _choice(data.get("response"), Response, "response", errors, blank=True)
    if "status" in present and not creating:
        values["status"] = _choice(data.get("status"), Status, "status", errors)
    for field in ("probability", "impact"):
        if field in present:
            values[field] = _score(data.get(field), field, errors)
    for field in ("residual_probability", "residual_impact"):
        if field in present:
            values[field] = _score(data.get(field), field, errors, optional=True)
    if "review_on" in present:
        values["review_on"] = _review_on(data.get("review_on"), today, errors)
    if "owner" in present:
        owner = data.get("owner") if data.get("owner") not in (None, "") or not creating else actor.user_id
        values["owner"] = _owner(actor, owner, errors)
    return values


def _owner(actor: Actor, value: object, errors: dict) -> User | None:
    """The owner must be able to act on the risk: a person of the organisation who writes
    (an analyst reads only, so could neither change the risk nor add its actions)."""
    number = parse_id(value)
    found = User.objects.filter(risk_owners_q(actor), pk=number).first() if number is not None else None
    if found is None:
        if number is not None and User.objects.filter(org_id=actor.org_id, is_active=True, pk=number).exists():
            errors["owner"] = [
                _("This person reads only and could not act on the risk: choose someone who may change it.")
            ]
        else:
            errors["owner"] = [_("Choose one you can see.")]
    return found


def _residual(risk_values: dict, errors: dict) -> None:
    """The response lowers a risk or leaves it: residual probability and impact each at most the
    original's (docs/risks.md)."""
    for field, original in (("residual_probability", "probability"), ("residual_impact", "impact")):
        residual, before = risk_values.get(field), risk_values.get(original)
        if field not in errors and residual is not None and before is not None and residual > before:
            errors[field] = [
                _("The residual figure cannot exceed the original (%(n)d): the response does not raise a risk.")
                % {"n": before}
            ]


@transaction.atomic
def risk_update(*, actor: Actor, risk: Risk, data: dict, note: str = "") -> Risk:
    """Change a risk. A change of scores or status is dated in the history and audited."""
    if not may_write_risk(actor, risk):
        raise Forbidden()
    unknown = set(data) - EDITABLE
    errors: dict[str, list[str]] = {field: [_("This field cannot be set.")] for field in sorted(unknown)}
    values = _checked(actor, data, errors, creating=False)
    if set(values) & {"probability", "impact", "residual_probability", "residual_impact"}:
        _residual({field: values.get(field, getattr(risk, field)) for field in SCORED}, errors)
    reopening = values.get("status") == Status.OPEN and risk.status != Status.OPEN and risk.signal_key
    if reopening and Risk.objects.open().filter(org_id=risk.org_id, signal_key=risk.signal_key).exists():
        errors["status"] = [_("A newer open risk stands for this signal: change that one instead.")]
    if errors:
        raise ValidationFailed(errors)
    before = {field: getattr(risk, field) for field in SCORED}
    for field, value in values.items():
        setattr(risk, field, value)
    if not values:
        return risk
    risk.save()
    changed = [field for field in SCORED if getattr(risk, field) != before[field]]
    if changed:
        note = clean_text(note or "").strip()
        _history(risk=risk, by=actor.user, note=note)
        for field in changed:
            audit_record(
                actor=actor, obj=risk, field=field, before=before[field], after=getattr(risk, field), reason=note
            )
    return risk


@transaction.atomic
def risk_action_add(*, actor: Actor, risk: Risk, title: str, due_on: object = None, owner: object = None) -> RiskAction:
    """An action of the risk's response: a task of the work app (through its service, so the
    task's own rules, rollups and notices apply), linked to the risk's customer or goal."""
    if not may_write_risk(actor, risk):
        raise Forbidden()
    changes = {"title": title, "owner": owner if owner not in (None, "") else actor.user_id}
    if due_on not in (None, ""):
        changes["due_on"] = due_on
    # The task is linked to the risk's customer or goal when the actor sees it (a risk's owner
    # may not see a colleague's customer; the task still belongs to the risk through the action).
    if risk.customer_id and Customer.objects.visible_to(actor).filter(pk=risk.customer_id).exists():
        changes["customer"] = risk.customer_id
    if risk.goal_id and Goal.objects.visible_to(actor).filter(pk=risk.goal_id).exists():
        changes["goal"] = risk.goal_id
    task = work_services.task_create(actor=actor, changes=changes)
    return RiskAction.objects.create(org_id=actor.org_id, risk=risk, task=task)


# --- receivables -------------------------------------------------------------------------------


@transaction.atomic
def receivable_set(*, actor: Actor, sale_id: object, due_on: object, paid_on: object = None) -> Receivable:
    """Say when a sale is to be paid (and, once it is, when it was paid)."""
    if not may_write_receivable(actor):
        raise Forbidden()
    errors: dict[str, list[str]] = {}
    sale = _one(Sale.objects.writable_by(actor), sale_id, "sale", errors)
    today = actor.today()
    if not isinstance(due_on, dt.date):
        errors["due_on"] = [_("Enter the date the payment is due.")]
    elif problem := window_problem(due_on, today):
        errors["due_on"] = [problem]
    if paid_on is not None and (problem := fact_problem(paid_on, today)):
        errors["paid_on"] = [problem]
    if sale is not None and Receivable.objects.filter(org_id=actor.org_id, sale=sale).exists():
        errors["sale"] = [_("This sale already has a payment due date.")]
    if errors:
        raise ValidationFailed(errors)
    return Receivable.objects.create(org_id=actor.org_id, sale=sale, due_on=due_on, paid_on=paid_on)


@transaction.atomic
def receivable_update(*, actor: Actor, receivable: Receivable, data: dict) -> Receivable:
    if not may_write_receivable(actor):
        raise Forbidden()
    today = actor.today()
    errors: dict[str, list[str]] = {}
    if "due_on" in data and (data["due_on"] is None or (problem := window_problem(data["due_on"], today))):
        errors["due_on"] = [problem if data["due_on"] else _("Enter the date the payment is due.")]
    if "paid_on" in data and data["paid_on"] is not None and (problem := fact_problem(data["paid_on"], today)):
        errors["paid_on"] = [problem]
    if errors:
        raise ValidationFailed(errors)
    fields = [field for field in ("due_on", "paid_on") if field in data]
    for field in fields:
        setattr(receivable, field, data[field])
    if fields:
        receivable.save(update_fields=fields)
    return receivable


# --- settings ------------------------------------------------------------------------------------

SETTING_FIELDS = (
    "concentration_top_n",
    "concentration_threshold",
    "concentration_months",
    "goal_late_share",
    "overload_weeks",
    "receivable_grace_days",
    "contract_days_ahead",
)
SETTING_RANGES = {
    "concentration_top_n": (1, 50),
    "concentration_threshold": (1, 100),
    "concentration_months": (1, 36),
    "goal_late_share": (1, 100),
    "overload_weeks": (1, 4),
    "receivable_grace_days": (0, 365),
    "contract_days_ahead": (1, 365),
}


def risk_settings_for(org: Organization) -> RiskSettings:
    found, _created = RiskSettings.objects.get_or_create(org=org)
    return found


@transaction.atomic
def risk_settings_update(*, actor: Actor, data: dict) -> RiskSettings:
    if not may_set_risk_settings(actor):
        raise Forbidden()
    current = risk_settings_for(actor.org)
    errors = {}
    for field, value in data.items():
        low, high = SETTING_RANGES.get(field, (None, None))
        if low is None:
            errors[field] = [_("This field cannot be set.")]
        elif not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            errors[field] = [_("Enter a whole number from %(low)d to %(high)d.") % {"low": low, "high": high}]
    if errors:
        raise ValidationFailed(errors)
    for field, value in data.items():
        before = getattr(current, field)
        if before != value:
            setattr(current, field, value)
            audit_record(actor=actor, obj=current, field=field, before=before, after=value)
    current.save()
    return current


# --- signals -------------------------------------------------------------------------------------


def signals_run_now(*, actor: Actor) -> dict:
    """An admin's or a director's run of every signal for their organisation, now."""
    if not may_run_risk_signals(actor):
        raise Forbidden(_("Signals are run by the org admin and directors."))
    return signals_run(org=actor.org, today=actor.today(), by=actor.user)


def signals_run_all() -> dict:
    """The chore: every organisation, each on its own today."""
    totals = {"raised": 0, "updated": 0}
    for org in Organization.objects.all():
        today = timezone.now().astimezone(_zone(org)).date()
        result = signals_run(org=org, today=today)
        totals["raised"] += result["raised"]
        totals["updated"] += result["updated"]
    return totals


def _zone(org: Organization):
    from zoneinfo import ZoneInfo

    return ZoneInfo(org.time_zone)


def _context(org: Organization, today: dt.date) -> Context:
    team_of: dict[int, int] = {}
    lead_of: dict[int, int] = {}
    rows = (
        TeamMembership.objects.current(today)
        .filter(org=org)
        .order_by("pk")
        .values_list("user_id", "team_id", "is_lead")
    )
    for user_id, team_id, is_lead in rows:
        team_of.setdefault(user_id, team_id)
        if is_lead:
            lead_of.setdefault(team_id, user_id)
    return Context(org=org, settings=risk_settings_for(org), today=today, team_of=team_of, lead_of=lead_of)


@transaction.atomic
def signals_run(*, org: Organization, today: dt.date, by: User | None = None) -> dict:
    """Run every registered signal for one organisation: a new finding raises a risk, one whose
    key has an open risk updates it (scores, evidence). Writes in bulk: the number of queries
    does not grow with the number of findings."""
    context = _context(org, today)
    findings: dict[str, Finding] = {}
    for signal in SIGNALS.values():
        for finding in signal.provider(context):
            findings.setdefault(finding.key, finding)
    if not findings:
        return {"raised": 0, "updated": 0}
    fallback = (
        User.objects.filter(org=org, is_active=True, role__in=(Role.DIRECTOR, Role.ADMIN))
        .order_by("role", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    existing = {
        risk.signal_key: risk
        for risk in Risk.objects.filter(org=org, status=Status.OPEN, signal_key__in=list(findings))
    }
    now = timezone.now()
    new = [_raised(org, finding, fallback, today) for key, finding in findings.items() if key not in existing]
    new = [risk for risk in new if risk.owner_id is not None]
    Risk.objects.bulk_create(new)
    changed, before = [], {}
    for key, risk in existing.items():
        finding = findings[key]
        before[risk.pk] = risk.score
        scores_moved = (risk.probability, risk.impact) != (finding.probability, finding.impact)
        risk.probability, risk.impact = finding.probability, finding.impact
        risk.evidence, risk.evidence_link = finding.evidence, finding.link
        risk.updated_at = now
        changed.append((risk, scores_moved))
    Risk.objects.bulk_update(
        [risk for risk, _moved in changed], ["probability", "impact", "evidence", "evidence_link", "updated_at"]
    )
    moved = [risk for risk, scores_moved in changed if scores_moved]
    RiskChange.objects.bulk_create([_change(risk, by, now, NOTE_SIGNAL + risk.signal_kind) for risk in new + moved])
    job = JobActor(org_id=org.pk, user_id=by.pk if by else None)
    AuditEntry.objects.bulk_create(
        [audit_entry(actor=job, obj=risk, field="score", before=None, after=risk.score) for risk in new]
        + [audit_entry(actor=job, obj=risk, field="score", before=before[risk.pk], after=risk.score) for risk in moved]
    )
    return {"raised": len(new), "updated": len(changed)}


def _raised(org, finding: Finding, fallback: int | None, today: dt.date) -> Risk:
    return Risk(
        org=org,
        level=finding.level,
        team_id=finding.team_id,
        customer_id=finding.customer_id,
        goal_id=finding.goal_id,
        title=finding.title[:TITLE_MAX_LENGTH],
        category=finding.category,
        probability=finding.probability,
        impact=finding.impact,
        owner_id=finding.owner_id or fallback,
        review_on=today + dt.timedelta(days=SIGNAL_REVIEW_DAYS),
        signal_key=finding.key,
        signal_kind=finding.kind,
        evidence=finding.evidence,
        evidence_link=finding.link,
    )


def _change(risk: Risk, by, now, note: str) -> RiskChange:
    return RiskChange(
        org_id=risk.org_id,
        risk=risk,
        at=now,
        changed_by=by,
        probability=risk.probability,
        impact=risk.impact,
        residual_probability=risk.residual_probability,
        residual_impact=risk.residual_impact,
        status=risk.status,
        note=note,
    )


# --- overdue reviews -------------------------------------------------------------------------------


def reviews_notify_all() -> int:
    """The chore: tell each owner once about each overdue review (marked by the review date it
    was sent for; a new review date that passes is told again)."""
    sent = 0
    for org in Organization.objects.all():
        today = timezone.now().astimezone(_zone(org)).date()
        due = list(
            Risk.objects.filter(org=org, status=Status.OPEN, review_on__lt=today)
            .exclude(review_notified_on=F("review_on"))
            .select_related("owner")
        )
        for risk in due:
            notices.announce_review_overdue(risk=risk)
            risk.review_notified_on = risk.review_on
        Risk.objects.bulk_update(due, ["review_notified_on"])
        sent += len(due)
    return sent
