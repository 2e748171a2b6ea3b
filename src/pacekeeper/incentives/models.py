"""Commission plans and payout runs.

A plan pays a share of one money metric of the KPI engine (sales or gross margin) in marginal
tiers, like a tax scale: each tier's rate applies to the part of the figure above its threshold
and below the next one. A payout run applies a plan to every account manager for a period,
computed in the background; directors approve it. Amounts are integer minor units (DESIGN rule 5).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pacekeeper.tenancy.models import Organization, Team

TIER_MODES = [("marginal", _("Marginal (each rate on its slice)")), ("whole", _("Whole amount (rate reached on all)"))]


class PlanQuerySet(models.QuerySet):
    def visible_to(self, actor):
        from pacekeeper.tenancy.scopes import plans_q

        return self.filter(plans_q(actor))


class Plan(models.Model):
    # The metrics a plan may pay on: amounts of money the KPI engine credits to a manager.
    METRICS = ("sales_amount", "gross_margin")

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=200)
    metric = models.CharField(_("paid on"), max_length=40)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(pgettext_lazy("plan", "active"), default=True)
    # commission.MARGINAL (each tier's rate on its slice) or commission.WHOLE (the rate of the
    # tier reached on the whole figure).
    tier_mode = models.CharField(_("tier mode"), max_length=16, choices=TIER_MODES, default="marginal")
    # Most one person is paid by one run of the plan (before clawbacks); none: no cap.
    cap_minor = models.BigIntegerField(_("cap per person and period"), null=True, blank=True)
    # A guaranteed minimum per person and period, advanced as a draw and recovered from later
    # runs' pay above it; none: no floor.
    floor_minor = models.BigIntegerField(_("guaranteed minimum (draw)"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("commission plan")
        verbose_name_plural = _("commission plans")
        ordering = ["-is_active", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="plan_name_unique_in_org"),
            models.CheckConstraint(
                condition=Q(cap_minor__isnull=True) | Q(cap_minor__gte=0),
                name="plan_cap_not_negative",
                violation_error_code="cap_below_zero",
                violation_error_message=_("A cap is zero or more."),
            ),
            models.CheckConstraint(
                condition=Q(floor_minor__isnull=True) | Q(floor_minor__gte=0),
                name="plan_floor_not_negative",
                violation_error_code="floor_below_zero",
                violation_error_message=_("A guaranteed minimum is zero or more."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def metric_label(self) -> str:
        from pacekeeper.kpis.registry import label_of

        return label_of(self.metric)


class PlanTier(models.Model):
    """One rule of a plan: from `from_minor` of the figure upwards, `rate_percent` of it is paid.
    With a product line, the rule is for that line's sales only; blank: every other line."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tiers")
    from_minor = models.BigIntegerField(_("from"))
    rate_percent = models.DecimalField(_("rate (%)"), max_digits=6, decimal_places=3)
    product_line = models.CharField(_("product line"), max_length=100, blank=True)

    class Meta:
        ordering = ["plan", "product_line", "from_minor"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "plan", "product_line", "from_minor"], name="plan_tier_threshold_unique"
            ),
            models.CheckConstraint(
                condition=Q(from_minor__gte=0),
                name="plan_tier_from_not_negative",
                violation_error_code="tier_below_zero",
                violation_error_message=_("A rule starts at zero or more."),
            ),
            models.CheckConstraint(
                condition=Q(rate_percent__gte=0, rate_percent__lte=100),
                name="plan_tier_rate_is_a_percentage",
                violation_error_code="rate_not_percentage",
                violation_error_message=_("A rate is a percentage from 0 to 100."),
            ),
        ]

    def __str__(self) -> str:
        return f"≥ {self.from_minor}: {self.rate_percent} %"


