"""Writes of skills: the catalogue (the org admin's), self-assessment (each person their own)
and confirmation (a lead for their people; admins and directors for anyone but themselves).
The pages and the API call these same functions (docs/skills.md)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.lib.text import clean_text
from pacekeeper.tenancy.audit import audit_record
from pacekeeper.tenancy.models import User
from pacekeeper.tenancy.scopes import Actor, may_confirm_skill, may_manage_skills, may_self_assess

from . import notices
from .models import MAX_LEVEL, MIN_LEVEL, Skill, SkillLevel, SkillLevelChange

SKILL_FIELDS = {"name", "description", "is_active"}
NAME_MAX = 100
DESCRIPTION_MAX = 500
NOTE_MAX = 500


# --- the catalogue ------------------------------------------------------------------------------


@transaction.atomic
def skill_create(*, actor: Actor, name: str, description: str = "", is_active: bool = True) -> Skill:
    if not may_manage_skills(actor):
        raise Forbidden()
    skill = Skill(org_id=actor.org_id)
    _set_skill_fields(actor, skill, {"name": name, "description": description, "is_active": is_active})
    return _saved(skill)


@transaction.atomic
def skill_update(*, actor: Actor, skill: Skill, changes: dict) -> Skill:
    """Rename, describe, deactivate or reactivate. A skill is never deleted: people's levels and
    tasks' requirements keep pointing at it; an inactive one is no longer offered."""
    if not may_manage_skills(actor):
        raise Forbidden()
    before = {"name": skill.name, "is_active": skill.is_active}
    _set_skill_fields(actor, skill, changes)
    skill = _saved(skill)
    for field, old in before.items():
        if getattr(skill, field) != old:
            audit_record(actor=actor, obj=skill, field=field, before=old, after=getattr(skill, field))
    return skill


def _set_skill_fields(actor: Actor, skill: Skill, changes: dict) -> None:
    unknown = set(changes) - SKILL_FIELDS
    if unknown:
        raise ValidationFailed({name: [_("This field cannot be set.")] for name in sorted(unknown)})
    errors: dict[str, list[str]] = {}
    if "name" in changes:
        name = " ".join(clean_text(changes["name"] or "").split())
        if not name:
            errors["name"] = [_("Name the skill.")]
        elif len(name) > NAME_MAX:
            errors["name"] = [_("Keep the name under %(n)d characters.") % {"n": NAME_MAX}]
        elif _name_taken(actor, name, skill):
            errors["name"] = [_("The organisation already has a skill of this name.")]
        skill.name = name
    if "description" in changes:
        description = clean_text(changes["description"] or "").strip()
        if len(description) > DESCRIPTION_MAX:
            errors["description"] = [_("Keep the description under %(n)d characters.") % {"n": DESCRIPTION_MAX}]
        skill.description = description
    if "is_active" in changes:
        skill.is_active = bool(changes["is_active"])
    if errors:
        raise ValidationFailed(errors)


def _name_taken(actor: Actor, name: str, skill: Skill) -> bool:
    """One name per organisation, whatever its capitals ("CRM use" and "crm use" are one skill)."""
    same = Skill.objects.visible_to(actor).filter(name__iexact=name)
    return same.exclude(pk=skill.pk).exists() if skill.pk else same.exists()


def _saved(skill: Skill) -> Skill:
    try:
        with transaction.atomic():
            skill.save()
    except IntegrityError:  # the same name saved by someone else a moment ago
        raise ValidationFailed({"name": [_("The organisation already has a skill of this name.")]}) from None
    return skill


# --- levels -------------------------------------------------------------------------------------


def parse_level(value: object, field: str = "level") -> int:
    """A level is a whole number from 1 to 5 ("3" from a form, 3 from JSON); anything else is a
    field error."""
    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        number = int(value.strip())
    if number is None or not MIN_LEVEL <= number <= MAX_LEVEL:
        raise ValidationFailed({field: [_("Choose a level from 1 to 5.")]})
    return number


