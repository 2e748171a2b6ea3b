"""Skills: self-assessment and confirmation worked by hand, who may do what, bad input refused
with a field error and nothing changed, and the catalogue (docs/skills.md)."""

import pytest
from django.utils import translation

from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.notifications.models import Notification
from pacekeeper.skills import services
from pacekeeper.skills.defaults import catalogue_seed
from pacekeeper.skills.models import Skill, SkillLevel, SkillLevelChange
from pacekeeper.skills.selectors import levels_for, my_levels
from pacekeeper.tenancy.audit import AuditEntry
from pacekeeper.tenancy.models import Organization
from tests.factories import CustomerFactory, SaleFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def skills(world):
    admin = world.one.actor("admin")
    return {
        "negotiation": services.skill_create(actor=admin, name="Negotiation"),
        "analysis": services.skill_create(actor=admin, name="Data analysis"),
        "theirs": services.skill_create(actor=world.two.actor("admin"), name="Negotiation"),
    }


def _history(row):
    return [(c.kind, c.from_level, c.to_level, c.changed_by.username) for c in row.changes.order_by("at", "pk")]


class TestLevels:
    def test_it_takes_the_confirmed_level_over_the_self_assessed_one_and_keeps_every_change(
        self, world, skills, django_capture_on_commit_callbacks
    ):
        one, skill = world.one, skills["negotiation"]
        manager, lead = one.actor("manager"), one.actor("lead")
        # 1. The manager rates themselves 2: the current level is 2, waiting for the lead.
        row = services.level_self_assess(actor=manager, skill_id=skill.pk, level=2)
        assert (row.self_level, row.confirmed_level, row.level, row.awaits_confirmation) == (2, None, 2, True)
        # 2. The lead sees more and sets 3: confirmed, current 3, the person is told.
        with django_capture_on_commit_callbacks(execute=True):
            row = services.level_confirm(
                actor=lead, person_id=one.manager.pk, skill_id=skill.pk, level=3, note="Led the renewal talks"
            )
        assert (row.self_level, row.confirmed_level, row.level, row.awaits_confirmation) == (2, 3, 3, False)
        told = Notification.objects.get(recipient=one.manager)
        assert told.kind == "skill_level_changed" and told.params["level"] == 3 and told.params["own"] == 2
        # 3. The manager now rates themselves 4: the lead's 3 stands until the lead looks again.
        row = services.level_self_assess(actor=manager, skill_id=skill.pk, level=4)
        assert (row.self_level, row.confirmed_level, row.level, row.awaits_confirmation) == (4, 3, 3, True)
        assert levels_for(one.org.pk, [one.manager.pk], [skill.pk]) == {(one.manager.pk, skill.pk): 3}
        # 4. The lead confirms as it stands (no level given): 4.
        row = services.level_confirm(actor=lead, person_id=one.manager.pk, skill_id=skill.pk)
        assert (row.self_level, row.confirmed_level, row.level, row.awaits_confirmation) == (4, 4, 4, False)
        assert levels_for(one.org.pk, [one.manager.pk], [skill.pk]) == {(one.manager.pk, skill.pk): 4}
        # Every change, who and from what to what, in order.
        assert _history(row) == [
            ("self", None, 2, one.manager.username),
            ("confirmed", None, 3, one.lead.username),
            ("self", 2, 4, one.manager.username),
            ("confirmed", 3, 4, one.lead.username),
        ]
        # Confirmations are audited, with the note as the reason.
        audited = AuditEntry.objects.filter(object_type="skills.skilllevel", object_id=str(row.pk)).order_by("pk")
        assert [(a.field, a.before, a.after, a.reason) for a in audited] == [
            ("confirmed_level", "", "3", "Led the renewal talks"),
            ("confirmed_level", "3", "4", ""),
        ]

    def test_an_unchanged_self_assessment_adds_no_history(self, world, skills):
        manager = world.one.actor("manager")
        services.level_self_assess(actor=manager, skill_id=skills["analysis"].pk, level=3)
        row = services.level_self_assess(actor=manager, skill_id=skills["analysis"].pk, level="3")
        assert row.changes.count() == 1

    def test_a_lead_may_set_a_level_nobody_assessed_but_must_then_give_it(self, world, skills):
        one, lead = world.one, world.one.actor("lead")
        with pytest.raises(ValidationFailed) as refused:
            services.level_confirm(actor=lead, person_id=one.teammate.pk, skill_id=skills["analysis"].pk)
        assert set(refused.value.errors) == {"level"}
        row = services.level_confirm(actor=lead, person_id=one.teammate.pk, skill_id=skills["analysis"].pk, level=5)
        assert (row.self_level, row.confirmed_level, row.level, row.awaits_confirmation) == (None, 5, 5, False)


