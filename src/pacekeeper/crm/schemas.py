"""API shapes for customers and facts. Money travels as decimal strings in major units
("1234.50"), never floats; the API converts to and from stored minor units."""

import datetime as dt

from ninja import Field, Schema

from pacekeeper.lib.api_types import (
    BodySchema,
    BusinessMoment,
    Flag,
    IsoDate,
    MoneyIn,
    MoneyInPositive,
    MoneyText,
    ObjectId,
    decimal_text,
    json_int,
    omittable,
)
from pacekeeper.lib.money import from_minor

from .models import Contract, Customer, Interaction, Opportunity, Sale, Tier

Probability = json_int(ge=0, le=100)  # per cent


class CustomerIn(BodySchema):
    name: str = Field(min_length=1, max_length=200)
    external_id: str = Field("", max_length=64)
    industry: str = Field("", max_length=100)
    tier: Tier = Tier.STANDARD
    region: str = Field("", max_length=100)
    status: Customer.Status = Customer.Status.PROSPECT
    owner: ObjectId | None = None
    source: str = Field("", max_length=100)
    created_on: IsoDate | None = None
    needs: str = Field("", max_length=5000)


class CustomerPatch(BodySchema):
    name: str = omittable(min_length=1, max_length=200)
    external_id: str = omittable(max_length=64)
    industry: str = omittable(max_length=100)
    tier: Tier = omittable()
    region: str = omittable(max_length=100)
    status: Customer.Status = omittable()
    source: str = omittable(max_length=100)
    needs: str = omittable(max_length=5000)


class CustomerOut(Schema):
    id: int
    name: str
    external_id: str
    industry: str
    tier: str
    region: str
    status: str
    owner: int = Field(alias="owner_id")
    source: str
    created_on: IsoDate
    needs: str
    last_contacted_on: IsoDate | None
    next_due_on: IsoDate | None


class TransferIn(BodySchema):
    customers: list[ObjectId] = Field(min_length=1, max_length=5000)
    to_manager: ObjectId
    reason: str = Field(min_length=1, max_length=2000)


class TransferOut(Schema):
    moved: int


class ContactIn(BodySchema):
    customer: ObjectId
    name: str = Field(min_length=1, max_length=100)
    external_id: str = Field("", max_length=64)
    title: str = Field("", max_length=100)
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=254)
    wechat_id: str = Field("", max_length=64)
    is_decision_maker: Flag = False


class ContactPatch(BodySchema):
    name: str = omittable(min_length=1, max_length=100)
    external_id: str = omittable(max_length=64)
    title: str = omittable(max_length=100)
    phone: str = omittable(max_length=40)
    email: str = omittable(max_length=254)
    wechat_id: str = omittable(max_length=64)
    is_decision_maker: Flag = omittable()


class ContactOut(Schema):
    id: int
    customer: int = Field(alias="customer_id")
    name: str
    external_id: str
    title: str
    phone: str
    email: str
    wechat_id: str
    is_decision_maker: bool


class InteractionIn(BodySchema):
    customer: ObjectId
    kind: Interaction.Kind = Interaction.Kind.VISIT
    occurred_at: BusinessMoment | None = None
    contacts: list[ObjectId] = []
    summary: str = Field(min_length=1, max_length=10000)
    outcome: str = Field("", max_length=5000)
    next_step: str = Field("", max_length=300)
    next_step_on: IsoDate | None = None
    external_id: str = Field("", max_length=64)


class InteractionPatch(BodySchema):
    kind: Interaction.Kind = omittable()
    occurred_at: BusinessMoment = omittable()
    contacts: list[ObjectId] = omittable()
    summary: str = omittable(min_length=1, max_length=10000)
    outcome: str = omittable(max_length=5000)
    next_step: str = omittable(max_length=300)
    next_step_on: IsoDate | None = None
    next_step_done: Flag = omittable()


class InteractionOut(Schema):
    id: int
    customer: int = Field(alias="customer_id")
    manager: int = Field(alias="manager_id")
    kind: str
    occurred_at: dt.datetime
    contacts: list[int]
    summary: str
    outcome: str
    next_step: str
    next_step_on: IsoDate | None
    next_step_done: bool
    external_id: str

    @staticmethod
    def resolve_contacts(obj: Interaction) -> list[int]:
        return [contact.pk for contact in obj.contacts.all()]


