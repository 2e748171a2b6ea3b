"""Demo training (docs/people.md): a bilingual catalogue of one course per category, a past
session of each with attendance and scores, a coming one with places left, and the account
managers' onboarding plan. Anchored on the seed's end date, so the same seed writes the same rows."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from pacekeeper.tenancy.models import Organization, Role, User
from pacekeeper.training.models import (
    Assessment,
    Course,
    Enrolment,
    OnboardingItem,
    OnboardingPlan,
    TrainingSession,
)

COURSES = [
    ("product", "理财产品知识", "Wealth products", 70),
    ("sales", "顾问式销售", "Consultative selling", 60),
    ("service", "客户投诉处理", "Handling complaints", None),
    ("crm", "客户管理系统入门", "CRM basics", None),
    ("compliance", "反洗钱合规", "Anti-money laundering", 80),
]
ONBOARDING = [("认识你的主管 Meet your lead", 0), ("完成CRM入门 CRM basics", 7), ("首次陪同拜访 First joint visit", 14)]


def make_training(org: Organization, until: dt.date) -> int:
    zone = ZoneInfo(org.time_zone)
    lead = User.objects.filter(org=org, role=Role.LEAD).order_by("pk").first()
    managers = list(User.objects.filter(org=org, role=Role.MANAGER).order_by("pk")[:8])
    if lead is None:
        return 0
    for index, (category, zh, en, mark) in enumerate(COURSES):
        course = Course.objects.create(
            org=org, category=category, title_zh=zh, title_en=en, pass_mark=mark, product_line=""
        )
        past = dt.datetime.combine(until - dt.timedelta(days=30 - index), dt.time(14), tzinfo=zone)
        coming = dt.datetime.combine(until + dt.timedelta(days=7 + index), dt.time(14), tzinfo=zone)
        for starts, attended in ((past, True), (coming, False)):
            session = TrainingSession.objects.create(
                org=org,
                course=course,
                trainer=lead,
                place="总部三楼培训室 HQ training room 3",
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=2),
                capacity=6,
                created_by=lead,
            )
            for number, person in enumerate(managers[:5] if attended else managers[:3]):
                Enrolment.objects.create(
                    org=org,
                    session=session,
                    person=person,
                    status=Enrolment.Status.ENROLLED,
                    enrolled_by=person,
                    created_at=starts - dt.timedelta(days=3),
                    attended_at=starts + dt.timedelta(minutes=number) if attended else None,
                )
                if attended and mark is not None:
                    score = 55 + (number * 9 + index * 7) % 45
                    Assessment.objects.create(
                        org=org,
                        course=course,
                        person=person,
                        score=score,
                        pass_mark=mark,
                        passed=score >= mark,
                        assessed_by=lead,
                        assessed_at=starts + dt.timedelta(hours=3),
                    )
    plan = OnboardingPlan.objects.create(org=org, role=Role.MANAGER, title="客户经理入职 Account manager onboarding")
    for title, days in ONBOARDING:
        OnboardingItem.objects.create(org=org, plan=plan, title=title, due_after_days=days)
    return len(COURSES)
