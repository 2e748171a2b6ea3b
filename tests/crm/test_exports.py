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
