"""Credit follows the fact (DESIGN rule 4) on every write path, and a customer's facts are
written only by whoever may write the customer now (docs/security.md, "Credit and ownership")."""

import datetime as dt
import json

import pytest

from pacekeeper.crm import services
from pacekeeper.crm.imports import import_apply
from pacekeeper.crm.models import EXTERNAL_ID_TAKEN, Contract, Customer, Interaction, Opportunity, Sale
from pacekeeper.errors import ValidationFailed
from pacekeeper.tenancy.models import AuditEntry
from tests.factories import InteractionFactory, OpportunityFactory, SaleFactory

pytestmark = pytest.mark.django_db

BEFORE = dt.date(2026, 3, 5)  # long before the transfer, which happens today


def send(client, method, url, body=None):
    return client.generic(method, url, data=json.dumps(body or {}), content_type="application/json")


def transferred(world) -> tuple[Customer, Sale]:
    """The manager's customer, with a sale the manager made, moved by their lead to the teammate."""
    customer = world.one.customers["manager"]
    sale = SaleFactory(customer=customer, ordered_on=BEFORE)
    services.customers_transfer(
        actor=world.one.actor("lead"), customer_ids=[customer.pk], to_manager_id=world.one.teammate.pk, reason="leave"
    )
    customer.refresh_from_db()
    return customer, sale


def credit_audits(fact) -> list[tuple[str, str, str, str]]:
    rows = AuditEntry.objects.filter(object_type=fact._meta.label_lower, object_id=str(fact.pk))
    return list(rows.values_list("field", "before", "after", "reason"))


# --- item 1: who may move credit --------------------------------------------------------------


def test_it_does_not_let_the_new_owner_take_the_credit_of_a_past_sale(world, client):
    _customer, sale = transferred(world)
    client.force_login(world.one.teammate)
    response = send(client, "PATCH", f"/api/v1/sales/{sale.pk}", {"manager": world.one.teammate.pk})
    # Not theirs to change at all: the sale is credited to the previous manager.
    assert response.status_code == 403
    assert Sale.objects.get(pk=sale.pk).manager_id == world.one.manager.pk
    assert credit_audits(sale) == []


@pytest.mark.parametrize("role", ["lead", "manager"])
def test_only_a_director_or_admin_credits_a_new_fact_to_someone_else(world, client, role):
    customer = world.one.customers["manager"]
    client.force_login(getattr(world.one, role))
    body = {"customer": customer.pk, "ordered_on": "2026-11-02", "amount": "10.00", "manager": world.one.lead.pk}
    response = send(client, "POST", "/api/v1/sales", body)
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "manager"
    assert not Sale.objects.filter(customer=customer).exists()


@pytest.mark.parametrize("role", ["director", "admin"])
def test_a_director_or_admin_moves_credit_with_a_reason_and_it_is_audited(world, client, role):
    _customer, sale = transferred(world)
    client.force_login(getattr(world.one, role))
    url = f"/api/v1/sales/{sale.pk}"
    response = send(client, "PATCH", url, {"manager": world.one.teammate.pk})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "reason"
    response = send(client, "PATCH", url, {"manager": world.one.teammate.pk, "reason": "shared deal"})
    assert response.status_code == 200 and response.json()["manager"] == world.one.teammate.pk
    manager, teammate = str(world.one.manager.pk), str(world.one.teammate.pk)
    assert credit_audits(sale) == [("manager", manager, teammate, "shared deal")]


def test_only_a_director_moves_a_fact_to_another_customer(world):
    sale = SaleFactory(customer=world.one.customers["manager"])
    other = world.one.customers["teammate"]
    for role in ("lead", "manager"):
        with pytest.raises(ValidationFailed) as error:
            services.sale_save(actor=world.one.actor(role), sale=sale, changes={"customer": other.pk, "reason": "x"})
        assert "customer" in error.value.errors
    sale = services.sale_save(
        actor=world.one.actor("director"), sale=sale, changes={"customer": other.pk, "reason": "typo"}
    )
    assert (sale.customer_id, sale.manager_id) == (other.pk, world.one.manager.pk)  # credit stays
    assert credit_audits(sale) == [("customer", str(world.one.customers["manager"].pk), str(other.pk), "typo")]


