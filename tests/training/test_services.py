"""Training services worked by hand (docs/people.md): places and the waiting list, check-in by
code inside the window, scores against the pass mark, certificates only for completed courses,
skill proposals confirmed through the skills app, onboarding and its overdue notices."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.notifications.models import Notification
from pacekeeper.skills import services as skills
from pacekeeper.skills.models import SkillLevel, SkillLevelChange
from pacekeeper.tenancy.models import AccountManagerProfile, AuditEntry
from pacekeeper.training import selectors, services
from pacekeeper.training.models import Assessment, Enrolment, OnboardingTask, SkillProposal, TrainingCertificate

from .helpers import attend, course, session


class TestEnrolment:
    def test_it_fills_the_places_then_the_waiting_list_and_promotes_the_first_waiting(
        self, world, django_capture_on_commit_callbacks
    ):
        found = session(world, course(world), capacity=2, starts_in=dt.timedelta(days=1))
        lead = world.one.actor("lead")
        first = services.enrol(actor=world.one.actor("manager"), session=found)
        second = services.enrol(actor=world.one.actor("teammate"), session=found)
        third = services.enrol(actor=lead, session=found, person_id=world.one.sub_manager.pk)
        assert [first.status, second.status, third.status] == ["enrolled", "enrolled", "waiting"]

        with django_capture_on_commit_callbacks(execute=True):
            services.enrolment_cancel(actor=world.one.actor("manager"), enrolment=first)
        third.refresh_from_db()
        assert third.status == "enrolled"
        told = Notification.objects.filter(recipient=world.one.sub_manager, kind="training_place_freed")
        assert told.count() == 1

    def test_it_refuses_a_full_session_without_the_waiting_list_and_changes_nothing(self, world):
        found = session(world, course(world), capacity=1, starts_in=dt.timedelta(days=1))
        services.enrol(actor=world.one.actor("manager"), session=found)
        with pytest.raises(ValidationFailed) as refused:
            services.enrol(actor=world.one.actor("teammate"), session=found, join_waiting_list=False)
        assert "full (1 places)" in str(refused.value.errors["session"][0])
        assert Enrolment.objects.filter(session=found).count() == 1

    def test_it_refuses_a_second_enrolment_and_people_out_of_scope(self, world):
        found = session(world, course(world), starts_in=dt.timedelta(days=1))
        manager = world.one.actor("manager")
        services.enrol(actor=manager, session=found)
        with pytest.raises(ValidationFailed):
            services.enrol(actor=manager, session=found)
        with pytest.raises(ValidationFailed) as refused:  # a manager enrols only themselves
            services.enrol(actor=manager, session=found, person_id=world.one.teammate.pk)
        assert "person" in refused.value.errors
        with pytest.raises(ValidationFailed):  # not the lead's people
            services.enrol(actor=world.one.actor("lead"), session=found, person_id=world.one.other_manager.pk)
        with pytest.raises(Forbidden):
            services.enrol(actor=world.one.actor("analyst"), session=found)
        assert Enrolment.objects.filter(session=found).count() == 1

    def test_it_refuses_a_session_that_is_over(self, world):
        found = session(world, course(world), starts_in=dt.timedelta(hours=-5), hours=1)
        with pytest.raises(ValidationFailed):
            services.enrol(actor=world.one.actor("manager"), session=found)

    def test_it_refuses_a_session_ending_before_it_starts(self, world):
        starts = timezone.now()
        with pytest.raises(ValidationFailed) as refused:
            services.session_create(
                actor=world.one.actor("lead"),
                course_id=course(world).pk,
                trainer_id=world.one.lead.pk,
                mode="offline",
                place="Room",
                starts_at=starts,
                ends_at=starts,
                capacity=0,
            )
        assert set(refused.value.errors) == {"capacity"}  # the end is judged once the rest is valid


class TestCheckIn:
    def test_it_checks_in_the_enrolled_attendee_with_the_sessions_code(self, world):
        found = session(world, course(world))
        row = attend(world, found)
        assert row.attended_at is not None
        again = services.check_in(actor=world.one.actor("manager"), session=found, token=services.check_in_token(found))
        assert again.attended_at == row.attended_at  # the first time is kept

    def test_it_refuses_outside_the_window_clearly_and_changes_nothing(self, world):
        found = session(world, course(world), starts_in=dt.timedelta(hours=3))
        manager = world.one.actor("manager")
        services.enrol(actor=manager, session=found)
        token = services.check_in_token(found)
        too_early = found.starts_at - dt.timedelta(minutes=31)
        with pytest.raises(ValidationFailed) as refused:
            services.check_in(actor=manager, session=found, token=token, now=too_early)
        assert "open from" in str(refused.value.errors[""][0])
        after = found.ends_at + dt.timedelta(minutes=1)
        with pytest.raises(ValidationFailed):
            services.check_in(actor=manager, session=found, token=token, now=after)
        # 30 minutes before the start is inside the window.
        row = services.check_in(
            actor=manager, session=found, token=token, now=found.starts_at - dt.timedelta(minutes=30)
        )
        assert row.attended_at is not None

    def test_it_refuses_another_sessions_code_and_people_without_a_place(self, world):
        found = session(world, course(world), capacity=1)
        other = session(world, course(world, title="Other"))
        manager = world.one.actor("manager")
        services.enrol(actor=manager, session=found)
        with pytest.raises(ValidationFailed) as refused:
            services.check_in(actor=manager, session=found, token=services.check_in_token(other))
        assert "token" in refused.value.errors
        teammate = world.one.actor("teammate")
        services.enrol(actor=teammate, session=found)  # full: waiting
        with pytest.raises(ValidationFailed) as refused:
            services.check_in(actor=teammate, session=found, token=services.check_in_token(found))
        assert "no place" in str(refused.value.errors[""][0])
        assert not Enrolment.objects.filter(session=found, attended_at__isnull=False).exists()


class TestAssessment:
    def test_it_judges_the_score_against_the_pass_mark(self, world):
        found = course(world, pass_mark=70)
        lead = world.one.actor("lead")
        below = services.assessment_record(actor=lead, course_id=found.pk, person_id=world.one.manager.pk, score=69)
        at = services.assessment_record(actor=lead, course_id=found.pk, person_id=world.one.manager.pk, score="70")
        assert (below.passed, at.passed) == (False, True)
        assert AuditEntry.objects.filter(field="score", after="70").exists()

    def test_it_refuses_scores_out_of_range_own_scores_and_courses_without_assessment(self, world):
        found = course(world, pass_mark=70)
        lead = world.one.actor("lead")
        for score in (101, -1, "7.5", None, True):
            with pytest.raises(ValidationFailed):
                services.assessment_record(actor=lead, course_id=found.pk, person_id=world.one.manager.pk, score=score)
        with pytest.raises(Forbidden):
            services.assessment_record(
                actor=world.one.actor("manager"), course_id=found.pk, person_id=world.one.manager.pk, score=90
            )
        with pytest.raises(ValidationFailed) as refused:
            services.assessment_record(actor=lead, course_id=course(world).pk, person_id=world.one.manager.pk, score=90)
        assert "course" in refused.value.errors
        assert not Assessment.objects.exists()

    def test_the_analyst_sees_no_scores(self, world):
        found = course(world, pass_mark=70)
        services.assessment_record(
            actor=world.one.actor("lead"), course_id=found.pk, person_id=world.one.manager.pk, score=80
        )
        assert not selectors.assessment_list(world.one.actor("analyst")).exists()
        assert selectors.assessment_list(world.one.actor("manager")).count() == 1
        assert not selectors.assessment_list(world.one.actor("teammate")).exists()


class TestCertificate:
    def test_it_refuses_a_certificate_for_an_incomplete_course_and_changes_nothing(self, world):
        found = course(world, pass_mark=60)
        attend(world, session(world, found))
        manager = world.one.actor("manager")
        with pytest.raises(ValidationFailed) as refused:
            services.certificate_issue(actor=manager, course_id=found.pk)
        assert "not completed" in str(refused.value.errors["course"][0])
        assert "60/100" in str(refused.value.errors["course"][0])
        assert not TrainingCertificate.objects.exists()
        assert not AuditEntry.objects.filter(field="issued").exists()

    def test_it_issues_once_audited_and_renders_both_languages(self, world):
        found = course(world, pass_mark=60)
        attend(world, session(world, found))
        services.assessment_record(
            actor=world.one.actor("lead"), course_id=found.pk, person_id=world.one.manager.pk, score=60
        )
        manager = world.one.actor("manager")
        issued = services.certificate_issue(actor=manager, course_id=found.pk)
        assert services.certificate_issue(actor=manager, course_id=found.pk) == issued
        assert AuditEntry.objects.filter(field="issued", after=issued.number).count() == 1
        english = PdfReader(io.BytesIO(services.certificate_pdf(certificate=issued, language="en")))
        text = english.pages[0].extract_text()
        assert "Certificate of Completion" in text and "Fund basics" in text and issued.number in text
        chinese = services.certificate_pdf(certificate=issued, language="zh-hans")
        assert chinese.startswith(b"%PDF")

    def test_a_course_without_pass_mark_is_completed_by_attending(self, world):
        found = course(world)
        assert not services.is_completed(found, world.one.manager.pk)
        attend(world, session(world, found))
        assert services.is_completed(found, world.one.manager.pk)


class TestSkillProposal:
    def _skill(self, world):
        return skills.skill_create(actor=world.one.actor("admin"), name="Fund advice")

    def test_completing_proposes_the_level_and_the_lead_confirms_it_in_the_skills_app(self, world):
        skill = self._skill(world)
        skills.level_self_assess(actor=world.one.actor("manager"), skill_id=skill.pk, level=2)
        found = course(world, skill=skill, skill_level=3)
        attend(world, session(world, found))
        proposal = SkillProposal.objects.get(person=world.one.manager)
        assert (proposal.level, proposal.status) == (3, "pending")
        assert SkillLevel.objects.get(person=world.one.manager, skill=skill).level == 2  # not before the lead
        with pytest.raises(Forbidden):
            services.proposal_confirm(actor=world.one.actor("manager"), proposal=proposal)
        services.proposal_confirm(actor=world.one.actor("lead"), proposal=proposal)
        level = SkillLevel.objects.get(person=world.one.manager, skill=skill)
        assert (level.level, level.confirmed_level, level.confirmed_by_id) == (3, 3, world.one.lead.pk)
        assert SkillLevelChange.objects.filter(skill_level=level, kind="confirmed", to_level=3).exists()
        with pytest.raises(ValidationFailed):
            services.proposal_confirm(actor=world.one.actor("director"), proposal=proposal)

    def test_it_proposes_nothing_when_the_level_is_already_that_high(self, world):
        skill = self._skill(world)
        skills.level_self_assess(actor=world.one.actor("manager"), skill_id=skill.pk, level=4)
        attend(world, session(world, course(world, skill=skill, skill_level=3)))
        assert not SkillProposal.objects.exists()

    def test_a_course_proposes_a_skill_only_with_a_level(self, world):
        with pytest.raises(ValidationFailed) as refused:
            course(world, skill=self._skill(world), skill_level=None)
        assert "skill_level" in refused.value.errors


class TestOnboarding:
    def _plan(self, world):
        director = world.one.actor("director")
        plan = services.onboarding_plan_create(actor=director, role="manager", title="New account managers")
        for title, days in (("Meet your lead", 0), ("CRM course", 7), ("First customer visit", 30)):
            services.onboarding_item_add(actor=director, plan=plan, title=title, due_after_days=days)
        return plan

    def _hire(self, person, days_ago):
        hired = timezone.now().date() - dt.timedelta(days=days_ago)
        AccountManagerProfile.objects.update_or_create(
            user=person, defaults={"org": person.org, "employee_no": f"E{person.pk}", "hired_on": hired}
        )
        return hired

    def test_a_new_hire_gets_the_plan_due_from_the_hire_date_and_overdue_items_are_told_once(
        self, world, django_capture_on_commit_callbacks
    ):
        self._plan(world)
        hired = self._hire(world.one.manager, days_ago=10)
        self._hire(world.one.teammate, days_ago=400)  # hired long ago: no onboarding
        with django_capture_on_commit_callbacks(execute=True):
            first = services.onboarding_chore()
        tasks = OnboardingTask.objects.filter(person=world.one.manager).order_by("due_on")
        assert [t.due_on for t in tasks] == [hired, hired + dt.timedelta(days=7), hired + dt.timedelta(days=30)]
        assert not OnboardingTask.objects.filter(person=world.one.teammate).exists()
        # Day 0 and day 7 are overdue on day 10: each told once, to the new hire and their lead.
        assert first["notified"] == 2
        told = Notification.objects.filter(kind="onboarding_overdue")
        assert told.filter(recipient=world.one.manager).count() == 2
        assert told.filter(recipient=world.one.lead).count() == 2
        with django_capture_on_commit_callbacks(execute=True):
            services.onboarding_chore()
        assert Notification.objects.filter(kind="onboarding_overdue").count() == 4
        assert OnboardingTask.objects.filter(person=world.one.manager).count() == 3

    def test_the_checklist_and_the_leads_view_show_progress_and_overdue_items(self, world):
        self._plan(world)
        self._hire(world.one.manager, days_ago=10)
        services.onboarding_chore()
        manager = world.one.actor("manager")
        first = OnboardingTask.objects.filter(person=world.one.manager).order_by("due_on").first()
        services.onboarding_task_done(actor=manager, task=first)
        mine = selectors.my_onboarding(manager)
        assert (mine["done"], mine["total"]) == (1, 3)
        # Open items first (day 7 overdue on day 10, day 30 not yet), the done one last.
        assert [(row["task"].item.title, row["overdue"]) for row in mine["rows"]] == [
            ("CRM course", True),
            ("First customer visit", False),
            ("Meet your lead", False),
        ]
        # The teammate and the sub-team's manager have no profile: hired the day their account
        # was made (today), so nothing of theirs is overdue yet.
        progress = selectors.onboarding_progress(world.one.actor("lead"))
        assert [(row["person"], row["done"], row["total"], row["overdue"]) for row in progress] == [
            (world.one.manager, 1, 3, 1),
            (world.one.teammate, 0, 3, 0),
            (world.one.sub_manager, 0, 3, 0),
        ]
        others = selectors.onboarding_progress(world.one.actor("other_lead"))
        assert [row["person"] for row in others] == [world.one.other_manager]  # team B only
        with pytest.raises(Forbidden):
            services.onboarding_task_done(actor=world.one.actor("analyst"), task=first)

    def test_it_refuses_a_second_plan_for_a_role_and_bad_offsets(self, world):
        plan = self._plan(world)
        director = world.one.actor("director")
        with pytest.raises(ValidationFailed):
            services.onboarding_plan_create(actor=director, role="manager", title="Again")
        with pytest.raises(ValidationFailed):
            services.onboarding_item_add(actor=director, plan=plan, title="x", due_after_days=-1)
        with pytest.raises(Forbidden):
            services.onboarding_plan_create(actor=world.one.actor("lead"), role="lead", title="Leads")
