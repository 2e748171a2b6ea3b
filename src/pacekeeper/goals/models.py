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
    # How a team goal was last split among its members (goals.splitting.METHODS), so it can be
    # split again the same way after its target changes; blank for goals never split.
    split_method = models.CharField(_("split method"), max_length=16, blank=True)
    # The part of a split that took the rounding remainder (the UI names it).
    takes_split_remainder = models.BooleanField(_("took the rounding remainder"), default=False)

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


class GoalChangeQuerySet(models.QuerySet):
    def visible_to(self, actor):
        """A change is seen by whoever sees its goal."""
        return self.filter(goal__in=Goal.objects.visible_to(actor))

    def pending(self):
        return self.filter(status=GoalChange.Status.PENDING)


class GoalChange(models.Model):
    """A target change waiting for a director: a lead lowering their own team's target asks
    first (raising it does not). The goal keeps its target until a director approves."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="changes", verbose_name=_("goal"))
    target_before = models.DecimalField(_("current target"), max_digits=20, decimal_places=2, null=True)
    target_after = models.DecimalField(_("proposed target"), max_digits=20, decimal_places=2)
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("asked by")
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("decision reason"), blank=True)

    objects = GoalChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("target change")
        verbose_name_plural = _("target changes")
        ordering = ["-requested_at", "pk"]
        indexes = [models.Index(fields=["org", "status"])]

    def __str__(self) -> str:
        return f"{self.goal} → {self.target_after}"
