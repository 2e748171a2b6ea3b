"""Customer pages: list, 360, forms, follow-ups, pipeline. Each view: parse, fetch through
a scoped queryset, call a service, render."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacekeeper.errors import ValidationFailed
from pacekeeper.lib.formatting import format_date
from pacekeeper.lib.ids import parse_id, parse_ids
from pacekeeper.lib.pages import actor_required, add_service_errors, is_htmx, paginate, query_without
from pacekeeper.tenancy.scopes import get_visible, require_admin, require_writer

from . import selectors, services
from .exports import export_response
from .forms import (
    ContactForm,
    CustomerFilterForm,
    CustomerForm,
    FollowUpPolicyForm,
    InteractionForm,
    OpportunityForm,
    StageForm,
    TransferForm,
)
from .models import Customer, Interaction, Opportunity


def _customer(request: HttpRequest, customer_id: int, *, for_write: bool = False) -> Customer:
    return get_visible(
        Customer.objects.visible_to(request.actor).select_related("owner"),
        customer_id,
        actor=request.actor,
        for_write=for_write,
    )


@actor_required
def customer_list(request: HttpRequest):
    owners = list(selectors.portfolio_holders(actor=request.actor))
    form = CustomerFilterForm(request.GET, owners=owners)
    filters = selectors.CustomerFilters(**(form.cleaned_data if form.is_valid() else {}))
    customers = selectors.customer_list(actor=request.actor, filters=filters)
    if request.GET.get("format") in ("csv", "xlsx"):
        return export_response("customers", customers, request.GET["format"], actor=request.actor)
    context = {
        "form": form,
        "page": paginate(request, customers),
        "sort": filters.sort,
        "query": query_without(request, "page"),
        "query_unsorted": query_without(request, "page", "sort"),
        "is_filtered": any(request.GET.get(k) for k in ("q", "tier", "status", "owner", "overdue")),
        "transfer_form": TransferForm(owners=owners),
        # Came from "log a follow-up": a tap on a customer opens the log form for it.
        "picking_for_log": request.actor.can_write and request.GET.get("log") == "1",
    }
    template = "crm/_customer_rows.html" if is_htmx(request) else "crm/customer_list.html"
    return render(request, template, context)


@actor_required
def customer_create(request: HttpRequest):
    require_writer(request.actor)
    owners = selectors.portfolio_holders(actor=request.actor) if request.actor.role != "manager" else None
    form = CustomerForm(request.POST or None, owners=owners)
    if request.method == "POST" and form.is_valid():
        try:
            customer = services.customer_save(actor=request.actor, changes=form.changes())
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Customer %(name)s added.") % {"name": customer.name})
            return redirect("crm:customer", customer_id=customer.pk)
    return render(request, "crm/customer_form.html", {"form": form})


@actor_required
def customer_edit(request: HttpRequest, customer_id: int):
    customer = _customer(request, customer_id, for_write=True)
    form = CustomerForm(request.POST or None, instance=customer)
    if request.method == "POST" and form.is_valid():
        try:
            services.customer_save(actor=request.actor, customer=customer, changes=form.changes())
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("crm:customer", customer_id=customer.pk)
    return render(request, "crm/customer_form.html", {"form": form, "customer": customer})


@actor_required
def customer_detail(request: HttpRequest, customer_id: int):
    return _customer_page(request, _customer(request, customer_id))


def _customer_page(request: HttpRequest, customer, *, opportunity_form=None, status: int = 200):
    """The customer's page; with a bound `opportunity_form` that has errors, the page comes back
    with that form open, its errors beside the fields and what was typed still there."""
    owners = selectors.portfolio_holders(actor=request.actor) if request.actor.role != "manager" else ()
    return render(
        request,
        "crm/customer_detail.html",
        {
            "customer": customer,
            "contacts": customer.contacts.all(),
            "timeline": selectors.customer_timeline(actor=request.actor, customer=customer),
            "summary": selectors.customer_summary(actor=request.actor, customer=customer),
            "contact_form": ContactForm(),
            "transfer_form": TransferForm(owners=owners) if owners else None,
            "opportunity_form": opportunity_form or OpportunityForm(),
        },
        status=status,
    )


@actor_required
@require_POST
def contact_create(request: HttpRequest, customer_id: int):
    customer = _customer(request, customer_id, for_write=True)
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            services.contact_save(actor=request.actor, changes={**form.cleaned_data, "customer": customer.pk})
        except ValidationFailed as error:
            add_service_errors(form, error)
    if form.errors:
        return render(request, "crm/contact_form.html", {"form": form, "customer": customer}, status=400)
    messages.success(request, _("Contact added."))
    return redirect("crm:customer", customer_id=customer.pk)


@actor_required
def interaction_create(request: HttpRequest, customer_id: int):
    customer = _customer(request, customer_id, for_write=True)
    form = InteractionForm(request.POST or None, customer=customer)
    if request.method == "POST" and form.is_valid():
        try:
            services.interaction_save(actor=request.actor, changes={**form.cleaned_data, "customer": customer.pk})
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Logged. Next follow-up due %(day)s.") % {"day": _next_due_text(request, customer)}
            )
            return redirect("crm:customer", customer_id=customer.pk)
    return render(request, "crm/interaction_form.html", {"form": form, "customer": customer})


def _next_due_text(request: HttpRequest, customer: Customer) -> str:
    customer.refresh_from_db(fields=["next_due_on"])
    return format_date(customer.next_due_on, request.LANGUAGE_CODE) if customer.next_due_on else "—"


@actor_required
@require_POST
def next_step_done(request: HttpRequest, interaction_id: int):
    interaction = get_visible(
        Interaction.objects.visible_to(request.actor), interaction_id, actor=request.actor, for_write=True
    )
    services.interaction_save(actor=request.actor, interaction=interaction, changes={"next_step_done": True})
    if is_htmx(request):
        return HttpResponse("")
    return redirect("dashboards:my_day")


@actor_required
@require_POST
def customer_transfer(request: HttpRequest):
    owners = selectors.portfolio_holders(actor=request.actor)
    form = TransferForm(request.POST, owners=owners)
    customer_ids = parse_ids(request.POST.getlist("customers"))
    if not form.is_valid():
        messages.error(request, _("Choose the new account manager and give a reason."))
        return _back(request)
    try:
        moved = services.customers_transfer(
            actor=request.actor,
            customer_ids=customer_ids,
            to_manager_id=form.cleaned_data["to_manager"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationFailed as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("%(count)d customer(s) transferred.") % {"count": moved})
    return _back(request)


def _back(request: HttpRequest):
    """Return to the page the form came from, if it is one of ours; else the customer list."""
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(back)
    return redirect("crm:customers")


@actor_required
def follow_ups(request: HttpRequest):
    groups = selectors.follow_ups_by_team(actor=request.actor)
    return render(request, "crm/follow_ups.html", {"groups": groups, "today": request.actor.today()})


@actor_required
def pipeline(request: HttpRequest):
    owner = request.GET.get("owner")
    columns = selectors.pipeline(actor=request.actor, owner=parse_id(owner))
    owners = selectors.portfolio_holders(actor=request.actor)
    return render(
        request,
        "crm/pipeline.html",
        {"columns": columns, "owners": owners, "owner": owner, "stages": Opportunity.Stage.choices},
    )


@actor_required
@require_POST
def opportunity_stage(request: HttpRequest, opportunity_id: int):
    opportunity = get_visible(
        Opportunity.objects.visible_to(request.actor), opportunity_id, actor=request.actor, for_write=True
    )
    form = StageForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Unknown stage."), status=400)
    services.opportunity_save(
        actor=request.actor, opportunity=opportunity, changes={"stage": form.cleaned_data["stage"]}
    )
    if is_htmx(request):
        return HttpResponse(status=204)
    return redirect("crm:pipeline")


@actor_required
@require_POST
def opportunity_create(request: HttpRequest, customer_id: int):
    customer = _customer(request, customer_id, for_write=True)
    form = OpportunityForm(request.POST)
    if form.is_valid():
        try:
            services.opportunity_save(actor=request.actor, changes={**form.cleaned_data, "customer": customer.pk})
        except ValidationFailed as error:
            add_service_errors(form, error)
    if form.errors:
        return _customer_page(request, customer, opportunity_form=form, status=400)
    messages.success(request, _("Opportunity added."))
    return redirect("crm:customer", customer_id=customer.pk)


@actor_required
def follow_up_policies(request: HttpRequest):
    """Settings: the days between follow-ups per tier, defaults shown where no policy is set."""
    require_admin(request.actor)
    rows = selectors.follow_up_policy_rows(actor=request.actor)
    form = FollowUpPolicyForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.follow_up_policies_set(actor=request.actor, intervals=form.cleaned_data)
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            done = _("Saved. Due dates of the changed tiers are moved.") if changed else _("Nothing changed.")
            messages.success(request, done)
            return redirect("crm:follow_up_policies")
    return render(request, "crm/follow_up_policies.html", {"form": form, "rows": rows, "tab": "follow_ups"})
