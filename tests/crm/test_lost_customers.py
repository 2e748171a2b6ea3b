"""A lost customer is not followed up: no red "overdue" in the list or on its page, as the
overdue filter and the follow-up counts already leave it out."""

import datetime as dt

from pacekeeper.crm.models import Customer
from pacekeeper.tenancy.scopes import Actor
from tests.factories import CustomerFactory

TODAY = dt.date(2026, 11, 3)


def test_a_lost_customer_shows_no_overdue_follow_up(world, client, monkeypatch):
    monkeypatch.setattr(Actor, "today", lambda self: TODAY)
    one = world.one
    long_ago = TODAY - dt.timedelta(days=47)
    CustomerFactory(org=one.org, owner=one.manager, name="Gone Ltd", status=Customer.Status.LOST, next_due_on=long_ago)
    late = CustomerFactory(org=one.org, owner=one.manager, name="Late Ltd", next_due_on=long_ago)
    client.force_login(one.manager)
    rows = client.get("/customers/", {"q": "Ltd"}).content.decode()
    gone_row = rows.split("Gone Ltd")[1].split("</tr>")[0]
    assert "overdue" not in gone_row and "Not followed up" in gone_row
    assert "47 days overdue" in rows.split("Late Ltd")[1].split("</tr>")[0]
    gone = Customer.objects.get(name="Gone Ltd")
    page = client.get(f"/customers/{gone.pk}/").content.decode()
    assert "overdue" not in page and "Not followed up" in page
    assert "47 days overdue" in client.get(f"/customers/{late.pk}/").content.decode()
