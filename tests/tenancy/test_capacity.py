"""A person's weekly capacity for tasks: 40 h by default, 0–168, set by the org admin on the
person's Settings page or through the users API, audited."""

import json

import pytest
from django.db import IntegrityError, transaction

from pacekeeper.tenancy.models import AuditEntry, User


def _patch(client, user, body):
    return client.patch(f"/api/v1/users/{user.pk}", json.dumps(body), content_type="application/json")


def test_everyone_starts_at_40_hours_leads_included(world):
    assert {world.one.lead.weekly_capacity_hours, world.one.manager.weekly_capacity_hours} == {40}


def test_the_admin_sets_it_through_the_api_and_it_is_audited(world, client):
    client.force_login(world.one.admin)
    response = _patch(client, world.one.manager, {"weekly_capacity_hours": 20, "reason": "part time"})
    assert response.status_code == 200 and response.json()["weekly_capacity_hours"] == 20
    entry = AuditEntry.objects.get(object_id=str(world.one.manager.pk), field="weekly_capacity_hours")
    assert (entry.before, entry.after, entry.reason) == ("40", "20", "part time")


@pytest.mark.parametrize("value", [169, -1, "20", 7.5, None])
def test_the_api_refuses_what_is_not_0_to_168_whole_hours(world, client, value):
    client.force_login(world.one.admin)
    response = _patch(client, world.one.manager, {"weekly_capacity_hours": value})
    assert response.status_code == 422, (value, response.content)
    assert response.json()["errors"][0]["field"] == "weekly_capacity_hours"
    assert User.objects.get(pk=world.one.manager.pk).weekly_capacity_hours == 40


def test_nobody_but_the_admin_changes_it(world, client):
    client.force_login(world.one.lead)
    assert _patch(client, world.one.lead, {"weekly_capacity_hours": 10}).status_code == 400
    assert _patch(client, world.one.manager, {"weekly_capacity_hours": 10}).status_code == 403
    assert (
        client.post(f"/settings/people/{world.one.manager.pk}/capacity/", {"weekly_capacity_hours": 10}).status_code
        == 403
    )
    assert User.objects.get(pk=world.one.manager.pk).weekly_capacity_hours == 40


def test_the_settings_page_sets_it_and_shows_field_errors_in_chinese(world, client):
    admin = world.one.admin
    admin.language = "zh-hans"
    admin.save(update_fields=["language"])
    client.force_login(admin)
    url = f"/settings/people/{world.one.manager.pk}/capacity/"
    response = client.post(url, {"weekly_capacity_hours": "200"})
    assert response.status_code == 200
    assert any(
        "\u4e00" <= ch <= "\u9fff" for ch in response.context["capacity_form"].errors["weekly_capacity_hours"][0]
    )
    assert client.post(url, {"weekly_capacity_hours": "32", "reason": "四天工作制"}).status_code == 302
    assert User.objects.get(pk=world.one.manager.pk).weekly_capacity_hours == 32


def test_the_database_refuses_more_than_168(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=world.one.manager.pk).update(weekly_capacity_hours=169)
