"""An estimate above 1,000 hours is a typo (the try-out form took 99,999 h): the task service
refuses it with a field error, so the form, the API, plan steps and recurring rules all do."""

import datetime as dt
from decimal import Decimal

import pytest

from pacekeeper.errors import ValidationFailed
from pacekeeper.tenancy.scopes import actor_for
from pacekeeper.work import plans, recurring_services, services
from pacekeeper.work.models import RecurringTask, Task


@pytest.mark.parametrize("hours,ok", [("1000", True), ("1000.00", True), ("1000.01", False), ("99999", False)])
def test_a_task_estimate_is_at_most_1000_hours(world, hours, ok):
    actor = actor_for(world.one.manager)
    if ok:
        task = services.task_create(actor=actor, changes={"title": "Big", "estimate_hours": hours})
        assert task.estimate_hours == Decimal("1000.00")
        return
    with pytest.raises(ValidationFailed) as error:
        services.task_create(actor=actor, changes={"title": "Typo", "estimate_hours": hours})
    assert error.value.errors == {"estimate_hours": ["Enter at most 1,000 hours."]}
    assert not Task.objects.exists()


def test_editing_to_too_many_hours_changes_nothing(world):
    actor = actor_for(world.one.manager)
    task = services.task_create(actor=actor, changes={"title": "Report", "estimate_hours": "8"})
    with pytest.raises(ValidationFailed) as error:
        services.task_update(actor=actor, task=task, changes={"title": "Renamed", "estimate_hours": "1001"})
    assert set(error.value.errors) == {"estimate_hours"}
    task.refresh_from_db()
    assert (task.title, task.estimate_hours) == ("Report", Decimal("8.00"))


def test_the_form_and_the_api_show_the_error_in_the_users_language(world, client):
    world.one.manager.language = "zh-hans"
    world.one.manager.save(update_fields=["language"])
    client.force_login(world.one.manager)
    form = {"title": "Typo", "owner": world.one.manager.pk, "urgency": "auto", "status": "todo"}
    page = client.post("/tasks/new/", form | {"estimate_hours": "99999"})
    assert page.status_code == 400
    assert "最多输入 1,000 小时" in page.content.decode()
    answer = client.post("/api/v1/tasks", {"title": "Typo", "estimate_hours": "1500"}, content_type="application/json")
    assert answer.status_code == 400
    errors = {error["field"]: error["message"] for error in answer.json()["errors"]}
    assert errors == {"estimate_hours": "最多输入 1,000 小时。"}
    assert not Task.objects.exists()


def test_a_recurring_rule_and_a_plan_step_refuse_it_too(world):
    actor = actor_for(world.one.manager)
    changes = {
        "title": "Monthly",
        "frequency": "monthly",
        "day_of_month": 1,
        "starts_on": dt.date(2026, 1, 1),
        "lead_days": 3,
        "estimate_hours": "2000",
    }
    with pytest.raises(ValidationFailed) as error:
        recurring_services.recurring_task_create(actor=actor, changes=changes)
    assert set(error.value.errors) == {"estimate_hours"}
    assert not RecurringTask.objects.exists()
    with pytest.raises(ValidationFailed) as error:
        plans.plan_template_save(
            actor=actor_for(world.one.director),
            title="Too long",
            steps=[{"title": "Forever", "offset_days": 0, "duration_days": 1, "estimate_hours": "1000.5"}],
        )
    assert any("estimate_hours" in key for key in error.value.errors)
