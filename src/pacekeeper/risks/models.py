"""Risk register (风险管理, docs/risks.md): risks of the organisation, a team, a customer or a goal,
scored by probability × impact (1–5 each) before and after the response, with actions (tasks of
the work app), a dated history of every score change, and signals that raise or update risks
from the data with their evidence.

A signal's risk carries `signal_key` ("<kind>:<subject>"): at most one *open* risk per key in an
organisation (partial unique constraint), so a signal never duplicates an open risk; it updates it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from pacekeeper.crm.models import Customer, Sale
from pacekeeper.goals.models import Goal
from pacekeeper.tenancy.models import Organization, Team

TITLE_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 2000
SCALE = range(1, 6)  # probability and impact: 1 (rare / minor) … 5 (almost certain / severe)


def _in_scale(field: str) -> Q:
    return Q(**{f"{field}__gte": 1, f"{field}__lte": 5})


class Level(models.TextChoices):
    ORG = "org", _("Organisation")
    TEAM = "team", _("Team")
    CUSTOMER = "customer", _("Customer")
    GOAL = "goal", _("Goal")


class Category(models.TextChoices):
    MARKET = "market", _("Market")
    OPERATIONAL = "operational", _("Operational")
    FINANCIAL = "financial", _("Financial")
    COMPLIANCE = "compliance", _("Legal / compliance")
    KEY_PERSON = "key_person", _("Key person")
    CONCENTRATION = "concentration", _("Concentration")
    CREDIT = "credit", _("Credit")


class Response(models.TextChoices):
    AVOID = "avoid", _("Avoid")
    TRANSFER = "transfer", _("Transfer")
    CONTROL = "control", _("Control")
    ACCEPT = "accept", _("Accept")


class Status(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class RiskQuerySet(models.QuerySet):
    def visible_to(self, actor):
        from pacekeeper.tenancy.scopes import risks_q

        return self.filter(risks_q(actor))

    def open(self):
        return self.filter(status=Status.OPEN)


class Risk(models.Model):
    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, default=Level.ORG)
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("team")
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("customer")
    )
    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("goal")
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    description = models.TextField(_("description"), max_length=TEXT_MAX_LENGTH, blank=True)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    probability = models.PositiveSmallIntegerField(_("probability (1–5)"))
    impact = models.PositiveSmallIntegerField(_("impact (1–5)"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    response = models.CharField(_("response"), max_length=16, choices=Response.choices, blank=True)
    contingency = models.TextField(_("contingency plan"), max_length=TEXT_MAX_LENGTH, blank=True)
    residual_probability = models.PositiveSmallIntegerField(_("residual probability (1–5)"), null=True, blank=True)
    residual_impact = models.PositiveSmallIntegerField(_("residual impact (1–5)"), null=True, blank=True)
    review_on = models.DateField(_("next review"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    # Raised by a signal: its key, its kind, and the evidence it read (text, figures, a link).
    signal_key = models.CharField(max_length=120, blank=True)
    signal_kind = models.CharField(_("signal"), max_length=40, blank=True)
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    evidence_link = models.CharField(_("evidence link"), max_length=300, blank=True)
    # The review date an overdue notice was sent for (each overdue review is announced once).
    review_notified_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RiskQuerySet.as_manager()

    class Meta:
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        ordering = ["-pk"]
        indexes = [
            models.Index(fields=["org", "status", "review_on"]),
            models.Index(fields=["org", "owner", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=_in_scale("probability"),
                name="risk_probability_1_to_5",
                violation_error_code="risk_probability_range",
                violation_error_message=_("Probability is a whole number from 1 to 5."),
            ),
            models.CheckConstraint(
                condition=_in_scale("impact"),
                name="risk_impact_1_to_5",
                violation_error_code="risk_impact_range",
                violation_error_message=_("Impact is a whole number from 1 to 5."),
            ),
            models.CheckConstraint(
                condition=Q(residual_probability__isnull=True) | _in_scale("residual_probability"),
                name="risk_residual_probability_1_to_5",
                violation_error_code="risk_residual_probability_range",
                violation_error_message=_("Residual probability is a whole number from 1 to 5."),
            ),
            models.CheckConstraint(
                condition=Q(residual_impact__isnull=True) | _in_scale("residual_impact"),
                name="risk_residual_impact_1_to_5",
                violation_error_code="risk_residual_impact_range",
                violation_error_message=_("Residual impact is a whole number from 1 to 5."),
            ),
            models.CheckConstraint(
                condition=Q(level="org", team__isnull=True, customer__isnull=True, goal__isnull=True)
                | Q(level="team", team__isnull=False, customer__isnull=True, goal__isnull=True)
                | Q(level="customer", team__isnull=True, customer__isnull=False, goal__isnull=True)
                | Q(level="goal", team__isnull=True, customer__isnull=True, goal__isnull=False),
                name="risk_subject_matches_level",
                violation_error_code="risk_subject_not_level",
                violation_error_message=_(
                    "A team risk names a team, a customer risk a customer, a goal risk a goal, "
                    "an organisation's risk none of them."
                ),
            ),
            models.UniqueConstraint(
                fields=["org", "signal_key"],
                condition=Q(status="open") & ~Q(signal_key=""),
                name="risk_one_open_per_signal",
                violation_error_code="risk_signal_open",
                violation_error_message=_("An open risk already stands for this signal."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def score(self) -> int:
        return self.probability * self.impact

    @property
    def residual_score(self) -> int | None:
        """The score left after the response; None until both residual figures are set."""
        if self.residual_probability is None or self.residual_impact is None:
            return None
        return self.residual_probability * self.residual_impact

    @property
    def band(self) -> str:
        return band(self.score)

    @property
    def band_label(self) -> str:
        return str(BAND_LABELS[self.band])


# The band codes stay in English (API, CSS classes); pages show these labels.
BAND_LABELS = {
    "low": pgettext_lazy("risk band", "low"),
    "medium": pgettext_lazy("risk band", "medium"),
    "high": pgettext_lazy("risk band", "high"),
    "critical": pgettext_lazy("risk band", "critical"),
}


def band(score: int) -> str:
    """Heat-map bands: 1–4 low, 5–9 medium, 10–16 high, 20–25 critical."""
    if score >= 20:
        return "critical"
    if score >= 10:
        return "high"
    if score >= 5:
        return "medium"
    return "low"


class RiskChangeQuerySet(models.QuerySet):
    def visible_to(self, actor):
        from pacekeeper.tenancy.scopes import risks_q

        return self.filter(risk__in=Risk.objects.filter(risks_q(actor)))


class RiskChange(models.Model):
    """One dated step of a risk's history: the scores and status after the change, and why."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField(_("when"), db_index=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    probability = models.PositiveSmallIntegerField()
    impact = models.PositiveSmallIntegerField()
    residual_probability = models.PositiveSmallIntegerField(null=True, blank=True)
    residual_impact = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)

    objects = RiskChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.risk_id} @ {self.at:%Y-%m-%d}"

    @property
    def score(self) -> int:
        return self.probability * self.impact

    @property
    def note_text(self) -> str:
        """The note in the reader's language: notes the system writes are stored as codes
        (NOTE_RECORDED, NOTE_SIGNAL + the signal's kind) and translated here."""
        if self.note == NOTE_RECORDED:
            return gettext("Recorded")
        if self.note.startswith(NOTE_SIGNAL):
            from .signals import SIGNALS

            kind = self.note.removeprefix(NOTE_SIGNAL)
            found = SIGNALS.get(kind)
            return gettext("Signal: %(kind)s") % {"kind": found.label if found else kind}
        return self.note