def test_a_new_fact_is_credited_to_the_owner_on_its_day(world, client):
    customer, _sale = transferred(world)
    client.force_login(world.one.teammate)
    body = {"customer": customer.pk, "ordered_on": dt.date.today().isoformat(), "amount": "10.00"}
    assert send(client, "POST", "/api/v1/sales", body).json()["manager"] == world.one.teammate.pk
    # Dated before the transfer, it is the previous manager's credit: the new owner may not add
    # to it (or, with a negative amount, take from it); their lead, who acts for both, records it.
    body["ordered_on"] = BEFORE.isoformat()
    refused = send(client, "POST", "/api/v1/sales", body)
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "ordered_on"
    client.force_login(world.one.lead)
    assert send(client, "POST", "/api/v1/sales", body).json()["manager"] == world.one.manager.pk
    at = dt.datetime.combine(BEFORE, dt.time(10), tzinfo=dt.UTC).isoformat()
    visit = {"customer": customer.pk, "occurred_at": at, "summary": "Visited"}
    assert send(client, "POST", "/api/v1/interactions", visit).json()["manager"] == world.one.manager.pk


def test_the_owner_on_a_day_follows_every_transfer(world):
    customer = world.one.customers["manager"]
    lead = world.one.actor("lead")
    for to in (world.one.teammate, world.one.sub_manager):
        services.customers_transfer(actor=lead, customer_ids=[customer.pk], to_manager_id=to.pk, reason="r")
    history = services.OwnerHistory(world.one.org, [customer.pk])
    today = dt.date.today()
    assert history.owner_on(customer.pk, world.one.sub_manager.pk, BEFORE) == world.one.manager.pk
    assert history.owner_on(customer.pk, world.one.sub_manager.pk, today) == world.one.sub_manager.pk


# --- item 1 through imports --------------------------------------------------------------------

SALES = "订单号,客户编号,下单日期,金额,客户经理\n{rows}\n"


def sales_file(*rows: str) -> bytes:
    return SALES.format(rows="\n".join(rows)).encode()


def test_an_import_credits_a_new_row_to_the_owner_on_its_day_and_keeps_existing_credit(world):
    customer, sale = transferred(world)
    lead = world.one.actor("lead")
    data = sales_file(
        f"{sale.external_id},{customer.external_id},{BEFORE},99.00,", f"NEW-1,{customer.external_id},{BEFORE},5,"
    )
    report = import_apply(actor=lead, kind="sales", data=data, filename="s.csv")
    assert report.errors == [] and (report.created, report.updated) == (1, 1)
    assert Sale.objects.get(pk=sale.pk).manager_id == world.one.manager.pk  # unchanged, not today's owner
    assert Sale.objects.get(external_id="NEW-1").manager_id == world.one.manager.pk  # the owner on 5 March


def test_an_import_does_not_move_an_existing_sale_or_its_credit(world):
    customer, sale = transferred(world)
    other = world.one.customers["sub_manager"]
    lead = world.one.actor("lead")
    moved = sales_file(f"{sale.external_id},{other.external_id},{BEFORE},1,")
    report = import_apply(actor=lead, kind="sales", data=moved, filename="s.csv")
    assert [(e.field, e.value) for e in report.errors] == [("customer", other.external_id)]
    credited = sales_file(f"{sale.external_id},{customer.external_id},{BEFORE},1,one_teammate")
    report = import_apply(actor=lead, kind="sales", data=credited, filename="s.csv")
    assert [e.field for e in report.errors] == ["manager"] and not report.applied
    assert Sale.objects.filter(pk=sale.pk).values_list("customer_id", "manager_id").get() == (
        customer.pk,
        world.one.manager.pk,
    )


def test_an_import_credits_someone_else_only_for_a_director(world):
    customer = world.one.customers["manager"]
    data = sales_file(f"NEW-2,{customer.external_id},{BEFORE},1,one_teammate")
    report = import_apply(actor=world.one.actor("lead"), kind="sales", data=data, filename="s.csv")
    assert [e.field for e in report.errors] == ["manager"]
    report = import_apply(actor=world.one.actor("director"), kind="sales", data=data, filename="s.csv")
    assert report.errors == [] and Sale.objects.get(external_id="NEW-2").manager_id == world.one.teammate.pk


def test_an_import_keeps_an_existing_interactions_credit_and_customer(world):
    customer, _sale = transferred(world)
    at = dt.datetime.combine(BEFORE, dt.time(10), tzinfo=dt.UTC)
    visit = InteractionFactory(customer=customer, manager=world.one.manager, occurred_at=at, external_id="V-1")
    lead = world.one.actor("lead")
    data = f"记录编号,客户编号,日期,内容\nV-1,{customer.external_id},{BEFORE},Corrected\n".encode()
    report = import_apply(actor=lead, kind="interactions", data=data, filename="i.csv")
    assert report.errors == [] and report.updated == 1
    assert Interaction.objects.get(pk=visit.pk).manager_id == world.one.manager.pk
    other = world.one.customers["sub_manager"]
    data = f"记录编号,客户编号,日期,内容\nV-1,{other.external_id},{BEFORE},Moved\n".encode()
    report = import_apply(actor=lead, kind="interactions", data=data, filename="i.csv")
    assert [e.field for e in report.errors] == ["customer"]
    assert Interaction.objects.get(pk=visit.pk).customer_id == customer.pk


