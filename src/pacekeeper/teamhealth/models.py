"""Team health (团队健康, docs/teamhealth.md): anonymous pulse check-ins and conflict cases.

Pulse anonymity is built into the tables, not only into the pages: who has answered a period
(`PulseRespondent`) and what was answered (`PulseAnswer`) are two tables with nothing in common
but the organisation and the period. An answer row holds the team the person was in on the day
they answered, never the person, no timestamp and a random key (so that the order of rows
cannot be matched with the respondents' order). While the period is open, an answer row also
holds `edit_key`, a keyed hash of the person and the period, so that its author may change it;
the pulse chore blanks every key once the period has ended, after which nothing links an answer
to anyone.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pacekeeper.tenancy.models import Organization, Team

MIN_GROUP_FLOOR = 5  # the smallest group whose figures are ever shown; an organisation may raise it
QUESTIONS = ("workload", "stress", "support", "clarity")


class Cadence(models.TextChoices):
    WEEKLY = "weekly", _("Weekly (Monday to Sunday)")
    MONTHLY = "monthly", _("Monthly")


class PulseSettings(models.Model):
    """The organisation's pulse rules. Created with the defaults on first use."""

    org = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="pulse_settings")
    cadence = models.CharField(_("pulse period"), max_length=8, choices=Cadence.choices, default=Cadence.MONTHLY)
    min_group = models.PositiveSmallIntegerField(
        _("smallest group shown"),
        default=MIN_GROUP_FLOOR,
        help_text=_("Figures are shown only for groups with at least this many answers: 5 or more."),
    )
    # A drop of the team's overall score (mean of the four questions, 1–5) by at least this much
    # between two consecutive closed periods alerts the manager of the team's lead.
    drop_alert = models.DecimalField(_("alert on a drop of"), max_digits=3, decimal_places=2, default="0.50")

    class Meta:
        verbose_name = _("pulse settings")
        verbose_name_plural = _("pulse settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_group__gte=MIN_GROUP_FLOOR),
                name="pulse_min_group_at_least_5",
                violation_error_code="pulse_min_group_too_small",
                violation_error_message=_("Groups of fewer than 5 answers are never shown: enter 5 or more."),
            ),
            models.CheckConstraint(
                condition=Q(drop_alert__gt=0, drop_alert__lte=4),
                name="pulse_drop_alert_range",
                violation_error_code="pulse_drop_alert_range",
                violation_error_message=_("A drop is more than 0 and at most 4 points."),
            ),
        ]

    def __str__(self) -> str:
        return f"pulse settings #{self.org_id}"


class PulseRespondent(models.Model):
    """That a person has answered a period, without what they answered."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    period_start = models.DateField()
    period_end = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["org", "person", "period_start"],
                name="pulse_one_answer_per_person_and_period",
                violation_error_code="pulse_answered",
                violation_error_message=_("You have answered this period's pulse already."),
            )
        ]

    def __str__(self) -> str:
        return f"answered {self.period_start}"


def _score_check(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{name}__gte": 1, f"{name}__lte": 5}),
        name=f"pulse_{name}_1_to_5",
        violation_error_code="pulse_score_out_of_range",
        violation_error_message=_("Each answer is a whole number from 1 to 5."),
    )


class PulseAnswer(models.Model):
    """One anonymous answer: four scores (5 is best), the team at the date, the period."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # The team's place in the tree on the day of the answer ("/branch/team/"): a period's groups
    # are built from these, so moving a team afterwards cannot change a closed period's groups
    # (two trees would be two groupings to subtract from each other).
    team_path = models.CharField(max_length=255, blank=True)
    period_start = models.DateField()
    period_end = models.DateField()
    workload = models.PositiveSmallIntegerField()
    stress = models.PositiveSmallIntegerField()
    support = models.PositiveSmallIntegerField()
    clarity = models.PositiveSmallIntegerField()
    edit_key = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["org", "period_start"])]
        constraints = [_score_check(name) for name in QUESTIONS]

    def __str__(self) -> str:
        return f"pulse answer {self.period_start}"


