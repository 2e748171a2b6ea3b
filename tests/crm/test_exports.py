"""Exports: every XLSX opens whatever people typed, and labels read as the user's language."""

import io

import openpyxl
import pytest

from pacekeeper.crm.models import Customer
from pacekeeper.lib.tabular import write_xlsx
from pacekeeper.tenancy.models import AuditEntry

pytestmark = pytest.mark.django_db

WORD_LINE_BREAK = "a\u000bb"  # Shift+Enter in Word


def _sheet(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content)).active


def test_it_writes_control_characters_as_line_breaks_or_not_at_all():
    data = write_xlsx(["name\x01"], [[WORD_LINE_BREAK], ["page\x0cbreak\x00\x1f"], ["tab\tkept"]])
    sheet = _sheet(data)
    assert [row[0] for row in sheet.iter_rows(values_only=True)] == [
        "name",
        "a\nb",
        "page\nbreak",
        "tab\tkept",
    ]


def test_it_exports_a_customer_whose_name_holds_a_control_character(world, client):
    customer = world.one.customers["manager"]
    Customer.objects.filter(pk=customer.pk).update(name=WORD_LINE_BREAK)  # saved before input was cleaned
    client.force_login(world.one.manager)
    for url in ("/customers/", "/exports/customers/"):
        response = client.get(url, {"format": "xlsx"})
        assert response.status_code == 200, url
        names = [row[1] for row in _sheet(response.content).iter_rows(min_row=2, values_only=True)]
        assert "a\nb" in names


def test_the_audit_export_writes_a_reason_with_a_control_character(world, client):
    AuditEntry.objects.create(
        org=world.one.org, actor=world.one.admin, object_type="crm.customer", object_id="1",
        field="name", before=WORD_LINE_BREAK, after="ab", reason="typo\x07",
    )  # fmt: skip
    client.force_login(world.one.director)
    response = client.get("/audit/", {"format": "xlsx"})
    assert response.status_code == 200
    cells = {cell for row in _sheet(response.content).iter_rows(values_only=True) for cell in row}
    assert "a\nb" in cells and "typo" in cells


def _download(client, kind: str, file_format: str, language: str) -> bytes:
    response = client.get(f"/exports/{kind}/", {"format": file_format}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content if file_format == "xlsx" else b"".join(response.streaming_content)


def test_it_writes_labels_in_the_users_language_not_codes(world, client):
    customer = world.one.customers["manager"]
    Customer.objects.filter(pk=customer.pk).update(tier="sme", status="active")
    client.force_login(world.one.manager)
    rows = list(_sheet(_download(client, "customers", "xlsx", "zh-hans")).iter_rows(values_only=True))
    header, row = rows[0], next(row for row in rows if row[0] == customer.external_id)
    assert (row[header.index("客户等级")], row[header.index("状态")]) == ("中小企业", "活跃")
    text = _download(client, "customers", "csv", "en").decode("utf-8-sig")
    assert f"{customer.external_id},{customer.name},{customer.industry},SME," in text and ",Active," in text


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_export_imports_back_unchanged(world, client, file_format, language):
    from pacekeeper.crm.exports import EXPORT_COLUMNS
    from pacekeeper.crm.imports import import_apply
    from pacekeeper.crm.models import Contact, Interaction, Sale
    from pacekeeper.crm.services import contact_save, interaction_save

    customer = world.one.customers["manager"]
    Customer.objects.filter(pk=customer.pk).update(tier="key", status="dormant")
    actor = world.one.actor("manager")
    contact_save(actor=actor, changes={"customer": customer.pk, "name": "王经理", "is_decision_maker": True})
    interaction_save(actor=actor, changes={"customer": customer.pk, "kind": "wechat", "summary": "回访"})
    Sale.objects.create(
        org=world.one.org, customer=customer, manager=world.one.manager, external_id="RT-1",
        ordered_on=actor.today(), amount_minor=12345, status="cancelled",
    )  # fmt: skip
    models = {"customers": Customer, "contacts": Contact, "sales": Sale, "interactions": Interaction}
    fields = {"customers": ("tier", "status"), "contacts": ("is_decision_maker",), "sales": ("status",)}
    fields["interactions"] = ("kind",)
    client.force_login(world.one.manager)
    for kind in EXPORT_COLUMNS:
        before = sorted(models[kind].objects.visible_to(actor).values_list("pk", *fields[kind]))
        data = _download(client, kind, file_format, language)
        report = import_apply(actor=actor, kind=kind, data=data, filename=f"{kind}.{file_format}")
        assert report.errors == [], (kind, report.errors[:3])
        assert report.created == 0, kind
        assert sorted(models[kind].objects.visible_to(actor).values_list("pk", *fields[kind]))[: len(before)] == before
