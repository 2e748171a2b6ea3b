"""Writes for tasks: create, edit, move on the board, and the checklist. The page and the API
call these same functions; every rule lives here (docs/work.md)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pacekeeper.crm.models import Customer
from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.goals.models import Goal
from pacekeeper.lib import date_rules
from pacekeeper.lib.text import clean_text
from pacekeeper.tenancy.audit import audit_record
from pacekeeper.tenancy.models import User
from pacekeeper.tenancy.scopes import (
    TASK_FULL,
    Actor,
    require_writer,
    task_assignees_q,
    task_collaborators_q,
    task_write_level,
)

from . import task_rollups
from .models import ChecklistItem, Task
from .notices import announce_task_assigned
from .required_skills import required_skills_set

FIELDS = {
    "title",
    "description",
    "goal",
    "customer",
    "owner",
    "collaborators",
    "start_on",
    "due_on",
    "estimate_hours",
    "status",
    "blocked_reason",
    "is_important",
    "urgency",
    "labels",
}
# What a collaborator may change: the task's progress, not its substance.
PROGRESS_FIELDS = {"status", "blocked_reason"}
# An estimate beyond this is a typo (99,999 h is fifty working years), not a plan: refused for
# tasks, plan steps and recurring rules alike (docs/work.md).
MAX_ESTIMATE_HOURS = Decimal("1000")
# The longest description a task takes, on every path (the API says the same).
DESCRIPTION_LIMIT = 5000


@transaction.atomic
def task_create(*, actor: Actor, changes: dict) -> Task:
    require_writer(actor)
    # The owner is checked on every creation, the default (the creator) too: the org admin
    # account carries no tasks (tenancy.scopes.task_assignees_q), so it names an owner.
    task = Task(org_id=actor.org_id, created_by=actor.user)
    changes = {"owner": actor.user_id, **changes}
    required = changes.pop("required_skills", None)  # skills slice: work/required_skills.py
    collaborators = _apply(actor, task, changes)
    task.save()
    if collaborators is not None:
        task.collaborators.set(collaborators)
    task_rollups.tasks_changed(org=actor.org, after=task_rollups.marks_of(actor.org, [task]))
    if required is not None:
        required_skills_set(actor=actor, task=task, items=required)
    announce_task_assigned(actor=actor, task=task)  # told only when it is someone else's task
    return task


@transaction.atomic
def task_update(*, actor: Actor, task: Task, changes: dict, reason: str = "") -> Task:
    """Edit a task. Reassignment and cancelling are recorded in the audit trail."""
    level = task_write_level(actor, task)
    if level is None or (level != TASK_FULL and set(changes) - PROGRESS_FIELDS):
        raise Forbidden()
    before = {"owner": task.owner_id, "status": task.status}
    marked = task_rollups.marks_of(actor.org, [task])  # the task metrics' rollups follow (work/task_rollups.py)
    changes = dict(changes)
    required = changes.pop("required_skills", None)  # skills slice: work/required_skills.py
    collaborators = _apply(actor, task, changes)
    task.save()
    if collaborators is not None:
        task.collaborators.set(collaborators)
    task_rollups.tasks_changed(org=actor.org, before=marked, after=task_rollups.marks_of(actor.org, [task]))
    if required is not None:
        required_skills_set(actor=actor, task=task, items=required)
    reason = clean_text(reason).strip()
    if task.owner_id != before["owner"]:
        audit_record(actor=actor, obj=task, field="owner", before=before["owner"], after=task.owner_id, reason=reason)
        announce_task_assigned(actor=actor, task=task)
    if task.status == Task.Status.CANCELLED and before["status"] != Task.Status.CANCELLED:
        audit_record(actor=actor, obj=task, field="status", before=before["status"], after=task.status, reason=reason)
    return task


def task_move(*, actor: Actor, task: Task, status: str, blocked_reason: str = "", reason: str = "") -> Task:
    """The board's move: a new status (and the reason when it is "blocked"); `reason` goes to
    the audit trail when the move cancels the task."""
    changes = {"status": status}
    if status == Task.Status.BLOCKED or blocked_reason:
        changes["blocked_reason"] = blocked_reason
    return task_update(actor=actor, task=task, changes=changes, reason=clean_text(reason).strip())


def _apply(actor: Actor, task: Task, changes: dict) -> list[User] | None:
    """Check and set the changes on the task (not saved); the collaborators to set, if given."""
    unknown = set(changes) - FIELDS
    if unknown:
        raise ValidationFailed({name: [_("This field cannot be set.")] for name in sorted(unknown)})
    errors: dict[str, list[str]] = {}
    changes = dict(changes)
    collaborators = None
    # A link the task already has stays (a collaborator's customer the editor cannot see);
    # a new one must be within the actor's scope.
    owner = changes.pop("owner", task.owner_id)
    if task.owner_id is None or not _same(task.owner_id, owner):
        task.owner = _one(User.objects.filter(task_assignees_q(actor)), owner, "owner", errors)
    if "goal" in changes and not _same(task.goal_id, changes["goal"]):
        task.goal = _optional(Goal.objects.visible_to(actor), changes["goal"], "goal", errors)
    if "customer" in changes and not _same(task.customer_id, changes["customer"]):
        task.customer = _optional(Customer.objects.visible_to(actor), changes["customer"], "customer", errors)
    if task.plan_id is not None and task.goal_id != task.plan.goal_id:
        # A task in a plan serves the plan's goal (docs/work.md, "Plans").
        message = _("This task is part of the plan “%(plan)s”, which serves its goal: take it out of the plan first.")
        errors["goal"] = [message % {"plan": task.plan.title}]
    if len(changes.get("description") or "") > DESCRIPTION_LIMIT:
        errors["description"] = [_("Keep the description under 5,000 characters.")]
    changes.pop("goal", None)
    changes.pop("customer", None)
    if "collaborators" in changes:
        current = set(task.collaborators.values_list("pk", flat=True)) if task.pk else set()
        collaborators = _people(actor, changes.pop("collaborators") or [], current, errors)
    if "estimate_hours" in changes:
        changes["estimate_hours"] = _hours(changes["estimate_hours"], errors)
    if "status" in changes and changes["status"] not in Task.Status.values:
        errors["status"] = [_("Choose a status from the list.")]
        changes.pop("status")
    if "urgency" in changes and changes["urgency"] not in Task.Urgency.values:
        errors["urgency"] = [_("Choose an urgency from the list.")]
        changes.pop("urgency")
    for name, value in changes.items():
        if name != "estimate_hours" or value is not None:
            setattr(task, name, clean_text(value).strip() if isinstance(value, str) else value)
    _set_completion(task)
    if task.status != Task.Status.BLOCKED:
        task.blocked_reason = ""
    if errors:
        raise ValidationFailed(errors)
    _check(actor, task)
    return collaborators


def _check(actor: Actor, task: Task) -> None:
    date_rules.require_dates(today=actor.today(), business={"start_on": task.start_on, "due_on": task.due_on})
    if task.labels:  # "a, b" or Chinese "a，b"; each label once
        labels = task.labels.replace("，", ",").split(",")
        task.labels = ", ".join(dict.fromkeys(label.strip() for label in labels if label.strip()))
    try:
        task.full_clean(exclude=["org", "owner", "goal", "customer", "created_by", "collaborators"])
    except ValidationError as error:
        raise ValidationFailed.from_django(error) from None


def _set_completion(task: Task) -> None:
    if task.status == Task.Status.DONE and task.completed_at is None:
        task.completed_at = timezone.now()
    elif task.status != Task.Status.DONE:
        task.completed_at = None


def _same(current: int | None, pk: object) -> bool:
    return current is not None and str(pk) == str(current)


def _one(queryset, pk, field: str, errors: dict):
    found = queryset.filter(pk=pk).first() if isinstance(pk, int) or str(pk).isdigit() else None
    if found is None:
        errors[field] = [_("Choose one of your people.")]
    return found


def _optional(queryset, pk, field: str, errors: dict):
    if pk in (None, ""):
        return None
    found = queryset.filter(pk=pk).first() if isinstance(pk, int) or str(pk).isdigit() else None
    if found is None:
        errors[field] = [_("Choose one you can see.")]
    return found


def _people(actor: Actor, ids, current: set[int], errors: dict) -> list[User]:
    """New collaborators come from the people the actor works with; those already on the task stay."""
    wanted = {int(pk) for pk in ids if isinstance(pk, int) or str(pk).isdigit()}
    in_scope = Q(task_collaborators_q(actor)) | Q(pk__in=current, org_id=actor.org_id)
    found = list(User.objects.filter(in_scope, pk__in=wanted))
    if len(found) != len(wanted) or len(wanted) != len(list(ids)):
        errors["collaborators"] = [_("Choose collaborators among the people you work with.")]
    return found


def _hours(value, errors: dict) -> Decimal | None:
    try:
        hours = Decimal(str(value if value not in (None, "") else 0))
    except InvalidOperation:
        hours = None
    if hours is None or not hours.is_finite():
        errors["estimate_hours"] = [_("Enter a number of hours.")]
        return None
    if hours < 0:
        errors["estimate_hours"] = [_("The estimate cannot be below zero hours.")]
        return None
    if hours > MAX_ESTIMATE_HOURS:
        errors["estimate_hours"] = [_("Enter at most %(most)s hours.") % {"most": f"{MAX_ESTIMATE_HOURS:,}"}]
        return None
    return hours.quantize(Decimal("0.01"))


# --- checklist ------------------------------------------------------------------------------------


def _require_progress(actor: Actor, task: Task) -> None:
    if task_write_level(actor, task) is None:
        raise Forbidden()


@transaction.atomic
def checklist_item_add(*, actor: Actor, task: Task, text: str) -> ChecklistItem:
    _require_progress(actor, task)
    text = clean_text(text or "").strip()
    if not text:
        raise ValidationFailed({"text": [_("Write the item.")]})
    if len(text) > 300:
        raise ValidationFailed({"text": [_("Keep the item under 300 characters.")]})
    position = task.checklist.count()
    return ChecklistItem.objects.create(org_id=task.org_id, task=task, text=text, position=position)


@transaction.atomic
def checklist_item_update(
    *, actor: Actor, item: ChecklistItem, is_done: bool | None = None, text: str | None = None
) -> ChecklistItem:
    _require_progress(actor, item.task)
    fields = []
    if is_done is not None:
        item.is_done = is_done
        fields.append("is_done")
    if text is not None:
        text = clean_text(text).strip()
        if not text or len(text) > 300:
            raise ValidationFailed({"text": [_("Write the item (at most 300 characters).")]})
        item.text = text
        fields.append("text")
    if fields:
        item.save(update_fields=fields)
    return item


def checklist_item_toggle(*, actor: Actor, item: ChecklistItem) -> ChecklistItem:
    return checklist_item_update(actor=actor, item=item, is_done=not item.is_done)
