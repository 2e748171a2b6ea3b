"""Resources (合理配置资源): what a task or a goal asks for — budget, tools, training or people's
time — and who may approve it (docs/work.md, "Resources").

A request goes requested → approved or refused (with a reason) → spent (the amount actually
spent, which may differ). Spending may also be recorded on a request never approved: it is
then flagged, not hidden. `decision` keeps what was decided once the request is spent, so
"spent but unapproved" and "over budget" stay answerable from the row alone.

Amounts are exact money (DESIGN rule 5): integer minor units of the organisation's currency.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from pacekeeper.lib.formatting import format_amount, format_hours
from pacekeeper.tenancy.models import Organization

# Defaults until the org admin sets the thresholds: a lead decides up to ¥10,000.00 and up to
# 40 hours of people's time (a working week); above either, a director does.
DEFAULT_LEAD_LIMIT_MINOR = 10_000_00
DEFAULT_LEAD_LIMIT_HOURS = Decimal(40)


class ResourceRequestQuerySet(models.QuerySet):
    def visible_to(self, actor):
        """A request is seen with its task or its goal (the one it is attached to)."""
        from pacekeeper.goals.models import Goal

        from .models import Task

        return self.filter(
            Q(task__in=Task.objects.visible_to(actor)) | Q(goal__in=Goal.objects.visible_to(actor)),
            org_id=actor.org_id,
        )


class ResourceRequest(models.Model):
    class Kind(models.TextChoices):
        BUDGET = "budget", _("Budget")
        TOOLS = "tools", _("Tools")
        TRAINING = "training", _("Training")
        PEOPLE_TIME = "people_time", _("People's time")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        SPENT = "spent", _("Spent")

    class Decision(models.TextChoices):
        NONE = "", _("Not decided")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    task = models.ForeignKey(
        "work.Task",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="resource_requests",
        verbose_name=_("task"),
    )
    goal = models.ForeignKey(
        "goals.Goal",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="resource_requests",
        verbose_name=_("goal"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    description = models.CharField(_("what for"), max_length=1000)
    amount_minor = models.BigIntegerField(_("amount"), default=0)
    hours = models.DecimalField(_("hours"), max_digits=7, decimal_places=2, null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices, default="", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    refusal_reason = models.CharField(_("why refused"), max_length=1000, blank=True)
    spent_minor = models.BigIntegerField(_("spent"), null=True, blank=True)
    spent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    spent_at = models.DateTimeField(_("spending recorded"), null=True, blank=True)

    objects = ResourceRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("resource request")
        verbose_name_plural = _("resource requests")
        ordering = ["-requested_at", "-pk"]
        indexes = [
            models.Index(fields=["org", "status"]),
            models.Index(fields=["org", "task"]),
            models.Index(fields=["org", "goal"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(task__isnull=False) & Q(goal__isnull=True))
                | (Q(task__isnull=True) & Q(goal__isnull=False)),
                name="resource_request_one_parent",
                violation_error_code="resource_parent_not_one",
                violation_error_message=_("A request belongs to one task or one goal."),
            ),
            models.CheckConstraint(
                condition=Q(amount_minor__gte=0),
                name="resource_request_amount_not_negative",
                violation_error_code="resource_amount_negative",
                violation_error_message=_("The amount cannot be below zero."),
            ),
            models.CheckConstraint(
                condition=Q(spent_minor__isnull=True) | Q(spent_minor__gte=0),
                name="resource_request_spent_not_negative",
                violation_error_code="resource_spent_negative",
                violation_error_message=_("The amount spent cannot be below zero."),
            ),
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | Q(hours__gte=0),
                name="resource_request_hours_not_negative",
                violation_error_code="resource_hours_negative",
                violation_error_message=_("The hours cannot be below zero."),
            ),
            models.CheckConstraint(
                condition=~Q(decision="refused") | ~Q(refusal_reason=""),
                name="resource_request_refused_has_reason",
                violation_error_code="resource_refused_without_reason",
                violation_error_message=_("Say why the request is refused."),
            ),
            # The status follows the decision: requested is undecided, approved/refused say so,
            # spent carries the amount spent.
            models.CheckConstraint(
                condition=(Q(status="requested") & Q(decision=""))
                | (Q(status="approved") & Q(decision="approved"))
                | (Q(status="refused") & Q(decision="refused"))
                | (Q(status="spent") & Q(spent_minor__isnull=False)),
                name="resource_request_status_matches_decision",
                violation_error_code="resource_status_mismatch",
                violation_error_message=_("The status does not match the decision."),
            ),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def parent(self):
        return self.task if self.task_id else self.goal

    @property
    def is_over_budget(self) -> bool:
        """Spent more than was approved."""
        return (
            self.decision == self.Decision.APPROVED
            and self.spent_minor is not None
            and self.spent_minor > self.amount_minor
        )

    @property
    def is_spent_unapproved(self) -> bool:
        return self.spent_minor is not None and self.decision != self.Decision.APPROVED

    @property
    def is_started_without(self) -> bool:
        """Its task is under way (doing or done) while the request is still waiting or refused."""
        return (
            self.task_id is not None
            and self.status in (self.Status.REQUESTED, self.Status.REFUSED)
            and self.task.status in ("doing", "done")
        )

    @property
    def flags(self) -> list[str]:
        return [
            name
            for name, on in (
                (FLAG_OVER_BUDGET, self.is_over_budget),
                (FLAG_SPENT_UNAPPROVED, self.is_spent_unapproved),
                (FLAG_STARTED_WITHOUT, self.is_started_without),
            )
            if on
        ]


def size_text(kind: str, amount_minor: int | None, hours, currency: str, language: str) -> str:
    """What a request asks for, as its pages and notices show it: hours for people's time ("60 h"
    / "60 小时", with the money too when some was asked), money for the other kinds. A request for
    people's time carries ¥0.00 as its amount; showing that alone read as "asks for nothing"."""
    money = format_amount(int(amount_minor or 0), currency, language)
    if kind != ResourceRequest.Kind.PEOPLE_TIME or hours in (None, ""):
        return money
    with translation.override(language):
        shown = translation.gettext("%(hours)s h") % {"hours": format_hours(Decimal(str(hours)))}
    return f"{shown} · {money}" if amount_minor else shown


