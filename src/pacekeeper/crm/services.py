"""Writes for customers and their facts. Pages, the API and imports all call these.

Each `<thing>_save` takes a dict of changes (already typed by a form or an API schema), keeps
only the fields a user may set, checks every referenced row is inside the actor's scope, runs
the model's validation and saves. Money arrives as Decimal under its plain name ("amount") and
is stored in minor units ("amount_minor").
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from pacekeeper.errors import ValidationFailed
from pacekeeper.kpis.rollups import add_to_rollups, facts_changed
from pacekeeper.lib import date_rules
from pacekeeper.lib.batches import chunks
from pacekeeper.lib.money import to_minor
from pacekeeper.tenancy.audit import audit_record, audit_record_many, required_reason
from pacekeeper.tenancy.models import Organization, Role, User
from pacekeeper.tenancy.scopes import (
    Actor,
    holds_portfolio,
    may_change_credit,
    may_set_follow_up_policy,
    require_writable,
    require_writer,
)

from .kpi_components import interaction_cells
from .models import (
    DEFAULT_FOLLOW_UP_DAYS,
    EXTERNAL_ID_TAKEN,
    Contact,
    Contract,
    Customer,
    FollowUpPolicy,
    Interaction,
    Opportunity,
    OwnershipTransfer,
    Sale,
    Tier,
)
from .sales_rollups import sales_changing

MONEY_FIELDS = {"amount": "amount_minor", "margin": "margin_minor", "value": "value_minor"}


# --- follow-up policy -------------------------------------------------------------------------


def follow_up_intervals(org_id: int) -> dict[str, int]:
    return FollowUpPolicy.objects.intervals(org_id)


def next_due(customer: Customer, intervals: dict[str, int]) -> dt.date:
    base = customer.last_contacted_on or customer.created_on
    return base + dt.timedelta(days=intervals[customer.tier])


@transaction.atomic
def follow_up_policy_set(*, actor: Actor, tier: str, interval_days: int) -> FollowUpPolicy:
    """Set a tier's interval and move every customer of that tier to its new due date."""
    if not may_set_follow_up_policy(actor):
        raise ValidationFailed({"": [_("Only an org admin or a director sets follow-up policies.")]})
    if tier not in Tier.values:
        raise ValidationFailed({"tier": [_("Choose a tier from the list.")]})
    if interval_days < 1 or interval_days > 3650:
        raise ValidationFailed({"interval_days": [_("Enter a number of days between 1 and 3650.")]})
    policy, _created = FollowUpPolicy.objects.select_for_update().get_or_create(
        org_id=actor.org_id, tier=tier, defaults={"interval_days": interval_days}
    )
    before = policy.interval_days if not _created else DEFAULT_FOLLOW_UP_DAYS.get(tier)
    policy.interval_days = interval_days
    policy.save(update_fields=["interval_days"])
    audit_record(actor=actor, obj=policy, field="interval_days", before=before, after=interval_days)
    customers = list(
        Customer.objects.filter(org_id=actor.org_id, tier=tier).only("pk", "tier", "created_on", "last_contacted_on")
    )
    intervals = follow_up_intervals(actor.org_id)
    for customer in customers:
        customer.next_due_on = next_due(customer, intervals)
    Customer.objects.bulk_update(customers, ["next_due_on"], batch_size=1000)
    return policy


@transaction.atomic
def follow_up_policies_set(*, actor: Actor, intervals: dict[str, int]) -> list[FollowUpPolicy]:
    """Several tiers at once (the settings page): only the tiers whose interval changes are
    written, audited and re-dated; all or none."""
    current = follow_up_intervals(actor.org_id)
    errors: dict[str, list[str]] = {}
    changed = []
    for tier, days in intervals.items():
        if days == current.get(tier):
            continue
        try:
            changed.append(follow_up_policy_set(actor=actor, tier=tier, interval_days=days))
        except ValidationFailed as error:
            for field, messages in error.errors.items():
                errors[tier if field == "interval_days" else field] = messages
    if errors:
        raise ValidationFailed(errors)
    return changed


