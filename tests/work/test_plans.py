"""Plans from goals: the share done by estimate, the dates against the goal's period, template
dates, who may plan which goal, and bad input refused with nothing changed. Every expected
figure is worked out by hand in the comments."""

import datetime as dt
from decimal import Decimal

import pytest

from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.goals.models import Goal
from pacekeeper.tenancy.scopes import actor_for
from pacekeeper.work import plan_selectors, plans
from pacekeeper.work.models import PlanTemplate, Task, WorkPlan
from pacekeeper.work.plan_templates import SHIPPED

D = dt.date
MARCH_1, MARCH_31 = D(2026, 3, 1), D(2026, 3, 31)


def _goal(person, *, starts=MARCH_1, ends=MARCH_31, status="active", title="Renewals"):
    return Goal.objects.create(
        org=person.org,
        title=title,
        metric="visits",
        level="manager",
        person=person,
        starts_on=starts,
        ends_on=ends,
        target=10,
        status=status,
    )


def _plan(goal, title="Plan"):
    return WorkPlan.objects.create(org=goal.org, goal=goal, title=title)


def _task(plan, title, *, hours="0", status="todo", start=None, due=None, owner=None):
    return Task.objects.create(
        org=plan.org,
        plan=plan,
        goal=plan.goal,
        owner=owner or plan.goal.person,
        title=title,
        estimate_hours=Decimal(hours),
        status=status,
        blocked_reason="waiting" if status == "blocked" else "",
        start_on=start,
        due_on=due,
    )


class TestShareDone:
    def test_it_counts_the_estimate_of_done_tasks_over_all_not_cancelled(self, world):
        plan = _plan(_goal(world.one.manager))
        _task(plan, "A", hours="4", status="done")
        _task(plan, "B", hours="6", status="doing")
        _task(plan, "C", hours="10", status="cancelled")  # counts nowhere
        _task(plan, "D", hours="0", status="done")
        _task(plan, "E", hours="2", status="todo")
        # Counted: 4 + 6 + 0 + 2 = 12 h; done: 4 + 0 = 4 h; 4 / 12 = 33.33…% → 33.3%.
        actor = actor_for(world.one.lead)
        summary = plan_selectors.plan_summary(plan, plan_selectors.plan_tasks(actor, plan), today=D(2026, 3, 2))
        assert (summary.hours_done, summary.hours_total, summary.share_done) == (4, 12, Decimal("33.3"))
        assert (summary.done_count, summary.task_count) == (2, 4)
        # The grouped query of the goal page and the list gives the same figures.
        progress = plan_selectors.plans_progress(actor, [plan])[plan.pk]
        assert (progress["tasks"], progress["done"], progress["share_done"]) == (4, 2, Decimal("33.3"))

    def test_it_rounds_half_up_to_one_decimal(self):
        assert plan_selectors.share_done(Decimal("1"), Decimal("8")) == Decimal("12.5")
        assert plan_selectors.share_done(Decimal("2"), Decimal("3")) == Decimal("66.7")  # 66.66…
        assert plan_selectors.share_done(Decimal("1"), Decimal("2000")) == Decimal("0.1")  # 0.05 → 0.1

    def test_a_plan_without_estimates_has_no_share_and_counts_tasks_instead(self, world, client):
        plan = _plan(_goal(world.one.manager))
        _task(plan, "A", status="done")
        _task(plan, "B")
        actor = actor_for(world.one.lead)
        summary = plan_selectors.plan_summary(plan, plan_selectors.plan_tasks(actor, plan), today=D(2026, 3, 2))
        assert summary.share_done is None and (summary.done_count, summary.task_count) == (1, 2)
        client.force_login(world.one.lead)
        html = client.get(f"/tasks/plans/{plan.pk}/").content.decode()
        assert "No task of this plan has an estimate" in html


