"""Demo skill levels: everyone in the field has rated themselves in most skills, and their
leads have confirmed about two thirds of those — often a step lower, as leads do. Written in
bulk (the demo and the large seeds stay fast), with the same history and audit rows the
services write."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from pacekeeper.skills.defaults import catalogue_seed
from pacekeeper.skills.models import Skill, SkillLevel, SkillLevelChange
from pacekeeper.tenancy.audit import JobActor, audit_entry
from pacekeeper.tenancy.models import AuditEntry, Organization, Role, TeamMembership, User

RATED_SHARE = 0.75  # of the skills a person has rated themselves in
CONFIRMED_SHARE = 0.65  # of those, confirmed by their lead


def make_skill_levels(org: Organization, *, seed: int, until: dt.date) -> int:
    rng = random.Random(seed * 7919 + 17)
    catalogue_seed(org)  # now that the sales are in: product knowledge per product line
    skills = list(Skill.objects.filter(org=org, is_active=True).order_by("pk"))
    people = list(User.objects.filter(org=org, role__in=(Role.MANAGER, Role.LEAD)).order_by("pk"))
    confirmer = _confirmers(org, until)
    # Anchored on the seed's end date, not the clock: the same seed writes the same rows.
    anchor = dt.datetime.combine(until, dt.time(9), tzinfo=ZoneInfo(org.time_zone))
    levels = []
    for person in people:
        talent = rng.gauss(3.0, 0.6)
        for skill in skills:
            if rng.random() > RATED_SHARE:
                continue
            own = _clip(round(talent + rng.gauss(0.3, 0.8)))  # people rate themselves a little high
            assessed_at = anchor - dt.timedelta(days=rng.randint(20, 120), hours=rng.randint(0, 8))
            row = SkillLevel(
                org=org, person=person, skill=skill, self_level=own, self_assessed_at=assessed_at, level=own
            )
            if rng.random() < CONFIRMED_SHARE:
                row.confirmed_level = _clip(own - (1 if rng.random() < 0.35 else 0) + (1 if rng.random() < 0.08 else 0))
                row.confirmed_by_id = confirmer.get(person.pk)
                row.confirmed_at = assessed_at + dt.timedelta(days=rng.randint(1, 14))
                row.level = row.confirmed_level
            levels.append(row)
    SkillLevel.objects.bulk_create(levels, batch_size=2000)
    _history(org, levels)
    return len(levels)


def _history(org: Organization, levels: list[SkillLevel]) -> None:
    changes, audits = [], []
    for row in levels:
        changes.append(
            SkillLevelChange(
                org=org,
                skill_level=row,
                kind="self",
                to_level=row.self_level,
                changed_by=row.person,
                at=row.self_assessed_at,
            )
        )
        if row.confirmed_level is not None:
            changes.append(
                SkillLevelChange(
                    org=org,
                    skill_level=row,
                    kind="confirmed",
                    to_level=row.confirmed_level,
                    changed_by_id=row.confirmed_by_id,
                    at=row.confirmed_at,
                )
            )
            entry = audit_entry(
                actor=JobActor(org_id=org.pk, user_id=row.confirmed_by_id),
                obj=row,
                field="confirmed_level",
                before=None,
                after=row.confirmed_level,
            )
            entry.at = row.confirmed_at
            audits.append(entry)
    SkillLevelChange.objects.bulk_create(changes, batch_size=2000)
    AuditEntry.objects.bulk_create(audits, batch_size=2000)


def _confirmers(org: Organization, until: dt.date) -> dict[int, int]:
    """Who confirms whom: the lead of the person's team that day; a lead's own levels, the director."""
    director = User.objects.filter(org=org, role=Role.DIRECTOR).values_list("pk", flat=True).first()
    current = TeamMembership.objects.current(until).filter(org=org)
    lead_of_team = dict(current.filter(is_lead=True).values_list("team_id", "user_id"))
    found = {}
    for user_id, team_id, is_lead in current.values_list("user_id", "team_id", "is_lead"):
        found[user_id] = director if is_lead else lead_of_team.get(team_id, director)
    return found


def _clip(level: int) -> int:
    return max(1, min(5, level))