# --- shared save path ---------------------------------------------------------------------------


def _assignable_manager(actor: Actor, user_id: int | None, *, field: str) -> User:
    """A portfolio holder the actor may hand work to: themselves, or anyone in their scope."""
    if user_id is None:
        if not holds_portfolio(actor):
            raise ValidationFailed({field: [_("Choose the account manager.")]})
        return actor.user
    user = User.objects.visible_to(actor).filter(pk=user_id, is_active=True).first()
    # Directors, org admins and analysts carry no portfolio (tenancy.scopes.holds_portfolio).
    if user is None or not holds_portfolio(user):
        raise ValidationFailed({field: [_("Choose an active account manager you are responsible for.")]})
    return user


def _visible_customer(actor: Actor, customer_id: object) -> Customer:
    customer = Customer.objects.visible_to(actor).filter(pk=customer_id).first() if customer_id else None
    if customer is None:
        raise ValidationFailed({"customer": [_("Choose a customer in your portfolio.")]})
    return customer


def _apply(instance: models.Model, changes: dict, editable: set[str], currency: str) -> list[str]:
    """Copy allowed changes onto the instance; returns the model fields touched."""
    unknown = set(changes) - editable
    if unknown:
        raise ValidationFailed({name: [_("This field cannot be set.")] for name in sorted(unknown)})
    touched = []
    for name, value in changes.items():
        if name in MONEY_FIELDS:
            value = None if value is None else to_minor(Decimal(value), currency)
            name = MONEY_FIELDS[name]
        elif isinstance(value, str):
            value = value.strip()
        setattr(instance, name, value)
        touched.append(name)
    return touched


# Dates each kind of row holds, by what they are (lib.date_rules): facts have happened, plans
# may lie ahead; both stay inside the window of business dates.
FACT_DATES = {Customer: ("created_on",), Sale: ("ordered_on",), Opportunity: ("closed_on",)}
PLAN_DATES = {Contract: ("starts_on", "ends_on"), Opportunity: ("expected_close_on",)}


def _check_dates(actor: Actor, instance: models.Model) -> None:
    kind = type(instance)
    date_rules.require_dates(
        today=actor.today(),
        business={name: getattr(instance, name) for name in PLAN_DATES.get(kind, ())},
        facts={name: getattr(instance, name) for name in FACT_DATES.get(kind, ())},
    )


def _check_interaction_dates(actor: Actor, interaction: Interaction) -> None:
    """Not in the future; the next step not before it (a visit dated 2031 with a next step in
    1900 once took a customer off My day)."""
    today = actor.today()
    happened_on = interaction.occurred_at
    if isinstance(happened_on, dt.datetime):
        if timezone.is_aware(happened_on):
            happened_on = happened_on.astimezone(ZoneInfo(actor.org.time_zone))
        happened_on = happened_on.date()
    elif not isinstance(happened_on, dt.date):
        happened_on = None  # not typed yet: the model's validation refuses it
    errors = {}
    if problem := date_rules.fact_problem(happened_on, today):
        errors["occurred_at"] = [problem]
    next_on = interaction.next_step_on if isinstance(interaction.next_step_on, dt.date) else None
    if problem := date_rules.next_step_problem(next_on, happened_on, today):
        errors["next_step_on"] = [problem]
    if errors:
        raise ValidationFailed(errors)


