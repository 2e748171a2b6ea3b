"""Recognition (激励与认可: 精神认可): kudos between colleagues, badges awarded by rules on KPI
results or by hand, and honour certificates for any badge award (docs/recognition.md).

No pay figure is stored or shown here: a badge's evidence holds the KPI figures its rule read
(counts, percentages, goal attainment), never an amount of pay.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from pacekeeper.crm.models import Customer
from pacekeeper.goals.models import Goal
from pacekeeper.lib.formatting import is_chinese
from pacekeeper.tenancy.models import Organization

KUDOS_MAX_LENGTH = 500
REASON_MAX_LENGTH = 500


class KudosQuerySet(models.QuerySet):
    def visible_to(self, actor):
        from pacekeeper.tenancy.scopes import kudos_q

        return self.filter(kudos_q(actor))


class Kudos(models.Model):
    """One colleague praising another, optionally about a customer or a goal."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    giver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kudos_given", verbose_name=_("from")
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kudos_received", verbose_name=_("to")
    )
    text = models.CharField(_("message"), max_length=KUDOS_MAX_LENGTH)
    customer = models.ForeignKey(
        Customer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("customer")
    )
    goal = models.ForeignKey(
        Goal, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("goal")
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    objects = KudosQuerySet.as_manager()

    class Meta:
        verbose_name = _("kudos")
        verbose_name_plural = _("kudos")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["org", "recipient", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(giver=F("recipient")),
                name="kudos_not_to_oneself",
                violation_error_code="kudos_to_self",
                violation_error_message=_("Praise someone else: kudos cannot go to oneself."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.giver} → {self.recipient}"


class Rule(models.TextChoices):
    """How a badge is earned. Automatic rules read the KPI engine after a period closes."""

    MONTHS_AT_TARGET = "months_at_target", _("Three months in a row at or above the monthly goal")
    TOP_NEW_CUSTOMERS = "top_new_customers", _("Most new customers of the quarter in the team")
    FULL_FOLLOW_UP = "full_follow_up", _("Full follow-up compliance for a month (every follow-up on time)")
    MANUAL = "manual", _("Awarded by hand")


class BadgeQuerySet(models.QuerySet):
    def visible_to(self, actor):
        from pacekeeper.tenancy.scopes import badges_q

        return self.filter(badges_q(actor))

    def active(self):
        return self.filter(is_active=True)


class Badge(models.Model):
    """A badge the organisation awards, named in both languages."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="badges")
    code = models.SlugField(_("code"), max_length=40)
    rule = models.CharField(_("rule"), max_length=24, choices=Rule.choices, default=Rule.MANUAL)
    # For MONTHS_AT_TARGET: the metric of the person's monthly goals (sales amount by default).
    metric = models.CharField(_("metric"), max_length=40, blank=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    description_zh = models.CharField(_("description (Chinese)"), max_length=500, blank=True)
    description_en = models.CharField(_("description (English)"), max_length=500, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = BadgeQuerySet.as_manager()

    class Meta:
        verbose_name = _("badge")
        verbose_name_plural = _("badges")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "code"],
                name="badge_code_unique_per_org",
                violation_error_code="badge_code_taken",
                violation_error_message=_("The organisation already has a badge with this code."),
            )
        ]

    def __str__(self) -> str:
        return self.name_in(get_language() or "zh-hans")

    def name_in(self, language: str) -> str:
        return self.name_zh if is_chinese(language) else self.name_en

    def description_in(self, language: str) -> str:
        return self.description_zh if is_chinese(language) else self.description_en

    @property
    def name(self) -> str:
        return str(self)

    @property
    def description(self) -> str:
        return self.description_in(get_language() or "zh-hans")


class BadgeAwardQuerySet(models.QuerySet):
    def visible_to(self, actor):
        from pacekeeper.tenancy.scopes import badge_awards_q

        return self.filter(badge_awards_q(actor))


class BadgeAward(models.Model):
    """A badge earned by a person for a period. A rule never awards the same badge to the same
    person for the same period twice (the unique constraint makes the chore idempotent)."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    badge = models.ForeignKey(Badge, on_delete=models.PROTECT, related_name="awards", verbose_name=_("badge"))
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="badge_awards", verbose_name=_("person")
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    # The KPI figures the rule read: {"rows": [{"label": ..., "value": ...}, ...]} (see rules.py).
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    reason = models.CharField(_("reason"), max_length=REASON_MAX_LENGTH, blank=True)
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("awarded by"),
    )
    awarded_at = models.DateTimeField(_("awarded"), auto_now_add=True)

    objects = BadgeAwardQuerySet.as_manager()

    class Meta:
        verbose_name = _("badge award")
        verbose_name_plural = _("badge awards")
        ordering = ["-period_end", "-pk"]
        indexes = [models.Index(fields=["org", "person", "period_end"])]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "badge", "person", "period_start", "period_end"],
                name="badge_award_once_per_period",
                violation_error_code="badge_already_awarded",
                violation_error_message=_("This person already has this badge for this period."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="badge_award_period_in_order",
                violation_error_code="period_out_of_order",
                violation_error_message=_("A period ends on or after its start."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.badge} · {self.person}"

    @property
    def is_manual(self) -> bool:
        return self.awarded_by_id is not None
