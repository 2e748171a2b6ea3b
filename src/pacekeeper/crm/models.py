"""Customers and the facts the numbers come from: interactions, sales, contracts, opportunities.

Each fact stores the account manager responsible when it happened (`manager`), so moving a
customer to someone else never rewrites who earned what (DESIGN rule 4). Money is integer minor
units (DESIGN rule 5).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pacekeeper.tenancy.models import Organization


class Tier(models.TextChoices):
    STRATEGIC = "strategic", _("Strategic")
    KEY = "key", _("Key")
    STANDARD = "standard", _("Standard")
    SME = "sme", _("SME")


EXTERNAL_ID_TAKEN = _("This external id is already used in your organisation.")

# Days between follow-ups when an organisation has not set its own policy.
DEFAULT_FOLLOW_UP_DAYS = {Tier.STRATEGIC: 14, Tier.KEY: 30, Tier.STANDARD: 60, Tier.SME: 90}


class ScopedQuerySet(models.QuerySet):
    """A queryset whose rows belong to a portfolio. Subclasses name the owner fields: those that
    make a row visible, and (when narrower) those that make it writable."""

    owner_fields: tuple[str, ...] = ()
    write_owner_fields: tuple[str, ...] | None = None  # None: whoever sees a row may write it

    def visible_to(self, actor):
        from pacekeeper.tenancy.scopes import portfolio_q

        return self.filter(portfolio_q(actor, *self.owner_fields))

    def writable_by(self, actor):
        """Rows the actor may change (tenancy.scopes.get_visible(for_write=True) uses it). With
        `write_owner_fields`, EVERY one of them must be in scope: a fact is changed only by
        someone who may write its customer now AND acts for whoever it is credited to — so
        neither the previous manager nor the new one rewrites the other's credited facts."""
        from pacekeeper.tenancy.scopes import portfolio_q

        if not actor.can_write:
            return self.none()
        if not self.write_owner_fields:
            return self.filter(portfolio_q(actor, *self.owner_fields))
        return self.filter(*(portfolio_q(actor, field) for field in self.write_owner_fields))


class CustomerQuerySet(ScopedQuerySet):
    owner_fields = ("owner",)

    def overdue(self, today):
        return self.filter(next_due_on__lt=today).exclude(status=Customer.Status.LOST)

    def due_on(self, today):
        return self.filter(next_due_on=today).exclude(status=Customer.Status.LOST)


class Customer(models.Model):
    class Status(models.TextChoices):
        PROSPECT = "prospect", _("Prospect")
        ACTIVE = "active", _("Active")
        DORMANT = "dormant", _("Dormant")
        LOST = "lost", _("Lost")

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=200)
    external_id = models.CharField(
        _("external id"),
        max_length=64,
        blank=True,
        help_text=_("Unified social credit code or another id from your systems; unique in your organisation."),
    )
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices, default=Tier.STANDARD)
    region = models.CharField(_("region"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PROSPECT)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="customers", verbose_name=_("account manager")
    )
    source = models.CharField(_("source"), max_length=100, blank=True)
    created_on = models.DateField(_("created"), default=timezone.localdate)
    needs = models.TextField(_("needs and preferences"), blank=True)
    last_contacted_on = models.DateField(_("last contact"), null=True, blank=True)
    next_due_on = models.DateField(_("next follow-up"), null=True, blank=True, db_index=True)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["org", "owner", "next_due_on"]), models.Index(fields=["org", "name"])]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "external_id"],
                condition=~Q(external_id=""),
                name="customer_external_id_unique_per_org",
                violation_error_code="external_id_taken",
                violation_error_message=EXTERNAL_ID_TAKEN,
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def followed_up(self) -> bool:
        """Lost customers are not followed up: the overdue filter, the counts and my day leave
        them out, and their due date is not shown as overdue either."""
        return self.status != self.Status.LOST


class ContactQuerySet(ScopedQuerySet):
    owner_fields = ("customer__owner",)


class Contact(models.Model):
    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("customer")
    )
    external_id = models.CharField(_("external id"), max_length=64, blank=True)
    name = models.CharField(_("name"), max_length=100)
    title = models.CharField(_("title"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    wechat_id = models.CharField(_("WeChat id"), max_length=64, blank=True)
    is_decision_maker = models.BooleanField(_("decision maker"), default=False)

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_decision_maker", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "external_id"],
                condition=~Q(external_id=""),
                name="contact_external_id_unique_per_org",
                violation_error_code="external_id_taken",
                violation_error_message=EXTERNAL_ID_TAKEN,
            )
        ]

    def __str__(self) -> str:
        return self.name


class FactQuerySet(ScopedQuerySet):
    """Facts are visible with their customer, and to the manager they are credited to (their
    own past facts, after the customer moved on). They are written only by those who may write
    the customer now: a fact of a customer that moved to another portfolio is read-only for the
    manager it stays credited to."""

    owner_fields = ("customer__owner", "manager")
    write_owner_fields = ("customer__owner", "manager")


