"""Performance evaluations: a review cycle with weighted criteria, and one evaluation per person
that goes through its steps — self-assessment, the lead's review, the director's calibration.

A criterion is either a KPI metric scored against a target (the person's own goal on that metric
in the cycle when there is one, else the criterion's target), or a rating from 1 to 5 given by
the reviewer. Scores are on 0–100; the evaluation's score is the weighted mean of its criteria.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pacekeeper.tenancy.models import Organization


class CycleQuerySet(models.QuerySet):
    def visible_to(self, actor):
        from pacekeeper.tenancy.scopes import review_cycles_q

        return self.filter(review_cycles_q(actor))


class ReviewCycle(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("review cycle status", "Draft")
        OPEN = "open", pgettext_lazy("review cycle status", "Open")
        CLOSED = "closed", pgettext_lazy("review cycle status", "Closed")

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=200)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # Deadlines per step (inclusive; empty: none). A step still waiting the day after is overdue.
    self_due = models.DateField(_("self-assessments due"), null=True, blank=True)
    review_due = models.DateField(_("reviews due"), null=True, blank=True)
    calibration_due = models.DateField(_("calibration due"), null=True, blank=True)
    acknowledgement_due = models.DateField(_("acknowledgements due"), null=True, blank=True)
    # Who is evaluated when the cycle opens: {"roles": [...], "teams": [ids], "people": [ids]}.
    # People listed: exactly them; else the roles (default account managers and leads), within
    # the teams (and their sub-teams) when some are given. Ids are checked against the org on save.
    audience = models.JSONField(_("who is evaluated"), default=dict, blank=True)
    # Target distribution of grades, in percent: {"A": {"max": 20}, "D": {"min": 5}}.
    target_distribution = models.JSONField(_("target distribution"), default=dict, blank=True)

    objects = CycleQuerySet.as_manager()

    class Meta:
        verbose_name = _("review cycle")
        verbose_name_plural = _("review cycles")
        ordering = ["-ends_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="review_cycle_name_unique_in_org"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="review_cycle_ends_after_start",
                violation_error_code="ends_before_start",
                violation_error_message=_("The period ends on or after its start."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    class Kind(models.TextChoices):
        METRIC = "metric", _("KPI metric against a target")
        RATING = "rating", _("Rating by the reviewer (1–5)")

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    cycle = models.ForeignKey(ReviewCycle, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.RATING)
    metric = models.CharField(_("metric"), max_length=40, blank=True)
    # In the metric's unit as the KPI engine returns it (minor units for amounts).
    target = models.DecimalField(_("target"), max_digits=20, decimal_places=2, null=True, blank=True)
    weight = models.PositiveSmallIntegerField(_("weight (%)"))
    position = models.PositiveSmallIntegerField(default=0)
    # The roles measured by this criterion (empty: every role evaluated); per role the weights
    # of its criteria add up to 100.
    roles = models.JSONField(_("roles"), default=list, blank=True)
    # How attainment becomes a score (scoring.py): linear, capped (floor and cap) or bands.
    curve = models.CharField(_("curve"), max_length=16, default="linear")
    floor = models.DecimalField(_("floor (%)"), max_digits=6, decimal_places=2, null=True, blank=True)
    cap = models.DecimalField(_("cap"), max_digits=5, decimal_places=1, null=True, blank=True)
    bands = models.JSONField(_("bands"), default=list, blank=True)

    class Meta:
        ordering = ["cycle", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=100),
                name="criterion_weight_is_a_percentage",
                violation_error_code="weight_not_percentage",
                violation_error_message=_("A weight is from 1 to 100."),
            ),
            models.CheckConstraint(
                condition=Q(kind="rating") | (Q(kind="metric") & ~Q(metric="") & Q(target__gt=0)),
                name="criterion_metric_has_a_target",
                violation_error_code="metric_without_target",
                violation_error_message=_("A metric criterion needs a known metric and a target above zero."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def metric_unit(self) -> str:
        from pacekeeper.kpis.registry import unit_of

        return unit_of(self.metric)

    def applies_to(self, role: str) -> bool:
        return not self.roles or role in self.roles

    @property
    def chart_points(self) -> str:
        from .scoring import curve_chart

        return curve_chart(self.curve, self.floor, self.cap, self.bands)


class EvaluationQuerySet(models.QuerySet):
    def visible_to(self, actor):
        from pacekeeper.tenancy.scopes import evaluations_q

        return self.filter(evaluations_q(actor))


class Evaluation(models.Model):
    class Step(models.TextChoices):
        SELF = "self", _("Self-assessment")
        REVIEW = "review", _("Lead's review")
        CALIBRATION = "calibration", _("Calibration")
        DONE = "done", pgettext_lazy("evaluation step", "Done")

    class Grade(models.TextChoices):
        A = "A", _("A · outstanding")
        B = "B", _("B · exceeds expectations")
        C = "C", _("C · meets expectations")
        D = "D", _("D · below expectations")

    class Response(models.TextChoices):
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        DISPUTED = "disputed", _("Disputed")

    class Resolution(models.TextChoices):
        UPHELD = "upheld", _("Upheld")
        CHANGED = "changed", _("Changed")

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    cycle = models.ForeignKey(ReviewCycle, on_delete=models.CASCADE, related_name="evaluations")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evaluations", verbose_name=_("person")
    )
    step = models.CharField(_("step"), max_length=16, choices=Step.choices, default=Step.SELF)
    self_comment = models.TextField(_("self-assessment"), blank=True)
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The weighted score from the criteria, set at the review; the calibrated one is final.
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1, null=True, blank=True)
    final_score = models.DecimalField(_("final score"), max_digits=5, decimal_places=1, null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices, blank=True)
    calibrated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The lead's reason when sending the self-assessment back (shown to the person).
    sent_back_reason = models.TextField(_("sent back because"), blank=True)
    # After calibration: the person acknowledges or disputes; a dispute is upheld or changed by a
    # director. Acknowledged or resolved, the evaluation is locked.
    response = models.CharField(_("response"), max_length=16, choices=Response.choices, blank=True)
    response_comment = models.TextField(_("person's comment"), blank=True)
    resolution = models.CharField(_("resolution"), max_length=16, choices=Resolution.choices, blank=True)
    resolution_reason = models.TextField(_("director's reason"), blank=True)
    locked_at = models.DateTimeField(_("locked"), null=True, blank=True)

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["cycle", "person__username"]
        constraints = [
            models.UniqueConstraint(fields=["org", "cycle", "person"], name="evaluation_one_per_person_and_cycle"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=120),
                name="evaluation_score_in_range",
                violation_error_code="score_out_of_range",
                violation_error_message=_("A score is from 0 to 120."),
            ),
            models.CheckConstraint(
                condition=Q(final_score__isnull=True) | Q(final_score__gte=0, final_score__lte=120),
                name="evaluation_final_score_in_range",
                violation_error_code="final_score_out_of_range",
                violation_error_message=_("A score is from 0 to 120."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} · {self.person}"


class CriterionScore(models.Model):
    """One criterion of one evaluation: the person's own rating, the reviewer's rating (rating
    criteria) or the actual and target (metric criteria), and the resulting score."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    self_rating = models.PositiveSmallIntegerField(_("own rating"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    actual = models.DecimalField(_("actual"), max_digits=20, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=20, decimal_places=2, null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1, null=True, blank=True)

    class Meta:
        ordering = ["evaluation", "criterion__position", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "evaluation", "criterion"], name="criterion_score_unique"),
            models.CheckConstraint(
                condition=(Q(self_rating__isnull=True) | Q(self_rating__gte=1, self_rating__lte=5))
                & (Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5)),
                name="criterion_ratings_one_to_five",
                violation_error_code="rating_out_of_range",
                violation_error_message=_("A rating is from 1 to 5."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation} · {self.criterion}"


class CalibrationMove(models.Model):
    """A grade or score moved by a director, at calibration or on a dispute, with the reason."""

    class Occasion(models.TextChoices):
        CALIBRATION = "calibration", _("Calibration")
        DISPUTE = "dispute", _("Dispute")

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="moves")
    occasion = models.CharField(_("occasion"), max_length=16, choices=Occasion.choices)
    score_before = models.DecimalField(_("score before"), max_digits=5, decimal_places=1, null=True)
    score_after = models.DecimalField(_("score after"), max_digits=5, decimal_places=1)
    grade_before = models.CharField(_("grade before"), max_length=1, blank=True)
    grade_after = models.CharField(_("grade after"), max_length=1)
    reason = models.TextField(_("reason"))
    moved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    moved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-moved_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.evaluation} · {self.grade_before} → {self.grade_after}"


class OverdueNotice(models.Model):
    """The mark that an overdue step was announced (once per evaluation and step)."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="+")
    step = models.CharField(max_length=16)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org", "evaluation", "step"], name="review_overdue_notice_once"),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation} · {self.step}"
