"""Pay pages: payout runs for the org admin and directors, each person's pay for themselves and
their lead, and the commission plans."""

from decimal import Decimal

from django.contrib import messages
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacekeeper.errors import Forbidden, ValidationFailed
from pacekeeper.kpis.periods import Period
from pacekeeper.lib.money import from_minor, to_minor
from pacekeeper.lib.pages import actor_required, add_service_errors, message_service_errors, paginate, query_without
from pacekeeper.lib.tabular import download_response
from pacekeeper.tenancy.audit import audit_trail
from pacekeeper.tenancy.models import person_named
from pacekeeper.tenancy.scopes import (
    get_visible,
    is_pay_admin,
    may_approve_payouts,
    require_admin,
    require_pay_admin,
    require_personal_records,
)

from . import services
from .commission import Tier
from .forms import AdjustForm, PlanForm, ReasonForm, RunForm, TierFormSet
from .models import PayoutLine, PayoutRun, Plan


def _run(request: HttpRequest, run_id: int) -> PayoutRun:
    scoped = PayoutRun.objects.visible_to(request.actor).select_related("org", "plan", "approved_by", "created_by")
    return get_visible(scoped, run_id, actor=request.actor)


def _plan(request: HttpRequest, plan_id: int) -> Plan:
    scoped = Plan.objects.visible_to(request.actor).select_related("org").prefetch_related("tiers")
    return get_visible(scoped, plan_id, actor=request.actor)


# --- the first pay page: runs for pay admins, lines for everyone else ------------------------------


@actor_required
def pay_home(request: HttpRequest):
    actor = request.actor
    require_personal_records(actor)
    if not is_pay_admin(actor):
        return _my_pay(request)
    status = request.GET.get("status", "")
    runs = PayoutRun.objects.visible_to(actor).select_related("org", "plan")
    if status in PayoutRun.Status.values:
        runs = runs.filter(status=status)
    period = Period.month_of(actor.today()).previous()
    form = RunForm(
        initial={"starts_on": period.start, "ends_on": period.end},
        plans=Plan.objects.visible_to(actor).filter(is_active=True),
    )
    return render(
        request,
        "incentives/pay_home.html",
        {
            "page": paginate(request, runs),
            "form": form,
            "status": status,
            "statuses": PayoutRun.Status.choices,
            "query": query_without(request, "page"),
        },
    )


def _my_pay(request: HttpRequest):
    """A lead sees their people's lines in every state; an account manager their own, approved."""
    lines = PayoutLine.objects.visible_to(request.actor).select_related("org", "person", "run", "run__plan")
    search = request.GET.get("q", "").strip()
    if search:
        lines = lines.filter(person_named(search, via="person__"))
    lines = lines.order_by("-run__ends_on", "-run_id", "person__username")
    return render(
        request,
        "incentives/my_pay.html",
        {"page": paginate(request, lines), "search": search, "query": query_without(request, "page")},
    )


@actor_required
@require_POST
def run_start(request: HttpRequest):
    actor = request.actor
    require_pay_admin(actor)
    form = RunForm(request.POST, plans=Plan.objects.visible_to(actor).filter(is_active=True))
    if form.is_valid():
        try:
            run = services.payout_run_start(
                actor=actor,
                plan_id=form.cleaned_data["plan"],
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
            )
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The run is being calculated; this page shows it when it is ready."))
            return redirect("incentives:run", run_id=run.pk)
    runs = PayoutRun.objects.visible_to(actor).select_related("org", "plan")
    context = {"page": paginate(request, runs), "form": form, "status": "", "statuses": PayoutRun.Status.choices}
    return render(request, "incentives/pay_home.html", context, status=400)


# --- one run ----------------------------------------------------------------------------------------


@actor_required
def run_detail(request: HttpRequest, run_id: int):
    return _run_page(request, _run(request, run_id))


def _run_page(request: HttpRequest, run, *, forms: dict | None = None, status: int = 200):
    """The run's page; after a refused approval or cancellation, with that form's errors beside
    its field and the typed note kept."""
    forms = forms or {}
    if run.status == PayoutRun.Status.CALCULATING:
        services.recover_stalled_payout_runs(run_ids=[run.pk])
        run.refresh_from_db()
    lines = run.lines.select_related("person").order_by("-amount_minor", "person__username")
    search = request.GET.get("q", "").strip()
    if search:
        lines = lines.filter(person_named(search, via="person__"))
    return render(
        request,
        "incentives/run_detail.html",
        {
            "run": run,
            "rules": [(start, Decimal(rate)) for start, rate in run.rules],
            "page": paginate(request, lines, per_page=50),
            "search": search,
            "query": query_without(request, "page"),
            "history": audit_trail(actor=request.actor, obj=run),
            "may_approve": may_approve_payouts(request.actor) and run.status == PayoutRun.Status.CALCULATED,
            "approval_refusal": services.approval_refusal(run, request.actor.user.pk),
            "people_paid": run.lines.count(),
            "approve_form": forms.get("approve") or ReasonForm(),
            "cancel_form": forms.get("cancel") or ReasonForm(),
        },
        status=status,
    )