def _validate_and_save(instance: models.Model, *, exclude: list[str] | None = None) -> None:
    """Field validation skips the foreign keys the service has already checked (no query per
    key); constraints are checked in full, org included, so a duplicate external id in the
    organisation is a field error. A race past that check is caught at the database."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        instance.validate_unique(exclude=exclude)
        instance.validate_constraints()
    except ValidationError as error:
        raise ValidationFailed.from_django(error) from None
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        raise ValidationFailed({"external_id": [str(EXTERNAL_ID_TAKEN)]}) from None


# --- customers --------------------------------------------------------------------------------

CUSTOMER_FIELDS = {"name", "external_id", "industry", "tier", "region", "status", "source", "created_on", "needs"}


@transaction.atomic
def customer_save(*, actor: Actor, customer: Customer | None = None, changes: dict) -> Customer:
    """Create (customer=None) or update a customer. The owner is set here on creation only;
    later owner changes go through `customers_transfer`, which keeps the history."""
    require_writer(actor)
    changes = dict(changes)
    owner_id = changes.pop("owner", None)
    if customer is None:
        customer = Customer(org_id=actor.org_id, owner=_assignable_manager(actor, owner_id, field="owner"))
    elif owner_id is not None and owner_id != customer.owner_id:
        raise ValidationFailed({"owner": [_("Use a portfolio transfer to change the account manager.")]})
    _apply(customer, changes, CUSTOMER_FIELDS, actor.org.currency)
    _check_dates(actor, customer)
    customer.next_due_on = next_due(customer, follow_up_intervals(actor.org_id))
    _validate_and_save(customer, exclude=["org", "owner"])
    return customer


@transaction.atomic
def customers_transfer(*, actor: Actor, customer_ids: list[int], to_manager_id: int, reason: str) -> int:
    """Move customers to another account manager. Past facts stay credited to whoever earned
    them; open opportunities move with the customer because the new owner will work them.
    Returns how many customers changed hands."""
    require_writer(actor)
    if actor.role == Role.MANAGER:
        raise ValidationFailed({"": [_("Ask your team lead to transfer customers.")]})
    reason = required_reason(reason, _("Say why the customers move."))
    wanted = set(customer_ids)
    if not wanted:
        raise ValidationFailed({"customers": [_("Choose at least one customer.")]})
    customers = list(Customer.objects.visible_to(actor).select_for_update().filter(pk__in=wanted))
    if len(customers) != len(wanted):
        raise ValidationFailed({"customers": [_("Some of these customers are not in your scope.")]})
    to_manager = _assignable_manager(actor, to_manager_id, field="to_manager")
    moving = [customer for customer in customers if customer.owner_id != to_manager.pk]
    OwnershipTransfer.objects.bulk_create(
        [
            OwnershipTransfer(
                org_id=actor.org_id,
                customer=customer,
                from_manager_id=customer.owner_id,
                to_manager=to_manager,
                reason=reason,
                transferred_by=actor.user,
            )
            for customer in moving
        ],
        batch_size=1000,
    )
    audit_record_many(actor=actor, changes=[(c, "owner", c.owner_id, to_manager.pk) for c in moving], reason=reason)
    Customer.objects.filter(pk__in=[c.pk for c in moving]).update(owner=to_manager)
    open_deals = Opportunity.objects.filter(customer__in=moving, stage__in=Opportunity.OPEN_STAGES)
    touched = [(m, day) for m, day in open_deals.values_list("manager_id", "expected_close_on")]
    open_deals.update(manager=to_manager)
    facts_changed(org_id=actor.org_id, cells=touched + [(to_manager.pk, day) for _m, day in touched])
    return len(moving)


# --- contacts ---------------------------------------------------------------------------------

CONTACT_FIELDS = {"external_id", "name", "title", "phone", "email", "wechat_id", "is_decision_maker"}


@transaction.atomic
def contact_save(*, actor: Actor, contact: Contact | None = None, changes: dict) -> Contact:
    require_writer(actor)
    changes = dict(changes)
    customer_id = changes.pop("customer", None)
    if contact is None:
        contact = Contact(org_id=actor.org_id, customer=_visible_customer(actor, customer_id))
    elif customer_id is not None and customer_id != contact.customer_id:
        contact.customer = _visible_customer(actor, customer_id)
    _apply(contact, changes, CONTACT_FIELDS, actor.org.currency)
    _validate_and_save(contact, exclude=["org", "customer"])
    return contact


# --- interactions -----------------------------------------------------------------------------

INTERACTION_FIELDS = {
    "external_id",
    "kind",
    "occurred_at",
    "summary",
    "outcome",
    "next_step",
    "next_step_on",
    "next_step_done",
}


# Called with each new interaction once it is committed: other apps register here from their
# AppConfig.ready() (feedback sends a survey after chosen kinds), so the CRM imports none of them.
INTERACTION_LOGGED: list = []


def _announce_interaction(interaction: Interaction) -> None:
    for callback in list(INTERACTION_LOGGED):
        callback(interaction)


@transaction.atomic
def interaction_save(*, actor: Actor, interaction: Interaction | None = None, changes: dict) -> Interaction:
    """Log (or correct) an interaction. It is credited to the customer's account manager on the
    day it happened, and the customer's next follow-up date follows its latest contact."""
    changes = dict(changes)
    contact_ids = changes.pop("contacts", None)
    old_customer_id = interaction.customer_id if interaction is not None else None
    interaction, before, credit_changes, reason = _fact_save(
        actor, Interaction, interaction, changes, INTERACTION_FIELDS
    )
    _check_interaction_dates(actor, interaction)
    _validate_and_save(interaction, exclude=["org", "customer", "manager", "contacts"])
    _credit_audited(actor, interaction, credit_changes, reason)
    if before is None:  # a new interaction adds to its cell; a corrected one recomputes both
        add_to_rollups(actor.org_id, interaction_cells(actor.org, Interaction.objects.filter(pk=interaction.pk)))
    else:
        facts_changed(org_id=actor.org_id, cells=[before, credit_cell(actor, interaction)])
    if contact_ids is not None:
        contacts = list(Contact.objects.filter(customer_id=interaction.customer_id, pk__in=contact_ids))
        if len(contacts) != len(set(contact_ids)):
            raise ValidationFailed({"contacts": [_("Choose contacts of this customer.")]})
        interaction.contacts.set(contacts)
    customer_ids = {interaction.customer_id, old_customer_id} - {None}
    customers_contacts_changed(org=actor.org, customer_ids=customer_ids)
    if before is None and INTERACTION_LOGGED:
        transaction.on_commit(lambda: _announce_interaction(interaction))
    return interaction


