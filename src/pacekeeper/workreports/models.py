"""Work reports (工作报告): what an account manager tells their lead each day or week — sales
progress (pre-filled from the KPI engine and frozen), customer feedback, market and competitor
news, plans for the next period and the help they need (docs/rhythm.md, "Work reports").

A report is a draft until its author submits it; a submitted report stays editable by its author
until a lead has marked it read, then it is locked (what the lead read is what stays).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pacekeeper.tenancy.models import Organization

TEXT_LIMIT = 5000  # characters in a section: a long week fits, a pasted file does not
ITEM_LIMIT = 1000
TAG_LIMIT = 50


class WorkReportQuerySet(models.QuerySet):
    def visible_to(self, actor):
        from pacekeeper.tenancy.scopes import work_reports_q

        return self.filter(work_reports_q(actor))

    def submitted(self):
        return self.filter(status=WorkReport.Status.SUBMITTED)


class WorkReport(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="work_reports", verbose_name=_("author")
    )
    cadence = models.CharField(_("cadence"), max_length=8, choices=Organization.ReportCadence.choices)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    sales_progress = models.TextField(_("sales progress"), blank=True)
    customer_feedback = models.TextField(_("customer feedback heard"), blank=True)
    plans = models.TextField(_("plans for the next period"), blank=True)
    # The period's figures as the KPI engine gave them when the report was written (refreshed
    # on submit, then frozen): {"metrics": [...], "goals": [...], "interactions": {...}}.
    figures = models.JSONField(default=dict, blank=True)
    figures_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("read by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("work report")
        verbose_name_plural = _("work reports")
        ordering = ["-period_start", "author_id", "pk"]
        indexes = [models.Index(fields=["org", "period_start", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "author", "cadence", "period_start"],
                name="work_report_one_per_person_and_period",
                violation_error_code="work_report_exists",
                violation_error_message=_("You already have a report for this period."),
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="work_report_period_ends_after_start",
                violation_error_code="work_report_period_order",
                violation_error_message=_("A period ends on or after its start."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author} · {self.period_start}"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def is_locked(self) -> bool:
        """Read by a lead: the author changes it no more."""
        return self.read_at is not None


class NewsItemQuerySet(models.QuerySet):
    def visible_to(self, actor):
        from pacekeeper.tenancy.scopes import work_reports_q

        return self.filter(work_reports_q(actor, prefix="report__"))


class NewsItem(models.Model):
    """One piece of market or competitor news, tagged (free tags, suggested from earlier ones)."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    report = models.ForeignKey(WorkReport, on_delete=models.CASCADE, related_name="news", verbose_name=_("report"))
    text = models.CharField(_("news"), max_length=ITEM_LIMIT)
    competitor = models.CharField(_("competitor"), max_length=TAG_LIMIT, blank=True)
    product = models.CharField(_("product"), max_length=TAG_LIMIT, blank=True)
    region = models.CharField(_("region"), max_length=TAG_LIMIT, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = NewsItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("market news")
        verbose_name_plural = _("market news")
        ordering = ["report_id", "position", "pk"]

    def __str__(self) -> str:
        return self.text[:50]

    @property
    def tags(self) -> list[tuple[str, str]]:
        return [
            (kind, value)
            for kind, value in (("competitor", self.competitor), ("product", self.product), ("region", self.region))
            if value
        ]


class HelpItemQuerySet(models.QuerySet):
    def visible_to(self, actor):
        from pacekeeper.tenancy.scopes import work_reports_q

        return self.filter(work_reports_q(actor, prefix="report__"))

    def open(self):
        return self.filter(status=HelpItem.Status.OPEN)


class HelpItem(models.Model):
    """Help the author asks for; a lead marks it handled (with a note) or turns it into a task."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        HANDLED = "handled", _("Handled")
        TASK = "task", _("Turned into a task")

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    report = models.ForeignKey(
        WorkReport, on_delete=models.CASCADE, related_name="help_items", verbose_name=_("report")
    )
    text = models.CharField(_("help needed"), max_length=ITEM_LIMIT)
    position = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_note = models.CharField(_("how it was handled"), max_length=ITEM_LIMIT, blank=True)
    task = models.ForeignKey(
        "work.Task", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("task")
    )

    objects = HelpItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("help item")
        verbose_name_plural = _("help items")
        ordering = ["report_id", "position", "pk"]

    def __str__(self) -> str:
        return self.text[:50]


class ReportCommentQuerySet(models.QuerySet):
    def visible_to(self, actor):
        from pacekeeper.tenancy.scopes import work_reports_q

        return self.filter(work_reports_q(actor, prefix="report__"))


class ReportComment(models.Model):
    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    report = models.ForeignKey(WorkReport, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReportCommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:50]