@actor_required
def run_export(request: HttpRequest, run_id: int):
    """The run's lines for payroll, CSV or XLSX: employee number, person, basis, amount by the
    plan, payable, reason for an adjustment."""
    run = _run(request, run_id)
    if request.GET.get("detail") == "items":
        return _run_items_export(request, run)
    currency = run.org.currency
    lines = run.lines.select_related("person", "person__manager_profile").order_by("person__username")
    header = [
        _("Employee number"), _("Username"), _("Person"), _("Basis"), _("By the plan"), _("Payable"),
        _("Reason for the adjustment"),
    ]  # fmt: skip

    def rows():
        for line in lines.iterator(chunk_size=2000):
            profile = getattr(line.person, "manager_profile", None)
            yield [
                profile.employee_no if profile else "",
                line.person.username,
                str(line.person),
                str(from_minor(line.basis_minor, currency)),
                str(from_minor(line.calculated_minor, currency)),
                str(from_minor(line.amount_minor, currency)),
                line.adjustment_reason,
            ]

    name = f"payout-{run.starts_on.isoformat()}-{run.ends_on.isoformat()}-{run.pk}"
    return download_response(name, header, rows(), request.GET.get("format", "csv"), sheet="payout")


def _run_items_export(request: HttpRequest, run: PayoutRun):
    """Every statement item of the run, one row each (?detail=items): the person, the item, the
    product line, from, up to, what it applies to, rate, multiplier, order, run it was paid in,
    exact amount; then the line's payable total."""
    from .models import PayoutDetail
    from .statements import exact_text, run_details

    currency = run.org.currency
    details = run_details(run)
    header = [
        _("Username"), _("Person"), _("Item"), _("Product line"), _("From"), _("Up to"), _("Applies to"),
        _("Rate (%)"), _("Accelerator"), _("Order clawed back"), _("Paid in run"), _("Amount (exact)"), _("Payable"),
    ]  # fmt: skip

    def money(minor):
        return "" if minor is None else str(from_minor(minor, currency))

    def rows():
        for detail in details.iterator(chunk_size=2000):
            yield [
                detail.line.person.username,
                str(detail.line.person),
                str(PayoutDetail.Kind(detail.kind).label),
                detail.product_line,
                money(detail.from_minor),
                money(detail.upto_minor),
                money(detail.base_minor),
                "" if detail.rate_percent is None else str(detail.rate_percent.normalize()),
                "" if detail.multiplier is None else str(detail.multiplier),
                str(detail.sale) if detail.sale_id else "",
                str(detail.source_run_id or ""),
                exact_text(detail.exact_amount, currency).replace(",", ""),
                money(detail.line.amount_minor),
            ]

    name = f"payout-items-{run.starts_on.isoformat()}-{run.ends_on.isoformat()}-{run.pk}"
    return download_response(name, header, rows(), request.GET.get("format", "csv"), sheet="statement")


def _run_action(request: HttpRequest, run_id: int, action, done: str, *, name: str, **extra):
    run = _run(request, run_id)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _run_page(request, run, forms={name: form}, status=400)
    try:
        action(actor=request.actor, run=run, reason=form.cleaned_data["reason"], **extra)
    except Forbidden as error:
        messages.error(request, str(error))
    except ValidationFailed as error:
        add_service_errors(form, error)
        return _run_page(request, run, forms={name: form}, status=400)
    else:
        messages.success(request, done)
    return redirect("incentives:run", run_id=run.pk)


@actor_required
@require_POST
def run_approve(request: HttpRequest, run_id: int):
    # The total the approver saw on the page: if a line changed since, nothing is approved.
    seen = request.POST.get("total", "")
    expected = int(seen) if seen.isascii() and seen.lstrip("-").isdigit() and len(seen) < 19 else None
    approve = services.payout_run_approve
    return _run_action(request, run_id, approve, _("Approved."), name="approve", expected_total_minor=expected)


@actor_required
@require_POST
def run_cancel(request: HttpRequest, run_id: int):
    return _run_action(request, run_id, services.payout_run_cancel, _("Cancelled."), name="cancel")


@actor_required
@require_POST
def run_rerun(request: HttpRequest, run_id: int):
    run = _run(request, run_id)
    try:
        services.payout_run_rerun(actor=request.actor, run=run)
    except ValidationFailed as error:
        message_service_errors(request, error)
    return redirect("incentives:run", run_id=run.pk)


@actor_required
def line_adjust(request: HttpRequest, line_id: int):
    scoped = PayoutLine.objects.visible_to(request.actor).select_related("org", "person", "run", "run__plan")
    line = get_visible(scoped, line_id, actor=request.actor)
    require_pay_admin(request.actor)
    currency = line.org.currency
    form = AdjustForm(request.POST or None, initial={"amount": from_minor(line.amount_minor, currency)})
    if request.method == "POST" and form.is_valid():
        try:
            services.payout_line_adjust(
                actor=request.actor,
                line=line,
                amount_minor=to_minor(form.cleaned_data["amount"], currency),
                reason=form.cleaned_data["reason"],
            )
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Adjusted."))
            return redirect("incentives:run", run_id=line.run_id)
    history = audit_trail(actor=request.actor, obj=line)
    return render(request, "incentives/line_adjust.html", {"line": line, "form": form, "history": history})