class TestDates:
    def test_it_flags_tasks_starting_before_or_due_after_the_goals_period(self, world):
        plan = _plan(_goal(world.one.manager))  # 1 – 31 March 2026
        early = _task(plan, "starts 27 Feb", start=D(2026, 2, 27), due=D(2026, 3, 5))
        late = _task(plan, "due 2 Apr", start=D(2026, 3, 10), due=D(2026, 4, 2), status="doing")
        _task(plan, "1 – 31 March: the edges are inside", start=D(2026, 3, 1), due=D(2026, 3, 31))
        only_due = _task(plan, "due 28 Feb, no start", due=D(2026, 2, 28))
        _task(plan, "cancelled, 1 Feb", start=D(2026, 2, 1), due=D(2026, 2, 2), status="cancelled")
        _task(plan, "done late in March", due=D(2026, 3, 10), status="done")
        _task(plan, "undated")
        actor = actor_for(world.one.lead)
        summary = plan_selectors.plan_summary(plan, plan_selectors.plan_tasks(actor, plan), today=D(2026, 3, 20))
        assert summary.starts_early == [early, only_due]  # in the plan's order: dated starts first
        assert summary.due_late == [late]
        assert not summary.dates_fit
        # Overdue on 20 March: open and due before it — "starts 27 Feb" (5 Mar) and "due 28 Feb".
        assert {t.title for t in summary.overdue} == {"starts 27 Feb", "due 28 Feb, no start"}
        assert (summary.first_day, summary.last_day) == (D(2026, 2, 27), D(2026, 4, 2))

    def test_an_open_ended_goal_has_no_task_due_too_late(self, world):
        plan = _plan(_goal(world.one.manager, ends=None))
        _task(plan, "far", start=D(2026, 3, 1), due=D(2030, 1, 1))
        actor = actor_for(world.one.lead)
        summary = plan_selectors.plan_summary(plan, plan_selectors.plan_tasks(actor, plan), today=D(2026, 3, 2))
        assert summary.dates_fit


class TestApplyTemplate:
    def test_it_dates_each_step_from_the_plans_start(self, world):
        goal = _goal(world.one.manager)
        actor = actor_for(world.one.lead)
        plan = plans.work_plan_create(
            actor=actor, goal=goal.pk, template="satisfaction", start_on=D(2026, 3, 2), owner=world.one.manager.pk
        )
        assert plan.title == "Raise customer satisfaction"  # the template's, no title given
        tasks = list(Task.objects.filter(plan=plan).order_by("start_on"))
        # Start Monday 2 March; a step of n days starting on day k runs from 2 Mar + k to 2 Mar + k + n - 1.
        assert [(t.start_on, t.due_on, t.estimate_hours, t.is_important) for t in tasks] == [
            (D(2026, 3, 2), D(2026, 3, 6), 6, True),  # day 0, 5 days
            (D(2026, 3, 7), D(2026, 3, 11), 8, True),  # day 5, 5 days
            (D(2026, 3, 12), D(2026, 3, 14), 4, True),  # day 10, 3 days
            (D(2026, 3, 15), D(2026, 4, 3), 16, True),  # day 13, 20 days
            (D(2026, 4, 4), D(2026, 4, 8), 4, False),  # day 33, 5 days
        ]
        assert {(t.owner_id, t.goal_id) for t in tasks} == {(world.one.manager.pk, goal.pk)}
        assert tasks[0].title == "Measure the current satisfaction"
        # Past the goal's 31 March: the last two steps are flagged, not refused.
        summary = plan_selectors.plan_summary(plan, tasks, today=D(2026, 3, 2))
        assert [t.due_on for t in summary.due_late] == [D(2026, 4, 3), D(2026, 4, 8)]
        assert summary.hours_total == 38

    def test_an_organisations_template_applies_too_and_a_one_day_step_is_due_the_day_it_starts(self, world):
        director = actor_for(world.one.director)
        template = plans.plan_template_save(
            actor=director,
            title="Quarterly review",
            steps=[
                {"title": "Book the room", "offset_days": 0, "duration_days": 1, "estimate_hours": "0.5"},
                {"title": "Hold the review", "offset_days": 6, "duration_days": 2, "is_important": True},
            ],
        )
        plan = _plan(_goal(world.one.manager))
        made = plans.work_plan_apply_template(
            actor=director, plan=plan, template=str(template.pk), start_on=D(2026, 3, 9), owner=None
        )
        # 9 March + 0, one day → 9 March; 9 March + 6 = 15 March, two days → 16 March. Owner: the goal's person.
        assert [(t.title, t.start_on, t.due_on, t.estimate_hours) for t in made] == [
            ("Book the room", D(2026, 3, 9), D(2026, 3, 9), Decimal("0.50")),
            ("Hold the review", D(2026, 3, 15), D(2026, 3, 16), 0),
        ]
        assert {t.owner_id for t in made} == {world.one.manager.pk}

    def test_it_adds_every_step_or_none(self, world):
        plan = _plan(_goal(world.one.manager))
        lead = actor_for(world.one.lead)
        with pytest.raises(ValidationFailed) as refused:
            plans.work_plan_apply_template(
                actor=lead, plan=plan, template="renewals", start_on=D(2026, 3, 2), owner=world.one.other_manager.pk
            )
        assert "owner" in refused.value.errors
        # The window ends on 31 Dec of this year + 10: a start on 11 Dec with 35 days of steps ends after it.
        today = lead.today()
        late_start = D(today.year + 10, 12, 11)
        with pytest.raises(ValidationFailed) as refused:
            plans.work_plan_apply_template(actor=lead, plan=plan, template="renewals", start_on=late_start)
        assert "start_on" in refused.value.errors
        with pytest.raises(ValidationFailed) as refused:
            plans.work_plan_apply_template(actor=lead, plan=plan, template="nothing", start_on=None)
        assert set(refused.value.errors) == {"template", "start_on"}
        assert not Task.objects.exists()

    def test_the_templates_ship_in_both_languages(self):
        from django.utils import translation

        assert len(SHIPPED) >= 3
        with translation.override("zh-hans"):
            for template in SHIPPED:
                texts = [str(template.title)] + [str(step.title) for step in template.steps]
                assert all(any("\u4e00" <= ch <= "\u9fff" for ch in text) for text in texts), texts


