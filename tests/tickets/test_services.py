"""Ticket services: opening, the status flow with its SLA outcomes worked out by hand (working
hours 09:00–18:00 Asia/Shanghai, the official calendar), the report back before closing, the
breach warnings, assignment and SLA policy audits, and the ticket a low survey score opens."""

import pytest

from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.notifications.models import Notification
from pacekeeper.tenancy.models import AuditEntry
from pacekeeper.tickets import services
from pacekeeper.tickets.models import Status, Ticket
from tests.tickets.conftest import open_ticket

HOUR = 3600


def test_it_gives_a_new_ticket_to_the_customers_manager(world, clock, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = open_ticket(world, actor="director")
    assert ticket.assignee == world.one.manager and ticket.manager == world.one.manager
    assert ticket.status == Status.NEW
    assert (ticket.response_target, ticket.resolution_target) == (8 * HOUR, 40 * HOUR)  # normal: defaults
    assert Notification.objects.filter(recipient=world.one.manager, kind="ticket_assigned").count() == 1


def test_it_refuses_a_customer_out_of_scope_next_to_its_field(world, clock):
    with pytest.raises(ValidationFailed) as refused:
        open_ticket(world, actor="manager", owner="teammate")
    assert set(refused.value.errors) == {"customer"}
    assert not Ticket.objects.exists()


def test_it_refuses_bad_choices_and_keeps_nothing(world, clock):
    with pytest.raises(ValidationFailed) as refused:
        open_ticket(world, channel="fax", kind="praise", severity="urgent", subject=" ")
    assert set(refused.value.errors) == {"channel", "kind", "severity", "subject"}
    assert not Ticket.objects.exists()


def test_the_analyst_reads_but_does_not_open(world, clock):
    with pytest.raises(Forbidden):
        open_ticket(world, actor="analyst")


def test_it_records_the_sla_outcomes_with_the_pause_left_out(world, clock):
    # Opened Monday 30 Nov 09:00, replied 11:00 (2 h ≤ 8 h: met). Waiting 12:00 → Tuesday
    # 12:00 (paused), resolved Tuesday 15:00: ran Mon 9–12 and Tue 12–15 = 6 working hours.
    actor = world.one.actor("manager")
    ticket = open_ticket(world)
    clock.set(2026, 11, 30, 11)
    services.ticket_add_entry(actor=actor, ticket=ticket, kind="reply", body="We are on it.")
    clock.set(2026, 11, 30, 12)
    services.ticket_set_status(actor=actor, ticket=ticket, status="waiting")
    clock.set(2026, 12, 1, 12)
    services.ticket_set_status(actor=actor, ticket=ticket, status="in_progress")
    clock.set(2026, 12, 1, 15)
    services.ticket_set_status(actor=actor, ticket=ticket, status="resolved")
    ticket.refresh_from_db()
    assert ticket.response_met is True and ticket.first_response_at.hour == 3  # 11:00 Shanghai in UTC
    assert ticket.resolution_seconds == 6 * HOUR and ticket.resolution_met is True
    assert not ticket.is_breached
    assert [change.after for change in ticket.changes.order_by("at", "pk")] == [
        "new",
        "waiting",
        "in_progress",
        "resolved",
    ]


def test_an_internal_note_is_not_a_first_response(world, clock):
    ticket = open_ticket(world)
    services.ticket_add_entry(actor=world.one.actor("manager"), ticket=ticket, kind="note", body="Call them")
    ticket.refresh_from_db()
    assert ticket.first_response_at is None


def test_it_refuses_to_close_before_the_report_back_and_audits_the_attempt(world, clock):
    actor = world.one.actor("manager")
    ticket = open_ticket(world)
    services.ticket_set_status(actor=actor, ticket=ticket, status="resolved")
    with pytest.raises(ValidationFailed) as refused:
        services.ticket_set_status(actor=actor, ticket=ticket, status="closed")
    assert "report back" in refused.value.errors["status"][0]
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED
    attempt = AuditEntry.objects.get(object_type="tickets.ticket", object_id=str(ticket.pk), field="status")
    assert attempt.after == "closed: refused" and attempt.actor == world.one.manager
    services.ticket_add_entry(actor=actor, ticket=ticket, kind="report_back", body="Refund sent on Monday.")
    ticket.refresh_from_db()
    assert ticket.status == Status.REPORTED_BACK and ticket.reported_back_at is not None
    services.ticket_set_status(actor=actor, ticket=ticket, status="closed")
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED and ticket.closed_at is not None


def test_it_refuses_a_report_back_before_resolving(world, clock):
    ticket = open_ticket(world)
    with pytest.raises(ValidationFailed) as refused:
        services.ticket_add_entry(actor=world.one.actor("manager"), ticket=ticket, kind="report_back", body="Done")
    assert set(refused.value.errors) == {"kind"}
    assert not ticket.entries.exists()


def test_a_reopen_clears_the_resolution_and_needs_a_new_report_back(world, clock):
    actor = world.one.actor("manager")
    ticket = open_ticket(world)
    services.ticket_set_status(actor=actor, ticket=ticket, status="resolved")
    services.ticket_add_entry(actor=actor, ticket=ticket, kind="report_back", body="Fixed")
    services.ticket_set_status(actor=actor, ticket=ticket, status="closed")
    services.ticket_set_status(actor=actor, ticket=ticket, status="in_progress", reason="Happened again")
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    assert ticket.resolved_at is None and ticket.reported_back_at is None and ticket.resolution_met is None
    with pytest.raises(ValidationFailed):
        services.ticket_set_status(actor=actor, ticket=ticket, status="closed")


def test_it_refuses_a_move_the_flow_does_not_allow(world, clock):
    ticket = open_ticket(world)
    with pytest.raises(ValidationFailed) as refused:
        services.ticket_set_status(actor=world.one.actor("manager"), ticket=ticket, status="reported_back")
    assert set(refused.value.errors) == {"status"}


def test_it_warns_once_at_80_percent_and_once_at_the_breach(world, clock, django_capture_on_commit_callbacks):
    # Critical: first response within 1 working hour. Opened Monday 09:00.
    ticket = open_ticket(world, severity="critical")
    org = world.one.org
    with django_capture_on_commit_callbacks(execute=True):
        clock.set(2026, 11, 30, 9, 47)  # 47/60 < 80 %
        assert services.tickets_check_sla(org=org) == 0
        clock.set(2026, 11, 30, 9, 48)  # 48/60 = 80 %
        assert services.tickets_check_sla(org=org) == 1
        assert services.tickets_check_sla(org=org) == 0  # idempotent
        clock.set(2026, 11, 30, 10, 1)
        assert services.tickets_check_sla(org=org) == 1
        clock.set(2026, 11, 30, 11)
        assert services.tickets_check_sla(org=org) == 0
    kinds = list(Notification.objects.filter(recipient=world.one.manager).values_list("kind", flat=True))
    assert sorted(kinds) == ["ticket_sla_breached", "ticket_sla_warning"]  # opened by them: no "assigned"
    ticket.refresh_from_db()
    assert ticket.is_breached and ticket.warned == ["response_80", "response_100"]


def test_a_paused_ticket_is_not_warned(world, clock):
    ticket = open_ticket(world, severity="critical")
    clock.set(2026, 11, 30, 9, 30)
    services.ticket_set_status(actor=world.one.actor("manager"), ticket=ticket, status="waiting")
    clock.set(2026, 12, 2, 9)
    assert services.tickets_check_sla(org=world.one.org) == 0


def test_reassigning_is_audited(world, clock):
    ticket = open_ticket(world, actor="lead")
    services.ticket_assign(
        actor=world.one.actor("lead"), ticket=ticket, assignee_id=world.one.teammate.pk, reason="Off"
    )
    entry = AuditEntry.objects.get(object_type="tickets.ticket", field="assignee")
    assert (entry.before, entry.after, entry.reason) == (str(world.one.manager), str(world.one.teammate), "Off")


def test_it_refuses_an_assignee_of_another_organisation(world, clock):
    ticket = open_ticket(world)
    with pytest.raises(ValidationFailed) as refused:
        services.ticket_assign(actor=world.one.actor("manager"), ticket=ticket, assignee_id=world.two.manager.pk)
    assert set(refused.value.errors) == {"assignee"}


def test_the_org_admin_sets_targets_per_tier_and_it_is_audited(world, clock):
    admin = world.one.actor("admin")
    services.sla_policy_set(actor=admin, severity="normal", tier="", first_response_hours=4, resolution_hours=24)
    tier = world.one.customers["manager"].tier
    services.sla_policy_set(actor=admin, severity="normal", tier=tier, first_response_hours=2, resolution_hours=8)
    services.sla_policy_set(actor=admin, severity="normal", tier=tier, first_response_hours=3, resolution_hours=9)
    assert services.targets_for(world.one.org, "normal", tier) == (3, 9)
    assert services.targets_for(world.one.org, "normal", "other") == (4, 24)
    changes = list(AuditEntry.objects.filter(object_type="tickets.slapolicy").values_list("before", "after"))
    assert ("2h/8h", "3h/9h") in changes and ("", "4h/24h") in changes
    ticket = open_ticket(world)
    assert (ticket.response_target, ticket.resolution_target) == (3 * HOUR, 9 * HOUR)


def test_only_the_org_admin_sets_targets_and_bad_hours_are_refused(world, clock):
    with pytest.raises(Forbidden):
        services.sla_policy_set(
            actor=world.one.actor("director"), severity="high", tier="", first_response_hours=1, resolution_hours=2
        )
    with pytest.raises(ValidationFailed) as refused:
        services.sla_policy_set(
            actor=world.one.actor("admin"), severity="high", tier="gold", first_response_hours=0, resolution_hours="x"
        )
    assert set(refused.value.errors) == {"tier", "first_response_hours", "resolution_hours"}


def test_a_holiday_override_moves_the_due_moment(world, clock):
    import datetime as dt

    services.holiday_set(actor=world.one.actor("admin"), day=dt.date(2026, 11, 30), is_working_day=False, name="Ours")
    calendar = services.calendar_for(world.one.org)
    assert not calendar.is_working_day(dt.date(2026, 11, 30))
    assert AuditEntry.objects.filter(object_type="tickets.holidayoverride").count() == 1


def test_a_holiday_outside_the_business_dates_is_refused(world):
    import datetime as dt

    from pacekeeper.tickets.models import HolidayOverride

    for day in (dt.date(1900, 1, 1), dt.date(9999, 12, 31)):
        with pytest.raises(ValidationFailed) as refused:
            services.holiday_set(actor=world.one.actor("admin"), day=day, is_working_day=False)
        assert "day" in refused.value.errors
    assert not HolidayOverride.objects.exists()
