"""Training and onboarding (培训与入职): the course catalogue, sessions with places and a waiting
list, enrolments and attendance (checked in by QR code), assessments with a pass mark,
completion certificates, onboarding plans per role, and proposals to raise a skill level that a
lead confirms in the skills app (docs/people.md).

A course is *completed* by a person when they attended one of its sessions and, if the course
has a pass mark, passed an assessment of it. Certificates are issued only for completed courses.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from pacekeeper.lib.formatting import is_chinese
from pacekeeper.skills.models import Skill
from pacekeeper.tenancy.models import Organization, Role


class _Scoped(models.QuerySet):
    scope_name = ""

    def visible_to(self, actor):
        from pacekeeper.tenancy import scopes

        return self.filter(getattr(scopes, self.scope_name)(actor))


class CourseQuerySet(_Scoped):
    scope_name = "training_courses_q"


class Course(models.Model):
    class Category(models.TextChoices):
        PRODUCT = "product", _("Product knowledge")
        SALES = "sales", _("Sales skills")
        SERVICE = "service", _("Customer service")
        CRM = "crm", _("CRM use")
        COMPLIANCE = "compliance", _("Compliance")

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    product_line = models.CharField(_("product line"), max_length=100, blank=True)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark"), null=True, blank=True, help_text=_("Score out of 100; empty: no assessment needed.")
    )
    skill = models.ForeignKey(
        Skill, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("skill it builds")
    )
    skill_level = models.PositiveSmallIntegerField(_("skill level it proposes"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["category", "title_en", "pk"]

    def __str__(self) -> str:
        # Shown in lists, choices and certificates: in the reader's language.
        return self.title_in(get_language() or "zh-hans")

    def title_in(self, language: str) -> str:
        return self.title_zh if is_chinese(language) else self.title_en

    def description_in(self, language: str) -> str:
        return self.description_zh if is_chinese(language) else self.description_en


class TrainingSessionQuerySet(_Scoped):
    scope_name = "training_sessions_q"


class TrainingSession(models.Model):
    class Mode(models.TextChoices):
        OFFLINE = "offline", _("In person")
        ONLINE = "online", _("Online")

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("course"))
    mode = models.CharField(_("mode"), max_length=8, choices=Mode.choices, default=Mode.OFFLINE)
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("trainer")
    )
    place = models.CharField(_("place or link"), max_length=300)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(_("places"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TrainingSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["org", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.course} · {self.starts_at:%Y-%m-%d %H:%M}"


class EnrolmentQuerySet(_Scoped):
    scope_name = "training_enrolments_q"

    def holding_places(self):
        return self.filter(status=Enrolment.Status.ENROLLED)


class Enrolment(models.Model):
    """One person on one session: holding a place, waiting for one (oldest first), or cancelled.
    `attended_at` is the check-in."""

    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("Enrolled")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("session")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    enrolled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("enrolled at"))
    attended_at = models.DateTimeField(_("checked in at"), null=True, blank=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["org", "session", "person"], name="training_enrolment_once_per_session")
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.session}"


class AssessmentQuerySet(_Scoped):
    scope_name = "training_assessments_q"


class Assessment(models.Model):
    """A person's score in a course's assessment (0–100); passed when at or above the pass mark
    in force when it was recorded."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("course"))
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )
    score = models.PositiveSmallIntegerField(_("score"))
    pass_mark = models.PositiveSmallIntegerField(_("pass mark"))
    passed = models.BooleanField(_("passed"))
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(_("assessed at"))
    note = models.CharField(_("note"), max_length=500, blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-assessed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.person} · {self.course} · {self.score}"


class CertificateQuerySet(_Scoped):
    scope_name = "training_certificates_q"


class TrainingCertificate(models.Model):
    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="+", verbose_name=_("course"))
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("issued at"))

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("training certificate")
        verbose_name_plural = _("training certificates")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["org", "course", "person"], name="training_certificate_once_per_course")
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"TR-{self.org_id}-{self.pk:06d}"


class OnboardingPlanQuerySet(_Scoped):
    scope_name = "onboarding_plans_q"


class OnboardingPlan(models.Model):
    """The mandatory onboarding of one role: items due a number of days after the hire date."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    title = models.CharField(_("title"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OnboardingPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("onboarding plan")
        verbose_name_plural = _("onboarding plans")
        ordering = ["role", "pk"]
        constraints = [models.UniqueConstraint(fields=["org", "role"], name="onboarding_plan_one_per_role")]

    def __str__(self) -> str:
        return self.title


class OnboardingItem(models.Model):
    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    plan = models.ForeignKey(OnboardingPlan, on_delete=models.CASCADE, related_name="items")
    title = models.CharField(_("item"), max_length=200)
    due_after_days = models.PositiveSmallIntegerField(_("due (days after hire)"))
    course = models.ForeignKey(
        Course, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("course")
    )

    class Meta:
        ordering = ["due_after_days", "pk"]

    def __str__(self) -> str:
        return self.title


class OnboardingTaskQuerySet(_Scoped):
    scope_name = "onboarding_tasks_q"

    def open(self):
        return self.filter(done_at__isnull=True)


class OnboardingTask(models.Model):
    """One item of a plan for one new hire, due on hire date + the item's offset."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )
    item = models.ForeignKey(OnboardingItem, on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField(_("due"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    overdue_notified_at = models.DateTimeField(null=True, blank=True)

    objects = OnboardingTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("onboarding item")
        verbose_name_plural = _("onboarding items")
        ordering = ["due_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["org", "person", "item"], name="onboarding_task_once")]

    def __str__(self) -> str:
        return f"{self.person} · {self.item}"

    @property
    def is_overdue(self) -> bool:
        """Open past its due date, in the organisation's time zone."""
        from zoneinfo import ZoneInfo

        from django.utils import timezone

        today = timezone.now().astimezone(ZoneInfo(self.person.org.time_zone)).date()
        return self.done_at is None and self.due_on < today


class SkillProposalQuerySet(_Scoped):
    scope_name = "training_skill_proposals_q"


class SkillProposal(models.Model):
    """A completed course proposes a level in the skill it builds; the level changes only when a
    lead confirms it through skills.services.level_confirm (one skill model: the skills app's)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting the lead")
        CONFIRMED = "confirmed", _("Confirmed")
        DISMISSED = "dismissed", _("Dismissed")

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+", verbose_name=_("course"))
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+", verbose_name=_("skill"))
    level = models.PositiveSmallIntegerField(_("proposed level"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = SkillProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("skill proposal")
        verbose_name_plural = _("skill proposals")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["org", "person", "course"], name="training_skill_proposal_once_per_course")
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.skill} → {self.level}"