class TestWhoPlans:
    def test_whoever_sets_the_goal_plans_it(self, world):
        goal = _goal(world.one.manager)
        for person in (world.one.lead, world.one.director, world.one.admin):
            plan = plans.work_plan_create(actor=actor_for(person), goal=goal.pk, title=f"By {person.username}")
            assert plan.goal == goal
        for person in (world.one.manager, world.one.other_lead):
            with pytest.raises(ValidationFailed) as refused:
                plans.work_plan_create(actor=actor_for(person), goal=goal.pk, title="No")
            assert "goal" in refused.value.errors
        with pytest.raises(Forbidden):
            plans.work_plan_create(actor=actor_for(world.one.analyst), goal=goal.pk, title="No")
        with pytest.raises(ValidationFailed):  # another organisation's goal is no goal at all
            plans.work_plan_create(actor=actor_for(world.two.director), goal=goal.pk, title="No")
        assert WorkPlan.objects.count() == 3

    def test_a_closed_goal_takes_no_new_plan(self, world):
        goal = _goal(world.one.manager, status="closed")
        with pytest.raises(ValidationFailed) as refused:
            plans.work_plan_create(actor=actor_for(world.one.lead), goal=goal.pk, title="Late")
        assert "goal" in refused.value.errors

    def test_a_plan_is_seen_with_its_goal(self, world):
        mine = _plan(_goal(world.one.manager), "mine")
        theirs = _plan(_goal(world.one.other_manager), "theirs")

        def seen(person):
            return {plan.title for plan in plan_selectors.work_plan_list(actor_for(person))}

        assert seen(world.one.manager) == {"mine"}
        assert seen(world.one.lead) == {"mine"}  # team A's lead: not team B's people
        assert seen(world.one.other_lead) == {"theirs"}
        assert seen(world.one.analyst) == seen(world.one.director) == {"mine", "theirs"}
        assert seen(world.two.director) == set()
        with pytest.raises(Forbidden):  # the manager sees their plan but does not change it
            plans.work_plan_update(actor=actor_for(world.one.manager), plan=mine, title="x")
        assert theirs.title == "theirs"

    def test_a_task_of_another_goal_stays_out_of_the_plan(self, world):
        lead = actor_for(world.one.lead)
        plan = _plan(_goal(world.one.manager))
        other = Task.objects.create(
            org=plan.org, owner=world.one.manager, title="x", goal=_goal(world.one.manager, title="Other")
        )
        free = Task.objects.create(org=plan.org, owner=world.one.manager, title="free")
        with pytest.raises(ValidationFailed) as refused:
            plans.work_plan_task_add(actor=lead, plan=plan, task=other)
        assert "task" in refused.value.errors
        plans.work_plan_task_add(actor=lead, plan=plan, task=free)
        free.refresh_from_db()
        assert (free.plan_id, free.goal_id) == (plan.pk, plan.goal_id)
        plans.work_plan_task_remove(actor=lead, plan=plan, task=free)
        free.refresh_from_db()
        assert (free.plan_id, free.goal_id) == (None, plan.goal_id)  # keeps serving the goal

    def test_a_task_in_a_plan_keeps_serving_the_plans_goal(self, world):
        from pacekeeper.work import services

        lead = actor_for(world.one.lead)
        plan = _plan(_goal(world.one.manager))
        task = Task.objects.create(org=plan.org, owner=world.one.manager, title="t", goal=plan.goal, plan=plan)
        other = _goal(world.one.manager, title="Other")
        for goal in (None, other.pk):
            with pytest.raises(ValidationFailed) as refused:
                services.task_update(actor=lead, task=task, changes={"goal": goal})
            assert set(refused.value.errors) == {"goal"}
            task.refresh_from_db()
            assert (task.goal_id, task.plan_id) == (plan.goal_id, plan.pk)

    def test_a_task_description_has_a_limit_on_every_path(self, world):
        from pacekeeper.work import services

        with pytest.raises(ValidationFailed) as refused:
            services.task_create(actor=actor_for(world.one.manager), changes={"title": "t", "description": "x" * 5001})
        assert set(refused.value.errors) == {"description"}
        assert not Task.objects.filter(title="t").exists()


