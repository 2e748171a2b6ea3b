"""Feedback insights (客户之声分析): the organisation's topic list, and the stored analysis of each
customer text — survey comments, interaction notes, later ticket descriptions — with its date,
customer, credited manager and team, topics, sentiment and keywords (docs/feedback.md)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from pacekeeper.crm.models import Customer
from pacekeeper.lib.formatting import is_chinese
from pacekeeper.tenancy.models import Organization, Team

from .analysis import SENTIMENTS

KEYWORDS_MAX_LENGTH = 4000
EXCERPT_LENGTH = 2000


class TopicQuerySet(models.QuerySet):
    def visible_to(self, actor):
        from pacekeeper.tenancy.scopes import insight_topics_q

        return self.filter(insight_topics_q(actor))

    def active(self):
        return self.filter(is_active=True)


class Topic(models.Model):
    """One topic customers talk about: bilingual names, keywords in each language (one a line)
    and example sentences. Changing the list re-analyses the stored texts (next chore run, or
    "Re-analyse now")."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="insight_topics")
    code = models.SlugField(_("code"), max_length=40)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    keywords_zh = models.TextField(_("Chinese keywords"), max_length=KEYWORDS_MAX_LENGTH, blank=True)
    keywords_en = models.TextField(_("English keywords"), max_length=KEYWORDS_MAX_LENGTH, blank=True)
    examples = models.TextField(_("example sentences"), max_length=KEYWORDS_MAX_LENGTH, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = TopicQuerySet.as_manager()

    class Meta:
        verbose_name = _("feedback topic")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "code"],
                name="insight_topic_code_unique",
                violation_error_code="insight_topic_code_taken",
                violation_error_message=_("Another topic has this code."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_zh if is_chinese(get_language()) else self.name_en

    def keyword_list(self, language: str) -> list[str]:
        raw = self.keywords_zh if language == "zh" else self.keywords_en
        return [line.strip() for line in raw.replace("|", "\n").splitlines() if line.strip()]


class TextAnalysisQuerySet(models.QuerySet):
    def visible_to(self, actor):
        from pacekeeper.tenancy.scopes import text_analyses_q

        return self.filter(text_analyses_q(actor))


class TextAnalysis(models.Model):
    """The analysis of one stored text (`source`, `source_id`), kept up to date by the insights
    chore: re-made when the text or the topic list changes (`text_hash`, `config_hash`)."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, db_index=False)
    source = models.CharField(_("source"), max_length=32)
    source_id = models.PositiveBigIntegerField()
    day = models.DateField(_("date"))
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    excerpt = models.TextField(_("text"), max_length=EXCERPT_LENGTH)
    language = models.CharField(max_length=8)
    sentiment = models.CharField(_("sentiment"), max_length=8, choices=[(s, s) for s in SENTIMENTS])
    score = models.FloatField(default=0)
    keywords = models.JSONField(default=list)
    topics = models.ManyToManyField(Topic, through="AnalysisTopic", related_name="analyses")
    text_hash = models.CharField(max_length=32)
    config_hash = models.CharField(max_length=32)
    analysed_at = models.DateTimeField(default=timezone.now)

    objects = TextAnalysisQuerySet.as_manager()

    class Meta:
        verbose_name = _("text analysis")
        ordering = ["-day", "-pk"]
        indexes = [models.Index(fields=["org", "day"], name="insight_analysis_day")]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "source", "source_id"],
                name="insight_analysis_source_unique",
                violation_error_code="insight_analysis_duplicate",
                violation_error_message=_("This text is already analysed."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.source_id}"


class AnalysisTopic(models.Model):
    """A topic found in an analysed text (the link the topic charts count)."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, db_index=False)
    analysis = models.ForeignKey(TextAnalysis, on_delete=models.CASCADE, related_name="topic_links")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="analysis_links")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["analysis", "topic"],
                name="insight_analysis_topic_unique",
                violation_error_code="insight_analysis_topic_duplicate",
                violation_error_message=_("This topic is already linked to the text."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.analysis_id}:{self.topic_id}"