class ResourceFlag(models.TextChoices):
    """What needs a look: spent more than approved, spent without approval, work started while
    its request still waits or was refused."""

    OVER_BUDGET = "over_budget", _("Over budget")
    SPENT_UNAPPROVED = "spent_unapproved", _("Spent but not approved")
    STARTED_WITHOUT = "started_without", _("Started without its resources")


FLAG_OVER_BUDGET = ResourceFlag.OVER_BUDGET.value
FLAG_SPENT_UNAPPROVED = ResourceFlag.SPENT_UNAPPROVED.value
FLAG_STARTED_WITHOUT = ResourceFlag.STARTED_WITHOUT.value
FLAG_LABELS = dict(ResourceFlag.choices)


def flag_q(flag: str) -> Q:
    """The same rules as the properties above, for the database (lists filter by flag)."""
    if flag == FLAG_OVER_BUDGET:
        return Q(decision="approved", spent_minor__gt=models.F("amount_minor"))
    if flag == FLAG_SPENT_UNAPPROVED:
        return Q(spent_minor__isnull=False) & ~Q(decision="approved")
    if flag == FLAG_STARTED_WITHOUT:
        return Q(task__isnull=False, status__in=("requested", "refused"), task__status__in=("doing", "done"))
    raise ValueError(flag)


def any_flag_q() -> Q:
    return flag_q(FLAG_OVER_BUDGET) | flag_q(FLAG_SPENT_UNAPPROVED) | flag_q(FLAG_STARTED_WITHOUT)


class ResourceThresholds(models.Model):
    """Set by the org admin: up to these a requester's team lead decides; above, a director.
    One row per organisation; none yet means the defaults."""

    org = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="resource_thresholds")
    lead_limit_minor = models.BigIntegerField(_("a lead decides amounts up to"), default=DEFAULT_LEAD_LIMIT_MINOR)
    lead_limit_hours = models.DecimalField(
        _("a lead decides people's time up to"), max_digits=7, decimal_places=2, default=DEFAULT_LEAD_LIMIT_HOURS
    )

    class Meta:
        verbose_name = _("approval thresholds")
        verbose_name_plural = _("approval thresholds")
        constraints = [
            models.CheckConstraint(
                condition=Q(lead_limit_minor__gte=0) & Q(lead_limit_hours__gte=0),
                name="resource_thresholds_not_negative",
                violation_error_code="resource_threshold_negative",
                violation_error_message=_("A threshold cannot be below zero."),
            )
        ]

    def __str__(self) -> str:
        return str(self.org)
