"""Tasks: the quadrant rule worked by hand, who sees which tasks, and bad input refused with a
field error and nothing changed."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.tenancy.audit import AuditEntry
from pacekeeper.tenancy.scopes import actor_for
from pacekeeper.work import services
from pacekeeper.work.models import Quadrant, Task

TODAY = dt.date(2026, 3, 10)


def _task(owner, title, *, due=None, important=False, urgency="auto", status="todo", **extra):
    return Task.objects.create(
        org=owner.org,
        owner=owner,
        title=title,
        due_on=due,
        is_important=important,
        urgency=urgency,
        status=status,
        blocked_reason="waiting" if status == "blocked" else "",
        **extra,
    )


class TestQuadrant:
    def test_it_derives_urgency_from_the_due_date_and_lets_a_person_override_it(self, world):
        m = world.one.manager
        assert _task(m, "in 3 days", due=TODAY + dt.timedelta(days=3)).is_urgent(TODAY)
        assert _task(m, "overdue", due=TODAY - dt.timedelta(days=1)).is_urgent(TODAY)
        assert not _task(m, "in 4 days", due=TODAY + dt.timedelta(days=4)).is_urgent(TODAY)
        assert not _task(m, "undated").is_urgent(TODAY)
        assert not _task(m, "done late", due=TODAY, status="done").is_urgent(TODAY)
        assert _task(m, "set urgent", urgency="urgent").is_urgent(TODAY)
        assert not _task(m, "set calm", due=TODAY, urgency="not_urgent").is_urgent(TODAY)

    def test_it_orders_my_tasks_by_quadrant_then_due_date(self, world):
        m = world.one.manager
        d = lambda n: TODAY + dt.timedelta(days=n)  # noqa: E731
        # Worked by hand: urgent = due on or before 13 March (today + 3) or set so.
        made = [
            _task(m, "drop: undated, unimportant"),  # 4
            _task(m, "schedule: important, due in 10 days", due=d(10), important=True),  # 2
            _task(m, "delegate: due tomorrow", due=d(1)),  # 3
            _task(m, "do now: important, due in 3 days", due=d(3), important=True),  # 1, later
            _task(m, "do now: important, overdue", due=d(-2), important=True),  # 1, earlier
            _task(m, "schedule: important, undated", important=True),  # 2, undated last
            _task(m, "delegate: set urgent, due in 20 days", due=d(20), urgency="urgent"),  # 3, later
            _task(m, "drop: due tomorrow but set not urgent", due=d(1), urgency="not_urgent"),  # 4
        ]
        ordered = list(Task.objects.filter(owner=m).by_quadrant(TODAY))
        assert [t.title for t in ordered] == [
            "do now: important, overdue",
            "do now: important, due in 3 days",
            "schedule: important, due in 10 days",
            "schedule: important, undated",
            "delegate: due tomorrow",
            "delegate: set urgent, due in 20 days",
            "drop: due tomorrow but set not urgent",
            "drop: undated, unimportant",
        ]
        # The database's rank and the row's own rule agree.
        assert all(t.quadrant_rank == t.quadrant(TODAY) for t in ordered)
        assert made[0].quadrant(TODAY) == Quadrant.DROP


class TestScope:
    @pytest.fixture
    def tasks(self, world):
        one = world.one
        return {
            "own": _task(one.manager, "own"),
            "teammate": _task(one.teammate, "teammate"),
            "sub": _task(one.sub_manager, "sub"),
            "other_team": _task(one.other_manager, "other team"),
            "collab": _task(one.other_manager, "collaborating"),
            "about_my_customer": _task(one.other_manager, "about", customer=one.customers["manager"]),
            "other_org": _task(world.two.manager, "elsewhere"),
        }

    def _seen(self, person, tasks):
        actor = actor_for(person)
        visible = set(Task.objects.visible_to(actor).values_list("pk", flat=True))
        return {name for name, task in tasks.items() if task.pk in visible}

    def test_each_role_sees_the_tasks_of_its_scope(self, world, tasks):
        tasks["collab"].collaborators.add(world.one.manager)
        everyone = set(tasks) - {"other_org"}
        assert self._seen(world.one.manager, tasks) == {"own", "collab", "about_my_customer"}
        assert self._seen(world.one.lead, tasks) == {"own", "teammate", "sub", "collab", "about_my_customer"}
        for role in ("director", "admin", "analyst"):
            assert self._seen(getattr(world.one, role), tasks) == everyone, role

    def test_a_collaborator_moves_the_status_but_does_not_edit_the_task(self, world, tasks):
        task = tasks["collab"]
        task.collaborators.add(world.one.manager)
        actor = actor_for(world.one.manager)
        services.task_update(actor=actor, task=task, changes={"status": "doing"})
        with pytest.raises(Forbidden):
            services.task_update(actor=actor, task=task, changes={"title": "mine now"})
        task.refresh_from_db()
        assert (task.status, task.title) == ("doing", "collaborating")

    def test_the_analyst_and_a_manager_seeing_a_customer_s_task_only_read(self, world, tasks):
        for person, task in ((world.one.analyst, tasks["own"]), (world.one.manager, tasks["about_my_customer"])):
            with pytest.raises(Forbidden):
                services.task_update(actor=actor_for(person), task=task, changes={"status": "done"})


class TestWrites:
    def test_it_creates_a_task_for_a_lead_s_person_and_audits_reassignment_and_cancelling(self, world):
        lead = actor_for(world.one.lead)
        task = services.task_create(
            actor=lead,
            changes={
                "title": "  Prepare renewal  ",
                "owner": world.one.manager.pk,
                "collaborators": [world.one.teammate.pk],
                "start_on": dt.date(2026, 3, 1),
                "due_on": dt.date(2026, 3, 20),
                "estimate_hours": "4.5",
                "labels": "renewal, ,key account，renewal",
            },
        )
        assert (task.title, task.owner, task.estimate_hours, task.labels) == (
            "Prepare renewal",
            world.one.manager,
            Decimal("4.50"),
            "renewal, key account",
        )
        assert list(task.collaborators.all()) == [world.one.teammate]
        services.task_update(actor=lead, task=task, changes={"owner": world.one.teammate.pk}, reason="leave")
        services.task_update(actor=lead, task=task, changes={"status": "cancelled"})
        fields = list(AuditEntry.objects.filter(object_id=task.pk).values_list("field", "before", "after"))
        assert ("owner", str(world.one.manager.pk), str(world.one.teammate.pk)) in [
            (f, str(b), str(a)) for f, b, a in fields
        ]
        assert any(f == "status" and "cancelled" in str(a) for f, _b, a in fields)

    def test_done_stamps_the_completion_and_reopening_clears_it(self, world):
        actor = actor_for(world.one.manager)
        task = services.task_create(actor=actor, changes={"title": "Call"})
        services.task_move(actor=actor, task=task, status="done")
        assert task.completed_at is not None
        services.task_move(actor=actor, task=task, status="doing")
        assert task.completed_at is None

    @pytest.mark.parametrize(
        "changes,field",
        [
            ({"status": "finished"}, "status"),
            ({"owner": "other_manager"}, "owner"),
            ({"owner": "foreign"}, "owner"),
            ({"start_on": dt.date(2026, 5, 2), "due_on": dt.date(2026, 5, 1)}, "due_on"),
            ({"due_on": dt.date(1970, 1, 1)}, "due_on"),
            ({"estimate_hours": "-1"}, "estimate_hours"),
            ({"estimate_hours": "many"}, "estimate_hours"),
            ({"status": "blocked"}, "blocked_reason"),
            ({"collaborators": ["other_manager"]}, "collaborators"),
            ({"goal": 987654321}, "goal"),
            ({"customer": "other_org"}, "customer"),
            ({"org": 1}, "org"),
        ],
    )
    def test_bad_input_is_a_field_error_and_changes_nothing(self, world, changes, field):
        people = {"other_manager": world.one.other_manager.pk, "foreign": world.two.manager.pk}
        customers = {"other_org": world.two.customers["manager"].pk}
        changes = {
            key: (
                [people[v] for v in value]
                if key == "collaborators"
                else people.get(value, value)
                if key == "owner"
                else customers.get(value, value)
                if key == "customer"
                else value
            )
            for key, value in changes.items()
        }
        actor = actor_for(world.one.manager)
        task = _task(world.one.manager, "Visit", due=TODAY)
        with pytest.raises(ValidationFailed) as raised:
            services.task_update(actor=actor, task=task, changes=changes)
        assert field in raised.value.errors
        fresh = Task.objects.get(pk=task.pk)
        assert (fresh.status, fresh.owner_id, fresh.due_on, fresh.estimate_hours) == (
            "todo",
            world.one.manager.pk,
            TODAY,
            0,
        )

    def test_the_database_refuses_a_negative_estimate_and_a_blocked_task_without_reason(self, world):
        for extra in ({"estimate_hours": -1}, {"status": "blocked"}):
            with pytest.raises(IntegrityError), transaction.atomic():
                Task.objects.create(org=world.one.org, owner=world.one.manager, title="x", **extra)


class TestChecklist:
    def test_the_owner_adds_and_ticks_items_and_an_outsider_cannot(self, world):
        actor = actor_for(world.one.manager)
        task = _task(world.one.manager, "Visit")
        item = services.checklist_item_add(actor=actor, task=task, text="Bring the contract")
        services.checklist_item_toggle(actor=actor, item=item)
        assert task.checklist.get().is_done
        with pytest.raises(ValidationFailed):
            services.checklist_item_add(actor=actor, task=task, text="   ")
        with pytest.raises(Forbidden):
            services.checklist_item_toggle(actor=actor_for(world.one.analyst), item=item)


def test_an_owner_editing_keeps_links_made_by_their_lead_that_they_cannot_choose_themselves(world):
    one = world.one
    task = services.task_create(
        actor=actor_for(one.lead),
        changes={
            "title": "Joint visit",
            "owner": one.manager.pk,
            "customer": one.customers["sub_manager"].pk,
            "collaborators": [one.sub_manager.pk],
        },
    )
    manager = actor_for(one.manager)
    same = {"customer": task.customer_id, "collaborators": [one.sub_manager.pk], "owner": one.manager.pk}
    services.task_update(actor=manager, task=task, changes={**same, "title": "Joint visit (Tue)"})
    assert Task.objects.get(pk=task.pk).title == "Joint visit (Tue)"
    with pytest.raises(ValidationFailed) as raised:
        services.task_update(actor=manager, task=task, changes={"customer": one.customers["teammate"].pk})
    assert set(raised.value.errors) == {"customer"}