class TestWhoMay:
    def test_nobody_confirms_their_own_level(self, world, skills):
        one = world.one
        for role in ("manager", "lead", "director", "admin"):
            person = getattr(one, role)
            with pytest.raises(Forbidden):
                services.level_confirm(
                    actor=one.actor(role), person_id=person.pk, skill_id=skills["analysis"].pk, level=3
                )
        assert not SkillLevel.objects.exists()

    def test_a_lead_confirms_their_people_only_and_a_manager_nobody(self, world, skills):
        one, skill = world.one, skills["analysis"].pk
        # Out of the lead's teams: not even visible, so a field error on the person.
        with pytest.raises(ValidationFailed) as refused:
            services.level_confirm(actor=one.actor("lead"), person_id=one.other_manager.pk, skill_id=skill, level=3)
        assert set(refused.value.errors) == {"person"}
        with pytest.raises(ValidationFailed):
            services.level_confirm(actor=one.actor("lead"), person_id=world.two.manager.pk, skill_id=skill, level=3)
        # Their sub-team's person: yes. A manager, for nobody (not even visible).
        services.level_confirm(actor=one.actor("lead"), person_id=one.sub_manager.pk, skill_id=skill, level=3)
        with pytest.raises(ValidationFailed):
            services.level_confirm(actor=one.actor("manager"), person_id=one.teammate.pk, skill_id=skill, level=3)
        # A director, anyone in the organisation.
        services.level_confirm(actor=one.actor("director"), person_id=one.other_manager.pk, skill_id=skill, level=2)
        assert SkillLevel.objects.count() == 2

    def test_the_analyst_reads_and_writes_nothing(self, world, skills):
        analyst = world.one.actor("analyst")
        with pytest.raises(Forbidden):
            services.level_self_assess(actor=analyst, skill_id=skills["analysis"].pk, level=3)
        with pytest.raises(Forbidden):
            services.level_confirm(
                actor=analyst, person_id=world.one.manager.pk, skill_id=skills["analysis"].pk, level=3
            )

    def test_each_role_sees_the_levels_of_its_scope(self, world, skills):
        one = world.one
        for person in (one.manager, one.teammate, one.sub_manager, one.other_manager):
            SkillLevel.objects.create(org=one.org, person=person, skill=skills["analysis"], self_level=3, level=3)
        SkillLevel.objects.create(
            org=world.two.org, person=world.two.manager, skill=skills["theirs"], self_level=1, level=1
        )

        def seen(role):
            return {row.person.username for row in SkillLevel.objects.visible_to(one.actor(role))}

        everyone = {"one_manager", "one_teammate", "one_sub_manager", "one_other_manager"}
        assert seen("manager") == {"one_manager"}
        assert seen("lead") == {"one_manager", "one_teammate", "one_sub_manager"}
        for role in ("director", "admin", "analyst"):
            assert seen(role) == everyone, role