# The day a fact counts on in KPIs (DESIGN rule 4); crm.kpi_components groups by the same fields.
CREDIT_DAY_FIELD = {
    Sale: "ordered_on",
    Contract: "ends_on",
    Opportunity: "expected_close_on",
    Interaction: "occurred_at",
}


def credit_cell(actor: Actor, fact: models.Model) -> tuple[int, dt.date]:
    """(manager, day) under which a fact is rolled up."""
    return fact.manager_id, _local_date(actor, getattr(fact, CREDIT_DAY_FIELD[type(fact)]))


def _local_date(actor: Actor, moment: dt.datetime | dt.date) -> dt.date:
    if isinstance(moment, dt.datetime):
        return moment.astimezone(ZoneInfo(actor.org.time_zone)).date()
    return moment


def customers_contacts_changed(*, org: Organization, customer_ids: Iterable[int]) -> None:
    """Set each customer's last contact to the local day of its latest interaction — exactly,
    so a corrected date can move it back — and its next follow-up date from it. A dormant
    customer contacted again becomes active. (KPIs rely on the last contact being exact.)
    Interactions dated later than the date rules accept (lib.date_rules: today plus a day) are
    not contacts: rows saved before the rules existed (a visit dated 2031) would otherwise keep
    the customer off My day for years, whatever was logged after them."""
    zone = ZoneInfo(org.time_zone)
    intervals = follow_up_intervals(org.pk)
    after_last_fact = date_rules.latest_fact(timezone.now().astimezone(zone).date()) + dt.timedelta(days=1)
    not_after = dt.datetime.combine(after_last_fact, dt.time.min, tzinfo=zone)
    changed = []
    for chunk in chunks(sorted(set(customer_ids))):
        latest = dict(
            Interaction.objects.filter(org=org, customer_id__in=chunk, occurred_at__lt=not_after)
            .values("customer_id")
            .annotate(latest=Max("occurred_at"))
            .values_list("customer_id", "latest")
            .order_by()
        )
        for customer in Customer.objects.filter(org=org, pk__in=chunk):
            day = latest[customer.pk].astimezone(zone).date() if customer.pk in latest else None
            if day == customer.last_contacted_on:
                continue
            newer = day is not None and (customer.last_contacted_on is None or day > customer.last_contacted_on)
            if newer and customer.status == Customer.Status.DORMANT:
                customer.status = Customer.Status.ACTIVE
            customer.last_contacted_on = day
            customer.next_due_on = next_due(customer, intervals)
            changed.append(customer)
    Customer.objects.bulk_update(changed, ["last_contacted_on", "next_due_on", "status"], batch_size=1000)