class Interaction(models.Model):
    class Kind(models.TextChoices):
        VISIT = "visit", _("Visit")
        CALL = "call", _("Call")
        EMAIL = "email", _("Email")
        MEETING = "meeting", _("Meeting")
        WECHAT = "wechat", _("WeChat")
        OTHER = "other", _("Other")

    # Both foreign keys are the leading column of a composite index below; a separate index
    # on each would only slow down bulk imports.
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, db_index=False)
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="interactions", verbose_name=_("customer"), db_index=False
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("account manager")
    )
    external_id = models.CharField(_("external id"), max_length=64, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.VISIT)
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    contacts = models.ManyToManyField(Contact, blank=True, related_name="interactions", verbose_name=_("contacts"))
    summary = models.TextField(_("summary"))
    outcome = models.TextField(_("outcome"), blank=True)
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    next_step_on = models.DateField(_("next step date"), null=True, blank=True)
    next_step_done = models.BooleanField(_("next step done"), default=False)

    objects = FactQuerySet.as_manager()

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["org", "manager", "occurred_at"]),
            models.Index(fields=["customer", "occurred_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "external_id"],
                condition=~Q(external_id=""),
                name="interaction_external_id_unique_per_org",
                violation_error_code="external_id_taken",
                violation_error_message=EXTERNAL_ID_TAKEN,
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d}"


class FollowUpPolicyQuerySet(models.QuerySet):
    def intervals(self, org_id: int) -> dict[str, int]:
        """Days between follow-ups for every tier: the organisation's policy, else the default."""
        intervals = {str(tier): days for tier, days in DEFAULT_FOLLOW_UP_DAYS.items()}
        intervals.update(self.filter(org_id=org_id).values_list("tier", "interval_days"))
        return intervals


class FollowUpPolicy(models.Model):
    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices)
    interval_days = models.PositiveIntegerField(_("days between follow-ups"))

    objects = FollowUpPolicyQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up policy")
        verbose_name_plural = _("follow-up policies")
        constraints = [
            models.UniqueConstraint(fields=["org", "tier"], name="follow_up_policy_unique_per_org_tier"),
            models.CheckConstraint(
                condition=Q(interval_days__gte=1),
                name="follow_up_interval_positive",
                violation_error_code="interval_too_short",
                violation_error_message=_("Enter a number of days between 1 and 3650."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_tier_display()}: {self.interval_days}"


class Sale(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")

    # Both foreign keys are the leading column of a composite index below; a separate index
    # on each would only slow down bulk imports.
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, db_index=False)
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="sales", verbose_name=_("customer"), db_index=False
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("account manager")
    )
    external_id = models.CharField(_("external id"), max_length=64, blank=True)
    ordered_on = models.DateField(_("order date"))
    product_line = models.CharField(_("product line"), max_length=100, blank=True)
    amount_minor = models.BigIntegerField(_("amount"))
    margin_minor = models.BigIntegerField(_("gross margin"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.CONFIRMED)

    objects = FactQuerySet.as_manager()

    class Meta:
        verbose_name = _("sale")
        verbose_name_plural = _("sales")
        ordering = ["-ordered_on", "-pk"]
        indexes = [
            models.Index(fields=["org", "ordered_on", "manager"]),
            models.Index(fields=["customer", "ordered_on"]),
            # A customer's confirmed sales in order, from the index alone: the first sale and the
            # last one of a period (new customers, retention) without reading the table.
            models.Index(
                fields=["customer", "ordered_on", "id"],
                condition=Q(status="confirmed"),
                name="sale_confirmed_by_customer",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "external_id"],
                condition=~Q(external_id=""),
                name="sale_external_id_unique_per_org",
                violation_error_code="external_id_taken",
                violation_error_message=EXTERNAL_ID_TAKEN,
            )
        ]

    def __str__(self) -> str:
        return self.external_id or f"#{self.pk}"


class Contract(models.Model):
    class Renewal(models.TextChoices):
        PENDING = "pending", _("Pending")
        RENEWED = "renewed", _("Renewed")
        LOST = "lost", _("Lost")

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("customer")
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("account manager")
    )
    external_id = models.CharField(_("external id"), max_length=64, blank=True)
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    value_minor = models.BigIntegerField(_("value"))
    renewal = models.CharField(_("renewal"), max_length=16, choices=Renewal.choices, default=Renewal.PENDING)

    objects = FactQuerySet.as_manager()

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-starts_on", "-pk"]
        indexes = [models.Index(fields=["org", "ends_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "external_id"],
                condition=~Q(external_id=""),
                name="contract_external_id_unique_per_org",
                violation_error_code="external_id_taken",
                violation_error_message=EXTERNAL_ID_TAKEN,
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="contract_ends_after_start",
                violation_error_code="ends_before_start",
                violation_error_message=_("The period ends on or after its start."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Opportunity(models.Model):
    class Stage(models.TextChoices):
        LEAD = "lead", _("Lead")
        QUALIFIED = "qualified", _("Qualified")
        PROPOSAL = "proposal", _("Proposal")
        NEGOTIATION = "negotiation", _("Negotiation")
        WON = "won", _("Won")
        LOST = "lost", _("Lost")

    OPEN_STAGES = (Stage.LEAD, Stage.QUALIFIED, Stage.PROPOSAL, Stage.NEGOTIATION)
    # Probability proposed when an opportunity enters a stage (the user may change it).
    STAGE_PROBABILITY = {"lead": 10, "qualified": 25, "proposal": 50, "negotiation": 75, "won": 100, "lost": 0}

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="opportunities", verbose_name=_("customer")
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("account manager")
    )
    external_id = models.CharField(_("external id"), max_length=64, blank=True)
    name = models.CharField(_("name"), max_length=200)
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.LEAD)
    amount_minor = models.BigIntegerField(_("amount"))
    probability = models.PositiveSmallIntegerField(_("probability (%)"), default=10)
    expected_close_on = models.DateField(_("expected close"))
    closed_on = models.DateField(_("closed"), null=True, blank=True)

    objects = FactQuerySet.as_manager()

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["expected_close_on", "pk"]
        indexes = [models.Index(fields=["org", "stage", "expected_close_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "external_id"],
                condition=~Q(external_id=""),
                name="opportunity_external_id_unique_per_org",
                violation_error_code="external_id_taken",
                violation_error_message=EXTERNAL_ID_TAKEN,
            ),
            models.CheckConstraint(
                condition=Q(probability__lte=100),
                name="opportunity_probability_at_most_100",
                violation_error_code="probability_over_100",
                violation_error_message=_("Enter a probability from 0 to 100."),
            ),
            # The weighted pipeline rounds half up with integer arithmetic valid for amounts ≥ 0.
            models.CheckConstraint(
                condition=Q(amount_minor__gte=0),
                name="opportunity_amount_not_negative",
                violation_error_code="amount_negative",
                violation_error_message=_("The amount cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def weighted_amount_minor(self) -> int:
        # Half-up to the minor unit, in integers: (a*p + 50) // 100 for non-negative amounts.
        return (self.amount_minor * self.probability + 50) // 100


class TransferQuerySet(ScopedQuerySet):
    owner_fields = ("customer__owner", "from_manager", "to_manager")


class OwnershipTransfer(models.Model):
    """A customer moved from one account manager to another, and why."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="transfers")
    from_manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    to_manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    transferred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    transferred_at = models.DateTimeField(default=timezone.now)

    objects = TransferQuerySet.as_manager()

    class Meta:
        verbose_name = _("ownership transfer")
        verbose_name_plural = _("ownership transfers")
        ordering = ["-transferred_at"]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.from_manager_id} → {self.to_manager_id}"


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, actor):
        """An import is its author's: they follow it, confirm it and read its report."""
        return self.filter(org_id=actor.org_id, created_by_id=actor.user_id)


class ImportJob(models.Model):
    """A file being imported from the page, checked and then applied in the background so a
    large file never holds a request open; the author can leave and come back."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("Checking")
        CHECKED = "checked", _("Checked, waiting for you")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        REJECTED = "rejected", _("Nothing imported")
        FAILED = "failed", _("Failed")

    RUNNING = (Status.CHECKING, Status.IMPORTING)

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16)
    filename = models.CharField(max_length=255)
    stored_as = models.CharField(max_length=64, unique=True)
    mode = models.CharField(max_length=16, default="all_or_nothing")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.CHECKING)
    rows_seen = models.PositiveIntegerField(default=0)
    report = models.JSONField(null=True, blank=True)
    failure = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Written every few seconds by the worker running the job, from its own connection: a job
    # whose heartbeat stops had its worker die (import_jobs.recover_stalled_imports).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # Workers that started this step (check or import): one whose worker died is queued again
    # until it has been started MAX_ATTEMPTS times (import_jobs.recover_stalled_imports).
    attempts = models.PositiveSmallIntegerField(default=0)
    # Sent through the API: the client's Idempotency-Key (a retry gets this job back, nothing
    # is imported twice), and whether to import straight after a clean check.
    idempotency_key = models.CharField(max_length=100, blank=True)
    apply_when_checked = models.BooleanField(default=False)
    # The page language of whoever started it: the worker writes the report in it.
    language = models.CharField(max_length=10, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "created_by", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="import_idempotency_key_unique_per_person",
                violation_error_code="idempotency_key_taken",
                violation_error_message=_("You have already sent an import with this Idempotency-Key."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.filename}"

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING


class PurchaseHistoryLock(models.Model):
    """The row a sales writer locks for each customer whose sales it writes
    (`sales_rollups.sales_changing`), so that two writers of one customer's sales take turns and
    neither starts from a purchase history the other is changing. Not the customer's own row:
    every visit logged updates that one (its last contact), and a visit must not wait for a
    50,000-sale import to commit. Created the first time a customer's sales are written."""

    customer = models.OneToOneField(Customer, on_delete=models.CASCADE, primary_key=True, related_name="+")

    class Meta:
        # The table kpis created (its migration 0004) before the lock moved to the CRM it serves.
        db_table = "kpis_purchasehistorylock"

    def __str__(self) -> str:
        return str(self.customer_id)
