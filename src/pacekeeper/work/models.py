"""Tasks: the work a goal breaks into, with an owner, dates, an estimate, a checklist and the
four quadrants of importance and urgency (docs/work.md).

Urgency is derived from the due date unless someone sets it by hand: an open task due within
`URGENT_WITHIN_DAYS` days of today, or overdue, is urgent. The quadrant follows from
importance and urgency; "My tasks" orders by it, then by the due date.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pacekeeper.tenancy.models import Organization

# Due today or within the next three days (or overdue): urgent. Three days is the horizon an
# account manager plans visits over; a week would make every task of the week urgent.
URGENT_WITHIN_DAYS = 3


class Quadrant(models.IntegerChoices):
    """The order of "My tasks": do now first, drop last."""

    DO_NOW = 1, _("Important and urgent: do now")
    SCHEDULE = 2, _("Important, not urgent: schedule")
    DELEGATE = 3, _("Urgent, not important: delegate")
    DROP = 4, _("Neither important nor urgent: drop")


def quadrant_of(*, is_important: bool, is_urgent: bool) -> int:
    if is_important:
        return Quadrant.DO_NOW if is_urgent else Quadrant.SCHEDULE
    return Quadrant.DELEGATE if is_urgent else Quadrant.DROP


class DueWindow(models.TextChoices):
    """The due-date filter of the list, the board and the API."""

    OVERDUE = "overdue", _("Overdue")
    TODAY = "today", _("Due today")
    WEEK = "week", _("Due in the next 7 days")
    NONE = "none", _("No due date")


class TaskQuerySet(models.QuerySet):
    def visible_to(self, actor):
        from pacekeeper.crm.models import Customer
        from pacekeeper.tenancy.scopes import tasks_q

        links = Task.collaborators.through.objects
        return self.filter(tasks_q(actor, collaborations=links, customers=Customer.objects))

    def open(self):
        return self.exclude(status__in=Task.CLOSED)

    def with_quadrant(self, today: dt.date):
        """Annotate `quadrant_rank` (1–4) by the same rule as `Task.quadrant`, for ordering."""
        soon = today + dt.timedelta(days=URGENT_WITHIN_DAYS)
        derived_urgent = Q(urgency=Task.Urgency.AUTO, due_on__lte=soon) & ~Q(status__in=Task.CLOSED)
        urgent = Q(urgency=Task.Urgency.URGENT) | derived_urgent
        return self.annotate(
            quadrant_rank=models.Case(
                models.When(urgent & Q(is_important=True), then=models.Value(Quadrant.DO_NOW)),
                models.When(Q(is_important=True), then=models.Value(Quadrant.SCHEDULE)),
                models.When(urgent, then=models.Value(Quadrant.DELEGATE)),
                default=models.Value(Quadrant.DROP),
                output_field=models.IntegerField(),
            )
        )

    def by_quadrant(self, today: dt.date):
        """Quadrant first, then the due date (undated last), then the oldest first."""
        return self.with_quadrant(today).order_by("quadrant_rank", models.F("due_on").asc(nulls_last=True), "pk")


class Task(models.Model):
    class Status(models.TextChoices):
        TODO = "todo", _("To do")
        DOING = "doing", _("Doing")
        BLOCKED = "blocked", _("Blocked")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    class Urgency(models.TextChoices):
        AUTO = "auto", _("From the due date")
        URGENT = "urgent", _("Urgent")
        NOT_URGENT = "not_urgent", _("Not urgent")

    CLOSED = ("done", "cancelled")

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    goal = models.ForeignKey(
        "goals.Goal", on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks", verbose_name=_("goal")
    )
    customer = models.ForeignKey(
        "crm.Customer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("customer"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("owner")
    )
    collaborators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="collaborations", verbose_name=_("collaborators")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    start_on = models.DateField(_("start"), null=True, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    estimate_hours = models.DecimalField(_("estimate (hours)"), max_digits=7, decimal_places=2, default=0)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.TODO)
    blocked_reason = models.CharField(_("why blocked"), max_length=500, blank=True)
    is_important = models.BooleanField(_("important"), default=False)
    urgency = models.CharField(_("urgency"), max_length=16, choices=Urgency.choices, default=Urgency.AUTO)
    labels = models.CharField(_("labels"), max_length=300, blank=True, help_text=_("Separate labels with commas."))
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The work plan the task belongs to (plans from goals, docs/work.md "Plans"), if any.
    plan = models.ForeignKey(
        "work.WorkPlan",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=pgettext_lazy("work plan", "plan"),
    )
    # --- views: the list's "recently updated" sort (every service write saves the whole row) ---
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["org", "owner", "status", "due_on"]),
            models.Index(fields=["org", "goal"]),
            # The task metrics read completions by time and tasks left open by due date (work/kpi_components.py).
            models.Index(fields=["org", "completed_at"], name="work_task_org_completed"),
            models.Index(fields=["org", "due_on"], name="work_task_org_due"),
            # The workload's hours per person (work/load.py) read the open tasks alone, and from
            # this index alone once the table is vacuumed: a 200-person branch's overdue and
            # undated hours without visiting the rows.
            models.Index(
                fields=["org", "owner", "due_on", "estimate_hours"],
                condition=Q(status__in=("todo", "doing", "blocked")),
                name="work_task_open_load",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(estimate_hours__gte=0),
                name="task_estimate_not_negative",
                violation_error_code="estimate_negative",
                violation_error_message=_("The estimate cannot be below zero hours."),
            ),
            models.CheckConstraint(
                condition=Q(start_on__isnull=True) | Q(due_on__isnull=True) | Q(due_on__gte=models.F("start_on")),
                name="task_due_not_before_start",
                violation_error_code="due_before_start",
                violation_error_message=_("The due date cannot be before the start."),
            ),
            models.CheckConstraint(
                condition=~Q(status="blocked") | ~Q(blocked_reason=""),
                name="task_blocked_has_reason",
                violation_error_code="blocked_without_reason",
                violation_error_message=_("Say why the task is blocked."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status not in self.CLOSED

    def is_urgent(self, today: dt.date) -> bool:
        if self.urgency != self.Urgency.AUTO:
            return self.urgency == self.Urgency.URGENT
        return self.is_due_soon(today)

    def is_due_soon(self, today: dt.date) -> bool:
        """Open and due within URGENT_WITHIN_DAYS days (or overdue): the date rule of urgency,
        also the due-date marker's (work/templatetags/task_due.py)."""
        return self.is_open and self.due_on is not None and self.due_on <= today + dt.timedelta(days=URGENT_WITHIN_DAYS)

    def quadrant(self, today: dt.date) -> Quadrant:
        return Quadrant(quadrant_of(is_important=self.is_important, is_urgent=self.is_urgent(today)))

    def is_overdue(self, today: dt.date) -> bool:
        return self.is_open and self.due_on is not None and self.due_on < today

    @property
    def label_list(self) -> list[str]:
        return [label.strip() for label in self.labels.split(",") if label.strip()]