# --- sales, contracts, opportunities -----------------------------------------------------------

SALE_FIELDS = {"external_id", "ordered_on", "product_line", "amount", "margin", "status"}
CONTRACT_FIELDS = {"external_id", "title", "starts_on", "ends_on", "value", "renewal"}
OPPORTUNITY_FIELDS = {"external_id", "name", "stage", "amount", "probability", "expected_close_on", "closed_on"}


class OwnerHistory:
    """Who owned each customer on a given day, from the transfer history: the owner on a day is
    the `from_manager` of the first transfer after that day, or today's owner if none came
    since. A transfer takes effect on its own (local) day. One query for any number of customers."""

    def __init__(self, org: Organization, customer_ids: Iterable[int]) -> None:
        zone = ZoneInfo(org.time_zone)
        self.handovers: dict[int, list[tuple[dt.date, int]]] = {}
        for chunk in chunks(sorted(set(customer_ids))):
            rows = (
                OwnershipTransfer.objects.filter(org=org, customer_id__in=chunk)
                .order_by("transferred_at", "pk")
                .values_list("customer_id", "transferred_at", "from_manager_id")
            )
            for customer_id, moment, from_manager in rows:
                self.handovers.setdefault(customer_id, []).append((moment.astimezone(zone).date(), from_manager))

    def owner_on(self, customer_id: int, current_owner_id: int, day: dt.date | None) -> int:
        if day is not None:
            for handed_over_on, from_manager in self.handovers.get(customer_id, ()):
                if handed_over_on > day:
                    return from_manager
        return current_owner_id


def credited_manager(actor: Actor, fact: models.Model) -> int:
    """The manager a new fact is credited to by default: its customer's owner on the fact's day."""
    day = getattr(fact, CREDIT_DAY_FIELD[type(fact)])
    day = _local_date(actor, day) if day is not None else None
    return OwnerHistory(actor.org, [fact.customer_id]).owner_on(fact.customer_id, fact.customer.owner_id, day)


def _require_credit_changer(actor: Actor, field: str, reason: str) -> str:
    if not may_change_credit(actor):
        raise ValidationFailed(
            {field: [_("Only a director or an org admin may change who is credited with a record, or its customer.")]}
        )
    return required_reason(reason, _("Say why the credit changes: the reason is kept in the audit trail."))


def _require_acting_for(actor: Actor, fact: models.Model) -> None:
    """A new fact dated before its customer came to the actor is credited to the owner of that
    day: recording it is for someone who acts for that person (their lead, a director), so that
    nobody adds to — or, with a negative amount, takes from — someone else's credit."""
    if actor.member_ids is None or fact.manager_id in actor.member_ids:
        return
    owner = User.objects.filter(pk=fact.manager_id).first()
    message = _("On this date the customer was %(name)s's: ask your lead or a director to record it.")
    raise ValidationFailed({CREDIT_DAY_FIELD[type(fact)]: [message % {"name": owner}]})