# --- item 2: the previous manager reads, no longer writes ---------------------------------------


FACTS = {
    "sales": (lambda c: SaleFactory(customer=c, ordered_on=BEFORE), {"amount": "999999.99"}),
    "contracts": (
        lambda c: Contract.objects.create(
            org=c.org, customer=c, manager=c.owner, title="T", starts_on=BEFORE, ends_on=BEFORE, value_minor=1
        ),
        {"title": "Mine"},
    ),
    "opportunities": (
        lambda c: OpportunityFactory(customer=c, stage=Opportunity.Stage.WON, closed_on=BEFORE),
        {"name": "Mine"},
    ),
    "interactions": (lambda c: InteractionFactory(customer=c), {"summary": "Mine"}),
}


@pytest.mark.parametrize("path", FACTS)
def test_after_a_transfer_neither_manager_writes_the_facts_credited_to_the_other(world, client, path):
    make, change = FACTS[path]
    customer = world.one.customers["manager"]
    fact = make(customer)
    services.customers_transfer(
        actor=world.one.actor("director"),
        customer_ids=[customer.pk],
        to_manager_id=world.one.other_manager.pk,
        reason="moved to team B",
    )
    url = f"/api/v1/{path}/{fact.pk}"
    for person in (world.one.manager, world.one.lead):  # still credited (and so visible to their lead)
        client.force_login(person)
        assert client.get(url).status_code == 200
        response = send(client, "PATCH", url, change)
        assert response.status_code == 403, (person, response.content)
    before = type(fact).objects.filter(pk=fact.pk).values().get()
    client.force_login(world.one.other_manager)  # nor the new owner: the fact is credited to another
    assert send(client, "PATCH", url, change).status_code == 403
    client.force_login(world.one.director)  # a director may
    assert send(client, "PATCH", url, change).status_code == 200
    assert type(fact).objects.filter(pk=fact.pk).values().get() != before


def test_the_previous_manager_cannot_tick_off_a_next_step_or_move_a_deal_on_the_pages(world, client):
    customer = world.one.customers["manager"]
    visit = InteractionFactory(customer=customer, next_step="Call back", next_step_on=BEFORE)
    deal = OpportunityFactory(customer=customer, stage=Opportunity.Stage.WON, closed_on=BEFORE)
    services.customers_transfer(
        actor=world.one.actor("lead"), customer_ids=[customer.pk], to_manager_id=world.one.teammate.pk, reason="r"
    )
    client.force_login(world.one.manager)
    assert client.post(f"/interactions/{visit.pk}/done/").status_code == 403
    assert client.post(f"/opportunities/{deal.pk}/stage/", {"stage": "lost"}).status_code == 403
    assert not Interaction.objects.get(pk=visit.pk).next_step_done
    assert Opportunity.objects.get(pk=deal.pk).stage == Opportunity.Stage.WON


def test_an_import_does_not_write_a_moved_customers_facts_for_the_previous_manager(world):
    customer, sale = transferred(world)
    data = sales_file(f"{sale.external_id},{customer.external_id},{BEFORE},999999.99,")
    report = import_apply(actor=world.one.actor("manager"), kind="sales", data=data, filename="s.csv")
    assert not report.applied
    assert Sale.objects.get(pk=sale.pk).amount_minor == sale.amount_minor


# --- item 3: an external id in use elsewhere reads like any other taken id ------------------------


def test_an_external_id_outside_the_scope_gets_the_same_answer_as_any_taken_id(world, client):
    theirs = SaleFactory(customer=world.one.customers["other_manager"])
    mine = world.one.customers["manager"]
    actor = world.one.actor("manager")
    data = sales_file(f"{theirs.external_id},{mine.external_id},2026-11-02,1,")
    report = import_apply(actor=actor, kind="sales", data=data, filename="s.csv")
    assert [(e.field, e.reason) for e in report.errors] == [("external_id", str(EXTERNAL_ID_TAKEN))]
    client.force_login(world.one.manager)
    body = {"customer": mine.pk, "ordered_on": "2026-11-02", "amount": "1.00", "external_id": theirs.external_id}
    response = send(client, "POST", "/api/v1/sales", body)
    assert response.json()["errors"][0]["message"] == str(EXTERNAL_ID_TAKEN)
    own = SaleFactory(customer=mine)  # one's own id, created again through the API: the same words
    body["external_id"] = own.external_id
    assert send(client, "POST", "/api/v1/sales", body).json()["errors"][0]["message"] == str(EXTERNAL_ID_TAKEN)


