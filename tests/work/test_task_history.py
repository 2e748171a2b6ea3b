"""The task page's recorded changes name people, never their ids, in one query; reassigning and
cancelling keep their reason (docs/work.md), from the edit form and the status form alike."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pacekeeper.tenancy.audit import AuditEntry, audit_trail, value_label, with_names
from pacekeeper.work import services
from pacekeeper.work.models import Task


def _edit(client, task, **extra):
    form = {"title": task.title, "owner": task.owner_id, "urgency": "auto", "status": task.status}
    return client.post(f"/tasks/{task.pk}/edit/", form | extra)


@pytest.mark.parametrize("language,owner", [("en", "owner"), ("zh-hans", "负责人")])
def test_reassigning_and_cancelling_show_names_and_reasons(world, client, language, owner):
    one = world.one
    one.lead.language = language
    one.lead.save(update_fields=["language"])
    task = Task.objects.create(org=one.org, owner=one.manager, title="Quarterly report")
    client.force_login(one.lead)

    assert _edit(client, task, owner=one.teammate.pk, reason="Manager is on leave").status_code == 302
    moved = client.post(f"/tasks/{task.pk}/status/", {"status": "cancelled", "reason": "Customer withdrew"})
    assert moved.status_code == 302

    entries = list(AuditEntry.objects.filter(object_id=str(task.pk)).order_by("pk"))
    assert [(e.field, e.before, e.after, e.reason) for e in entries] == [
        ("owner", str(one.manager.pk), str(one.teammate.pk), "Manager is on leave"),
        ("status", "todo", "cancelled", "Customer withdrew"),
    ]
    html = client.get(f"/tasks/{task.pk}/").content.decode()
    assert f"{owner}: {one.manager} → {one.teammate} (Manager is on leave)" in html
    assert f"{one.manager.pk} → {one.teammate.pk}" not in html
    assert "(Customer withdrew)" in html


def test_names_come_in_one_query_and_a_removed_person_is_not_an_id(world):
    """Three reassignments among three people, one of whom has since left the organisation's
    sight (another organisation's id recorded by mistake): one query names them all."""
    one = world.one
    actor = one.actor("lead")
    task = Task.objects.create(org=one.org, owner=one.manager, title="Visit")
    for person in (one.teammate, one.sub_manager):
        services.task_update(actor=actor, task=task, changes={"owner": person.pk}, reason="load")
    AuditEntry.objects.create(
        org=one.org,
        object_type="work.task",
        object_id=str(task.pk),
        field="owner",
        before=str(one.sub_manager.pk),
        after=str(world.two.manager.pk),
        channel="web",
    )
    trail = audit_trail(actor=actor, obj=task)
    fetched = list(trail)
    with CaptureQueriesContext(connection) as queries:
        named = with_names(fetched, actor=actor)
    assert len(queries) == 1
    shown = [(value_label(e, e.before), value_label(e, e.after)) for e in named]
    assert shown == [
        (str(one.sub_manager), "(removed)"),
        (str(one.teammate), str(one.sub_manager)),
        (str(one.manager), str(one.teammate)),
    ]
