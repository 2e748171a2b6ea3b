"""Demo tickets: complaints, suggestions and service requests of the last two months, some open
(one near its deadline, one waiting for the customer), most resolved and reported back, a few
late. Outcomes are computed with the same SLA arithmetic the services use (tickets/sla.py)."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from pacekeeper.crm.models import Customer
from pacekeeper.tenancy.models import Organization
from pacekeeper.tickets import sla
from pacekeeper.tickets.models import DEFAULT_TARGET_HOURS, Status, Ticket, TicketEntry, TicketStatusChange
from pacekeeper.tickets.services import calendar_for

SUBJECTS = {
    "complaint": ["账单金额有误", "到货延迟三天", "Support did not call back", "客服态度不好"],
    "suggestion": ["希望增加移动端查询", "Monthly usage report by email", "希望延长服务时间"],
    "request": ["申请开具发票", "Training for new staff", "更换联系人信息"],
}
TICKETS = 40
HOUR = 3600


def make_tickets(org: Organization, *, seed: int, until: dt.date) -> int:
    rng = random.Random(seed * 31 + 5)
    customers = list(Customer.objects.filter(org=org).exclude(owner=None).order_by("pk")[:200])
    if not customers:
        return 0
    calendar = calendar_for(org)
    zone = ZoneInfo(org.time_zone)
    made = 0
    for number in range(TICKETS):
        customer = rng.choice(customers)
        kind = rng.choice(["complaint", "complaint", "suggestion", "request"])
        severity = rng.choice(["high", "normal", "normal", "low"])
        response_hours, resolution_hours = DEFAULT_TARGET_HOURS[severity]
        day = until - dt.timedelta(days=rng.randint(0, 60) if number > 1 else 0)
        opened = dt.datetime.combine(day, dt.time(rng.randint(9, 16), rng.choice([0, 15, 30])), tzinfo=zone)
        ticket = Ticket.objects.create(
            org=org,
            customer=customer,
            assignee=customer.owner,
            manager=customer.owner,
            channel=rng.choice(["phone", "email", "wechat", "visit", "walk_in"]),
            kind=kind,
            severity=severity,
            subject=rng.choice(SUBJECTS[kind]),
            created_at=opened,
            response_target=response_hours * HOUR,
            resolution_target=resolution_hours * HOUR,
        )
        changes = [TicketStatusChange(org=org, ticket=ticket, after=Status.NEW, at=opened)]
        replied = sla.add_working_seconds(calendar, opened, int(response_hours * HOUR * rng.uniform(0.2, 1.3)))
        entries = []
        if number == 0:  # opened today, still new
            pass
        else:
            ticket.first_response_at = replied
            ticket.response_met = sla.working_seconds(calendar, opened, replied) <= ticket.response_target
            entries.append(
                TicketEntry(org=org, ticket=ticket, kind="reply", author=customer.owner, body="已收到，正在处理。")
            )
            changes.append(TicketStatusChange(org=org, ticket=ticket, before="new", after="in_progress", at=replied))
            ticket.status = Status.IN_PROGRESS
            if number == 1:
                changes.append(
                    TicketStatusChange(org=org, ticket=ticket, before="in_progress", after="waiting", at=replied)
                )
                ticket.status = Status.WAITING
            elif number > 4:
                used = int(resolution_hours * HOUR * rng.uniform(0.3, 1.2))
                resolved = sla.add_working_seconds(calendar, opened, used)
                told = resolved + dt.timedelta(hours=2)
                ticket.resolved_at, ticket.reported_back_at, ticket.closed_at = resolved, told, told
                ticket.resolution_seconds = used
                ticket.resolution_met = used <= ticket.resolution_target
                ticket.status = Status.CLOSED
                changes += [
                    TicketStatusChange(org=org, ticket=ticket, before="in_progress", after="resolved", at=resolved),
                    TicketStatusChange(org=org, ticket=ticket, before="resolved", after="reported_back", at=told),
                    TicketStatusChange(org=org, ticket=ticket, before="reported_back", after="closed", at=told),
                ]
                entries.append(
                    TicketEntry(
                        org=org,
                        ticket=ticket,
                        kind="report_back",
                        author=customer.owner,
                        body="问题已处理完毕，已电话告知客户。",
                    )
                )
        ticket.is_breached = ticket.response_met is False or ticket.resolution_met is False
        ticket.save()
        TicketStatusChange.objects.bulk_create(changes)
        TicketEntry.objects.bulk_create(entries)
        made += 1
    return made
