"""Tickets (工单): complaints (投诉), suggestions (建议) and service requests from customers, with
a working-hours SLA per organisation (docs/tickets.md). The SLA arithmetic is in `sla.py`."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pacekeeper.crm.models import Contact, Customer, Tier
from pacekeeper.tenancy.models import Organization

DESCRIPTION_MAX_LENGTH = 5000
ENTRY_MAX_LENGTH = 5000
CATEGORY_MAX_LENGTH = 60
SUBJECT_MAX_LENGTH = 200
MAX_TARGET_HOURS = 2000


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")
    WECHAT = "wechat", _("WeChat")
    VISIT = "visit", _("Visit")
    SURVEY = "survey", _("Survey answer")
    WALK_IN = "walk_in", _("Walk-in")


class Kind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    SUGGESTION = "suggestion", _("Suggestion")
    REQUEST = "request", _("Service request")


class Severity(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")
    LOW = "low", _("Low")


class Status(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting for customer")
    RESOLVED = "resolved", _("Resolved")
    REPORTED_BACK = "reported_back", _("Reported back")
    CLOSED = "closed", _("Closed")


# The SLA clock runs in these states only (waiting and everything after resolving pause it).
RUNNING_STATUSES = (Status.NEW, Status.IN_PROGRESS)
OPEN_STATUSES = (Status.NEW, Status.IN_PROGRESS, Status.WAITING)

# First response and resolution targets in working hours when the organisation set none.
DEFAULT_TARGET_HOURS = {
    Severity.CRITICAL: (1, 8),
    Severity.HIGH: (4, 16),
    Severity.NORMAL: (8, 40),
    Severity.LOW: (16, 80),
}


class TicketSettings(models.Model):
    """An organisation's working hours for SLAs and its thresholds for opening a ticket from a
    low survey score. One row per organisation, made on first use."""

    org = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="ticket_settings")
    day_start = models.TimeField(_("working day starts"), default=dt.time(9, 0))
    day_end = models.TimeField(_("working day ends"), default=dt.time(18, 0))
    official_calendar = models.BooleanField(
        _("follow the official Chinese holiday calendar"),
        default=True,
        help_text=_("Public holidays and make-up working days (调休); otherwise Monday to Friday."),
    )
    csat_threshold = models.PositiveSmallIntegerField(
        _("open a ticket at a CSAT score of at most"), default=2, help_text=_("0 turns it off.")
    )
    nps_threshold = models.SmallIntegerField(
        _("open a ticket at an NPS score of at most"), default=6, help_text=_("-1 turns it off.")
    )

    class Meta:
        verbose_name = _("ticket settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(day_end__gt=models.F("day_start")),
                name="ticket_settings_day_in_order",
                violation_error_code="ticket_working_day_order",
                violation_error_message=_("The working day ends after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day_start:%H:%M}–{self.day_end:%H:%M}"


class SlaPolicy(models.Model):
    """Targets in working hours for one severity, for every customer tier (tier blank) or one."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices)
    tier = models.CharField(_("customer tier"), max_length=16, choices=Tier.choices, blank=True)
    first_response_hours = models.PositiveIntegerField(_("first response within (working hours)"))
    resolution_hours = models.PositiveIntegerField(_("resolution within (working hours)"))

    class Meta:
        verbose_name = _("SLA target")
        ordering = ["severity", "tier"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "severity", "tier"],
                name="sla_policy_unique_per_org",
                violation_error_code="sla_policy_taken",
                violation_error_message=_("There is already a target for this severity and tier."),
            ),
            models.CheckConstraint(
                condition=Q(first_response_hours__gte=1, resolution_hours__gte=1),
                name="sla_policy_hours_positive",
                violation_error_code="sla_hours_positive",
                violation_error_message=_("A target is at least one working hour."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.severity} {self.tier or '*'}"


class HolidayOverride(models.Model):
    """The organisation's correction of the official calendar: a day off it gives, or a day it
    works."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("date"))
    is_working_day = models.BooleanField(_("working day"), default=False)
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("holiday override")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "day"],
                name="holiday_override_unique_per_org",
                violation_error_code="holiday_override_taken",
                violation_error_message=_("This date is already overridden."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.name}"


class TicketQuerySet(models.QuerySet):
    def visible_to(self, actor):
        from pacekeeper.tenancy.scopes import tickets_q

        return self.filter(tickets_q(actor))

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)


class Ticket(models.Model):
    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("customer"))
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("contact")
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    category = models.CharField(_("category"), max_length=CATEGORY_MAX_LENGTH, blank=True)
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices, default=Severity.NORMAL)
    subject = models.CharField(_("subject"), max_length=SUBJECT_MAX_LENGTH)
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX_LENGTH, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("assignee")
    )
    # Credit follows the fact (DESIGN rule 4): the customer's responsible manager when opened.
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NEW)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    survey_answer = models.OneToOneField(
        "feedback.Answer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("opened"), db_index=True)
    # Targets in working seconds, taken from the SLA policy when the ticket is opened.
    response_target = models.PositiveIntegerField()
    resolution_target = models.PositiveIntegerField()
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    reported_back_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Outcomes recorded when they happen, for the KPIs (working seconds; met or not).
    response_met = models.BooleanField(null=True, blank=True)
    resolution_met = models.BooleanField(null=True, blank=True)
    resolution_seconds = models.PositiveIntegerField(null=True, blank=True)
    # Breach warnings sent (each once): "response_80", "response_100", "resolution_80", "resolution_100".
    warned = models.JSONField(default=list, blank=True)
    # A target was missed (set when a late response or resolution is recorded, or by the chore
    # when an open ticket passes a target): what the list's "breached" filter reads.
    is_breached = models.BooleanField(_("SLA breached"), default=False)

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("ticket")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["org", "status"], name="ticket_org_status"),
            models.Index(fields=["org", "created_at"], name="ticket_org_created"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class TicketEntry(models.Model):
    """The thread: internal notes (colleagues only), replies to the customer, and the report
    back (what was done, told to the customer) that a ticket needs before it is closed."""

    class Kind(models.TextChoices):
        NOTE = "note", _("Internal note")
        REPLY = "reply", _("Reply to the customer")
        REPORT_BACK = "report_back", _("Report back to the customer")

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"), max_length=ENTRY_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.ticket_id}"


class TicketStatusChange(models.Model):
    """The dated status history; the SLA clock's pauses are read from it."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="changes")
    before = models.CharField(max_length=16, choices=Status.choices, blank=True)
    after = models.CharField(max_length=16, choices=Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField()
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.before}→{self.after}"


class TicketAttachment(models.Model):
    """A file on a ticket (a photo of the damage, the disputed invoice), checked and kept the way
    task attachments are (lib/uploads.py): under DATA_DIR by a random name, never served by a URL
    of its own; `name` is the name it was uploaded with, for display and the download only."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    name = models.CharField(_("file name"), max_length=200)
    stored_as = models.CharField(max_length=32, unique=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.name