class PlanAccelerator(models.Model):
    """From `from_percent` of the person's own goal reached (inclusive), the commission × multiplier."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="accelerators")
    from_percent = models.DecimalField(_("from attainment (%)"), max_digits=7, decimal_places=2)
    multiplier = models.DecimalField(_("multiplier"), max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["plan", "from_percent"]
        constraints = [
            models.UniqueConstraint(fields=["org", "plan", "from_percent"], name="plan_accelerator_unique"),
        ]

    def __str__(self) -> str:
        return f"≥ {self.from_percent} %: × {self.multiplier}"


class PlanAssignment(models.Model):
    """Who a plan applies to: a role, a team or one person, from a date (to a date)."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(_("role"), max_length=16, blank=True)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["plan", "starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(~Q(role="") & Q(team__isnull=True, person__isnull=True))
                | (Q(role="") & Q(team__isnull=False, person__isnull=True))
                | (Q(role="") & Q(team__isnull=True, person__isnull=False)),
                name="plan_assignment_one_subject",
                violation_error_code="assignment_one_subject",
                violation_error_message=_("A plan applies to a role, a team or a person: one of them."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="plan_assignment_ends_after_start",
                violation_error_code="ends_before_start",
                violation_error_message=_("The period ends on or after its start."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.role or self.team_id or self.person_id} {self.starts_on}–{self.ends_on or ''}"


class PayoutRunQuerySet(models.QuerySet):
    def visible_to(self, actor):
        from pacekeeper.tenancy.scopes import payout_runs_q

        return self.filter(payout_runs_q(actor))


class PayoutRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        CALCULATING = "calculating", _("Calculating")
        CALCULATED = "calculated", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        CANCELLED = "cancelled", pgettext_lazy("payout run status", "Cancelled")
        FAILED = "failed", pgettext_lazy("payout run status", "Failed")

    RUNNING = (Status.QUEUED, Status.CALCULATING)

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="runs", verbose_name=_("plan"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    # The plan's rules as they were applied, so that later edits to the plan do not change what a
    # run says it did.
    # [[from_minor, "rate percent"], …]
    rules = models.JSONField(_("rules applied"), default=list)
    # The rest of the plan as applied: {"mode", "accelerators": [["from %", "×"]], "cap", "floor"}.
    terms = models.JSONField(_("terms applied"), default=dict, blank=True)
    # What the calculation saw of the sales, for clawbacks later: the highest sale id then, and
    # the orders of the period already cancelled then (never paid, never clawed back).
    sales_through_id = models.BigIntegerField(null=True, blank=True)
    cancelled_sale_ids = models.JSONField(default=list, blank=True)
    total_minor = models.BigIntegerField(_("total"), default=0)
    # Set when the figures are read and the lines are about to be written (progress for the page).
    lines_expected = models.PositiveIntegerField(null=True, blank=True)
    failure = models.TextField(blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    calculated_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    objects = PayoutRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("payout run")
        verbose_name_plural = _("payout runs")
        ordering = ["-ends_on", "-pk"]
        constraints = [
            # One live run per plan and period: a second start is refused, a cancelled one is history.
            models.UniqueConstraint(
                fields=["org", "plan", "starts_on", "ends_on"],
                condition=~Q(status="cancelled"),
                name="payout_run_one_live_per_plan_period",
                violation_error_code="run_already_live",
                violation_error_message=_("This plan already has a run for this period."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="payout_run_ends_after_start",
                violation_error_code="ends_before_start",
                violation_error_message=_("The period ends on or after its start."),
            ),
            models.CheckConstraint(
                condition=Q(approved_at__isnull=True) | Q(status="approved"),
                name="payout_run_approved_when_approved",
                violation_error_code="approval_without_approved_status",
                violation_error_message=_("Only an approved payout run has an approval date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.starts_on:%Y-%m-%d}–{self.ends_on:%Y-%m-%d}"

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING


class PayoutLineQuerySet(models.QuerySet):
    def visible_to(self, actor):
        from pacekeeper.tenancy.scopes import payout_lines_q

        return self.filter(payout_lines_q(actor))


class PayoutLine(models.Model):
    """What one person is paid by one run: the plan's result, and the amount after any adjustment."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    run = models.ForeignKey(PayoutRun, on_delete=models.CASCADE, related_name="lines")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payout_lines", verbose_name=_("person")
    )
    basis_minor = models.BigIntegerField(_("basis"))
    calculated_minor = models.BigIntegerField(_("by the plan"))
    amount_minor = models.BigIntegerField(_("payable"))
    adjustment_reason = models.TextField(_("reason for the adjustment"), blank=True)
    # The effective rate (%) each product pool was paid at, after the accelerator and before the
    # cap: what a later clawback of one of its orders takes back. {"": "2.5", "Loans": "3"}
    rates = models.JSONField(default=dict, blank=True)
    # The accelerator applied (1 without one) and the attainment it came from (None: no goal).
    multiplier = models.DecimalField(_("accelerator"), max_digits=5, decimal_places=2, default=1)
    attainment_percent = models.DecimalField(
        _("goal attained (%)"), max_digits=9, decimal_places=1, null=True, blank=True
    )

    objects = PayoutLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("payout line")
        verbose_name_plural = _("payout lines")
        ordering = ["run", "person__username"]
        constraints = [
            models.UniqueConstraint(fields=["org", "run", "person"], name="payout_line_one_per_person"),
        ]
        indexes = [models.Index(fields=["org", "person"])]

    def __str__(self) -> str:
        return f"{self.run} · {self.person}"

    @property
    def is_adjusted(self) -> bool:
        return self.amount_minor != self.calculated_minor


class PayoutDetail(models.Model):
    """One item of a person's statement for a run (commission.Item): which figure, which tier,
    which rate, the accelerator, the cap, a draw, a clawback, the rounding. `exact_amount` is the
    unrounded effect on pay in the currency's minor units; the line's total rounds their sum."""

    class Kind(models.TextChoices):
        TIER = "tier", _("Commission tier")
        ACCELERATOR = "accelerator", _("Accelerator")
        CAP = "cap", _("Cap")
        DRAW = "draw", _("Draw (guaranteed minimum)")
        DRAW_RECOVERY = "draw_recovery", _("Draw recovered")
        CLAWBACK = "clawback", _("Clawback")
        ROUNDING = "rounding", _("Rounding")

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    line = models.ForeignKey(PayoutLine, on_delete=models.CASCADE, related_name="details")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    product_line = models.CharField(_("product line"), max_length=100, blank=True)
    from_minor = models.BigIntegerField(null=True, blank=True)
    upto_minor = models.BigIntegerField(null=True, blank=True)
    base_minor = models.BigIntegerField(null=True, blank=True)
    rate_percent = models.DecimalField(max_digits=12, decimal_places=6, null=True, blank=True)
    multiplier = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    exact_amount = models.DecimalField(max_digits=24, decimal_places=8)
    # A clawback: the cancelled order and the approved run that paid it.
    sale = models.ForeignKey("crm.Sale", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    source_run = models.ForeignKey(PayoutRun, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["line", "position"]
        indexes = [models.Index(fields=["org", "sale"], name="payout_detail_sale")]

    def __str__(self) -> str:
        return f"{self.line_id} · {self.kind} · {self.exact_amount}"