@pytest.mark.parametrize(
    ("kind", "header", "row"),
    [
        ("customers", "客户编号,客户名称", "{theirs},Hijacked"),
        ("contacts", "联系人编号,客户编号,联系人", "{theirs},{mine},Hijacked"),
        ("interactions", "记录编号,客户编号,日期,内容", "{theirs},{mine},2026-11-02,Hijacked"),
    ],
)
def test_every_import_kind_answers_a_foreign_external_id_like_a_taken_one(world, kind, header, row):
    other, mine = world.one.customers["other_manager"], world.one.customers["manager"]
    theirs = {
        "customers": other.external_id,
        "contacts": "C-THEIRS",
        "interactions": "I-THEIRS",
    }[kind]
    if kind == "contacts":
        other.contacts.create(org=other.org, name="Theirs", external_id=theirs)
    if kind == "interactions":
        InteractionFactory(customer=other, external_id=theirs)
    data = f"{header}\n{row.format(theirs=theirs, mine=mine.external_id)}\n".encode()
    report = import_apply(actor=world.one.actor("manager"), kind=kind, data=data, filename="x.csv")
    assert [(e.field, e.reason) for e in report.errors] == [("external_id", str(EXTERNAL_ID_TAKEN))]


def test_a_promised_next_step_moves_to_the_new_owners_day(world, client):
    customer = world.one.customers["manager"]
    InteractionFactory(customer=customer, next_step="Send the revised quote", next_step_on=dt.date.today())
    services.customers_transfer(
        actor=world.one.actor("lead"), customer_ids=[customer.pk], to_manager_id=world.one.teammate.pk, reason="r"
    )
    client.force_login(world.one.manager)
    assert "Send the revised quote" not in client.get("/my-day/").content.decode()
    client.force_login(world.one.teammate)
    assert "Send the revised quote" in client.get("/my-day/").content.decode()


def test_a_refused_credit_is_found_before_any_piece_is_written(world, settings):
    settings.IMPORT_WRITE_ROWS = 1  # every row a piece of its own
    customer, sale = transferred(world)
    data = sales_file(
        f"NEW-3,{customer.external_id},{BEFORE},5,",
        f"{sale.external_id},{customer.external_id},{BEFORE},1,one_teammate",
    )
    report = import_apply(actor=world.one.actor("lead"), kind="sales", data=data, filename="s.csv")
    assert [e.field for e in report.errors] == ["manager"] and not report.applied
    assert not Sale.objects.filter(external_id="NEW-3").exists()


# --- nobody credits themselves without a portfolio; nobody writes another's credit ----------


@pytest.mark.parametrize("role", ["director", "admin"])
def test_nothing_is_credited_to_someone_without_a_portfolio(world, client, role):
    """Directors and org admins may credit others, with a reason, but only to account managers
    and leads: crediting a sale to oneself would put oneself in the commission run."""
    customer = world.one.customers["manager"]
    me = getattr(world.one, role)
    client.force_login(me)
    body = {"customer": customer.pk, "ordered_on": "2026-11-02", "amount": "1.00", "manager": me.pk, "reason": "r"}
    response = send(client, "POST", "/api/v1/sales", body)
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "manager"
    data = sales_file(f"SELF-1,{customer.external_id},{BEFORE},1,{me.username}")
    report = import_apply(actor=world.one.actor(role), kind="sales", data=data, filename="s.csv")
    assert [e.field for e in report.errors] == ["manager"]
    assert not Sale.objects.filter(manager=me).exists()


def test_the_new_owner_cannot_record_a_sale_before_the_transfer_to_cut_the_previous_owners_credit(world):
    customer, _sale = transferred(world)
    teammate = world.one.actor("teammate")
    with pytest.raises(ValidationFailed) as refused:
        services.sale_save(
            actor=teammate, changes={"customer": customer.pk, "ordered_on": BEFORE, "amount": "-50000.00"}
        )
    assert "ordered_on" in refused.value.errors
    report = import_apply(
        actor=teammate, kind="sales", data=sales_file(f"NEG-1,{customer.external_id},{BEFORE},-50000,"), filename="s"
    )
    assert [e.field for e in report.errors] == ["customer"] and not report.applied
    assert not Sale.objects.filter(external_id="NEG-1").exists()