class PulseDecision(models.Model):
    """The smallest group a closed period's figures were decided with, stored the first time they
    are computed and used ever after: deciding one period's groups twice, with two minimums, would
    show two sets of groups over the same answers, whose differences can reveal one person's
    answers. A change of the setting applies only to periods not decided yet. Keyed by the
    period's start, as the answers are (a weekly and a monthly period starting on the same day
    hold the same answers), the cadence kept for the record."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    cadence = models.CharField(max_length=8, choices=Cadence.choices)
    period_start = models.DateField()
    min_group = models.PositiveSmallIntegerField()
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["org", "period_start"],
                name="pulse_decided_once_per_period",
                violation_error_code="pulse_period_decided",
                violation_error_message=_("This period's groups have been decided already."),
            )
        ]

    def __str__(self) -> str:
        return f"pulse decision {self.period_start}"


class PulseAlert(models.Model):
    """A team's score dropped between two periods: announced once (the chore is idempotent)."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    period_start = models.DateField()
    period_end = models.DateField()
    score_before = models.DecimalField(max_digits=4, decimal_places=2)
    score_after = models.DecimalField(max_digits=4, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["org", "team", "period_start"],
                name="pulse_alert_once_per_team_and_period",
                violation_error_code="pulse_alert_sent",
                violation_error_message=_("This drop has been announced already."),
            )
        ]

    def __str__(self) -> str:
        return f"pulse alert {self.team_id} {self.period_start}"


# --- conflict cases -------------------------------------------------------------------------------


class ConflictQuerySet(models.QuerySet):
    def visible_to(self, actor):
        from pacekeeper.tenancy.scopes import conflicts_q

        return self.filter(conflicts_q(actor)).distinct()


class Conflict(models.Model):
    """A conflict between people, taken through raised → mediation → agreement → follow-up →
    closed. Private: the people involved, the mediator and directors (tenancy.scopes)."""

    class Status(models.TextChoices):
        RAISED = "raised", _("Raised")
        MEDIATION = "mediation", _("In mediation")
        AGREEMENT = "agreement", _("Agreement awaiting confirmation")
        FOLLOW_UP = "follow_up", _("Follow-up")
        CLOSED = "closed", _("Closed")

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what happened"), max_length=4000)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("raised by")
    )
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("mediator"),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.RAISED)
    agreement = models.TextField(_("agreement"), max_length=4000, blank=True)
    follow_up_on = models.DateField(_("follow-up on"), null=True, blank=True)
    outcome = models.TextField(_("follow-up outcome"), max_length=4000, blank=True)
    raised_at = models.DateTimeField(_("raised"), auto_now_add=True)
    mediation_at = models.DateTimeField(_("mediation started"), null=True, blank=True)
    agreement_at = models.DateTimeField(_("agreement proposed"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("agreement confirmed by all"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = ConflictQuerySet.as_manager()

    class Meta:
        verbose_name = _("conflict case")
        verbose_name_plural = _("conflict cases")
        ordering = ["-raised_at", "-pk"]
        indexes = [models.Index(fields=["org", "status"])]

    def __str__(self) -> str:
        return self.title


class ConflictParty(models.Model):
    """A person in the conflict; `confirmed_at` is their confirmation of the current agreement."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    conflict = models.ForeignKey(Conflict, on_delete=models.CASCADE, related_name="parties")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "conflict", "person"],
                name="conflict_party_once",
                violation_error_code="conflict_party_twice",
                violation_error_message=_("This person is a party already."),
            )
        ]

    def __str__(self) -> str:
        return f"party {self.person_id} of {self.conflict_id}"


class ConflictStep(models.Model):
    """The dated history of a case: each step, who took it and the note they left."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    conflict = models.ForeignKey(Conflict, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(max_length=16)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(max_length=4000, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.step} of {self.conflict_id}"


QUESTION_LABELS = {
    "workload": _("Workload"),
    "stress": _("Stress"),
    "support": _("Support"),
    "clarity": _("Clarity of goals"),
}
