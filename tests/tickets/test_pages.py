"""Ticket pages: wiring, the timers' words, the report-back refusal, the SLA settings page."""

import pytest

from pacekeeper.tickets.models import HolidayOverride, SlaPolicy, Ticket
from tests.tickets.conftest import open_ticket

pytestmark = pytest.mark.django_db


def test_the_list_filters_and_shows_the_timer(world, clock, client):
    open_ticket(world, subject="Invoice wrong")
    open_ticket(world, kind="suggestion", subject="An app please")
    client.force_login(world.one.manager)
    clock.set(2026, 11, 30, 10)
    page = client.get("/tickets/", {"kind": "complaint"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Invoice wrong" in text and "An app please" not in text
    assert "Due in 39 working hours" in text  # normal: 40 h to resolve, 1 h used
    assert "Invoice wrong" not in client.get("/tickets/", {"q": "app"}).content.decode()
    assert client.get("/tickets/", {"status": "nonsense", "assignee": "x", "page": "99"}).status_code == 200


def test_an_empty_list_says_what_to_do(world, clock, client):
    client.force_login(world.one.analyst)
    assert "No tickets here" in client.get("/tickets/").content.decode()


def test_a_ticket_is_opened_from_the_form(world, clock, client):
    client.force_login(world.one.manager)
    form = client.get("/tickets/new/")
    assert form.status_code == 200
    body = {
        "customer": world.one.customers["manager"].pk,
        "kind": "request",
        "channel": "walk_in",
        "severity": "normal",
        "subject": "Needs a statement",
    }
    done = client.post("/tickets/new/", body)
    ticket = Ticket.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/tickets/{ticket.pk}/"
    refused = client.post("/tickets/new/", {**body, "customer": world.one.customers["teammate"].pk})
    assert refused.status_code == 400 and Ticket.objects.count() == 1


def test_the_detail_shows_the_pause_and_refuses_closing_before_the_report_back(world, clock, client):
    ticket = open_ticket(world)
    client.force_login(world.one.manager)
    client.post(f"/tickets/{ticket.pk}/status/", {"status": "waiting"})
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "Paused (waiting for the customer)" in page
    client.post(f"/tickets/{ticket.pk}/status/", {"status": "resolved"})
    refused = client.post(f"/tickets/{ticket.pk}/status/", {"status": "closed"}, follow=True)
    assert "record a report back" in refused.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == "resolved"
    client.post(f"/tickets/{ticket.pk}/entries/", {"kind": "report_back", "body": "Refund made"})
    client.post(f"/tickets/{ticket.pk}/status/", {"status": "closed"})
    ticket.refresh_from_db()
    assert ticket.status == "closed"


def test_an_empty_entry_is_refused_next_to_the_field(world, clock, client):
    ticket = open_ticket(world)
    client.force_login(world.one.manager)
    refused = client.post(f"/tickets/{ticket.pk}/entries/", {"kind": "reply", "body": ""})
    assert refused.status_code == 400 and not ticket.entries.exists()


def test_the_org_admin_keeps_targets_and_holidays(world, clock, client):
    client.force_login(world.one.admin)
    assert client.get("/tickets/sla/").status_code == 200
    saved = client.post(
        "/tickets/sla/",
        {"save_policy": "", "severity": "high", "tier": "", "first_response_hours": 2, "resolution_hours": 10},
    )
    assert saved.status_code == 302 and SlaPolicy.objects.get().resolution_hours == 10
    bad = client.post(
        "/tickets/sla/",
        {"save_policy": "", "severity": "high", "tier": "", "first_response_hours": 5, "resolution_hours": 2},
    )
    assert bad.status_code == 400
    client.post("/tickets/sla/", {"save_holiday": "", "day": "2026-12-31", "name": "Year end"})
    assert HolidayOverride.objects.get().is_working_day is False
    bad_hours = client.post(
        "/tickets/sla/",
        {"save_settings": "", "day_start": "18:00", "day_end": "09:00", "csat_threshold": 2, "nps_threshold": 6},
    )
    assert bad_hours.status_code == 400


def test_others_read_the_sla_page_but_cannot_change_it(world, clock, client):
    client.force_login(world.one.director)
    assert client.get("/tickets/sla/").status_code == 200
    refused = client.post(
        "/tickets/sla/",
        {"save_policy": "", "severity": "high", "first_response_hours": 2, "resolution_hours": 10},
    )
    assert refused.status_code == 403 and not SlaPolicy.objects.exists()


def test_a_file_is_attached_checked_and_downloaded_by_those_who_see_the_ticket(world, clock, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    ticket = open_ticket(world)
    client.force_login(world.one.manager)
    pdf = SimpleUploadedFile("发票.pdf", b"%PDF-1.7\n1 0 obj\n", content_type="application/pdf")
    done = client.post(f"/tickets/{ticket.pk}/attachments/", {"file": pdf})
    assert done.status_code == 302
    attachment = ticket.attachments.get()
    download = client.get(f"/tickets/attachments/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    program = SimpleUploadedFile("invoice.pdf", b"MZ\x90\x00", content_type="application/pdf")
    refused = client.post(f"/tickets/{ticket.pk}/attachments/", {"file": program})
    assert refused.status_code == 400 and ticket.attachments.count() == 1
    client.force_login(world.one.other_manager)
    assert client.get(f"/tickets/attachments/{attachment.pk}/").status_code == 404
