"""/api/v1/ routes for customers, contacts, interactions, sales, contracts and opportunities.

Each endpoint fetches through a scoped queryset (404 outside scope) and writes through the same
service the pages use.
"""

from typing import Literal

from django.db.models import QuerySet
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from pacekeeper.lib.api_types import BodySchema, IsoDate, Page, QueryId, json_int
from pacekeeper.tenancy.scopes import get_visible, require_follow_up_policy_setter

from . import schemas, selectors, services
from .models import Contact, Contract, Customer, Interaction, Opportunity, Sale, Tier
from .selectors import CUSTOMER_SORTS, CustomerFilters, customer_list

router = Router(tags=["customers"])


CustomerSort = Literal[tuple(CUSTOMER_SORTS)]


class CustomerQuery(Schema):
    """Typed filters: an unknown tier, status or sort is a 422, not a silently empty list."""

    q: str = Field("", max_length=200)
    tier: Tier | None = None
    status: Customer.Status | None = None
    owner: QueryId | None = None
    overdue: bool = False
    sort: CustomerSort = "name"


@router.get("/customers", response=list[schemas.CustomerOut], summary="List customers")
@paginate(Page)
def customers_list(request, filters: Query[CustomerQuery]):
    return customer_list(actor=request.actor, filters=CustomerFilters(**filters.dict()))


# Before the /customers/{customer_id} routes, which would otherwise take "transfer" for an id.
@router.post("/customers/transfer", response=schemas.TransferOut, summary="Transfer customers to another manager")
def customers_transfer(request, payload: schemas.TransferIn):
    moved = services.customers_transfer(
        actor=request.actor, customer_ids=payload.customers, to_manager_id=payload.to_manager, reason=payload.reason
    )
    return {"moved": moved}


@router.get("/customers/{customer_id}", response=schemas.CustomerOut, summary="Read a customer")
def customers_read(request, customer_id: int):
    return get_visible(Customer.objects.visible_to(request.actor), customer_id, actor=request.actor)


@router.post("/customers", response={201: schemas.CustomerOut}, summary="Create a customer")
def customers_create(request, payload: schemas.CustomerIn):
    return 201, services.customer_save(actor=request.actor, changes=payload.dict(exclude_none=True))


@router.patch("/customers/{customer_id}", response=schemas.CustomerOut, summary="Update a customer")
def customers_update(request, customer_id: int, payload: schemas.CustomerPatch):
    customer = get_visible(Customer.objects.visible_to(request.actor), customer_id, actor=request.actor, for_write=True)
    return services.customer_save(actor=request.actor, customer=customer, changes=payload.dict(exclude_unset=True))


def _register(
    *,
    path: str,
    model,
    schema_in,
    schema_patch,
    schema_out,
    save,
    arg: str,
    date_field: str | None,
    related: tuple[str, ...] = (),
    prefetch: tuple[str, ...] = (),
) -> None:
    """List, read, create and update routes for one kind of row that hangs off a customer."""
    tag = [model._meta.verbose_name_plural.title()]

    def scoped(request) -> QuerySet:
        # The organisation: its currency writes the amounts (schemas._money).
        return model.objects.visible_to(request.actor).select_related("org", *related).prefetch_related(*prefetch)

    def filtered(request, customer=None, manager=None, since=None, until=None) -> QuerySet:
        rows = scoped(request)
        if customer:
            rows = rows.filter(customer_id=customer)
        if manager:
            rows = rows.filter(manager_id=manager)
        if since:
            rows = rows.filter(**{f"{date_field}__gte": since})
        if until:
            rows = rows.filter(**{f"{date_field}__lte": until})
        return rows.order_by("-pk")

    # Only the filters a kind of row can answer are offered: a documented filter that is
    # silently ignored would return rows the caller asked to leave out.
    if date_field is None:

        @router.get(f"/{path}", response=list[schema_out], tags=tag, operation_id=f"{path}_list")
        @paginate(Page)
        def list_rows(request, customer: QueryId | None = None):
            return filtered(request, customer)

    else:

        @router.get(f"/{path}", response=list[schema_out], tags=tag, operation_id=f"{path}_list")
        @paginate(Page)
        def list_dated_rows(
            request,
            customer: QueryId | None = None,
            manager: QueryId | None = None,
            since: IsoDate | None = None,
            until: IsoDate | None = None,
        ):
            return filtered(request, customer, manager, since, until)

    @router.get(f"/{path}/{{row_id}}", response=schema_out, tags=tag, operation_id=f"{path}_read")
    def read_row(request, row_id: int):
        return get_visible(scoped(request), row_id, actor=request.actor)

    @router.post(f"/{path}", response={201: schema_out}, tags=tag, operation_id=f"{path}_create")
    def create_row(request, payload: schema_in):
        return 201, save(actor=request.actor, changes=payload.dict(exclude_none=True))

    @router.patch(f"/{path}/{{row_id}}", response=schema_out, tags=tag, operation_id=f"{path}_update")
    def update_row(request, row_id: int, payload: schema_patch):
        row = get_visible(scoped(request), row_id, actor=request.actor, for_write=True)
        return save(actor=request.actor, changes=payload.dict(exclude_unset=True), **{arg: row})


