"""The demo's skills: the catalogue names the demo's product lines, every person in the field
has levels, some waiting for their lead and some confirmed a step lower, each with its history."""

import datetime as dt

import pytest

from pacekeeper.demo.seed import seed_organization
from pacekeeper.skills.models import Skill, SkillLevel, SkillLevelChange
from pacekeeper.tenancy.models import AuditEntry, Role, User

pytestmark = pytest.mark.django_db


def test_the_demo_gives_people_realistic_levels():
    org = seed_organization(
        managers=6, customers=40, months=3, seed=3, until=dt.date(2026, 6, 30), with_goals=False
    ).org
    names = set(Skill.objects.filter(org=org).values_list("name", flat=True))
    assert "数据分析" in names and any(name.startswith("产品知识：") for name in names)
    assert "产品知识：存款与支付结算" not in names  # the demo's own lines, not the general ones
    levels = SkillLevel.objects.filter(org=org)
    field = set(User.objects.filter(org=org, role__in=(Role.MANAGER, Role.LEAD)).values_list("pk", flat=True))
    assert set(levels.values_list("person_id", flat=True)) == field
    assert levels.awaiting().exists() and levels.filter(confirmed_level__isnull=False).exists()
    for row in levels:
        assert row.level == (row.confirmed_level if row.confirmed_level is not None else row.self_level)
        assert row.confirmed_by_id != row.person_id
    confirmed = levels.filter(confirmed_level__isnull=False).count()
    assert SkillLevelChange.objects.filter(org=org).count() == levels.count() + confirmed
    assert AuditEntry.objects.filter(org=org, object_type="skills.skilllevel").count() == confirmed