def _note(note: str) -> str:
    note = clean_text(note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationFailed({"note": [_("Keep the note under %(n)d characters.") % {"n": NOTE_MAX}]})
    return note


def _usable_skill(actor: Actor, skill_id: object) -> Skill:
    """An active skill of the actor's organisation, else a field error (another organisation's
    skill and a missing one read the same)."""
    skill = Skill.objects.visible_to(actor).active().filter(pk=_id(skill_id)).first() if _id(skill_id) else None
    if skill is None:
        raise ValidationFailed({"skill": [_("Choose an active skill of your organisation.")]})
    return skill


def _id(value: object) -> int | None:
    from pacekeeper.lib.ids import parse_id

    return parse_id(value)


def _locked_level(org_id: int, person_id: int, skill: Skill) -> SkillLevel | None:
    return SkillLevel.objects.select_for_update().filter(org_id=org_id, person_id=person_id, skill=skill).first()


@transaction.atomic
def level_self_assess(*, actor: Actor, skill_id: object, level: object, note: str = "") -> SkillLevel:
    """The actor's own level in a skill. It becomes the current level only while no lead has
    confirmed one: after a confirmation it waits for the lead to look again."""
    if not may_self_assess(actor, actor.user_id):
        raise Forbidden()
    value = parse_level(level)
    skill = _usable_skill(actor, skill_id)
    note = _note(note)
    row = _locked_level(actor.org_id, actor.user_id, skill)
    previous = row.self_level if row else None
    if row is None:
        row = SkillLevel(org_id=actor.org_id, person_id=actor.user_id, skill=skill)
    if previous == value:
        return row  # no change, no history line
    now = timezone.now()
    row.self_level, row.self_assessed_at = value, now
    row.level = row.confirmed_level if row.confirmed_level is not None else value
    _save_level(row)
    _history(actor, row, SkillLevelChange.Kind.SELF, previous, value, now, note)
    return row


@transaction.atomic
def level_confirm(
    *, actor: Actor, person_id: object, skill_id: object, level: object = None, note: str = ""
) -> SkillLevel:
    """A lead's word on one of their people's level: the self-assessed level as it stands (no
    `level`) or another one. It becomes the current level; it is audited and the person told."""
    person = (
        User.objects.visible_to(actor).filter(pk=_id(person_id), is_active=True).first() if _id(person_id) else None
    )
    if person is None:
        raise ValidationFailed({"person": [_("Choose one of your people.")]})
    if not may_confirm_skill(actor, person.pk):
        raise Forbidden(_("A level is confirmed by the person's lead, a director or an admin, never by oneself."))
    skill = _usable_skill(actor, skill_id)
    note = _note(note)
    row = _locked_level(actor.org_id, person.pk, skill)
    if level in (None, ""):
        if row is None or row.self_level is None:
            raise ValidationFailed({"level": [_("Choose a level: the person has not assessed this skill yet.")]})
        value = row.self_level
    else:
        value = parse_level(level)
    if row is None:
        row = SkillLevel(org_id=actor.org_id, person=person, skill=skill)
    previous = row.confirmed_level
    now = timezone.now()
    row.confirmed_level, row.confirmed_by, row.confirmed_at, row.level = value, actor.user, now, value
    _save_level(row)
    _history(actor, row, SkillLevelChange.Kind.CONFIRMED, previous, value, now, note)
    audit_record(actor=actor, obj=row, field="confirmed_level", before=previous, after=value, reason=note)
    notices.announce_confirmed(actor=actor, row=row, person=person, skill=skill)
    return row


def level_confirm_row(*, actor: Actor, row: SkillLevel, level: object = None, note: str = "") -> SkillLevel:
    """Confirm a level the actor can already see (the API's /skill-levels/{level_id}/confirm)."""
    if not may_confirm_skill(actor, row.person_id):
        raise Forbidden(_("A level is confirmed by the person's lead, a director or an admin, never by oneself."))
    return level_confirm(actor=actor, person_id=row.person_id, skill_id=row.skill_id, level=level, note=note)


def _save_level(row: SkillLevel) -> None:
    """A first level in a skill written twice at once (two tabs, a double tap): the second
    finds the unique (person, skill) taken and is asked to try again, not answered a 500."""
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        raise ValidationFailed({"skill": [_("This level was changed at the same moment. Please try again.")]}) from None


def _history(actor: Actor, row: SkillLevel, kind: str, before: int | None, after: int, at, note: str) -> None:
    SkillLevelChange.objects.create(
        org_id=row.org_id,
        skill_level=row,
        kind=kind,
        from_level=before,
        to_level=after,
        changed_by=actor.user,
        at=at,
        note=note,
    )