class TestBadInput:
    @pytest.mark.parametrize("level", [0, 6, -1, "3.5", "٣", "", None, True, "three", 3.0])
    def test_a_level_outside_1_to_5_is_a_field_error_and_changes_nothing(self, world, skills, level):
        with pytest.raises(ValidationFailed) as refused:
            services.level_self_assess(actor=world.one.actor("manager"), skill_id=skills["analysis"].pk, level=level)
        assert set(refused.value.errors) == {"level"}
        assert not SkillLevel.objects.exists() and not SkillLevelChange.objects.exists()

    def test_another_organisation_s_skill_or_an_inactive_one_is_refused_on_the_skill(self, world, skills):
        manager = world.one.actor("manager")
        services.skill_update(actor=world.one.actor("admin"), skill=skills["analysis"], changes={"is_active": False})
        for skill_id in (skills["theirs"].pk, skills["analysis"].pk, "x", 10**30):
            with pytest.raises(ValidationFailed) as refused:
                services.level_self_assess(actor=manager, skill_id=skill_id, level=3)
            assert set(refused.value.errors) == {"skill"}
        assert not SkillLevel.objects.exists()

    def test_a_long_note_is_refused_and_changes_nothing(self, world, skills):
        with pytest.raises(ValidationFailed) as refused:
            services.level_confirm(
                actor=world.one.actor("lead"),
                person_id=world.one.manager.pk,
                skill_id=skills["analysis"].pk,
                level=3,
                note="x" * 501,
            )
        assert set(refused.value.errors) == {"note"}
        assert not SkillLevel.objects.exists() and not AuditEntry.objects.exists()


class TestCatalogue:
    def test_the_admin_keeps_the_catalogue_one_name_per_organisation_whatever_its_capitals(self, world, skills):
        admin = world.one.actor("admin")
        with pytest.raises(ValidationFailed) as refused:
            services.skill_create(actor=admin, name="  NEGOTIATION ")
        assert set(refused.value.errors) == {"name"}
        with pytest.raises(ValidationFailed):
            services.skill_update(actor=admin, skill=skills["analysis"], changes={"name": "negotiation"})
        # The other organisation's skill of the same name is no clash.
        assert Skill.objects.filter(name="Negotiation").count() == 2
        for role in ("director", "lead", "manager", "analyst"):
            with pytest.raises(Forbidden):
                services.skill_create(actor=world.one.actor(role), name="Cold calling")

    def test_renaming_and_deactivating_are_audited_and_an_inactive_skill_is_no_longer_offered(self, world, skills):
        admin, skill = world.one.actor("admin"), skills["analysis"]
        services.skill_update(actor=admin, skill=skill, changes={"name": "Portfolio analysis", "is_active": False})
        audited = AuditEntry.objects.filter(object_type="skills.skill", object_id=str(skill.pk))
        assert {(a.field, a.before, a.after) for a in audited} == {
            ("name", "Data analysis", "Portfolio analysis"),
            ("is_active", "True", "False"),
        }
        offered = [row["skill"].name for row in my_levels(world.one.actor("manager"))]
        assert offered == ["Negotiation"]


class TestDefaultCatalogue:
    def test_it_seeds_a_new_organisation_in_its_language_with_general_product_lines(
        self, db, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            org = Organization.objects.create(name="Acme", language="en")
        names = set(Skill.objects.filter(org=org).values_list("name", flat=True))
        assert {"Data analysis", "Negotiation", "Key-account management", "Compliance and risk awareness"} <= names
        assert {n for n in names if n.startswith("Product knowledge")} == {
            "Product knowledge: deposits and payments",
            "Product knowledge: loans and financing",
            "Product knowledge: wealth and investment",
        }
        assert len(names) == 8 + 3
        assert catalogue_seed(org) == 0  # a second run adds nothing

    def test_it_names_product_knowledge_after_the_organisation_s_sales_in_chinese(self, db):
        org = Organization.objects.create(name="华信", language="zh-hans")
        owner = UserFactory(org=org)
        customer = CustomerFactory(org=org, owner=owner)
        for line in ("对公存款", "对公存款", "代发工资", ""):
            SaleFactory(customer=customer, product_line=line)
        assert catalogue_seed(org) == 8 + 2
        names = list(Skill.objects.filter(org=org).order_by("pk").values_list("name", flat=True))
        assert names[0] == "数据分析"
        assert names[-2:] == ["产品知识：对公存款", "产品知识：代发工资"]  # the most sold first
        with translation.override("en"):
            assert catalogue_seed(org) == 0  # names are stored, not re-translated per reader