_register(
    path="contacts",
    model=Contact,
    schema_in=schemas.ContactIn,
    schema_patch=schemas.ContactPatch,
    schema_out=schemas.ContactOut,
    save=services.contact_save,
    arg="contact",
    date_field=None,
)
_register(
    path="interactions",
    model=Interaction,
    schema_in=schemas.InteractionIn,
    schema_patch=schemas.InteractionPatch,
    schema_out=schemas.InteractionOut,
    save=services.interaction_save,
    arg="interaction",
    date_field="occurred_at__date",
    prefetch=("contacts",),
)
_register(
    path="sales",
    model=Sale,
    schema_in=schemas.SaleIn,
    schema_patch=schemas.SalePatch,
    schema_out=schemas.SaleOut,
    save=services.sale_save,
    arg="sale",
    date_field="ordered_on",
)
_register(
    path="contracts",
    model=Contract,
    schema_in=schemas.ContractIn,
    schema_patch=schemas.ContractPatch,
    schema_out=schemas.ContractOut,
    save=services.contract_save,
    arg="contract",
    date_field="starts_on",
)
_register(
    path="opportunities",
    model=Opportunity,
    schema_in=schemas.OpportunityIn,
    schema_patch=schemas.OpportunityPatch,
    schema_out=schemas.OpportunityOut,
    save=services.opportunity_save,
    arg="opportunity",
    date_field="expected_close_on",
)


class FollowUpPolicyOut(Schema):
    tier: str
    label: str
    days: int
    default_days: int
    is_default: bool


FollowUpDays = json_int(ge=1, le=3650)


class FollowUpPoliciesIn(BodySchema):
    """Days between follow-ups for the tiers to change; tiers left out keep theirs."""

    strategic: FollowUpDays | None = None
    key: FollowUpDays | None = None
    standard: FollowUpDays | None = None
    sme: FollowUpDays | None = None


@router.get(
    "/follow-up-policies", response=list[FollowUpPolicyOut], tags=["settings"], summary="Follow-up intervals in force"
)
def follow_up_policies_read(request):
    return selectors.follow_up_policy_rows(actor=request.actor)


@router.put(
    "/follow-up-policies",
    response=list[FollowUpPolicyOut],
    tags=["settings"],
    summary="Set follow-up intervals (org admin or director); moves the due dates of the changed tiers",
)
def follow_up_policies_set(request, payload: FollowUpPoliciesIn):
    require_follow_up_policy_setter(request.actor)
    intervals = {tier: days for tier, days in payload.dict().items() if days is not None}
    services.follow_up_policies_set(actor=request.actor, intervals=intervals)
    return selectors.follow_up_policy_rows(actor=request.actor)