def _fact_save(actor: Actor, model: type[models.Model], fact, changes: dict, editable: set[str]):
    """Create or update a fact row credited to an account manager (DESIGN rule 4). A new fact
    is credited to its customer's owner on the fact's day; crediting anyone else, and later
    moving the credit or the customer, is for directors and org admins, with a reason.
    Returns the fact, its rollup cell before the change, and the credit changes to audit."""
    require_writer(actor)
    changes = dict(changes)
    customer_id = changes.pop("customer", None)
    manager_id = changes.pop("manager", None)
    reason = changes.pop("reason", None) or ""
    before = credit_cell(actor, fact) if fact is not None else None
    credit_changes: list[tuple[str, object, object]] = []
    if fact is not None:
        require_writable(actor, model, fact)
    if fact is None:
        fact = model(org_id=actor.org_id, customer=_visible_customer(actor, customer_id))
        _apply(fact, changes, editable, actor.org.currency)
        _check_dates(actor, fact)
        fact.manager_id = credited_manager(actor, fact)
        if not manager_id:
            _require_acting_for(actor, fact)
        if manager_id and manager_id != fact.manager_id:
            reason = _require_credit_changer(actor, "manager", reason)
            credit_changes.append(("manager", fact.manager_id, manager_id))
            fact.manager = _assignable_manager(actor, manager_id, field="manager")
        return fact, before, credit_changes, reason
    if customer_id is not None and customer_id != fact.customer_id:
        reason = _require_credit_changer(actor, "customer", reason)
        credit_changes.append(("customer", fact.customer_id, customer_id))
        fact.customer = _visible_customer(actor, customer_id)
    if manager_id is not None and manager_id != fact.manager_id:
        reason = _require_credit_changer(actor, "manager", reason)
        credit_changes.append(("manager", fact.manager_id, manager_id))
        fact.manager = _assignable_manager(actor, manager_id, field="manager")
    _apply(fact, changes, editable, actor.org.currency)
    _check_dates(actor, fact)
    return fact, before, credit_changes, reason


def _credit_audited(actor: Actor, fact: models.Model, credit_changes: list, reason: str) -> None:
    audit_record_many(
        actor=actor, changes=[(fact, field, old, new) for field, old, new in credit_changes], reason=reason
    )


def _fact_saved(actor: Actor, fact: models.Model, before, credit_changes: list, reason: str) -> None:
    """Validate, save, audit any change of credit, and bring the KPI rollups of the old and new
    credit cells up to date."""
    _validate_and_save(fact, exclude=["org", "customer", "manager"])
    _credit_audited(actor, fact, credit_changes, reason)
    facts_changed(org_id=actor.org_id, cells=[before, credit_cell(actor, fact)])


@transaction.atomic
def sale_save(*, actor: Actor, sale: Sale | None = None, changes: dict) -> Sale:
    old_customer_id = sale.customer_id if sale is not None else None
    sale, before, credit_changes, reason = _fact_save(actor, Sale, sale, changes, SALE_FIELDS)
    customer_ids = {sale.customer_id, old_customer_id} - {None}  # both purchase histories change
    with sales_changing(org_id=actor.org_id, customer_ids=customer_ids) as touched:
        _validate_and_save(sale, exclude=["org", "customer", "manager"])
        touched += [before, credit_cell(actor, sale)]
    _credit_audited(actor, sale, credit_changes, reason)
    return sale


@transaction.atomic
def contract_save(*, actor: Actor, contract: Contract | None = None, changes: dict) -> Contract:
    contract, before, credit_changes, reason = _fact_save(actor, Contract, contract, changes, CONTRACT_FIELDS)
    _fact_saved(actor, contract, before, credit_changes, reason)
    return contract


@transaction.atomic
def opportunity_save(*, actor: Actor, opportunity: Opportunity | None = None, changes: dict) -> Opportunity:
    """Create or update an opportunity. Entering a stage without an explicit probability takes
    the stage's usual one; entering won/lost stamps the close date."""
    previous_stage = opportunity.stage if opportunity else None
    opportunity, before, credit_changes, reason = _fact_save(
        actor, Opportunity, opportunity, changes, OPPORTUNITY_FIELDS
    )
    if opportunity.stage != previous_stage:
        if "probability" not in changes:
            opportunity.probability = Opportunity.STAGE_PROBABILITY[opportunity.stage]
        if opportunity.stage in (Opportunity.Stage.WON, Opportunity.Stage.LOST) and opportunity.closed_on is None:
            opportunity.closed_on = actor.today()
        elif opportunity.stage in Opportunity.OPEN_STAGES:
            opportunity.closed_on = None
    _fact_saved(actor, opportunity, before, credit_changes, reason)
    return opportunity
