"""A task's required skills, each with a minimum level 1–5 (docs/skills.md). Set with the task
by whoever may change the task in full; the assignment ranking reads them."""

from __future__ import annotations

from django.utils.translation import gettext as _

from pacekeeper.errors import ValidationFailed
from pacekeeper.lib.ids import parse_id
from pacekeeper.skills.selectors import skill_list
from pacekeeper.skills.services import parse_level
from pacekeeper.tenancy.scopes import Actor

from .models import Task, TaskRequiredSkill

MAX_REQUIRED = 20
FIELD = "required_skills"


def required_skills_set(*, actor: Actor, task: Task, items: list) -> None:
    """Make the task's requirements exactly `items` ([{"skill": id, "min_level": 1–5}, …]).
    Called inside the task's own transaction: a refusal leaves the task as it was. A skill
    deactivated since it was required may stay; a new one must be active."""
    wanted = _checked(actor, task, items)
    current = {row.skill_id: row for row in task.required_skills.all()} if task.pk else {}
    gone = [row.pk for skill_id, row in current.items() if skill_id not in wanted]
    if gone:
        TaskRequiredSkill.objects.filter(pk__in=gone).delete()
    for skill_id, level in wanted.items():
        row = current.get(skill_id)
        if row is None:
            TaskRequiredSkill.objects.create(org_id=task.org_id, task=task, skill_id=skill_id, min_level=level)
        elif row.min_level != level:
            row.min_level = level
            row.save(update_fields=["min_level"])


def _checked(actor: Actor, task: Task, items: list) -> dict[int, int]:
    if not isinstance(items, list | tuple):
        raise ValidationFailed({FIELD: [_("Give a list of skills with their minimum levels.")]})
    if len(items) > MAX_REQUIRED:
        raise ValidationFailed({FIELD: [_("A task requires at most %(n)d skills.") % {"n": MAX_REQUIRED}]})
    kept = set(task.required_skills.values_list("skill_id", flat=True)) if task.pk else set()
    ids = [parse_id(item.get("skill")) if isinstance(item, dict) else None for item in items]
    usable = set(skill_list(actor).filter(pk__in=[pk for pk in ids if pk], is_active=True).values_list("pk", flat=True))
    usable |= kept & set(ids)
    errors: dict[str, list[str]] = {}
    wanted: dict[int, int] = {}
    for index, (item, skill_id) in enumerate(zip(items, ids, strict=True)):
        where = f"{FIELD}.{index}"
        if skill_id not in usable:
            errors[f"{where}.skill"] = [_("Choose an active skill of your organisation.")]
        elif skill_id in wanted:
            errors[f"{where}.skill"] = [_("This skill is listed twice.")]
        try:
            level = parse_level(item.get("min_level") if isinstance(item, dict) else None, f"{where}.min_level")
        except ValidationFailed as failed:
            errors.update(failed.errors)
            continue
        if skill_id in usable:
            wanted[skill_id] = level
    if errors:
        raise ValidationFailed(errors)
    return wanted
