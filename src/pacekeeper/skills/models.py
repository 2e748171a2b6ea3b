"""Skills and strengths (识别团队成员的优势): a catalogue of skills per organisation and each
person's level 1–5 in them (docs/skills.md).

A level has two sides: the person's own assessment and their lead's confirmation. The
*current* level — what assignment ranks by and what the matrix shows — is the confirmed one
when a lead has confirmed, else the self-assessed one. A later self-assessment does not
overwrite a confirmation: the confirmed level stands until a lead looks again (the row shows
"awaiting confirmation"). Every change is kept in `SkillLevelChange`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pacekeeper.tenancy.models import Organization

MIN_LEVEL = 1
MAX_LEVEL = 5


class SkillQuerySet(models.QuerySet):
    def visible_to(self, actor):
        from pacekeeper.tenancy.scopes import skills_q

        return self.filter(skills_q(actor))

    def active(self):
        return self.filter(is_active=True)


class Skill(models.Model):
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="skills")
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=500, blank=True)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("An inactive skill keeps its levels but is no longer offered.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SkillQuerySet.as_manager()

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "name"],
                name="skill_name_unique_per_org",
                violation_error_code="skill_name_taken",
                violation_error_message=_("The organisation already has a skill of this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name


def _level_in_range(field: str, *, nullable: bool) -> Q:
    in_range = Q(**{f"{field}__gte": MIN_LEVEL, f"{field}__lte": MAX_LEVEL})
    return (Q(**{f"{field}__isnull": True}) | in_range) if nullable else in_range


# Self-assessed, and either never confirmed or assessed again since, differently.
AWAITING = Q(self_level__isnull=False) & (
    Q(confirmed_level__isnull=True)
    | (Q(self_assessed_at__gt=models.F("confirmed_at")) & ~Q(self_level=models.F("confirmed_level")))
)


class SkillLevelQuerySet(models.QuerySet):
    def visible_to(self, actor):
        from pacekeeper.tenancy.scopes import skill_levels_q

        return self.filter(skill_levels_q(actor))

    def awaiting(self):
        """Self-assessed and not matching a confirmation given after it (the same rule as
        `SkillLevel.awaits_confirmation`): what a lead has yet to look at."""
        return self.filter(AWAITING)


class SkillLevel(models.Model):
    """One person's level in one skill. `level` is the current level (confirmed if confirmed,
    else self-assessed), kept by the services so that ranking reads one column."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="skill_levels", verbose_name=_("person")
    )
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="levels", verbose_name=_("skill"))
    self_level = models.PositiveSmallIntegerField(_("self-assessed level"), null=True, blank=True)
    self_assessed_at = models.DateTimeField(null=True, blank=True)
    confirmed_level = models.PositiveSmallIntegerField(_("confirmed level"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    level = models.PositiveSmallIntegerField(_("level"))

    objects = SkillLevelQuerySet.as_manager()

    class Meta:
        verbose_name = _("skill level")
        verbose_name_plural = _("skill levels")
        ordering = ["skill__name", "pk"]
        indexes = [models.Index(fields=["org", "skill", "level"])]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "person", "skill"],
                name="skill_level_one_per_person_and_skill",
                violation_error_code="skill_level_exists",
                violation_error_message=_("This person already has a level in this skill."),
            ),
            models.CheckConstraint(
                condition=_level_in_range("self_level", nullable=True)
                & _level_in_range("confirmed_level", nullable=True)
                & _level_in_range("level", nullable=False),
                name="skill_level_between_1_and_5",
                violation_error_code="level_out_of_range",
                violation_error_message=_("A level is a whole number from 1 to 5."),
            ),
            models.CheckConstraint(
                condition=Q(confirmed_level__isnull=True, level=models.F("self_level"))
                | Q(confirmed_level__isnull=False, level=models.F("confirmed_level")),
                name="skill_level_current_is_confirmed_else_self",
                violation_error_code="level_not_current",
                violation_error_message=_("The level is the confirmed one if confirmed, else the self-assessed one."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.skill} · {self.level}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_level is not None

    @property
    def awaits_confirmation(self) -> bool:
        """Self-assessed and not (or no longer) matching what a lead confirmed."""
        return (
            self.self_level is not None
            and self.self_level != self.confirmed_level
            and (
                self.confirmed_at is None
                or (self.self_assessed_at is not None and self.self_assessed_at > self.confirmed_at)
            )
        )


class SkillLevelChangeQuerySet(models.QuerySet):
    def visible_to(self, actor):
        from pacekeeper.tenancy.scopes import skill_level_changes_q

        return self.filter(skill_level_changes_q(actor))


class SkillLevelChange(models.Model):
    """The history of a level: who changed which side, when, from what to what (append-only)."""

    class Kind(models.TextChoices):
        SELF = "self", _("Self-assessed")
        CONFIRMED = "confirmed", _("Confirmed")

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    skill_level = models.ForeignKey(SkillLevel, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    from_level = models.PositiveSmallIntegerField(_("previous level"), null=True, blank=True)
    to_level = models.PositiveSmallIntegerField(_("new level"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("changed by")
    )
    at = models.DateTimeField(_("when"), db_index=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    objects = SkillLevelChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("skill level change")
        verbose_name_plural = _("skill level changes")
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=_level_in_range("from_level", nullable=True) & _level_in_range("to_level", nullable=False),
                name="skill_level_change_between_1_and_5",
                violation_error_code="level_out_of_range",
                violation_error_message=_("A level is a whole number from 1 to 5."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.skill_level} {self.from_level}→{self.to_level}"
