"""Progress reports (进度报告) as kept: each generated report with the document it showed, its PDF
and XLSX, and a fingerprint of the facts it used (docs/rhythm.md, "Progress reports"); and the
background runs that generate all reports of an organisation for a week or a month."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pacekeeper.tenancy.models import Organization, Team


class SubjectKind(models.TextChoices):
    PERSON = "person", _("Person")
    TEAM = "team", _("Team")
    ORG = "org", _("Organisation")


class PeriodKind(models.TextChoices):
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")


class ProgressReportQuerySet(models.QuerySet):
    def visible_to(self, actor):
        from pacekeeper.tenancy.scopes import progress_reports_q

        return self.filter(progress_reports_q(actor))


class ProgressReport(models.Model):
    """One report of one subject for one period in one language. Generating it again replaces
    the kept figures (the page said beforehand that they had changed)."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    subject_kind = models.CharField(_("for"), max_length=8, choices=SubjectKind.choices)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The team's or the person's id, 0 for the organisation: what makes a report unique.
    subject_ref = models.PositiveBigIntegerField(default=0)
    period_kind = models.CharField(_("period"), max_length=8, choices=PeriodKind.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    language = models.CharField(_("language"), max_length=10)
    title = models.CharField(_("title"), max_length=300)
    subtitle = models.CharField(max_length=300)
    generated_at = models.DateTimeField(_("generated"), default=timezone.now)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    run = models.ForeignKey("ReportRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="reports")
    # sha256 of everything the report states but when (progress.storage.fingerprint).
    fingerprint = models.CharField(max_length=64)
    document = models.JSONField(default=dict)  # progress.storage.document_data
    pdf = models.BinaryField(default=b"")
    xlsx = models.BinaryField(default=b"")

    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-starts_on", "subject_kind", "pk"]
        indexes = [models.Index(fields=["org", "period_kind", "starts_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(subject_kind="org", team__isnull=True, person__isnull=True)
                | Q(subject_kind="team", team__isnull=False, person__isnull=True)
                | Q(subject_kind="person", team__isnull=True, person__isnull=False),
                name="progress_report_subject_matches_kind",
                violation_error_code="progress_report_subject_kind",
                violation_error_message=_(
                    "A team report names a team, a personal one a person, the organisation's neither."
                ),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="progress_report_ends_after_start",
                violation_error_code="progress_report_period_order",
                violation_error_message=_("The period ends on or after its start."),
            ),
            models.UniqueConstraint(
                fields=["org", "subject_kind", "subject_ref", "period_kind", "starts_on", "language"],
                name="progress_report_one_per_subject_period_language",
                violation_error_message=_("This report is already kept: generate it again instead."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} · {self.subtitle}"

    @property
    def subject_id(self) -> int:
        return self.subject_ref


class ReportRun(models.Model):
    """Generating every report of an organisation for one week or month, in the background."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Generating")
        DONE = "done", _("Done")
        FAILED = "failed", pgettext_lazy("report run status", "Failed")

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    period_kind = models.CharField(_("period"), max_length=8, choices=PeriodKind.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    reports_expected = models.PositiveIntegerField(null=True, blank=True)
    reports_done = models.PositiveIntegerField(default=0)
    failure = models.TextField(blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    RUNNING = (Status.QUEUED, Status.RUNNING)

    class Meta:
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One live run per period: the chore, run by several workers, starts it once.
            models.UniqueConstraint(
                fields=["org", "period_kind", "starts_on"],
                condition=Q(status__in=("queued", "running")),
                name="report_run_one_live_per_period",
                violation_error_code="report_run_live",
                violation_error_message=_("The reports of this period are already being generated."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period_kind} {self.starts_on}"

    @property
    def percent_done(self) -> int:
        if not self.reports_expected:
            return 0
        return min(100, self.reports_done * 100 // self.reports_expected)


class ScheduledPeriod(models.Model):
    """A week or month whose reports the schedule has started (the chore's "done" mark, so it
    starts each period once however many workers run it)."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    period_kind = models.CharField(max_length=8, choices=PeriodKind.choices)
    starts_on = models.DateField()
    run = models.ForeignKey(ReportRun, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org", "period_kind", "starts_on"], name="scheduled_period_once"),
        ]

    def __str__(self) -> str:
        return f"{self.period_kind} {self.starts_on}"