# Crediting a fact to someone other than its customer's owner on the fact's day, or changing
# its credit later, is for directors and org admins, with a reason (crm.services._fact_save).
CREDIT_REASON = "Why the credited account manager differs or changes; required then, kept in the audit trail."


class SaleIn(BodySchema):
    customer: ObjectId
    manager: ObjectId | None = None
    reason: str = Field("", max_length=2000, description=CREDIT_REASON)
    ordered_on: IsoDate
    product_line: str = Field("", max_length=100)
    amount: MoneyIn
    margin: MoneyIn | None = None
    status: Sale.Status = Sale.Status.CONFIRMED
    external_id: str = Field("", max_length=64)


class SalePatch(BodySchema):
    manager: ObjectId = omittable()
    reason: str = omittable(max_length=2000, description=CREDIT_REASON)
    ordered_on: IsoDate = omittable()
    product_line: str = omittable(max_length=100)
    amount: MoneyIn = omittable()
    margin: MoneyIn | None = None
    status: Sale.Status = omittable()


def _money(minor: int | None, fact) -> str | None:
    """Major units of the fact's organisation's currency (a yen has no fen)."""
    return decimal_text(None if minor is None else from_minor(minor, fact.org.currency))


class SaleOut(Schema):
    id: int
    customer: int = Field(alias="customer_id")
    manager: int = Field(alias="manager_id")
    ordered_on: IsoDate
    product_line: str
    amount: MoneyText
    margin: MoneyText | None
    status: str
    external_id: str

    @staticmethod
    def resolve_amount(obj: Sale) -> str:
        return _money(obj.amount_minor, obj)

    @staticmethod
    def resolve_margin(obj: Sale) -> str | None:
        return _money(obj.margin_minor, obj)


class ContractIn(BodySchema):
    customer: ObjectId
    manager: ObjectId | None = None
    reason: str = Field("", max_length=2000, description=CREDIT_REASON)
    title: str = Field(min_length=1, max_length=200)
    starts_on: IsoDate
    ends_on: IsoDate
    value: MoneyIn
    renewal: Contract.Renewal = Contract.Renewal.PENDING
    external_id: str = Field("", max_length=64)


class ContractPatch(BodySchema):
    manager: ObjectId = omittable()
    reason: str = omittable(max_length=2000, description=CREDIT_REASON)
    title: str = omittable(min_length=1, max_length=200)
    starts_on: IsoDate = omittable()
    ends_on: IsoDate = omittable()
    value: MoneyIn = omittable()
    renewal: Contract.Renewal = omittable()


class ContractOut(Schema):
    id: int
    customer: int = Field(alias="customer_id")
    manager: int = Field(alias="manager_id")
    title: str
    starts_on: IsoDate
    ends_on: IsoDate
    value: MoneyText
    renewal: str
    external_id: str

    @staticmethod
    def resolve_value(obj: Contract) -> str:
        return _money(obj.value_minor, obj)


class OpportunityIn(BodySchema):
    customer: ObjectId
    manager: ObjectId | None = None
    reason: str = Field("", max_length=2000, description=CREDIT_REASON)
    name: str = Field(min_length=1, max_length=200)
    stage: Opportunity.Stage = Opportunity.Stage.LEAD
    amount: MoneyInPositive
    probability: Probability | None = None
    expected_close_on: IsoDate
    external_id: str = Field("", max_length=64)


class OpportunityPatch(BodySchema):
    manager: ObjectId = omittable()
    reason: str = omittable(max_length=2000, description=CREDIT_REASON)
    name: str = omittable(min_length=1, max_length=200)
    stage: Opportunity.Stage = omittable()
    amount: MoneyInPositive = omittable()
    probability: Probability = omittable()
    expected_close_on: IsoDate = omittable()


class OpportunityOut(Schema):
    id: int
    customer: int = Field(alias="customer_id")
    manager: int = Field(alias="manager_id")
    name: str
    stage: str
    amount: MoneyText
    probability: int
    weighted_amount: MoneyText
    expected_close_on: IsoDate
    closed_on: IsoDate | None
    external_id: str

    @staticmethod
    def resolve_amount(obj: Opportunity) -> str:
        return _money(obj.amount_minor, obj)

    @staticmethod
    def resolve_weighted_amount(obj: Opportunity) -> str:
        return _money(obj.weighted_amount_minor, obj)
