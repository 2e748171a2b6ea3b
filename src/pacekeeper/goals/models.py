"""Strategic objectives and SMART goals on KPI metrics, for the organisation, a team or a person.

Targets and baselines are stored in the metric's own unit as the KPI engine returns it: minor
units for amounts, plain numbers for counts, percentage points for rates.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pacekeeper.tenancy.models import Organization, Team


class GoalQuerySet(models.QuerySet):
    def visible_to(self, actor):
        from pacekeeper.tenancy.scopes import goals_q

        return self.filter(goals_q(actor))

    def active(self):
        return self.filter(status=Goal.Status.ACTIVE)


class Goal(models.Model):
    class Kind(models.TextChoices):
        OBJECTIVE = "objective", _("Strategic objective")
        GOAL = "goal", _("Goal")

    class Level(models.TextChoices):
        ORG = "org", _("Organisation")
        TEAM = "team", _("Team")
        PERSON = "manager", _("Person")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", pgettext_lazy("goal status", "Active")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.GOAL)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("contributes to"),
    )
    metric = models.CharField(_("metric"), max_length=40, blank=True)
    level = models.CharField(_("for"), max_length=16, choices=Level.choices, default=Level.TEAM)
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="goals", verbose_name=_("team")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="goals",
        verbose_name=_("person"),
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=20, decimal_places=2, null=True, blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=20, decimal_places=2, null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    override_reason = models.TextField(_("override reason"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = GoalQuerySet.as_manager()

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["-starts_on", "title", "pk"]
        indexes = [models.Index(fields=["org", "status", "ends_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(level="org", team__isnull=True, person__isnull=True)
                | Q(level="team", team__isnull=False, person__isnull=True)
                | Q(level="manager", team__isnull=True, person__isnull=False),
                name="goal_subject_matches_level",
                violation_error_code="subject_not_level",
                violation_error_message=_(
                    "A team goal names a team, a personal goal names a person, an organisation's goal neither."
                ),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="goal_ends_after_start",
                violation_error_code="ends_before_start",
                violation_error_message=_("The period ends on or after its start."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def metric_unit(self) -> str:
        from pacekeeper.kpis.registry import unit_of

        return unit_of(self.metric)

    @property
    def subject_id(self) -> int:
        return {"org": 0, "team": self.team_id, "manager": self.person_id}[self.level]

    @property
    def subject_label(self) -> str:
        if self.level == self.Level.TEAM:
            return str(self.team)
        if self.level == self.Level.PERSON:
            return str(self.person)
        return str(self.org)