NOTE_RECORDED = "@recorded"
NOTE_SIGNAL = "@signal:"


class RiskAction(models.Model):
    """A task of the work app that carries out the risk's response."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="actions")
    task = models.ForeignKey("work.Task", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "risk", "task"],
                name="risk_action_once",
                violation_error_code="risk_action_exists",
                violation_error_message=_("This task is already an action of the risk."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.risk_id} → {self.task_id}"


class ReceivableQuerySet(models.QuerySet):
    def visible_to(self, actor):
        from pacekeeper.tenancy.scopes import receivables_q

        return self.filter(receivables_q(actor))


class Receivable(models.Model):
    """When a sale is to be paid, and whether it has been: the minimum the overdue-receivables
    signal needs, kept here rather than on crm's Sale (no rebuild of the guarded sales table)."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    sale = models.ForeignKey(Sale, on_delete=models.CASCADE, related_name="+", verbose_name=_("sale"))
    due_on = models.DateField(_("payment due"))
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    objects = ReceivableQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["org", "paid_on", "due_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "sale"],
                name="receivable_once_per_sale",
                violation_error_code="receivable_exists",
                violation_error_message=_("This sale already has a payment due date."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.sale_id}: {self.due_on}"

    @property
    def is_paid(self) -> bool:
        return self.paid_on is not None


class RiskSettings(models.Model):
    """The organisation's thresholds for the signals (docs/risks.md, "Signals")."""

    org = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="risk_settings")
    concentration_top_n = models.PositiveSmallIntegerField(_("top customers counted"), default=3)
    concentration_threshold = models.PositiveSmallIntegerField(_("concentration threshold (%)"), default=50)
    concentration_months = models.PositiveSmallIntegerField(_("sales window (months)"), default=12)
    # xgettext:no-python-format
    goal_late_share = models.PositiveSmallIntegerField(_("late in the period from (% elapsed)"), default=66)
    overload_weeks = models.PositiveSmallIntegerField(_("weeks over capacity"), default=2)
    receivable_grace_days = models.PositiveSmallIntegerField(_("days overdue before a risk"), default=30)
    contract_days_ahead = models.PositiveSmallIntegerField(_("contract expiry horizon (days)"), default=60)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(concentration_threshold__gte=1, concentration_threshold__lte=100)
                & Q(goal_late_share__gte=1, goal_late_share__lte=100)
                & Q(concentration_top_n__gte=1)
                & Q(overload_weeks__gte=1)
                & Q(concentration_months__gte=1),
                name="risk_settings_in_range",
                violation_error_code="risk_settings_range",
                violation_error_message=_("Shares are percentages from 1 to 100; counts are at least 1."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.org_id}"
