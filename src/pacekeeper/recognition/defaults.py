"""The badges every organisation starts with, in both languages (docs/recognition.md). The org
admin may deactivate one; its awards stay."""

from django.db.models.signals import post_save

from pacekeeper.tenancy.models import Organization

from .models import Badge, Rule

# (code, rule, metric, name zh, name en, description zh, description en)
DEFAULT_BADGES = [
    (
        "three-months-at-target",
        Rule.MONTHS_AT_TARGET,
        "sales_amount",
        "连续三月达标",
        "Three months at target",
        "连续三个月销售额目标达成率不低于100%。",
        "Sales goal attainment of at least 100 % three months in a row.",
    ),
    (
        "top-new-customers",
        Rule.TOP_NEW_CUSTOMERS,
        "new_customers",
        "季度拓客之星",
        "Top new-customer winner",
        "本季度团队中新增客户最多。",
        "Most new customers won in the team this quarter.",
    ),
    (
        "full-follow-up",
        Rule.FULL_FOLLOW_UP,
        "follow_up_compliance",
        "跟进全达标",
        "Every follow-up on time",
        "当月客户跟进及时率100%。",
        "100 % follow-up compliance for a month.",
    ),
    (
        "team-spirit",
        Rule.MANUAL,
        "",
        "团队之星",
        "Team spirit",
        "由主管颁发：乐于助人，团队合作出色。",
        "Awarded by a lead: helps others, a great team player.",
    ),
    (
        "customer-hero",
        Rule.MANUAL,
        "",
        "客户服务之星",
        "Customer hero",
        "由主管颁发：出色的客户服务。",
        "Awarded by a lead: outstanding service to a customer.",
    ),
]


def badges_seed(org: Organization) -> int:
    """Add the default badges the organisation lacks (by code). Returns how many were added."""
    have = set(Badge.objects.filter(org=org).values_list("code", flat=True))
    rows = [
        Badge(
            org=org,
            code=code,
            rule=rule,
            metric=metric,
            name_zh=name_zh,
            name_en=name_en,
            description_zh=description_zh,
            description_en=description_en,
        )
        for code, rule, metric, name_zh, name_en, description_zh, description_en in DEFAULT_BADGES
        if code not in have
    ]
    Badge.objects.bulk_create(rows)
    return len(rows)


def _on_organisation_saved(sender, instance: Organization, created: bool, raw: bool = False, **kwargs) -> None:
    """No service creates organisations (the admin site, the demo and the seed command do), so
    the badges follow the row itself, in the same transaction."""
    if created and not raw:
        badges_seed(instance)


def connect() -> None:
    post_save.connect(_on_organisation_saved, sender=Organization, dispatch_uid="recognition_default_badges")
