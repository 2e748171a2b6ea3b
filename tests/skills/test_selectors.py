"""levels_for: the current level is the confirmed one if confirmed, else the self-assessed one;
no level, no entry; other organisations' rows never appear."""

import pytest

from pacekeeper.skills.models import Skill, SkillLevel
from pacekeeper.skills.selectors import levels_for

pytestmark = pytest.mark.django_db


def _level(person, skill, *, own=None, confirmed=None):
    return SkillLevel.objects.create(
        org=person.org,
        person=person,
        skill=skill,
        self_level=own,
        confirmed_level=confirmed,
        level=confirmed if confirmed is not None else own,
    )


def test_levels_for_reads_confirmed_else_self_and_leaves_out_the_missing(world):
    one = world.one
    analysis = Skill.objects.create(org=one.org, name="Data analysis")
    negotiation = Skill.objects.create(org=one.org, name="Negotiation")
    theirs = Skill.objects.create(org=world.two.org, name="Data analysis")
    _level(one.manager, analysis, own=2, confirmed=4)  # the lead raised it: 4
    _level(one.manager, negotiation, own=3)  # not confirmed yet: 3
    _level(one.other_manager, analysis, own=5, confirmed=3)  # the lead lowered it: 3
    _level(world.two.manager, theirs, own=5)

    people = [one.manager.pk, one.other_manager.pk, world.two.manager.pk]
    found = levels_for(one.org.pk, people, [analysis.pk, negotiation.pk, theirs.pk])

    assert found == {
        (one.manager.pk, analysis.pk): 4,
        (one.manager.pk, negotiation.pk): 3,
        (one.other_manager.pk, analysis.pk): 3,
    }
    assert levels_for(one.org.pk, [], [analysis.pk]) == {}