# --- plans ---------------------------------------------------------------------------------------------


@actor_required
def plan_list(request: HttpRequest):
    require_personal_records(request.actor)
    plans = Plan.objects.visible_to(request.actor).select_related("org").prefetch_related("tiers")
    return render(request, "incentives/plan_list.html", {"page": paginate(request, plans)})


@actor_required
def plan_detail(request: HttpRequest, plan_id: int):
    plan = _plan(request, plan_id)
    return render(
        request,
        "incentives/plan_detail.html",
        {"plan": plan, "history": audit_trail(actor=request.actor, obj=plan)},
    )


def _plan_forms(request: HttpRequest, plan: Plan | None):
    initial, tiers = None, None
    if plan is not None:
        initial = {
            "name": plan.name,
            "metric": plan.metric,
            "description": plan.description,
            "is_active": plan.is_active,
            "tier_mode": plan.tier_mode,
            "cap": None if plan.cap_minor is None else from_minor(plan.cap_minor, plan.org.currency),
            "floor": None if plan.floor_minor is None else from_minor(plan.floor_minor, plan.org.currency),
        }
        tiers = [
            {
                "starts_at": from_minor(tier.from_minor, plan.org.currency),
                "rate_percent": tier.rate_percent,
                "product_line": tier.product_line,
            }
            for tier in plan.tiers.all()
        ]
    data = request.POST if request.method == "POST" else None
    return PlanForm(data, initial=initial), TierFormSet(data, initial=tiers, prefix="tiers")


def _save_plan(request: HttpRequest, plan: Plan | None):
    require_admin(request.actor)
    form, tier_forms = _plan_forms(request, plan)
    if request.method == "POST" and form.is_valid() and tier_forms.is_valid():
        currency = request.actor.org.currency
        tiers = [
            Tier(to_minor(row["starts_at"], currency), row["rate_percent"], row.get("product_line") or "")
            for row in tier_forms.cleaned_data
            if row.get("starts_at") is not None and row.get("rate_percent") is not None
        ]
        fields = dict(form.cleaned_data)
        cap, floor = fields.pop("cap"), fields.pop("floor")
        fields["tier_mode"] = fields.get("tier_mode") or "marginal"
        # Accelerators and who the plan applies to are set through the API; the page keeps them.
        kept = services.plan_kept_terms(plan)
        try:
            saved = services.plan_save(
                actor=request.actor,
                plan=plan,
                tiers=tiers,
                cap_minor=None if cap is None else to_minor(cap, currency),
                floor_minor=None if floor is None else to_minor(floor, currency),
                **kept,
                **fields,
            )
        except ValidationFailed as error:
            add_service_errors(form, error)  # "tiers" is no form field: its messages go on top
        else:
            messages.success(request, _("Saved."))
            return redirect("incentives:plan", plan_id=saved.pk)
    return render(request, "incentives/plan_form.html", {"form": form, "tier_forms": tier_forms, "plan": plan})


@actor_required
def plan_create(request: HttpRequest):
    return _save_plan(request, None)


@actor_required
def plan_edit(request: HttpRequest, plan_id: int):
    return _save_plan(request, _plan(request, plan_id))


# --- statements ------------------------------------------------------------------------------------


@actor_required
def line_statement(request: HttpRequest, line_id: int):
    """A person's statement for one run, item by item; ?format=pdf or xlsx downloads it. Seen by
    whoever sees the line (tenancy/scopes.payout_lines_q): the person once the run is approved,
    their lead chain, pay admins; never the analyst. Anything else is a 404."""
    from django.http import HttpResponse
    from django.utils.translation import get_language

    from pacekeeper.lib.pdf import render_pdf
    from pacekeeper.lib.tabular import XLSX_CONTENT_TYPE, write_document_xlsx

    from .statements import statement_document, statement_rows

    scoped = PayoutLine.objects.visible_to(request.actor).select_related("org", "person", "run", "run__plan")
    line = get_visible(scoped.prefetch_related("details__sale"), line_id, actor=request.actor)
    language = get_language() or line.org.language
    file_format = request.GET.get("format", "")
    name = f"statement-{line.run.starts_on.isoformat()}-{line.run.ends_on.isoformat()}-{line.person.username}"
    if file_format in ("pdf", "xlsx"):
        document = statement_document(line, language)
        if file_format == "pdf":
            response = HttpResponse(render_pdf(document), content_type="application/pdf")
        else:
            response = HttpResponse(write_document_xlsx(document), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
        return response
    return render(
        request,
        "incentives/statement.html",
        {
            "line": line,
            "run": line.run,
            "rows": statement_rows(line, language),
            "query": query_without(request, "format"),
        },
    )
