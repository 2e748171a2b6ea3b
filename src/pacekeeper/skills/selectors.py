"""Reads of skills: the levels the assignment ranking reads, and the scoped lists the pages and
the API show (tenancy.scopes decides who sees which levels)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from pacekeeper.tenancy.models import Team, TeamMembership, User
from pacekeeper.tenancy.scopes import Actor, get_visible, may_confirm_skill, skill_people_q

from .models import Skill, SkillLevel, SkillLevelChange


def levels_for(org_id: int, person_ids: Iterable[int], skill_ids: Iterable[int]) -> dict[tuple[int, int], int]:
    """(person_id, skill_id) -> current level (the lead-confirmed level if confirmed, else the
    self-assessed one), in one query. A person without a level in a skill has no entry.

    Not scoped to an actor: the caller has already chosen people and skills it may see (the
    assignment ranking ranks candidates in the lead's scope)."""
    person_ids, skill_ids = list(person_ids), list(skill_ids)
    if not person_ids or not skill_ids:
        return {}
    rows = SkillLevel.objects.filter(org_id=org_id, person_id__in=person_ids, skill_id__in=skill_ids)
    return {(person, skill): level for person, skill, level in rows.values_list("person_id", "skill_id", "level")}


def skill_list(actor: Actor) -> QuerySet[Skill]:
    return Skill.objects.visible_to(actor).order_by("name", "pk")


def skill_choices(actor: Actor, *, keep: Iterable[int] = ()) -> list[Skill]:
    """The active skills (a form's choices), with any inactive ones a record already names."""
    keep = set(keep)
    return [skill for skill in skill_list(actor) if skill.is_active or skill.pk in keep]


def access_skill(actor: Actor, skill_id: object) -> Skill:
    return get_visible(skill_list(actor), skill_id, actor=actor)


def level_list(actor: Actor) -> QuerySet[SkillLevel]:
    return SkillLevel.objects.visible_to(actor).select_related("person", "skill", "confirmed_by")


def level_filter(
    levels: QuerySet[SkillLevel],
    *,
    person: int | None = None,
    skill: int | None = None,
    awaiting: bool | None = None,
    min_level: int | None = None,
) -> QuerySet[SkillLevel]:
    if person:
        levels = levels.filter(person_id=person)
    if skill:
        levels = levels.filter(skill_id=skill)
    if min_level:
        levels = levels.filter(level__gte=min_level)
    if awaiting is not None:
        levels = levels.awaiting() if awaiting else levels.exclude(pk__in=levels.awaiting().values("pk"))
    return levels


def catalogue(actor: Actor) -> QuerySet[Skill]:
    """Every skill, active first, with how many people hold a level in it and how many tasks
    require it (the admin sees what a deactivation touches)."""
    return (
        skill_list(actor)
        .annotate(people=Count("levels", distinct=True), tasks=Count("required_by", distinct=True))
        .order_by("-is_active", "name", "pk")
    )


def access_person(actor: Actor, user_id: object) -> User:
    """A person whose levels the actor sees (also one who has left: their history stays)."""
    return get_visible(User.objects.visible_to(actor), user_id, actor=actor)


def team_choices(actor: Actor) -> QuerySet[Team]:
    return Team.objects.visible_to(actor).order_by("path")


def access_level(actor: Actor, level_id: object) -> SkillLevel:
    return get_visible(level_list(actor), level_id, actor=actor)


def level_history(actor: Actor, row: SkillLevel) -> QuerySet[SkillLevelChange]:
    """The changes of a level the actor already sees, newest first."""
    return SkillLevelChange.objects.visible_to(actor).filter(skill_level=row).select_related("changed_by")


def person_history(actor: Actor, person: User) -> QuerySet[SkillLevelChange]:
    return (
        SkillLevelChange.objects.visible_to(actor)
        .filter(skill_level__person=person)
        .select_related("changed_by", "skill_level__skill")
    )


def my_levels(actor: Actor) -> list[dict]:
    """Every active skill with the actor's level in it (None: not assessed yet), by name."""
    own = {row.skill_id: row for row in level_list(actor).filter(person_id=actor.user_id)}
    return [{"skill": skill, "level": own.get(skill.pk)} for skill in skill_list(actor).filter(is_active=True)]


def matrix_people(actor: Actor, *, team: Team | None = None) -> QuerySet[User]:
    """The matrix's rows: active people in scope (of one team and its sub-teams, if given)."""
    people = User.objects.filter(skill_people_q(actor)).order_by("display_name", "username", "pk")
    if team is not None:
        subtree = Team.objects.visible_to(actor).filter(path__startswith=team.path)
        members = TeamMembership.objects.current(actor.today()).filter(org_id=actor.org_id, team__in=subtree)
        people = people.filter(pk__in=members.values("user_id"))
    return people


@dataclass
class MatrixRow:
    person: User
    cells: list[tuple[Skill, SkillLevel | None]]
    may_confirm: bool = False


def matrix(actor: Actor, people: list[User], skills: list[Skill]) -> list[MatrixRow]:
    """People × skills with each cell's level (None when not assessed): one query for the levels."""
    levels = level_list(actor).filter(person__in=people, skill__in=skills)
    found = {(row.person_id, row.skill_id): row for row in levels}
    return [
        MatrixRow(
            person,
            [(skill, found.get((person.pk, skill.pk))) for skill in skills],
            may_confirm=may_confirm_skill(actor, person.pk),
        )
        for person in people
    ]
