"""The CSAT and NPS templates every organisation starts with (docs/feedback.md). Each is written
in both languages, so a contact reads it in theirs whatever the organisation's language. Seeded
for a new organisation when it is created, and for any other on first use (`templates_ensure`)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models.signals import post_save

from pacekeeper.tenancy.models import Organization

from .models import SurveyQuestion, SurveyTemplate

DEFAULTS = [
    {
        "kind": SurveyTemplate.Kind.CSAT,
        "name_zh": "客户满意度调查",
        "name_en": "Customer satisfaction survey",
        "intro_zh": "感谢您抽出一分钟时间告诉我们您对服务的感受。",
        "intro_en": "Thank you for taking a minute to tell us how we served you.",
        "questions": [
            (
                SurveyQuestion.Kind.CSAT,
                "总体而言，您对我们的服务满意吗？",
                "Overall, how satisfied are you with our service?",
                True,
            ),
            (SurveyQuestion.Kind.TEXT, "我们可以在哪些方面做得更好？", "What could we do better?", False),
        ],
    },
    {
        "kind": SurveyTemplate.Kind.NPS,
        "name_zh": "净推荐值调查",
        "name_en": "Net promoter survey",
        "intro_zh": "您的意见帮助我们改进服务。",
        "intro_en": "Your opinion helps us improve.",
        "questions": [
            (
                SurveyQuestion.Kind.NPS,
                "您有多大可能向朋友或同事推荐我们？",
                "How likely are you to recommend us to a friend or colleague?",
                True,
            ),
            (
                SurveyQuestion.Kind.TEXT,
                "您给出这个分数的主要原因是什么？",
                "What is the main reason for your score?",
                False,
            ),
        ],
    },
]


def templates_ensure(org: Organization) -> None:
    """Add the default templates the organisation lacks (by kind); running it again adds nothing,
    and an admin's edits to a seeded template stay."""
    have = set(SurveyTemplate.objects.filter(org=org, is_default=True).values_list("kind", flat=True))
    for spec in DEFAULTS:
        if spec["kind"] in have:
            continue
        try:
            with transaction.atomic():
                _create(org, spec)
        except IntegrityError:  # another request seeded it at the same moment, or a name is taken
            continue


def _create(org: Organization, spec: dict) -> None:
    fields = {key: spec[key] for key in ("kind", "name_zh", "name_en", "intro_zh", "intro_en")}
    template = SurveyTemplate.objects.create(org=org, is_default=True, **fields)
    SurveyQuestion.objects.bulk_create(
        [
            SurveyQuestion(
                org=org, template=template, position=i, kind=kind, text_zh=zh, text_en=en, is_required=required
            )
            for i, (kind, zh, en, required) in enumerate(spec["questions"])
        ]
    )


def _seed_new_organisation(sender, instance: Organization, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        org_id = instance.pk
        transaction.on_commit(lambda: _seed_if_present(org_id))


def _seed_if_present(org_id: int) -> None:
    org = Organization.objects.filter(pk=org_id).first()
    if org is not None:
        templates_ensure(org)


def connect() -> None:
    post_save.connect(_seed_new_organisation, sender=Organization, dispatch_uid="feedback.templates_ensure")
