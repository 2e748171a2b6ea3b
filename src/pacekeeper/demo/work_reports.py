"""Demo work reports for the first team: last week's reports of most of its account managers,
through the services (figures from the KPI engine, notifications to the lead), one read and
commented by the lead, one request for help made a task — and one person who has not reported,
so the team page's missing-reports panel has something to show."""

from __future__ import annotations

import datetime as dt

from pacekeeper.errors import ValidationFailed
from pacekeeper.tenancy.models import Organization, Role, TeamMembership
from pacekeeper.tenancy.scopes import actor_for
from pacekeeper.workreports import services

# (sales progress, customer feedback, news [(text, competitor, product, region)], plans, help)
REPORTS = [
    (
        "两家重点客户续约谈妥，一家新开户。",
        "客户反映手机银行转账限额偏低。",
        [("某股份行对小微贷款利率下调 20 个基点", "某股份行", "小微贷款", "浦东")],
        "下周拜访三家制造业客户，推进供应链金融方案。",
        ["需要产品经理陪同拜访制造业客户"],
    ),
    (
        "本周以电话回访为主，跟进两个商机。",
        "两位客户对理财产品到期提醒表示满意。",
        [("竞争对手推出企业微信开户服务", "城商行", "企业开户", "徐汇")],
        "完成 5 次上门拜访。",
        [],
    ),
    ("新增一家中型客户，签订代发工资协议。", "", [], "跟进代发工资落地。", ["需要法务审核合同条款"]),
    (
        "客户拜访按计划完成。",
        "有客户询问跨境结算费用。",
        [("外资行跨境结算费率优惠", "外资行", "跨境结算", "")],
        "",
        [],
    ),
]


def make_work_reports(org: Organization, until: dt.date) -> int:
    lead_row = TeamMembership.objects.current(until).filter(org=org, is_lead=True).order_by("team_id").first()
    if lead_row is None:
        return 0
    members = [
        row.user
        for row in TeamMembership.objects.current(until)
        .filter(org=org, team_id=lead_row.team_id, is_lead=False, user__role=Role.MANAGER)
        .select_related("user", "org")
        .order_by("user__username")
    ]
    last_week = until - dt.timedelta(days=7)
    lead = actor_for(lead_row.user, channel="system")
    made = 0
    for person, (progress, feedback, news, plans, helps) in zip(members, REPORTS, strict=False):
        actor = actor_for(person, channel="system")
        try:
            report = services.work_report_start(actor=actor, day=last_week)
        except ValidationFailed:  # data seeded for a date ahead of today: that week has not started
            return made
        changes = {
            "sales_progress": progress,
            "customer_feedback": feedback,
            "plans": plans,
            "news": [{"text": t, "competitor": c, "product": p, "region": r} for t, c, p, r in news],
            "help_needed": helps,
        }
        services.work_report_update(actor=actor, report=report, changes=changes)
        services.work_report_submit(actor=actor, report=report)
        if made == 0 and lead is not None:
            services.work_report_comment(actor=lead, report=report, body="续约做得好。制造业客户我来协调产品经理。")
            services.help_item_to_task(actor=lead, item=report.help_items.get())
            services.work_report_mark_read(actor=lead, report=report)
        made += 1
    return made
