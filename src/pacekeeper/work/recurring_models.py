"""Recurring tasks and the notices sent about tasks (docs/work.md, "Recurring tasks" and
"Notifications about tasks"). Imported by work/models.py so Django registers them.

A `RecurringTask` is a rule: which task to create, for whom, on which dates (work/recurrence.py).
Each date it has produced is an `Occurrence`, unique per rule and date, so the generator may run
any number of times (from several workers at once) and each task is created exactly once.
A `TaskNotice` marks a due-tomorrow or overdue notice sent, once per task, kind and due date.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pacekeeper.tenancy.models import Organization

from . import recurrence
from .models import Task

MAX_INTERVAL = 52
MAX_LEAD_DAYS = 90


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class RecurringTaskQuerySet(models.QuerySet):
    def visible_to(self, actor):
        from pacekeeper.tenancy.scopes import recurring_tasks_q

        return self.filter(recurring_tasks_q(actor))

    def active(self):
        return self.filter(status=RecurringTask.Status.ACTIVE)


class RecurringTask(models.Model):
    class Frequency(models.TextChoices):
        WEEKLY = recurrence.WEEKLY, _("Weekly")
        MONTHLY = recurrence.MONTHLY, _("Monthly")
        QUARTERLY = recurrence.QUARTERLY, _("Quarterly")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="recurring_tasks", verbose_name=_("owner")
    )
    collaborators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="recurring_collaborations", verbose_name=_("collaborators")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    estimate_hours = models.DecimalField(_("estimate (hours)"), max_digits=7, decimal_places=2, default=0)
    is_important = models.BooleanField(_("important"), default=False)
    labels = models.CharField(_("labels"), max_length=300, blank=True, help_text=_("Separate labels with commas."))
    frequency = models.CharField(_("repeats"), max_length=16, choices=Frequency.choices, default=Frequency.WEEKLY)
    interval = models.PositiveSmallIntegerField(_("every"), default=1)
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices, null=True, blank=True)
    day_of_month = models.PositiveSmallIntegerField(_("day of the month"), null=True, blank=True)
    starts_on = models.DateField(_("first date"))
    ends_on = models.DateField(_("last date"), null=True, blank=True)
    lead_days = models.PositiveSmallIntegerField(_("created ahead (days)"), default=7)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    # The organisation's date the rule was created or last resumed: dates before it are never
    # generated, so a paused stretch (or a rule whose first date is in the past) is not backfilled.
    active_since = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RecurringTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("recurring task")
        verbose_name_plural = _("recurring tasks")
        ordering = ["title", "pk"]
        indexes = [models.Index(fields=["org", "owner"]), models.Index(fields=["status", "org"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="recurring_task_ends_after_start",
                violation_error_code="ends_before_start",
                violation_error_message=_("The last date cannot be before the first."),
            ),
            models.CheckConstraint(
                condition=Q(interval__gte=1, interval__lte=MAX_INTERVAL),
                name="recurring_task_interval_range",
                violation_error_code="interval_range",
                violation_error_message=_("Repeat every 1 to 52 periods."),
            ),
            models.CheckConstraint(
                condition=Q(lead_days__lte=MAX_LEAD_DAYS),
                name="recurring_task_lead_days_range",
                violation_error_code="lead_days_range",
                violation_error_message=_("Create the task at most 90 days ahead."),
            ),
            models.CheckConstraint(
                condition=(Q(frequency=recurrence.WEEKLY) & Q(weekday__gte=0, weekday__lte=6))
                | (~Q(frequency=recurrence.WEEKLY) & Q(day_of_month__gte=1, day_of_month__lte=31)),
                name="recurring_task_has_its_day",
                violation_error_code="day_missing",
                violation_error_message=_("Choose the weekday (weekly) or the day of the month."),
            ),
            models.CheckConstraint(
                condition=Q(estimate_hours__gte=0),
                name="recurring_task_estimate_not_negative",
                violation_error_code="estimate_negative",
                violation_error_message=_("The estimate cannot be below zero hours."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def schedule(self) -> recurrence.Schedule:
        return recurrence.Schedule(
            frequency=self.frequency,
            interval=self.interval,
            starts_on=self.starts_on,
            ends_on=self.ends_on,
            weekday=self.weekday,
            day_of_month=self.day_of_month,
        )

    def describe(self) -> str:
        """The schedule in words, in the active language ("Every 2 weeks on Friday")."""
        if self.frequency == self.Frequency.WEEKLY:
            weekday = Weekday(self.weekday).label if self.weekday is not None else "—"
            if self.interval == 1:
                return gettext("Every week on %(weekday)s") % {"weekday": weekday}
            return gettext("Every %(n)s weeks on %(weekday)s") % {"n": self.interval, "weekday": weekday}
        values = {"n": self.interval, "day": self.day_of_month}
        if self.frequency == self.Frequency.QUARTERLY:
            text = (
                gettext("Every quarter on day %(day)s")
                if self.interval == 1
                else gettext("Every %(n)s quarters on day %(day)s")
            )
        else:
            text = (
                gettext("Every month on day %(day)s")
                if self.interval == 1
                else gettext("Every %(n)s months on day %(day)s")
            )
        text = text % values
        if (self.day_of_month or 0) >= 29:
            text += gettext(" (the last day of shorter months)")
        return text

    @property
    def is_paused(self) -> bool:
        return self.status == self.Status.PAUSED

    @property
    def label_list(self) -> list[str]:
        return [label.strip() for label in self.labels.split(",") if label.strip()]


class Occurrence(models.Model):
    """One date of a rule, and the task created for it (kept when the task is deleted, so the
    date is not generated again)."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    recurring_task = models.ForeignKey(RecurringTask, on_delete=models.CASCADE, related_name="occurrences")
    occurs_on = models.DateField(_("date"))
    task = models.OneToOneField(Task, on_delete=models.SET_NULL, null=True, blank=True, related_name="occurrence")

    class Meta:
        ordering = ["-occurs_on"]
        constraints = [
            models.UniqueConstraint(fields=["org", "recurring_task", "occurs_on"], name="occurrence_once_per_date")
        ]

    def __str__(self) -> str:
        return f"{self.recurring_task_id} @ {self.occurs_on}"


class TaskNotice(models.Model):
    """A notice sent about a task (due tomorrow, overdue) for one due date: sent once however
    often the chores run. A new due date may earn a new notice."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=60)
    due_on = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org", "task", "kind", "due_on"], name="task_notice_once_per_due_date")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.task_id} @ {self.due_on}"