class TestTemplates:
    def test_only_admins_and_directors_keep_templates(self, world):
        steps = [{"title": "Call"}]
        for person in (world.one.lead, world.one.manager, world.one.analyst):
            with pytest.raises(Forbidden):
                plans.plan_template_save(actor=actor_for(person), title="T", steps=steps)
        template = plans.plan_template_save(actor=actor_for(world.one.admin), title="T", steps=steps)
        assert template.steps.get().duration_days == 1

    def test_bad_steps_are_refused_per_field_and_nothing_is_saved(self, world):
        director = actor_for(world.one.director)
        plans.plan_template_save(actor=director, title="Taken", steps=[{"title": "a"}])
        bad = [
            {"title": "ok"},
            {"title": "", "offset_days": -1, "duration_days": 0, "estimate_hours": "-2", "is_important": "yes"},
        ]
        with pytest.raises(ValidationFailed) as refused:
            plans.plan_template_save(actor=director, title="Taken", steps=bad)
        assert set(refused.value.errors) == {
            "title",
            "steps.1.title",
            "steps.1.offset_days",
            "steps.1.duration_days",
            "steps.1.estimate_hours",
            "steps.1.is_important",
        }
        with pytest.raises(ValidationFailed) as refused:
            plans.plan_template_save(actor=director, title="Empty", steps=[])
        assert "steps" in refused.value.errors
        assert PlanTemplate.objects.count() == 1

    def test_editing_replaces_the_steps_and_deleting_keeps_the_plans_tasks(self, world):
        director = actor_for(world.one.director)
        template = plans.plan_template_save(actor=director, title="T", steps=[{"title": "a"}, {"title": "b"}])
        plan = _plan(_goal(world.one.manager))
        plans.work_plan_apply_template(actor=director, plan=plan, template=template.pk, start_on=D(2026, 3, 2))
        plans.plan_template_save(actor=director, template=template, title="T2", steps=[{"title": "c"}])
        assert list(template.steps.values_list("title", flat=True)) == ["c"]
        plans.plan_template_delete(actor=director, template=template)
        assert Task.objects.filter(plan=plan).count() == 2
