"""Surveys (客户满意度调查): templates of questions in Chinese and English, campaigns that send
them, invitations (one per contact, a secret link answered once, without an account) and the
answers, which are kept for good (docs/feedback.md).

Credit follows the fact (DESIGN rule 4): an invitation stores the customer's responsible account
manager — and that manager's team — at the moment it is sent (or at the interaction it follows),
and its answer is credited to that manager, whoever owns the customer later.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pacekeeper.crm.models import Contact, Customer, Interaction
from pacekeeper.tenancy.models import Organization, Team

CSAT_MIN, CSAT_MAX = 1, 5
CSAT_SATISFIED = 4  # 4 and 5 are "satisfied"
NPS_MIN, NPS_MAX = 0, 10
NPS_PROMOTER = 9  # 9–10 promoters, 7–8 passives, 0–6 detractors
NPS_PASSIVE = 7
RATING_MIN, RATING_MAX = 1, 5
TEXT_MAX = 4000  # characters of a free-text answer


class Language(models.TextChoices):
    ZH = "zh-hans", "中文"
    EN = "en", "English"


class SurveySettings(models.Model):
    """The organisation's survey rules: how often a contact may be asked, how long a link lives,
    when non-responders are reminded, and which interactions send a survey by themselves."""

    org = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="survey_settings")
    min_days_between = models.PositiveIntegerField(
        _("days between two surveys to one contact"),
        default=90,
        help_text=_("A contact is not asked more often than this."),
    )
    expiry_days = models.PositiveIntegerField(_("days a link stays open"), default=30)
    reminder_after_days = models.PositiveIntegerField(_("days before the one reminder"), default=7)
    interaction_kinds = models.JSONField(
        _("interaction kinds that send a survey"),
        default=list,
        blank=True,
        help_text=_("After an interaction of these kinds, its contacts get the interaction survey by email."),
    )
    interaction_template = models.ForeignKey(
        "SurveyTemplate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("survey after an interaction"),
    )
    schedule_template = models.ForeignKey(
        "SurveyTemplate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("quarterly survey"),
        help_text=_("Sent each quarter to the decision makers of the chosen tiers' customers."),
    )
    schedule_tiers = models.JSONField(_("tiers surveyed each quarter"), default=list, blank=True)

    class Meta:
        verbose_name = _("survey settings")

    def __str__(self) -> str:
        return f"survey settings {self.org_id}"


class TemplateQuerySet(models.QuerySet):
    def visible_to(self, actor):
        from pacekeeper.tenancy.scopes import survey_templates_q

        return self.filter(survey_templates_q(actor))


class SurveyTemplate(models.Model):
    class Kind(models.TextChoices):
        CSAT = "csat", _("Satisfaction (CSAT)")
        NPS = "nps", _("Net promoter score (NPS)")
        CUSTOM = "custom", _("Custom")

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="survey_templates")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.CUSTOM)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    intro_zh = models.TextField(_("introduction (Chinese)"), max_length=2000, blank=True)
    intro_en = models.TextField(_("introduction (English)"), max_length=2000, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_default = models.BooleanField(default=False, help_text="Seeded for the organisation (CSAT, NPS).")
    created_at = models.DateTimeField(default=timezone.now)

    objects = TemplateQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey template")
        ordering = ["-is_default", "name_en", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "name_en"],
                name="survey_template_name_unique",
                violation_error_message=_("The organisation already has a survey of this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name_en

    def name_in(self, language: str) -> str:
        return self.name_zh if language.startswith("zh") else self.name_en

    def intro_in(self, language: str) -> str:
        return self.intro_zh if language.startswith("zh") else self.intro_en


class SurveyQuestion(models.Model):
    class Kind(models.TextChoices):
        CSAT = "csat", _("Satisfaction 1–5 (CSAT)")
        NPS = "nps", _("Likelihood to recommend 0–10 (NPS)")
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        RATING = "rating", _("Rating 1–5")
        TEXT = "text", _("Free text")

    CHOICE_KINDS = (Kind.SINGLE, Kind.MULTIPLE)

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    template = models.ForeignKey(SurveyTemplate, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    text_zh = models.CharField(_("question (Chinese)"), max_length=500)
    text_en = models.CharField(_("question (English)"), max_length=500)
    # For choice questions: [{"zh": "…", "en": "…"}, …]; the answer stores the indexes chosen.
    options = models.JSONField(default=list, blank=True)
    is_required = models.BooleanField(_("required"), default=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text_en

    def text_in(self, language: str) -> str:
        return self.text_zh if language.startswith("zh") else self.text_en

    def options_in(self, language: str) -> list[str]:
        key = "zh" if language.startswith("zh") else "en"
        return [str(option.get(key) or option.get("en") or "") for option in self.options]


class CampaignQuerySet(models.QuerySet):
    def visible_to(self, actor):
        from pacekeeper.tenancy.scopes import survey_campaigns_q

        return self.filter(survey_campaigns_q(actor))


class Campaign(models.Model):
    class Source(models.TextChoices):
        CAMPAIGN = "campaign", _("Campaign")
        INTERACTION = "interaction", _("After an interaction")
        SCHEDULE = "schedule", _("Scheduled")

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="survey_campaigns")
    template = models.ForeignKey(SurveyTemplate, on_delete=models.PROTECT, related_name="campaigns")
    name = models.CharField(_("name"), max_length=200)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.CAMPAIGN)
    # The contact filter the campaign was made from (kept to show what it covered).
    filters = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey campaign")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name


class InvitationQuerySet(models.QuerySet):
    def visible_to(self, actor):
        from pacekeeper.tenancy.scopes import survey_invitations_q

        return self.filter(survey_invitations_q(actor))


class Invitation(models.Model):
    """One contact asked one survey. The link's token is never stored: `token_hash` finds the
    row, and `nonce` with the server's secret key writes the link again (a reminder, the QR
    code) — a copy of the database alone opens no survey (feedback/tokens.py)."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        LINK = "link", _("Link or QR code")

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, db_index=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations")
    template = models.ForeignKey(SurveyTemplate, on_delete=models.PROTECT, related_name="invitations")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="survey_invitations")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="survey_invitations")
    interaction = models.ForeignKey(Interaction, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # Credit (DESIGN rule 4): the responsible manager and their team when the invitation was made.
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    language = models.CharField(max_length=10, choices=Language.choices, default=Language.ZH)
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.LINK)
    nonce = models.CharField(max_length=64, unique=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey invitation")
        ordering = ["-sent_at", "-pk"]
        indexes = [
            models.Index(fields=["org", "sent_at"], name="survey_invitation_sent"),
            models.Index(fields=["org", "contact", "sent_at"], name="survey_invitation_contact"),
        ]

    def __str__(self) -> str:
        return f"invitation {self.pk}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class AnswerQuerySet(models.QuerySet):
    def visible_to(self, actor):
        from pacekeeper.tenancy.scopes import survey_answers_q

        return self.filter(survey_answers_q(actor))

    def delete(self):
        from pacekeeper.errors import Forbidden

        raise Forbidden(_("Survey answers are kept: they cannot be deleted."))


class Answer(models.Model):
    """A contact's answer. Never deleted (the customer's word is a record): `delete()` refuses.
    `csat` and `nps` are the template's first CSAT and NPS questions' scores, for the KPIs;
    `items` holds every question's answer by question id."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, db_index=False)
    invitation = models.OneToOneField(Invitation, on_delete=models.PROTECT, related_name="answer")
    template = models.ForeignKey(SurveyTemplate, on_delete=models.PROTECT, related_name="answers")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="survey_answers")
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="survey_answers")
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    answered_at = models.DateTimeField(default=timezone.now)
    csat = models.PositiveSmallIntegerField(null=True, blank=True)
    nps = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)
    items = models.JSONField(default=dict)

    objects = AnswerQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey answer")
        ordering = ["-answered_at", "-pk"]
        indexes = [models.Index(fields=["org", "answered_at"], name="survey_answer_day")]
        constraints = [
            models.CheckConstraint(
                condition=Q(csat__isnull=True) | Q(csat__gte=CSAT_MIN, csat__lte=CSAT_MAX),
                name="survey_csat_range",
                violation_error_code="survey_csat_out_of_range",
                violation_error_message=_("A satisfaction score is from 1 to 5."),
            ),
            models.CheckConstraint(
                condition=Q(nps__isnull=True) | Q(nps__gte=NPS_MIN, nps__lte=NPS_MAX),
                name="survey_nps_range",
                violation_error_code="survey_nps_out_of_range",
                violation_error_message=_("A recommendation score is from 0 to 10."),
            ),
        ]

    def __str__(self) -> str:
        return f"answer {self.pk}"

    def delete(self, *args, **kwargs):
        from pacekeeper.errors import Forbidden

        raise Forbidden(_("Survey answers are kept: they cannot be deleted."))

    @property
    def nps_category(self) -> str:
        return nps_category(self.nps)


def nps_category(score: int | None) -> str:
    """promoter (9–10), passive (7–8), detractor (0–6), or "" without a score."""
    if score is None:
        return ""
    if score >= NPS_PROMOTER:
        return "promoter"
    return "passive" if score >= NPS_PASSIVE else "detractor"


class OptOut(models.Model):
    """A contact who asked not to be surveyed again: no invitation is made for them."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE)
    contact = models.OneToOneField(Contact, on_delete=models.CASCADE, related_name="survey_opt_out")
    at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"opt-out {self.contact_id}"


class SurveyCounts(models.Model):
    """Survey components of one manager (answers on the day answered, invitations on the day
    sent: feedback/kpi_components.py)."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, db_index=False)
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    csat_answers = models.IntegerField(default=0)
    csat_score_sum = models.IntegerField(default=0)
    csat_satisfied = models.IntegerField(default=0)
    nps_answers = models.IntegerField(default=0)
    nps_promoters = models.IntegerField(default=0)
    nps_detractors = models.IntegerField(default=0)
    survey_invitations = models.IntegerField(default=0)
    survey_responses = models.IntegerField(default=0)

    class Meta:
        abstract = True


class SurveyDailyRollup(SurveyCounts):
    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "day", "manager"], name="survey_rollup_unique_day")]
        indexes = [models.Index(fields=["org", "manager", "day"], name="survey_rollup_manager_day")]

    def __str__(self) -> str:
        return f"{self.manager_id} {self.day}"


class SurveyMonthlyRollup(SurveyCounts):
    month = models.DateField(help_text="The first day of the month.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "month", "manager"], name="survey_rollup_unique_month")]

    def __str__(self) -> str:
        return f"{self.manager_id} {self.month:%Y-%m}"
