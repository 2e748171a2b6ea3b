"""Writes for recurring tasks: the rule's create, edit, pause, resume and delete (the page and the
API call these), and the generator the periodic chores run (docs/work.md, "Recurring tasks").

The generator creates the task of each date `lead_days` ahead, at most once per rule and date
(`Occurrence` is unique on both: a second worker running at the same time meets the constraint
and skips). After downtime it catches up at most CATCH_UP_DAYS: dates older than that are not
generated, nor dates before the rule was created or last resumed (`active_since`).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.lib import date_rules
from pacekeeper.lib.text import clean_text
from pacekeeper.tenancy.audit import audit_record
from pacekeeper.tenancy.models import User
from pacekeeper.tenancy.scopes import Actor, may_change_recurring_task, require_writer, task_assignees_q

from . import recurrence, task_rollups
from .models import Task
from .recurring_models import MAX_INTERVAL, MAX_LEAD_DAYS, Occurrence, RecurringTask
from .services import _hours, _one, _people, _same

# A worker down for longer than this does not create the tasks of the dates it missed beyond
# it: a week covers a long weekend or a holiday's outage, and a month-old weekly report is no
# longer worth doing (the overdue notice would be the first thing its owner hears of it).
CATCH_UP_DAYS = 7

FIELDS = {
    "title",
    "description",
    "owner",
    "collaborators",
    "estimate_hours",
    "is_important",
    "labels",
    "frequency",
    "interval",
    "weekday",
    "day_of_month",
    "starts_on",
    "ends_on",
    "lead_days",
    "status",
}
# Changing one of these restarts the schedule from today: no dates of the new schedule before it.
SCHEDULE_FIELDS = ("frequency", "interval", "weekday", "day_of_month", "starts_on")


@transaction.atomic
def recurring_task_create(*, actor: Actor, changes: dict) -> RecurringTask:
    require_writer(actor)
    rule = RecurringTask(org_id=actor.org_id, created_by=actor.user, active_since=actor.today())
    collaborators = _apply(actor, rule, {"owner": actor.user_id, **changes})
    rule.save()
    if collaborators is not None:
        rule.collaborators.set(collaborators)
    generate_for_rule(rule, today=actor.today())  # a date already within reach gets its task now
    return rule


@transaction.atomic
def recurring_task_update(*, actor: Actor, rule: RecurringTask, changes: dict) -> RecurringTask:
    """Edit the rule. Tasks already created keep what they were created with."""
    if not may_change_recurring_task(actor, rule):
        raise Forbidden()
    before = {name: getattr(rule, name) for name in (*SCHEDULE_FIELDS, "status", "owner_id")}
    collaborators = _apply(actor, rule, changes)
    restarted = any(before[name] != getattr(rule, name) for name in SCHEDULE_FIELDS)
    resumed = before["status"] == RecurringTask.Status.PAUSED and rule.status == RecurringTask.Status.ACTIVE
    if restarted or resumed:
        rule.active_since = actor.today()
    rule.save()
    if collaborators is not None:
        rule.collaborators.set(collaborators)
    if rule.owner_id != before["owner_id"]:
        audit_record(actor=actor, obj=rule, field="owner", before=before["owner_id"], after=rule.owner_id)
    if rule.status == RecurringTask.Status.ACTIVE:
        generate_for_rule(rule, today=actor.today())
    return rule


def recurring_task_pause(*, actor: Actor, rule: RecurringTask) -> RecurringTask:
    return recurring_task_update(actor=actor, rule=rule, changes={"status": RecurringTask.Status.PAUSED})


def recurring_task_resume(*, actor: Actor, rule: RecurringTask) -> RecurringTask:
    """Active again from today: the dates of the paused stretch are not created afterwards."""
    return recurring_task_update(actor=actor, rule=rule, changes={"status": RecurringTask.Status.ACTIVE})


@transaction.atomic
def recurring_task_delete(*, actor: Actor, rule: RecurringTask) -> int:
    """Delete the rule; the tasks it created stay (they are work someone may be doing). Returns
    how many tasks it had created."""
    if not may_change_recurring_task(actor, rule):
        raise Forbidden()
    made = rule.occurrences.exclude(task=None).count()
    audit_record(actor=actor, obj=rule, field="deleted", before=rule.title, after="")
    rule.delete()
    return made


# --- checking the input -----------------------------------------------------------------------------


def _apply(actor: Actor, rule: RecurringTask, changes: dict) -> list[User] | None:
    """Check and set the changes on the rule (not saved); the collaborators to set, if given."""
    unknown = set(changes) - FIELDS
    if unknown:
        raise ValidationFailed({name: [_("This field cannot be set.")] for name in sorted(unknown)})
    errors: dict[str, list[str]] = {}
    changes = dict(changes)
    owner = changes.pop("owner", rule.owner_id)
    if rule.owner_id is None or not _same(rule.owner_id, owner):
        rule.owner = _one(User.objects.filter(task_assignees_q(actor)), owner, "owner", errors)
    collaborators = None
    if "collaborators" in changes:
        current = set(rule.collaborators.values_list("pk", flat=True)) if rule.pk else set()
        collaborators = _people(actor, changes.pop("collaborators") or [], current, errors)
    if "estimate_hours" in changes:
        changes["estimate_hours"] = _hours(changes["estimate_hours"], errors)
    _choice(changes, "frequency", RecurringTask.Frequency.values, _("Choose how often it repeats."), errors)
    _choice(changes, "status", RecurringTask.Status.values, _("Choose active or paused."), errors)
    _number(changes, "interval", 1, MAX_INTERVAL, _("Repeat every 1 to 52 periods."), errors)
    _number(changes, "weekday", 0, 6, _("Choose a weekday."), errors, optional=True)
    _number(changes, "day_of_month", 1, 31, _("Choose a day from 1 to 31."), errors, optional=True)
    _number(changes, "lead_days", 0, MAX_LEAD_DAYS, _("Create the task 0 to 90 days ahead."), errors)
    for name, value in changes.items():
        if name != "estimate_hours" or value is not None:
            setattr(rule, name, clean_text(value).strip() if isinstance(value, str) else value)
    _check_schedule(rule, errors)
    if errors:
        raise ValidationFailed(errors)
    _check(actor, rule)
    return collaborators


def _choice(changes: dict, name: str, allowed, message: str, errors: dict) -> None:
    if name in changes and changes[name] not in allowed:
        errors[name] = [message]
        changes.pop(name)


def _number(changes: dict, name: str, low: int, high: int, message: str, errors: dict, optional=False) -> None:
    if name not in changes:
        return
    value = changes[name]
    if optional and value in (None, ""):
        changes[name] = None
        return
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    if number is None or isinstance(value, bool) or not low <= number <= high:
        errors[name] = [message]
        changes.pop(name)
    else:
        changes[name] = number


def _check_schedule(rule: RecurringTask, errors: dict) -> None:
    """The day the schedule needs, and nothing the other frequency would use."""
    if rule.frequency == RecurringTask.Frequency.WEEKLY:
        rule.day_of_month = None
        if rule.weekday is None and "weekday" not in errors:
            errors["weekday"] = [_("Choose a weekday.")]
    else:
        rule.weekday = None
        if rule.day_of_month is None and "day_of_month" not in errors:
            errors["day_of_month"] = [_("Choose a day from 1 to 31.")]
    if rule.starts_on is None and "starts_on" not in errors:
        errors["starts_on"] = [_("Enter the first date.")]


def _check(actor: Actor, rule: RecurringTask) -> None:
    date_rules.require_dates(today=actor.today(), business={"starts_on": rule.starts_on, "ends_on": rule.ends_on})
    if rule.labels:  # "a, b" or Chinese "a，b"; each label once, as on a task
        labels = rule.labels.replace("，", ",").split(",")
        rule.labels = ", ".join(dict.fromkeys(label.strip() for label in labels if label.strip()))
    try:
        rule.full_clean(exclude=["org", "owner", "created_by", "collaborators", "active_since"])
    except ValidationError as error:
        raise ValidationFailed.from_django(error) from None


# --- the generator ------------------------------------------------------------------------------------


def dates_due(rule: RecurringTask, *, today: dt.date) -> list[dt.date]:
    """The dates whose task should exist by `today`: from the latest of the first date, the day
    the rule became active and CATCH_UP_DAYS ago, to `lead_days` ahead."""
    since = max(rule.active_since, today - dt.timedelta(days=CATCH_UP_DAYS))
    return recurrence.occurrences(rule.schedule, since=since, until=today + dt.timedelta(days=rule.lead_days))


def generate_for_rule(rule: RecurringTask, *, today: dt.date) -> int:
    """Create the missing tasks of one rule; returns how many were created."""
    if rule.is_paused or not rule.owner.is_active:
        return 0
    dates = dates_due(rule, today=today)
    if not dates:
        return 0
    made = set(rule.occurrences.filter(occurs_on__in=dates).values_list("occurs_on", flat=True))
    return sum(_create_occurrence(rule, day) for day in dates if day not in made)


def _create_occurrence(rule: RecurringTask, day: dt.date) -> bool:
    """The task of one date, with its occurrence row; False when it exists already (made by
    another worker in the meantime: the unique constraint decides)."""
    try:
        with transaction.atomic():
            occurrence = Occurrence.objects.create(org_id=rule.org_id, recurring_task=rule, occurs_on=day)
            task = Task.objects.create(
                org_id=rule.org_id,
                title=rule.title,
                description=rule.description,
                owner_id=rule.owner_id,
                created_by_id=rule.created_by_id,
                start_on=day - dt.timedelta(days=rule.lead_days),
                due_on=day,
                estimate_hours=rule.estimate_hours,
                is_important=rule.is_important,
                labels=rule.labels,
            )
            task.collaborators.set([person for person in rule.collaborators.all() if person.is_active])
            occurrence.task = task
            occurrence.save(update_fields=["task"])
            # A task due on a day counts in the completion rate (left open until done): the
            # rollups learn of it like of any task the services create.
            task_rollups.tasks_changed(org=rule.org, after=task_rollups.marks_of(rule.org, [task]))
    except IntegrityError:
        return False
    return True


def recurring_tasks_generate(*, now: dt.datetime | None = None) -> int:
    """The chore: every active rule of every organisation, each in its organisation's today.
    Returns how many tasks were created."""
    now = now or timezone.now()
    todays: dict[int, dt.date] = {}
    created = 0
    rules = (
        RecurringTask.objects.active()
        .filter(owner__is_active=True)
        .select_related("org", "owner")
        .prefetch_related("collaborators")
        .order_by("org_id", "pk")
    )
    for rule in rules.iterator(chunk_size=500):
        if rule.org_id not in todays:
            todays[rule.org_id] = now.astimezone(ZoneInfo(rule.org.time_zone)).date()
        created += generate_for_rule(rule, today=todays[rule.org_id])
    return created
