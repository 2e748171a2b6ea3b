"""The audit trail: one row per audited change, append-only, and a page for directors."""

import csv
import datetime as dt
import io

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError

from pacekeeper.tenancy.models import AuditEntry
from pacekeeper.tenancy.services import user_update

pytestmark = pytest.mark.django_db


def promote(world, user, role="lead", reason="reorganised"):
    return user_update(actor=world.one.actor("admin"), user=user, changes={"role": role}, reason=reason)


def test_only_admins_and_directors_open_the_audit_page(world, client):
    for role, status in (("admin", 200), ("director", 200), ("analyst", 403), ("lead", 403), ("manager", 403)):
        client.force_login(getattr(world.one, role))
        assert client.get("/audit/").status_code == status, role


def test_it_lists_the_organisations_changes_only(world, client):
    promote(world, world.one.manager)
    user_update(actor=world.two.actor("admin"), user=world.two.manager, changes={"role": "lead"}, reason="other org")
    client.force_login(world.one.director)
    page = client.get("/audit/").content.decode()
    assert "reorganised" in page and "other org" not in page
    # Field and values as people read them (the export keeps the recorded values).
    row = page[page.index("reorganised") - 600 : page.index("reorganised")]
    assert ">role<" in row and ">Account manager<" in row and ">Team lead<" in row


def test_it_filters_by_person_kind_object_and_date_and_exports_what_it_shows(world, client):
    promote(world, world.one.manager, reason="first")
    promote(world, world.one.teammate, reason="second")
    today = world.one.actor("director").today()
    long_ago = AuditEntry.objects.get(reason="first")
    AuditEntry.objects.create(
        org=world.one.org, actor=world.one.admin, at=long_ago.at - dt.timedelta(days=40), object_type="goals.goal",
        object_id="999999", field="target", before="10", after="12", reason="last quarter",
    )  # fmt: skip
    client.force_login(world.one.director)
    by_object = client.get("/audit/", {"object_type": "tenancy.user", "object_id": str(world.one.teammate.pk)})
    assert [entry.reason for entry in by_object.context["page"]] == ["second"]
    by_person = client.get("/audit/", {"person": world.one.admin.pk})
    assert {entry.reason for entry in by_person.context["page"]} == {"first", "second", "last quarter"}
    nobody = client.get("/audit/", {"person": world.one.director.pk})
    assert "No recorded change matches" in nobody.content.decode()
    recent = client.get("/audit/", {"since": today.isoformat(), "until": today.isoformat()})
    assert {entry.reason for entry in recent.context["page"]} == {"first", "second"}
    backwards = client.get("/audit/", {"since": today.isoformat(), "until": str(today - dt.timedelta(days=1))})
    assert "The end comes before the start" in backwards.content.decode()
    exported = client.get("/audit/", {"object_id": str(world.one.teammate.pk), "format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["Time", "Username", "Person"]
    assert [(row[1], row[5], row[6], row[7], row[8]) for row in rows[1:]] == [
        (world.one.admin.username, "role", "manager", "lead", "second")
    ]
    in_chinese = client.get("/audit/", {"format": "csv"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    header = next(csv.reader(io.StringIO(b"".join(in_chinese.streaming_content).decode("utf-8-sig"))))
    assert header[:3] == ["时间", "用户名", "操作人"] and header[-1] == "请求编号"


def test_a_person_with_recorded_changes_cannot_be_deleted(world):
    promote(world, world.one.manager)
    with pytest.raises(ProtectedError):
        world.one.admin.delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database guard is PostgreSQL's")
def test_the_database_refuses_to_change_or_delete_audit_rows(world):
    promote(world, world.one.manager)
    entry = AuditEntry.objects.get()
    for attempt in (lambda: AuditEntry.objects.filter(pk=entry.pk).update(after="admin"),
                    lambda: AuditEntry.objects.filter(pk=entry.pk).delete()):  # fmt: skip
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    assert AuditEntry.objects.get().after == "lead"


def test_an_issued_certificate_reads_in_words_not_codes():
    from django.utils import translation

    from pacekeeper.tenancy.audit import field_label, value_label

    entry = AuditEntry(object_type="recognition.badgeaward", field="certificate", after="HR-2026-0007 zh-hans")
    with translation.override("en"):
        assert field_label(entry) == "certificate issued"
        assert value_label(entry, entry.after) == "HR-2026-0007 (简体中文)"
