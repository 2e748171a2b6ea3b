"""Write side of access control: ids from outside one's scope in a request body are refused
with 400 and change nothing; nobody raises their own role; a field the API does not take
(an `org`) is refused, not ignored."""

import json

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, models, transaction

from pacekeeper.crm.models import Contact, Customer, Sale
from pacekeeper.goals.models import Goal
from pacekeeper.lib import same_org
from pacekeeper.tenancy.models import Team, User

pytestmark = pytest.mark.django_db


def send(client, method, url, body):
    return client.generic(method, url, data=json.dumps(body), content_type="application/json")


def outside_ids(world, viewer: str) -> dict:
    """Ids the viewer may not use: the other organisation's, and (for a lead or manager)
    another team's."""
    other_manager = world.one.other_manager if viewer in ("lead", "manager") else world.two.manager
    return {
        "owner": other_manager.pk,
        "customer": (
            world.one.customers["other_manager"] if viewer in ("lead", "manager") else world.two.customers["manager"]
        ).pk,
        "team": (world.one.team_b if viewer == "lead" else world.two.team_a).pk,
    }


@pytest.mark.parametrize("viewer", ["admin", "director", "lead", "manager"])
def test_ids_outside_the_scope_are_refused_and_nothing_changes(world, client, viewer):
    client.force_login(getattr(world.one, viewer))
    ids = outside_ids(world, viewer)
    counts = (Customer.objects.count(), Contact.objects.count(), Sale.objects.count(), Goal.objects.count())
    own_customer = world.one.customers["manager"]
    attempts = [
        ("POST", "/api/v1/customers", {"name": "Stray", "owner": ids["owner"]}),
        ("POST", "/api/v1/contacts", {"customer": ids["customer"], "name": "Stray"}),
        ("POST", "/api/v1/sales", {"customer": ids["customer"], "ordered_on": "2026-11-01", "amount": "10.00"}),
        (
            "POST",
            "/api/v1/customers/transfer",
            {"customers": [own_customer.pk], "to_manager": ids["owner"], "reason": "x"},
        ),
        (
            "POST",
            "/api/v1/customers/transfer",
            {"customers": [ids["customer"]], "to_manager": world.one.manager.pk, "reason": "x"},
        ),
    ]
    if viewer in ("admin", "director", "lead"):
        attempts.append(
            ("POST", "/api/v1/goals", {"title": "G", "metric": "visits", "level": "team", "team": ids["team"],
                                       "starts_on": "2026-01-01", "ends_on": "2026-12-31", "target": "5"})
        )  # fmt: skip
    for method, url, body in attempts:
        response = send(client, method, url, body)
        assert response.status_code == 400, (viewer, method, url, response.content[:300])
        assert response.json()["errors"], (viewer, url)
    assert (Customer.objects.count(), Contact.objects.count(), Sale.objects.count(), Goal.objects.count()) == counts
    assert Customer.objects.get(pk=own_customer.pk).owner_id == world.one.manager.pk


@pytest.mark.parametrize("viewer", ["admin", "director"])
def test_a_payout_run_of_another_organisations_plan_is_refused(world, client, viewer):
    from pacekeeper.incentives.models import PayoutRun, Plan

    theirs = Plan.objects.create(org=world.two.org, name="Theirs", metric="sales_amount")
    client.force_login(getattr(world.one, viewer))
    body = {"plan": theirs.pk, "starts_on": "2026-01-01", "ends_on": "2026-01-31"}
    response = send(client, "POST", "/api/v1/payouts", body)
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "plan"
    assert not PayoutRun.objects.exists()


def test_an_org_in_the_body_is_refused_not_ignored(world, client):
    client.force_login(world.one.admin)
    response = send(client, "POST", "/api/v1/customers", {"name": "Elsewhere", "org": world.two.org.pk})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "org"
    assert not Customer.objects.filter(name="Elsewhere").exists()


def test_an_admin_cannot_hang_a_team_under_another_organisations(world, client):
    client.force_login(world.one.admin)
    response = send(client, "POST", "/api/v1/teams", {"name": "Stray", "parent": world.two.team_a.pk})
    assert response.status_code == 400
    assert not Team.objects.filter(name="Stray").exists()


@pytest.mark.parametrize("viewer", ["director", "lead", "manager", "analyst"])
def test_nobody_raises_their_own_role(world, client, viewer):
    user = getattr(world.one, viewer)
    client.force_login(user)
    response = send(client, "PATCH", f"/api/v1/users/{user.pk}", {"role": "admin"})
    assert response.status_code in (400, 403)
    assert User.objects.get(pk=user.pk).role == viewer


def test_an_admin_cannot_change_another_organisations_people(world, client):
    client.force_login(world.one.admin)
    response = send(client, "PATCH", f"/api/v1/users/{world.two.manager.pk}", {"role": "admin"})
    assert response.status_code == 404
    assert User.objects.get(pk=world.two.manager.pk).role == "manager"


# --- the database's own guard -------------------------------------------------------------------

# Derived rows our code rebuilds in bulk from facts that are themselves guarded.
DERIVED = {
    ("kpis_dailyrollup", "manager_id"),
    ("kpis_monthlyrollup", "manager_id"),
    ("kpis_repeatpurchaserollup", "manager_id"),
    ("work_taskdailyrollup", "manager_id"),
    ("work_taskmonthlyrollup", "manager_id"),
    ("work_taskopenrollup", "manager_id"),
    ("feedback_surveydailyrollup", "manager_id"),
    ("feedback_surveymonthlyrollup", "manager_id"),
}


def organisation_links() -> set[tuple[str, str]]:
    """Every foreign key from an organisation's row to another organisation's kind of row."""
    links = set()
    for model in apps.get_models():
        if not any(field.name == "org" for field in model._meta.fields):
            continue
        for field in model._meta.fields:
            target = field.related_model if isinstance(field, models.ForeignKey) else None
            if field.name != "org" and target and any(f.name == "org" for f in target._meta.fields):
                links.add((model._meta.db_table, field.column))
    return links - DERIVED


def test_every_link_between_organisation_rows_has_a_database_guard():
    guarded = same_org.trigger_names(connection)
    missing = {link for link in organisation_links() if f"same_org_{link[0]}_{link[1]}" not in guarded}
    assert not missing, f"links without a same-organisation trigger: {sorted(missing)}"


def test_the_database_refuses_a_row_linked_across_organisations(world):
    stray = Contact(org=world.one.org, customer=world.two.customers["manager"], name="Stray")
    with pytest.raises(IntegrityError, match="one organisation"), transaction.atomic():
        stray.save()
    customer = world.one.customers["manager"]
    with pytest.raises(IntegrityError, match="one organisation"), transaction.atomic():
        Customer.objects.filter(pk=customer.pk).update(owner=world.two.manager)  # a bulk path, no service
    assert Customer.objects.get(pk=customer.pk).owner_id == world.one.manager.pk


def test_the_api_transfers_customers_within_the_scope(world, client):
    client.force_login(world.one.director)
    customer = world.one.customers["manager"]
    body = {"customers": [customer.pk], "to_manager": world.one.teammate.pk, "reason": "rebalancing"}
    response = send(client, "POST", "/api/v1/customers/transfer", body)
    assert (response.status_code, response.json()) == (200, {"moved": 1})
    assert Customer.objects.get(pk=customer.pk).owner_id == world.one.teammate.pk
