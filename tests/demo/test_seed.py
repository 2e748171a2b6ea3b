import datetime as dt
import hashlib

from django.core.management import call_command

from pacekeeper.crm.models import Customer, Interaction, Sale
from pacekeeper.demo.seed import seed_organization
from pacekeeper.tenancy.models import Role, Team, User
from pacekeeper.work.models import Task

UNTIL = dt.date(2026, 6, 30)


def _fingerprint(org) -> str:
    rows = [
        *Customer.objects.filter(org=org)
        .order_by("external_id")
        .values_list("external_id", "name", "tier", "owner__username"),
        *Sale.objects.filter(org=org).order_by("external_id").values_list("external_id", "ordered_on", "amount_minor"),
        *Interaction.objects.filter(org=org)
        .order_by("occurred_at", "customer__external_id")
        .values_list("customer__external_id", "occurred_at", "kind"),
        *Task.objects.filter(org=org)
        .order_by("owner__username", "due_on", "title", "status")
        .values_list("owner__username", "title", "due_on", "status", "estimate_hours", "completed_at"),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_it_generates_the_same_data_for_the_same_seed(db):
    first = seed_organization(managers=6, customers=40, months=6, seed=7, until=UNTIL, org_name="A")
    prints = _fingerprint(first.org)
    for user in User.objects.filter(org=first.org):
        # Usernames and email addresses are unique across organisations.
        user.username, user.email = f"old_{user.username}", f"old_{user.email}"
        user.save(update_fields=["username", "email"])
    second = seed_organization(managers=6, customers=40, months=6, seed=7, until=UNTIL, org_name="B")
    assert _fingerprint(second.org) == prints
    assert second.counts == first.counts


def test_it_creates_the_documented_logins_and_teams(db, client):
    result = seed_organization(
        managers=12, customers=50, months=3, seed=1, until=UNTIL, password="s3cret-pass", team_size=4
    )
    usernames = set(User.objects.filter(org=result.org).values_list("username", flat=True))
    assert {"admin", "director", "analyst", "lead001", "lead002", "lead003", "am0001", "am0012"} <= usernames
    assert User.objects.get(username="lead001").role == Role.LEAD
    assert Team.objects.filter(org=result.org, kind=Team.Kind.TEAM).count() == 3
    signed_in = client.post("/login/", {"username": "am0001", "password": "s3cret-pass"})
    assert signed_in.status_code == 302 and client.get("/").status_code == 302
    facts = Sale.objects.filter(org=result.org)
    assert facts.exists() and not facts.filter(ordered_on__gt=UNTIL).exists()
    assert Interaction.objects.filter(org=result.org).count() > 50


def test_it_seeds_from_the_command_line(db, capsys):
    call_command("seed", "--managers", "3", "--customers", "10", "--months", "2", "--until", "2026-06-30")
    assert '"customers": 10' in capsys.readouterr().out