class ChecklistItemQuerySet(models.QuerySet):
    def visible_to(self, actor):
        """An item is seen with its task."""
        return self.filter(task__in=Task.objects.visible_to(actor))


class ChecklistItem(models.Model):
    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="checklist", verbose_name=_("task"))
    text = models.CharField(_("item"), max_length=300)
    is_done = models.BooleanField(_("done"), default=False)
    position = models.PositiveIntegerField(default=0)

    objects = ChecklistItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


# --- discussion: comments and attachments (docs/work.md, "Comments and attachments") ------------


class CommentQuerySet(models.QuerySet):
    def visible_to(self, actor):
        """A comment is seen with its task."""
        return self.filter(task__in=Task.objects.visible_to(actor))


class Comment(models.Model):
    """A comment on a task: plain text (shown escaped, its line breaks kept). Deleting one
    removes it (no "deleted" ghost): the author takes back what they wrote."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="comments", verbose_name=_("task"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("author")
    )
    body = models.TextField(_("comment"))
    # The people the body @mentions (checked and told when the comment was written or edited).
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["task", "created_at"])]

    def __str__(self) -> str:
        return self.body[:50]


class AttachmentQuerySet(models.QuerySet):
    def visible_to(self, actor):
        """An attachment is seen with its task."""
        return self.filter(task__in=Task.objects.visible_to(actor))


class Attachment(models.Model):
    """A file on a task, kept under DATA_DIR by a random name (`stored_as`); `name` is the name it
    was uploaded with, for display and the download only."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("task"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("uploaded by")
    )
    name = models.CharField(_("file name"), max_length=200)
    stored_as = models.CharField(max_length=32, unique=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["task", "created_at"])]

    def __str__(self) -> str:
        return self.name


# --- task metrics: rollups (work/task_rollups.py keeps them; docs/work.md, "Task metrics") ---------

# The completion month of a task not done (yet): later than any period.
NOT_DONE = dt.date(9999, 12, 1)


class TaskCompletionCounts(models.Model):
    """A manager's task completions credited to one day (or month): the local day of
    `completed_at`. Columns are named as the KPI components they carry."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, db_index=False)
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    tasks_done = models.IntegerField(default=0)
    tasks_done_dated = models.IntegerField(default=0)
    tasks_done_on_time = models.IntegerField(default=0)

    class Meta:
        abstract = True


class TaskDailyRollup(TaskCompletionCounts):
    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "day", "manager"], name="task_rollup_unique_day")]
        indexes = [models.Index(fields=["org", "manager", "day"], name="task_rollup_manager_day")]

    def __str__(self) -> str:
        return f"{self.manager_id} {self.day}"


class TaskMonthlyRollup(TaskCompletionCounts):
    month = models.DateField(help_text="The first day of the month.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "month", "manager"], name="task_rollup_unique_month")]

    def __str__(self) -> str:
        return f"{self.manager_id} {self.month:%Y-%m}"


class TaskOpenRollup(models.Model):
    """How many of a manager's tasks (not cancelled) due in `due_month` were done in a later
    month `done_month` (NOT_DONE: not done). Over whole months, the tasks due in the period and
    still open at its end are the rows of its due months done after it: the tasks left open,
    without reading the tasks. Tasks done in their due month or before are never left open at
    the end of a run of whole months holding that month, so they have no row."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, db_index=False)
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    due_month = models.DateField(help_text="The first day of the month.")
    done_month = models.DateField(help_text="The first day of the month it was done in.")
    tasks = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["org", "due_month", "manager", "done_month"], name="task_open_rollup_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.manager_id} {self.due_month:%Y-%m} → {self.done_month:%Y-%m}"


# --- plans from goals (docs/work.md "Plans") ------------------------------------------------------


class WorkPlanQuerySet(models.QuerySet):
    def visible_to(self, actor):
        from pacekeeper.tenancy.scopes import work_plans_q

        return self.filter(work_plans_q(actor))


class WorkPlan(models.Model):
    """A goal broken into tasks: made by hand or from a plan template. Seen with its goal."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    goal = models.ForeignKey("goals.Goal", on_delete=models.CASCADE, related_name="work_plans", verbose_name=_("goal"))
    title = models.CharField(_("title"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = WorkPlanQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("work plan", "plan")
        verbose_name_plural = pgettext_lazy("work plan", "plans")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["org", "goal"])]

    def __str__(self) -> str:
        return self.title


class PlanTemplateQuerySet(models.QuerySet):
    def visible_to(self, actor):
        from pacekeeper.tenancy.scopes import plan_templates_q

        return self.filter(plan_templates_q(actor))


class PlanTemplate(models.Model):
    """An organisation's own plan template (the shipped ones live in work/plan_templates.py)."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlanTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan template")
        verbose_name_plural = _("plan templates")
        ordering = ["title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "title"],
                name="plan_template_title_unique",
                violation_error_code="plan_template_title_taken",
                violation_error_message=_("Your organisation already has a template with this title."),
            )
        ]

    def __str__(self) -> str:
        return self.title


class PlanTemplateStep(models.Model):
    """One task of a template: it starts `offset_days` after the plan's start and takes
    `duration_days` days, the first included (a one-day step is due the day it starts)."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    template = models.ForeignKey(PlanTemplate, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    offset_days = models.PositiveIntegerField(_("starts after (days)"), default=0)
    duration_days = models.PositiveIntegerField(_("takes (days)"), default=1)
    estimate_hours = models.DecimalField(_("estimate (hours)"), max_digits=7, decimal_places=2, default=0)
    is_important = models.BooleanField(_("important"), default=False)

    class Meta:
        verbose_name = _("template step")
        verbose_name_plural = _("template steps")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_days__gte=1),
                name="plan_step_takes_a_day",
                violation_error_code="step_without_duration",
                violation_error_message=_("A step takes at least one day."),
            ),
            models.CheckConstraint(
                condition=Q(estimate_hours__gte=0),
                name="plan_step_estimate_not_negative",
                violation_error_code="step_estimate_negative",
                violation_error_message=_("The estimate cannot be below zero hours."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


# --- required skills (skills slice; docs/skills.md) -------------------------------------------


class TaskRequiredSkillQuerySet(models.QuerySet):
    def visible_to(self, actor):
        """A required skill is seen with its task."""
        return self.filter(task__in=Task.objects.visible_to(actor))


class TaskRequiredSkill(models.Model):
    """A skill a task needs, at least at `min_level` (1–5); assignment ranks candidates by it."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="required_skills", verbose_name=_("task"))
    skill = models.ForeignKey(
        "skills.Skill", on_delete=models.PROTECT, related_name="required_by", verbose_name=_("skill")
    )
    min_level = models.PositiveSmallIntegerField(_("minimum level"))

    objects = TaskRequiredSkillQuerySet.as_manager()

    class Meta:
        verbose_name = _("required skill")
        verbose_name_plural = _("required skills")
        ordering = ["skill__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "task", "skill"],
                name="task_required_skill_once",
                violation_error_code="skill_required_twice",
                violation_error_message=_("The task already requires this skill."),
            ),
            models.CheckConstraint(
                condition=Q(min_level__gte=1, min_level__lte=5),
                name="task_required_skill_level_1_to_5",
                violation_error_code="level_out_of_range",
                violation_error_message=_("A level is a whole number from 1 to 5."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.skill} ≥ {self.min_level}"


# --- recurring tasks and task notices (work/recurring_models.py) ----------------------------------
from .recurring_models import Occurrence, RecurringTask, TaskNotice, Weekday  # noqa: E402, F401

# --- resources (resource requests and their approval thresholds: resource_models.py) -----------
from .resource_models import ResourceRequest, ResourceThresholds  # noqa: E402, F401
